/**
 * scripts/refresh-helper-checksums.mjs run as a process against a loopback HTTPS release server and a releases list
 * (the real ones are on the internet): what it adds, what it keeps, and that it writes nothing on a conflict.
 */
import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {selfSignedCertificate} from '../helpers/aws-stand-in/tls.js';

const SCRIPT = path.join(import.meta.dirname, '..', '..', 'scripts', 'refresh-helper-checksums.mjs');
const sum = (character: string) => character.repeat(64);

let dir: string;
let caFile: string;
let server: https.Server;
let base: string;
/** path → body; anything else is a 403, as the bucket answers for a file that is not there. */
let files: Record<string, string> = {};
const seen: string[] = [];

beforeAll(async () => {
	const {key, cert} = selfSignedCertificate();
	dir = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-refresh-'));
	caFile = path.join(dir, 'ca.pem');
	await writeFile(caFile, cert);
	server = https.createServer({key, cert}, (request, response) => {
		seen.push(request.url ?? '');
		const body = files[request.url ?? ''];
		response.writeHead(body === undefined ? 403 : 200);
		response.end(body ?? '<Error><Code>AccessDenied</Code></Error>');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
	await rm(dir, {recursive: true, force: true});
});

beforeEach(() => {
	seen.length = 0;
	files = {
		'/releases': JSON.stringify([
			{tag_name: 'v0.13.0'},
			{tag_name: 'v0.14.0-rc1', prerelease: true},
			{tag_name: 'v0.15.0', draft: true},
			{tag_name: 'v0.12.0'},
			{tag_name: 'v0.5.0'},
		]),
		'/0.13.0/linux-amd64/docker-credential-ecr-login.sha256': `${sum('1')}  docker-credential-ecr-login\n`,
		'/0.13.0/windows-amd64/docker-credential-ecr-login.exe.sha256': `${sum('2').toUpperCase()}\n`,
		'/0.12.0/linux-amd64/docker-credential-ecr-login.sha256': `${sum('a')}  docker-credential-ecr-login\n`,
	};
});

const PINNED = {sha256: sum('a'), source: 'https://example.test/where-it-was-published'};

async function tableFile(): Promise<string> {
	const file = path.join(dir, `table-${Math.random().toString(36).slice(2)}.json`);
	await writeFile(
		file,
		`${JSON.stringify({about: 'kept', versions: {'0.12.0': {'linux-amd64': PINNED}}}, null, '\t')}\n`,
	);
	return file;
}

function refresh(file: string, ...extra: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			[SCRIPT, '--releases-url', `${base}/releases`, '--base-url', base, '--file', file, ...extra],
			{env: {PATH: process.env['PATH'] ?? '', NODE_EXTRA_CA_CERTS: caFile}, timeout: 30_000},
			(error, stdout, stderr) => resolve({code: error ? Number(error.code ?? 1) : 0, stdout, stderr}),
		);
	});
}

describe('refresh-helper-checksums', () => {
	it('adds the sums of releases since --since, keeps pinned entries and their source, skips drafts and pre-releases', async () => {
		const file = await tableFile();
		const result = await refresh(file);
		expect(result.code, result.stderr).toBe(0);
		const written = JSON.parse(await readFile(file, 'utf8'));
		expect(written).toEqual({
			about: 'kept',
			versions: {
				'0.13.0': {
					'linux-amd64': {sha256: sum('1'), source: `${base}/0.13.0/linux-amd64/docker-credential-ecr-login.sha256`},
					'windows-amd64': {
						sha256: sum('2'),
						source: `${base}/0.13.0/windows-amd64/docker-credential-ecr-login.exe.sha256`,
					},
				},
				'0.12.0': {'linux-amd64': PINNED},
			},
		});
		// Newest first in the file too, so a refresh's diff is small.
		expect(Object.keys(written.versions)).toEqual(['0.13.0', '0.12.0']);
		expect(
			seen.some((url) => url.startsWith('/0.5.0/') || url.startsWith('/0.14.0') || url.startsWith('/0.15.0')),
		).toBe(false);
		expect(result.stdout).toContain('added 2.');

		const before = await readFile(file, 'utf8');
		const again = await refresh(file);
		expect(again.code).toBe(0);
		expect(again.stdout).toContain('added 0.');
		expect(await readFile(file, 'utf8')).toBe(before);
	});

	it('a pinned sum the server now answers differently stops it: exit 1, the conflict named, nothing written', async () => {
		files['/0.12.0/linux-amd64/docker-credential-ecr-login.sha256'] = `${sum('b')}\n`;
		const file = await tableFile();
		const before = await readFile(file, 'utf8');
		const result = await refresh(file);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain(`CONFLICT 0.12.0 linux-amd64: the server says ${sum('b')}, the table ${sum('a')}`);
		expect(await readFile(file, 'utf8')).toBe(before);
	});

	it('--check reports what it would add and writes nothing; http:// is refused', async () => {
		const file = await tableFile();
		const before = await readFile(file, 'utf8');
		const check = await refresh(file, '--check');
		expect(check.code).toBe(1);
		expect(check.stdout).toContain('would add 2.');
		expect(await readFile(file, 'utf8')).toBe(before);

		const insecure = await refresh(file, '--base-url', base.replace('https:', 'http:'));
		expect(insecure.code).toBe(2);
		expect(insecure.stderr).toContain('HTTPS only');
		expect(await readFile(file, 'utf8')).toBe(before);
	});
});
