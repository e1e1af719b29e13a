/**
 * Faults around a config write: a failure injected at every file-system step, a real full disk (a tiny tmpfs in a private
 * mount namespace), a real read-only file system, a directory the user may not write, a file owned by someone else,
 * symlinks, and a `docker login` landing between our read and our write. Each ends in a clear UserError or the right
 * result, and the original bytes are intact.
 */
import {spawnSync} from 'node:child_process';
import * as fs from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ConfigChangedError} from '../../../source/docker-config/errors.js';
import {UserError} from '../../../source/errors/user-errors.js';
import {createDockerConfigService} from '../../../source/docker-config/service.js';
import type {FileSystem as ConfigFileSystem} from '../../../source/files/atomic-file.js';
import type {ConfigChange, DockerConfigService} from '../../../source/docker-config/types.js';
import {
	bundleConfigService,
	canDropPrivileges,
	canMountTmpfs,
	dockerCli,
	dockerRejects,
	isRoot,
	makeTempRoot,
	report,
	runChild,
} from '../../helpers/reliability.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const SET_HELPER: ConfigChange = {type: 'set-cred-helper', host: HOST, helper: 'ecr-login'};
const ORIGINAL = '{\n\t"auths": {\n\t\t"other.example": {}\n\t},\n\t"x-keep": [1, "two"]\n}\n';

let root: string;
let counter = 0;

/** A config directory; `null` = no config.json in it. */
async function freshDir(content: string | null = ORIGINAL, mode = 0o600): Promise<string> {
	const dir = join(root, `case-${++counter}`, '.docker');
	await fs.mkdir(dir, {recursive: true, mode: 0o755});
	if (content !== null) {
		await fs.writeFile(join(dir, 'config.json'), content);
		await fs.chmod(join(dir, 'config.json'), mode);
	}

	return dir;
}

async function configure(service: DockerConfigService) {
	const config = await service.read();
	return service.apply(config, service.plan(config, [SET_HELPER]));
}

async function extraFiles(dir: string): Promise<string[]> {
	return (await fs.readdir(dir)).filter((name) => name !== 'config.json');
}

beforeAll(async () => {
	root = await makeTempRoot('ecr-setup-faults-');
	await bundleConfigService(root);
});

afterAll(async () => {
	await fs.rm(root, {recursive: true, force: true});
});

type Step = {name: string};

/** Wraps fs so that the nth forward step of a write (open, write, chmod, chown, sync, link, rename, mkdir) fails with `code`. */
function faultyFs(failAt: number, code: string, steps: Step[]): ConfigFileSystem {
	let count = 0;
	const step = (name: string) => {
		count++;
		steps.push({name});
		if (count === failAt) throw Object.assign(new Error(`${code}: injected at ${name}`), {code});
	};

	const handleMethods = new Set(['writeFile', 'chmod', 'chown', 'sync']);
	return {
		...fs,
		async mkdir(...args: Parameters<typeof fs.mkdir>) {
			step('mkdir');
			return fs.mkdir(...args);
		},
		async open(path, flags, mode) {
			const writing = typeof flags === 'string' && flags.includes('w');
			if (writing) step(`open ${String(path).includes('backup') ? 'backup temp' : 'temp'}`);
			const handle = await fs.open(path, flags, mode);
			if (!writing) return handle;
			return new Proxy(handle, {
				get(target, property, receiver) {
					const value = Reflect.get(target, property, receiver) as unknown;
					if (typeof value !== 'function') return value;
					if (typeof property === 'string' && handleMethods.has(property)) {
						return async (...args: unknown[]) => {
							step(property);
							return (value as (...a: unknown[]) => unknown).apply(target, args);
						};
					}

					return (value as (...a: unknown[]) => unknown).bind(target);
				},
			});
		},
		async link(from, to) {
			step('link');
			return fs.link(from, to);
		},
		async rename(from, to) {
			step('rename');
			return fs.rename(from, to);
		},
	} as ConfigFileSystem;
}

describe('a failure at every step of a write', () => {
	it('leaves the old bytes (or, past the rename, the new ones) and says what to do', async () => {
		const counting: Step[] = [];
		const dir0 = await freshDir();
		await configure(createDockerConfigService({dir: dir0, env: {}, fs: faultyFs(0, 'EIO', counting)}));
		const newText = await fs.readFile(join(dir0, 'config.json'), 'utf8');
		const totalSteps = counting.length;
		expect(totalSteps).toBeGreaterThanOrEqual(8);

		const codes = ['ENOSPC', 'EIO', 'EACCES', 'EROFS', 'EDQUOT'];
		let injected = 0;
		let refused = 0;
		let completed = 0;
		const completedAt = new Set<string>();
		for (let failAt = 1; failAt <= totalSteps; failAt++) {
			for (const code of codes) {
				const dir = await freshDir();
				const steps: Step[] = [];
				const service = createDockerConfigService({dir, env: {}, fs: faultyFs(failAt, code, steps)});
				injected++;
				const outcome = await configure(service).then(
					() => undefined,
					(error: unknown) => error,
				);
				const text = await fs.readFile(join(dir, 'config.json'), 'utf8');
				if (outcome === undefined) {
					completed++;
					completedAt.add(steps[failAt - 1]!.name);
					expect(text).toBe(newText);
				} else {
					refused++;
					expect(outcome, `${code} at ${steps.at(-1)?.name}`).toBeInstanceOf(UserError);
					expect((outcome as UserError).hint, `${code} at ${steps.at(-1)?.name}`).toBeTruthy();
					expect((outcome as Error).message).toMatch(/not changed/);
					expect(text).toBe(ORIGINAL);
					expect(await extraFiles(dir), `${code} at ${steps.at(-1)?.name}`).toEqual([]);
				}

				expect((await fs.stat(join(dir, 'config.json'))).mode & 0o777).toBe(0o600);
			}
		}

		expect(refused).toBeGreaterThan(0);
		expect([...completedAt].sort()).toEqual(['chown', 'link']);
		report('injected fs faults', {
			'steps in one write': `${totalSteps} (${counting.map((step) => step.name).join(' → ')})`,
			'faults injected': injected,
			'refused with a UserError, original intact': refused,
			'completed anyway': `${completed} (at ${[...completedAt].join(', ')}: best-effort owner copy, hard-link fallback)`,
			'bytes lost': 0,
		});
	});
});

const TMPFS_CHILD = `
import * as fs from 'node:fs/promises';
import {join} from 'node:path';
import {createDockerConfigService} from './config-service.mjs';
const mount = process.argv[2];
const dir = join(mount, '.docker');
const host = ${JSON.stringify(HOST)};
// ~40 KB of plausible config: enough pages that the backup and the temp file each need several.
const original = JSON.stringify({auths: Object.fromEntries(Array.from({length: 600}, (_, i) => ['registry-' + i + '.example.com', {}])), 'x-keep': true}, null, '\\t');
const results = [];
for (const freePages of [0, 1, 2, 4, 6, 8, 9, 10, 11, 12, 14, 16, 18, 20, 21, 22, 23, 24, 26, 30, 40]) {
	await fs.rm(dir, {recursive: true, force: true});
	await fs.rm(join(mount, 'filler'), {force: true});
	await fs.mkdir(dir, {mode: 0o700});
	await fs.writeFile(join(dir, 'config.json'), original, {mode: 0o600});
	const filler = await fs.open(join(mount, 'filler'), 'w');
	const chunk = Buffer.alloc(4096, 0x61);
	let size = 0;
	try { for (;;) { await filler.write(chunk, 0, chunk.length, size); size += chunk.length; } } catch {}
	await filler.truncate(Math.max(0, size - freePages * 4096));
	await filler.close();
	const service = createDockerConfigService({dir, env: {}});
	const config = await service.read();
	const plan = service.plan(config, [{type: 'set-cred-helper', host, helper: 'ecr-login'}]);
	let error;
	try { await service.apply(config, plan); } catch (caught) { error = caught; }
	const after = await fs.readFile(join(dir, 'config.json'), 'utf8');
	const names = (await fs.readdir(dir)).filter((name) => name !== 'config.json');
	results.push({freePages, ok: !error, code: error?.code, hint: error?.hint, message: error?.message, errno: error?.cause?.code,
		intact: after === original, isNew: after === plan.newText, extra: names.filter((name) => !name.includes('.ecr-setup-backup-') || name.includes('-tmp-')), backups: names.filter((name) => name.includes('.ecr-setup-backup-') && !name.includes('-tmp-')).length});
}
console.log(JSON.stringify(results));
`;

const READ_ONLY_CHILD = `
import {createDockerConfigService} from './config-service.mjs';
const service = createDockerConfigService({dir: process.argv[2], env: {}});
const out = {};
const config = await service.read();
out.readOk = true;
try { await service.apply(config, service.plan(config, [{type: 'set-cred-helper', host: ${JSON.stringify(HOST)}, helper: 'ecr-login'}])); out.applied = true; } catch (error) { out.code = error.code; out.hint = error.hint; out.message = error.message; }
try { await service.restore(process.argv[2] + '/config.json.ecr-setup-backup-2026-01-01T00-00-00-000Z'); out.restored = true; } catch (error) { out.restoreCode = error.code; }
console.log(JSON.stringify(out));
`;

describe('a full disk', () => {
	it('refuses with a disk-full UserError, original intact, no partial file (real tmpfs when we may mount one)', {
		timeout: 120_000,
	}, async () => {
		if (!canMountTmpfs()) {
			// Covered by the injected ENOSPC/EDQUOT faults above; say so in the figures.
			report('disk full', {'real tmpfs': 'not available here (needs root and unshare -m); injected ENOSPC only'});
			expect(canMountTmpfs()).toBe(false);
			return;
		}

		await fs.writeFile(join(root, 'tmpfs-child.mjs'), TMPFS_CHILD);
		const mount = join(root, 'tiny');
		await fs.mkdir(mount);
		const run = await runChild(
			'unshare',
			[
				'-m',
				'sh',
				'-c',
				'mount -t tmpfs -o size=256k tmpfs "$1" && exec "$2" "$3" "$1"',
				'sh',
				mount,
				process.execPath,
				join(root, 'tmpfs-child.mjs'),
			],
			{
				timeoutMs: 90_000,
			},
		);
		expect(run.stderr).toBe('');
		const results = JSON.parse(run.stdout) as Array<{
			freePages: number;
			ok: boolean;
			code?: string;
			hint?: string;
			message?: string;
			errno?: string;
			intact: boolean;
			isNew: boolean;
			extra: string[];
			backups: number;
		}>;
		for (const result of results) {
			if (result.ok) {
				expect(result, `free pages ${result.freePages}`).toMatchObject({isNew: true, extra: [], backups: 1});
			} else {
				expect(result, `free pages ${result.freePages}`).toMatchObject({
					code: 'docker.config.disk-full',
					errno: 'ENOSPC',
					intact: true,
					extra: [],
					backups: 0,
				});
				expect(result.message).toMatch(/No space left/);
				expect(result.hint).toMatch(/Free some space/);
			}
		}

		const failed = results.filter((result) => !result.ok).length;
		expect(failed).toBeGreaterThanOrEqual(5);
		expect(results.some((result) => result.ok)).toBe(true);
		report('disk full (real 256 KiB tmpfs)', {
			'writes tried': results.length,
			'ENOSPC faults hit': failed,
			'succeeded when space allowed': results.length - failed,
			'first free-page count that fits': results.find((result) => result.ok)?.freePages ?? 'none',
			'bytes lost': 0,
		});
	});
});

describe('a read-only file system', () => {
	it('reads fine, refuses to write with a read-only UserError, original intact', {timeout: 60_000}, async () => {
		if (!canMountTmpfs()) {
			report('read-only', {'real read-only mount': 'not available here; injected EROFS only'});
			expect(canMountTmpfs()).toBe(false);
			return;
		}

		await fs.writeFile(join(root, 'read-only-child.mjs'), READ_ONLY_CHILD);
		const mount = join(root, 'ro');
		await fs.mkdir(mount);
		const script =
			'mount -t tmpfs -o size=64k tmpfs "$1" && printf "%s" "$2" > "$1/config.json" && printf "{}" > "$1/config.json.ecr-setup-backup-2026-01-01T00-00-00-000Z" && ' +
			'mount -o remount,ro "$1" && "$3" "$4" "$1" && cat "$1/config.json"';
		const run = await runChild('unshare', [
			'-m',
			'sh',
			'-c',
			script,
			'sh',
			mount,
			ORIGINAL,
			process.execPath,
			join(root, 'read-only-child.mjs'),
		]);
		const [line, ...rest] = run.stdout.split('\n');
		const out = JSON.parse(line!) as Record<string, unknown>;
		expect(out).toMatchObject({readOk: true, code: 'docker.config.read-only', restoreCode: 'docker.config.read-only'});
		expect(out['hint']).toMatch(/--config DIR|DOCKER_CONFIG/);
		expect(rest.join('\n')).toBe(ORIGINAL);
		report('read-only', {'real read-only tmpfs': 'yes', 'writes refused': 2, 'bytes lost': 0});
	});
});

describe('a directory or file the user may not write', () => {
	it('refuses with a permission UserError naming what to run, original intact', {timeout: 60_000}, async () => {
		const dir = await freshDir(ORIGINAL, 0o644);
		if (canDropPrivileges()) {
			// A real unprivileged user against a root-owned ~/.docker (what `sudo docker login` leaves behind).
			await fs.writeFile(join(root, 'read-only-child.mjs'), READ_ONLY_CHILD);
			await fs.chmod(join(root, 'read-only-child.mjs'), 0o644);
			await fs.chmod(join(root, 'config-service.mjs'), 0o644);
			const args = [
				'--reuid=65534',
				'--regid=65534',
				'--clear-groups',
				process.execPath,
				join(root, 'read-only-child.mjs'),
				dir,
			];
			const run = await runChild('setpriv', args);
			const out = JSON.parse(run.stdout) as Record<string, unknown>;
			expect(out).toMatchObject({readOk: true, code: 'docker.config.permission'});
			expect(out['hint']).toMatch(/chown/);
			expect(await fs.readFile(join(dir, 'config.json'), 'utf8')).toBe(ORIGINAL);
			expect(await extraFiles(dir)).toEqual([]);

			// Not even readable: a clear error at read time.
			await fs.chmod(join(dir, 'config.json'), 0o600);
			const unreadable = await runChild('setpriv', args);
			expect(unreadable.code).not.toBe(0);
			expect(unreadable.stderr).toMatch(/Permission denied: ecr-setup cannot read/);
			report('permissions', {
				'real unprivileged user (nobody)': 'yes',
				'writes refused': 1,
				'reads refused': 1,
				'bytes lost': 0,
			});
			return;
		}

		if (!isRoot) {
			await fs.chmod(dir, 0o555);
			const error = await configure(createDockerConfigService({dir, env: {}})).catch((caught: unknown) => caught);
			await fs.chmod(dir, 0o755);
			expect(error).toMatchObject({code: 'docker.config.permission'});
			expect(await fs.readFile(join(dir, 'config.json'), 'utf8')).toBe(ORIGINAL);
			report('permissions', {'real read-only directory (non-root)': 'yes', 'bytes lost': 0});
			return;
		}

		report('permissions', {'real permission check': 'not available (root without setpriv); injected EACCES only'});
	});

	it('as root, keeps the owner and mode of a config owned by another user', async () => {
		const dir = await freshDir(ORIGINAL, 0o640);
		const file = join(dir, 'config.json');
		if (isRoot) await fs.chown(file, 1234, 1235);
		const result = await configure(createDockerConfigService({dir, env: {}}));
		const stats = await fs.stat(file);
		expect(stats.mode & 0o777).toBe(0o640);
		expect([stats.uid, stats.gid]).toEqual(isRoot ? [1234, 1235] : [process.getuid?.(), process.getgid?.()]);
		expect(await fs.readFile(result.backupPath!, 'utf8')).toBe(ORIGINAL);
	});
});

describe('symlinked configs', () => {
	it.each([
		['absolute', (target: string) => target],
		['relative', () => '../dotfiles/docker-config.json'],
	])(
		'configure then restore through a %s link: link kept, target changed, then the original bytes back',
		async (_kind, linkTo) => {
			const dir = await freshDir(null);
			const target = join(dir, '..', 'dotfiles', 'docker-config.json');
			await fs.mkdir(join(dir, '..', 'dotfiles'));
			await fs.writeFile(target, ORIGINAL, {mode: 0o644});
			await fs.symlink(linkTo(target), join(dir, 'config.json'));
			const service = createDockerConfigService({dir, env: {}});
			await configure(service);
			expect(JSON.parse(await fs.readFile(target, 'utf8')).credHelpers).toEqual({[HOST]: 'ecr-login'});
			await service.restore();
			expect(await fs.readFile(target, 'utf8')).toBe(ORIGINAL);
			expect((await fs.lstat(join(dir, 'config.json'))).isSymbolicLink()).toBe(true);
			expect((await fs.stat(target)).mode & 0o777).toBe(0o644);
		},
	);

	it('a dangling link gets its target created; a loop is refused without writing', async () => {
		const dir = await freshDir(null);
		await fs.symlink('missing/config.json', join(dir, 'config.json'));
		await configure(createDockerConfigService({dir, env: {}}));
		expect(JSON.parse(await fs.readFile(join(dir, 'missing', 'config.json'), 'utf8'))).toEqual({
			credHelpers: {[HOST]: 'ecr-login'},
		});

		const loop = await freshDir(null);
		await fs.symlink('config.json', join(loop, 'config.json'));
		await expect(configure(createDockerConfigService({dir: loop, env: {}}))).rejects.toMatchObject({
			code: 'docker.config.symlink-loop',
		});
		expect(await fs.readdir(loop)).toEqual(['config.json']);
	});
});

describe('a docker login between our read and our write', () => {
	it('is detected right before the rename; docker’s bytes stay', async () => {
		const dir = await freshDir();
		const file = join(dir, 'config.json');
		const byDockerLogin = `{\n\t"auths": {\n\t\t"other.example": {},\n\t\t"${HOST}": {\n\t\t\t"auth": "QVdTOnRva2Vu"\n\t\t}\n\t}\n}`;
		let raced = false;
		const racing: ConfigFileSystem = {
			...fs,
			async open(path, flags, mode) {
				// The moment our temp file is being created: the first check has passed, the rename has not happened.
				if (!raced && String(path).includes('.ecr-setup-tmp-') && !String(path).includes('backup')) {
					raced = true;
					await fs.writeFile(file, byDockerLogin);
				}

				return fs.open(path, flags, mode);
			},
		};
		const error = await configure(createDockerConfigService({dir, env: {}, fs: racing})).catch(
			(caught: unknown) => caught,
		);
		expect(raced).toBe(true);
		expect(error).toBeInstanceOf(ConfigChangedError);
		expect(await fs.readFile(file, 'utf8')).toBe(byDockerLogin);
		expect(await extraFiles(dir)).toEqual([]);
	});

	it('with the real docker CLI rewriting the file: refused, then a fresh run works and docker reads our file', {
		timeout: 60_000,
	}, async () => {
		const dir = await freshDir('{\n\t"auths": {\n\t\t"other.example": {},\n\t\t"gone.example": {}\n\t}\n}');
		const service = createDockerConfigService({dir, env: {}});
		const stale = await service.read();
		const docker = dockerCli();
		if (docker) {
			const logout = spawnSync(docker, ['--config', dir, 'logout', 'gone.example'], {
				encoding: 'utf8',
				env: {PATH: process.env['PATH'], HOME: dir},
			});
			expect(logout.status).toBe(0);
		} else {
			// Without docker: the same rewrite docker's Save makes (tab-indented, key removed).
			await fs.writeFile(join(dir, 'config.json'), '{\n\t"auths": {\n\t\t"other.example": {}\n\t}\n}');
		}

		const afterDocker = await fs.readFile(join(dir, 'config.json'), 'utf8');
		expect(afterDocker).not.toBe(stale.text);
		await expect(service.apply(stale, service.plan(stale, [SET_HELPER]))).rejects.toBeInstanceOf(ConfigChangedError);
		expect(await fs.readFile(join(dir, 'config.json'), 'utf8')).toBe(afterDocker);

		await configure(service);
		const written = JSON.parse(await fs.readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
		expect(written).toEqual({auths: {'other.example': {}}, credHelpers: {[HOST]: 'ecr-login'}});
		if (docker) expect(dockerRejects(dir)).toEqual({rejects: false, warning: ''});
		report('changed between read and write', {
			'real docker CLI': docker ? 'yes' : 'no (simulated rewrite)',
			'stale writes refused': 2,
			'bytes lost': 0,
		});
	});
});
