/**
 * The release-binary install against a real HTTPS server on 127.0.0.1 (a self-signed certificate the fetch trusts through
 * AWS_CA_BUNDLE, as a user's private CA would be): the table of known sums, the release's .sha256, HTTPS only, and
 * nothing left behind when a check fails.
 */
import {createHash} from 'node:crypto';
import {mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {createProxyFetch} from '../../source/aws/proxy-fetch.js';
import {CancelledError, UserError} from '../../source/errors/user-errors.js';
import type {ChecksumTable} from '../../source/credential-helper/release-checksums.js';
import {createCredentialHelperService} from '../../source/credential-helper/service.js';
import type {PlatformInfo} from '../../source/credential-helper/types.js';
import {createProcessRunner} from '../../source/process/runner.js';
import {selfSignedCertificate} from '../helpers/aws-stand-in/tls.js';

const BINARY = '#!/bin/sh\n[ "$1" = version ] && echo 0.12.0\n';
const GOOD_SUM = createHash('sha256').update(BINARY).digest('hex');
const OTHER_SUM = 'f'.repeat(64);
const SOURCE = 'https://example.invalid/published-sums';

let root: string;
let home: string;
let caFile: string;
let server: https.Server;
let plain: http.Server;
let baseUrl: string;
let plainUrl: string;
let checksumBody = '';
let binaryStatus = 200;
const requests: string[] = [];

beforeAll(async () => {
	const {key, cert} = selfSignedCertificate();
	const dir = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-release-ca-'));
	caFile = path.join(dir, 'ca.pem');
	await writeFile(caFile, cert);
	const handler = (request: http.IncomingMessage, response: http.ServerResponse) => {
		requests.push(request.url ?? '');
		const url = request.url ?? '';
		if (url.startsWith('/moved/')) {
			response.writeHead(302, {location: `${plainUrl}/${url.slice('/moved/'.length)}`});
			response.end();
			return;
		}

		const file = url.replace(/^\/[\d.]+\/linux-amd64\//, '/');
		if (file === '/docker-credential-ecr-login.sha256') {
			response.writeHead(200, {'content-type': 'text/plain'});
			response.end(checksumBody);
			return;
		}

		if (file === '/docker-credential-ecr-login' && binaryStatus === 200) {
			response.writeHead(200, {'content-type': 'application/octet-stream'});
			response.end(BINARY);
			return;
		}

		response.writeHead(404);
		response.end('not found');
	};

	server = https.createServer({key, cert}, handler);
	plain = http.createServer(handler);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
	baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
	plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	plain.closeAllConnections();
	await Promise.all([
		new Promise((resolve) => server.close(resolve)),
		new Promise((resolve) => plain.close(resolve)),
		rm(path.dirname(caFile), {recursive: true, force: true}),
	]);
});

beforeEach(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-release-'));
	home = path.join(root, 'home');
	await mkdir(home);
	checksumBody = `${GOOD_SUM}  docker-credential-ecr-login\n`;
	binaryStatus = 200;
	requests.length = 0;
});

afterEach(async () => {
	await rm(root, {recursive: true, force: true});
});

const userBin = () => path.join(home, '.local', 'bin');
const target = () => path.join(userBin(), 'docker-credential-ecr-login');

function platform(): PlatformInfo {
	return {os: 'linux', arch: 'x64', isRoot: false, isWsl: false, packageManagers: [], home};
}

/** A table that knows the test binary as 0.12.0 for linux-amd64 (the shipped table knows the real release). */
function tableWith(sha256: string): ChecksumTable {
	return {'0.12.0': {'linux-amd64': {sha256, source: SOURCE}}};
}

function helperAt(
	options: {base?: string; env?: Record<string, string>; checksums?: ChecksumTable; version?: string} = {},
) {
	const env = {PATH: userBin(), AWS_CA_BUNDLE: caFile, ...options.env};
	const helper = createCredentialHelperService({
		runner: createProcessRunner(),
		env,
		platform: 'linux',
		arch: 'x64',
		home,
		fetch: createProxyFetch({env}),
		...('base' in options ? (options.base ? {releaseBaseUrl: options.base} : {}) : {releaseBaseUrl: baseUrl}),
		checksums: options.checksums ?? tableWith(GOOD_SUM),
	});
	const plan = helper
		.installPlans(platform(), options.version ? {version: options.version} : {})
		.find((candidate) => candidate.method === 'binary')!;
	return {helper, plan};
}

async function failure(promise: Promise<unknown>): Promise<UserError> {
	const error = await promise.then(
		() => undefined,
		(error_: unknown) => error_,
	);
	expect(error).toBeInstanceOf(UserError);
	return error as UserError;
}

async function nothingInstalled(): Promise<void> {
	// Not the file, not a temp file, not even the directories the install would have created.
	expect(await readdir(home)).toEqual([]);
}

describe('a release the table knows', () => {
	it('downloads, checks the table and the .sha256, installs 0755 into ~/.local/bin, and finds it on PATH', async () => {
		const {helper, plan} = helperAt();
		expect(plan.download?.known).toEqual({sha256: GOOD_SUM, source: SOURCE});
		expect(plan.description).toContain("against ecr-setup's table of known sums");
		const lines: string[] = [];
		const info = await helper.install(plan, {onLine: (line) => lines.push(line)});
		expect(info).toEqual({name: 'ecr-login', path: target(), version: '0.12.0'});
		expect(await readFile(target(), 'utf8')).toBe(BINARY);
		expect((await stat(target())).mode & 0o777).toBe(0o755);
		expect(await readdir(userBin())).toEqual(['docker-credential-ecr-login']);
		expect(requests).toEqual([
			'/0.12.0/linux-amd64/docker-credential-ecr-login.sha256',
			'/0.12.0/linux-amd64/docker-credential-ecr-login',
		]);
		expect(lines).toContain(
			`SHA-256 ${GOOD_SUM} matches ecr-setup's table of known sums and the release's .sha256 (${BINARY.length} bytes)`,
		);
	});

	it('not on PATH: installs anyway, returns the path and says how to add the directory', async () => {
		const {helper, plan} = helperAt({env: {PATH: '/nonexistent', SHELL: '/bin/bash'}});
		expect(plan.target?.onPath).toBe(false);
		const lines: string[] = [];
		const info = await helper.install(plan, {onLine: (line) => lines.push(line)});
		expect(info).toEqual({name: 'ecr-login', path: target(), version: '0.12.0'});
		expect(lines.at(-1)).toBe(
			`${userBin()} is not on PATH yet: echo 'export PATH="$HOME/.local/bin:$PATH"' >> ~/.bashrc — then open a new terminal.`,
		);
	});

	it('replaces an older helper in place', async () => {
		await mkdir(userBin(), {recursive: true});
		await writeFile(target(), '#!/bin/sh\necho 0.1.0\n', {mode: 0o755});
		const {helper, plan} = helperAt();
		expect((await helper.install(plan)).version).toBe('0.12.0');
		expect(await readdir(userBin())).toEqual(['docker-credential-ecr-login']);
	});

	it('the table says X, the server serves Y (with a matching .sha256): refused before the binary is fetched', async () => {
		const {helper, plan} = helperAt({checksums: tableWith(OTHER_SUM)});
		const error = await failure(helper.install(plan));
		expect(error.code).toBe('helper.checksum-mismatch');
		expect(error.message).toContain(OTHER_SUM);
		expect(error.message).toContain(GOOD_SUM);
		expect(error.hint).toContain(SOURCE);
		expect(requests).toEqual(['/0.12.0/linux-amd64/docker-credential-ecr-login.sha256']);
		await nothingInstalled();
		expect(await helper.find()).toBeNull();
	});

	it('the table and the .sha256 agree, the download does not: refused, nothing left behind', async () => {
		const {helper, plan} = helperAt({checksums: tableWith(OTHER_SUM)});
		checksumBody = `${OTHER_SUM}  docker-credential-ecr-login\n`;
		const error = await failure(helper.install(plan));
		expect(error.code).toBe('helper.checksum-mismatch');
		expect(error.message).toBe(
			`The downloaded helper does not match its published SHA-256 (expected ${OTHER_SUM}, got ${GOOD_SUM}). Nothing was installed.`,
		);
		await nothingInstalled();
	});

	it('a mismatch leaves an existing helper untouched', async () => {
		await mkdir(userBin(), {recursive: true});
		await writeFile(target(), '#!/bin/sh\necho 0.1.0\n', {mode: 0o755});
		const {helper, plan} = helperAt({checksums: tableWith(OTHER_SUM)});
		await expect(helper.install(plan)).rejects.toMatchObject({code: 'helper.checksum-mismatch'});
		expect(await readFile(target(), 'utf8')).toBe('#!/bin/sh\necho 0.1.0\n');
		expect(await readdir(userBin())).toEqual(['docker-credential-ecr-login']);
	});

	it('a checksum file without a checksum, or a missing binary, installs nothing', async () => {
		checksumBody = '<html>AccessDenied</html>';
		const first = helperAt();
		await expect(first.helper.install(first.plan)).rejects.toMatchObject({code: 'helper.checksum-invalid'});
		checksumBody = `${GOOD_SUM}\n`;
		binaryStatus = 404;
		const second = helperAt();
		await expect(second.helper.install(second.plan)).rejects.toMatchObject({
			code: 'helper.download-failed',
			message: expect.stringContaining('HTTP 404'),
		});
		await nothingInstalled();
	});

	it('an aborted install is a CancelledError and leaves nothing behind', async () => {
		const {helper, plan} = helperAt();
		const controller = new AbortController();
		controller.abort();
		await expect(helper.install(plan, {signal: controller.signal})).rejects.toBeInstanceOf(CancelledError);
		await nothingInstalled();
	});

	it('an unreachable server is a download error, not a crash', async () => {
		const {helper, plan} = helperAt({base: 'https://127.0.0.1:9'});
		await expect(helper.install(plan)).rejects.toMatchObject({code: 'helper.download-failed'});
	});
});

describe('a release the table does not know', () => {
	it('is refused without consent, before anything is downloaded, and the error names --allow-unverified', async () => {
		const {helper, plan} = helperAt({version: '0.13.0'});
		expect(plan.download?.known).toBeUndefined();
		expect(plan.description).toContain('unverified');
		const error = await failure(helper.install(plan));
		expect(error.code).toBe('helper.unverified');
		expect(error.message).toContain('0.13.0 for linux-amd64');
		expect(error.hint).toContain('--allow-unverified');
		expect(requests).toEqual([]);
		await nothingInstalled();
	});

	it('with consent: checked by its .sha256 and installed, and the output says it is unverified', async () => {
		const {helper, plan} = helperAt({version: '0.13.0'});
		const lines: string[] = [];
		const info = await helper.install(plan, {allowUnverified: true, onLine: (line) => lines.push(line)});
		expect(info.path).toBe(target());
		expect(requests).toEqual([
			'/0.13.0/linux-amd64/docker-credential-ecr-login.sha256',
			'/0.13.0/linux-amd64/docker-credential-ecr-login',
		]);
		expect(lines).toContain(
			`SHA-256 ${GOOD_SUM} matches the release's .sha256 (${BINARY.length} bytes); UNVERIFIED: 0.13.0 is not in ecr-setup's table of known sums`,
		);
	});

	it('with consent, a .sha256 mismatch is still refused', async () => {
		checksumBody = `${OTHER_SUM}\n`;
		const {helper, plan} = helperAt({version: '0.13.0'});
		await expect(helper.install(plan, {allowUnverified: true})).rejects.toMatchObject({
			code: 'helper.checksum-mismatch',
		});
		await nothingInstalled();
	});
});

describe('HTTPS only', () => {
	it('an http:// release URL is refused before any request, even a loopback one', async () => {
		const {helper, plan} = helperAt({base: plainUrl});
		const error = await failure(helper.install(plan));
		expect(error.code).toBe('helper.insecure-url');
		expect(error.message).toContain(`${plainUrl}/0.12.0/linux-amd64/docker-credential-ecr-login`);
		expect(requests).toEqual([]);
		await nothingInstalled();
	});

	it('ECR_SETUP_HELPER_RELEASE_URL names a mirror: https is used, http is refused', async () => {
		const mirror = helperAt({base: undefined, env: {ECR_SETUP_HELPER_RELEASE_URL: baseUrl}});
		expect(mirror.plan.download?.url).toBe(`${baseUrl}/0.12.0/linux-amd64/docker-credential-ecr-login`);
		expect((await mirror.helper.install(mirror.plan)).path).toBe(target());

		await rm(path.join(home, '.local'), {recursive: true});
		requests.length = 0;
		const insecure = helperAt({base: undefined, env: {ECR_SETUP_HELPER_RELEASE_URL: plainUrl}});
		await expect(insecure.helper.install(insecure.plan)).rejects.toMatchObject({code: 'helper.insecure-url'});
		expect(requests).toEqual([]);
		await nothingInstalled();
	});

	it('a redirect from https to http is refused, nothing installed', async () => {
		const {helper, plan} = helperAt({base: `${baseUrl}/moved`});
		const error = await failure(helper.install(plan));
		expect(error.code).toBe('helper.insecure-url');
		expect(error.message).toContain(plainUrl);
		await nothingInstalled();
	});

	it('without a base URL the plan points at the official release server', () => {
		const {plan} = helperAt({base: undefined});
		expect(plan.download?.url).toBe(
			'https://amazon-ecr-credential-helper-releases.s3.us-east-2.amazonaws.com/0.12.0/linux-amd64/docker-credential-ecr-login',
		);
	});
});
