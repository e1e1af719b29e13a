/**
 * Nothing new is written with wider permissions than 0600 (files) / 0700 (directories), checked for every writer with
 * the umask cleared (umask 000), so a mode the code forgets to restrict shows up instead of being hidden by the usual
 * 022 / 077: the docker config service (config, temp files, backups, restore), `ci --output`, and the helper binary
 * install. Documented exceptions: the installed helper binary is 0755 (an executable others may run) and a bin
 * directory it creates (~/.local/bin, meant for PATH) is 0755. Files that already exist keep their own mode.
 * The credential helper's cache (AWS_ECR_CACHE_DIR) is never touched.
 */
import {createHash} from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import {chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {writeFileWithConsent} from '../../../source/commands/ci.js';
import type {CommandContext} from '../../../source/commands/types.js';
import {createCredentialHelperService} from '../../../source/credential-helper/service.js';
import {createDockerConfigService} from '../../../source/docker-config/service.js';
import type {PlatformInfo} from '../../../source/credential-helper/types.js';
import {createFakeRunner} from '../../helpers/fake-runner.js';
import {createFakeServices, createRecordingIo} from '../../helpers/fake-services.js';
import {report} from '../../helpers/report.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
let root: string;
let savedUmask: number;
const figures = {writers: 0, 'files checked': 0, 'dirs checked': 0, 'temp files seen': 0, 'too wide': 0};

beforeAll(() => {
	savedUmask = process.umask(0);
});

afterAll(() => {
	process.umask(savedUmask);
	report('secrets: file permissions (umask 000)', {...figures, exceptions: 'helper binary 0755, its new bin dir 0755'});
});

beforeEach(async () => {
	root = await mkdtemp(join(tmpdir(), 'ecr-perms-'));
	await chmod(root, 0o700);
});

afterEach(async () => {
	await rm(root, {recursive: true, force: true});
});

type Entry = {path: string; mode: number; dir: boolean};

async function walk(dir: string): Promise<Entry[]> {
	const out: Entry[] = [];
	for (const name of await readdir(dir)) {
		const full = join(dir, name);
		const info = await lstat(full);
		out.push({path: full, mode: info.mode & 0o7777, dir: info.isDirectory()});
		if (info.isDirectory()) out.push(...(await walk(full)));
	}

	return out;
}

/** Entries that are new since `before`, each no wider than 0600 / 0700 unless listed in `exceptions` (path → mode). */
async function expectNarrow(before: Entry[], exceptions: Record<string, number> = {}): Promise<Entry[]> {
	figures.writers++;
	const old = new Set(before.map((entry) => entry.path));
	const fresh = (await walk(root)).filter((entry) => !old.has(entry.path));
	for (const entry of fresh) {
		const name = relative(root, entry.path);
		if (entry.dir) figures['dirs checked']++;
		else figures['files checked']++;
		if (entry.path in exceptions) {
			expect(entry.mode.toString(8), name).toBe(exceptions[entry.path]!.toString(8));
			continue;
		}

		const allowed = entry.dir ? 0o700 : 0o600;
		if ((entry.mode & ~allowed) !== 0) figures['too wide']++;
		expect((entry.mode & ~allowed).toString(8), `${name} is ${entry.mode.toString(8)}`).toBe('0');
	}

	return fresh;
}

/** The real fs, with the mode of every file that is renamed into place recorded at the moment of the rename. */
function recordingFs(seen: Array<{path: string; mode: number}>) {
	return new Proxy(nodeFs, {
		get(target, property, receiver) {
			if (property === 'rename') {
				return async (from: string, to: string) => {
					seen.push({path: from, mode: (await stat(from)).mode & 0o7777});
					return target.rename(from, to);
				};
			}

			if (property === 'link') {
				return async (from: string, to: string) => {
					seen.push({path: from, mode: (await stat(from)).mode & 0o7777});
					return target.link(from, to);
				};
			}

			return Reflect.get(target, property, receiver) as unknown;
		},
	});
}

describe('docker config writes', () => {
	it('a new config in a missing directory: directory 0700, config 0600, temp files 0600', async () => {
		const dir = join(root, 'home', '.docker');
		const seen: Array<{path: string; mode: number}> = [];
		const service = createDockerConfigService({dir, env: {}, fs: recordingFs(seen)});
		const before = await walk(root);
		const config = await service.read();
		await service.apply(config, service.plan(config, [{type: 'set-cred-helper', host: HOST, helper: 'ecr-login'}]));
		const fresh = await expectNarrow(before);
		expect(fresh.map((entry) => relative(root, entry.path)).sort()).toEqual([
			'home',
			'home/.docker',
			'home/.docker/config.json',
		]);
		expect(seen.length).toBeGreaterThan(0);
		for (const temp of seen) expect(temp.mode.toString(8), temp.path).toBe('600');
		figures['temp files seen'] += seen.length;
	});

	it('an existing 0644 config keeps its mode; the backup and temp files are 0600; restore too', async () => {
		const dir = join(root, '.docker');
		await mkdir(dir, {mode: 0o755});
		await writeFile(join(dir, 'config.json'), '{\n\t"auths": {}\n}\n', {mode: 0o644});
		const seen: Array<{path: string; mode: number}> = [];
		const service = createDockerConfigService({dir, env: {}, fs: recordingFs(seen)});
		let before = await walk(root);
		const config = await service.read();
		const applied = await service.apply(
			config,
			service.plan(config, [{type: 'set-cred-helper', host: HOST, helper: 'ecr-login'}]),
		);
		const fresh = await expectNarrow(before);
		expect(fresh.map((entry) => entry.path)).toEqual([applied.backupPath]);
		expect(((await stat(join(dir, 'config.json'))).mode & 0o777).toString(8)).toBe('644');

		before = await walk(root);
		const restored = await service.restore(applied.backupPath);
		await expectNarrow(before);
		expect(restored.backupPath).toBeDefined();
		expect(((await stat(join(dir, 'config.json'))).mode & 0o777).toString(8)).toBe('644');
		for (const temp of seen) expect(temp.mode.toString(8), temp.path).toMatch(/^6[04]{2}$/);
		// A config temp file is created 0600 and given the config's own 0644 just before the rename (docker's Save keeps the mode too).
		figures['temp files seen'] += seen.length;
	});
});

describe('ci --output', () => {
	it('a new pipeline file in new directories: file 0600, directories 0700', async () => {
		const io = createRecordingIo({yes: true});
		const context = {
			services: createFakeServices(),
			io,
			options: {json: false, yes: true, dryRun: false},
		} as unknown as CommandContext;
		const output = join(root, 'repo', '.github', 'workflows', 'ecr.yml');
		const before = await walk(root);
		await writeFileWithConsent(context, output, '.github/workflows/ecr.yml', 'name: ecr\non: push\n');
		const fresh = await expectNarrow(before);
		expect(fresh.map((entry) => relative(root, entry.path)).sort()).toEqual([
			'repo',
			'repo/.github',
			'repo/.github/workflows',
			'repo/.github/workflows/ecr.yml',
		]);
		expect(await readFile(output, 'utf8')).toBe('name: ecr\non: push\n');
	});

	it('an existing pipeline file keeps its mode', async () => {
		const output = join(root, 'bitbucket-pipelines.yml');
		await writeFile(output, 'old\n', {mode: 0o664});
		const io = createRecordingIo({yes: true});
		const context = {
			services: createFakeServices(),
			io,
			options: {json: false, yes: true, dryRun: false},
		} as unknown as CommandContext;
		const before = await walk(root);
		await writeFileWithConsent(context, output, 'bitbucket-pipelines.yml', 'new\n');
		await expectNarrow(before);
		expect(((await stat(output)).mode & 0o777).toString(8)).toBe('664');
	});
});

describe('helper binary install', () => {
	it('downloads into a 0600 temp file, installs the binary 0755; the ecr-login cache is untouched', async () => {
		const home = join(root, 'home');
		const cache = join(home, '.ecr');
		await mkdir(join(cache, 'log'), {recursive: true, mode: 0o700});
		await writeFile(join(cache, 'cache.json'), '{"registries":{}}', {mode: 0o600});
		const cacheBefore = await walk(cache);
		const cacheBytes = await readFile(join(cache, 'cache.json'));
		const binary = '#!/bin/sh\n[ "$1" = version ] && echo 0.12.0\n';
		const sum = createHash('sha256').update(binary).digest('hex');
		const tempModes: number[] = [];
		const bin = join(home, '.local', 'bin');
		const fetchImpl = (async (url: string | URL) => {
			if (String(url).endsWith('.sha256')) return new Response(`${sum}  docker-credential-ecr-login\n`);
			// While the body streams, the temp file exists: record its mode between the two chunks.
			const body = new ReadableStream<Uint8Array>({
				async start(controller) {
					controller.enqueue(new TextEncoder().encode(binary.slice(0, 10)));
					await new Promise((resolve) => setTimeout(resolve, 50));
					for (const name of await readdir(bin).catch(() => [] as string[])) {
						if (name.endsWith('.tmp')) tempModes.push((await stat(join(bin, name))).mode & 0o7777);
					}

					controller.enqueue(new TextEncoder().encode(binary.slice(10)));
					controller.close();
				},
			});
			return new Response(body);
		}) as typeof fetch;
		const helper = createCredentialHelperService({
			runner: createFakeRunner([
				{file: join(bin, 'docker-credential-ecr-login'), args: ['version'], result: {stdout: '0.12.0'}, repeat: true},
			]),
			env: {PATH: bin, AWS_ECR_CACHE_DIR: cache},
			platform: 'linux',
			arch: 'x64',
			home,
			uid: 1000,
			fetch: fetchImpl,
			releaseBaseUrl: 'https://releases.invalid',
			releaseVersion: '0.12.0',
			checksums: {'0.12.0': {'linux-amd64': {sha256: sum, source: 'test'}}},
		});
		const platform: PlatformInfo = {os: 'linux', arch: 'x64', isRoot: false, isWsl: false, packageManagers: [], home};
		const plan = helper.installPlans(platform).find((candidate) => candidate.method === 'binary')!;
		expect(plan.target?.path).toBe(join(bin, 'docker-credential-ecr-login'));
		const before = await walk(root);
		await helper.install(plan);
		await expectNarrow(before, {
			[join(home, '.local')]: 0o755,
			[bin]: 0o755,
			[join(bin, 'docker-credential-ecr-login')]: 0o755,
		});
		expect(tempModes.map((mode) => mode.toString(8))).toEqual(['600']);
		figures['temp files seen'] += tempModes.length;
		expect(await walk(cache)).toEqual(cacheBefore);
		expect(await readFile(join(cache, 'cache.json'))).toEqual(cacheBytes);
	});
});
