import * as fs from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join, relative} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ConfigChangedError, ConfigError} from '../../source/docker-config/errors.js';
import {UserError} from '../../source/errors/user-errors.js';
import {createDockerConfigService} from '../../source/docker-config/service.js';
import type {FileSystem as ConfigFileSystem} from '../../source/files/atomic-file.js';
import type {ConfigChange, DockerConfigService} from '../../source/docker-config/types.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const SET_HELPER: ConfigChange = {type: 'set-cred-helper', host: HOST, helper: 'ecr-login'};
const DOCKER_FILE =
	'{\n\t"auths": {\n\t\t"https://index.docker.io/v1/": {}\n\t},\n\t"currentContext": "desktop-linux",\n\t"x-unknown": {"keep": [1, 2.50]}\n}';

let root: string;
let dir: string;
let clock: number;

function service(extra: Partial<Parameters<typeof createDockerConfigService>[0]> = {}): DockerConfigService {
	return createDockerConfigService({dir, now: () => new Date(clock++), env: {}, ...extra});
}

async function configure(config: DockerConfigService, changes: ConfigChange[] = [SET_HELPER]) {
	const loaded = await config.read();
	const plan = config.plan(loaded, changes);
	return {loaded, plan, result: await config.apply(loaded, plan)};
}

async function modeOf(path: string): Promise<number> {
	return (await fs.stat(path)).mode & 0o777;
}

async function leftovers(directory: string): Promise<string[]> {
	return (await fs.readdir(directory)).filter((name) => name.includes('.ecr-setup-tmp-'));
}

beforeEach(async () => {
	root = await fs.mkdtemp(join(tmpdir(), 'ecr-setup-config-'));
	dir = join(root, '.docker');
	clock = Date.parse('2026-11-27T12:00:00.000Z');
});

afterEach(async () => {
	await fs.chmod(root, 0o700).catch(() => undefined);
	await fs.rm(root, {recursive: true, force: true});
});

describe('read', () => {
	it('treats a missing file as an empty config', async () => {
		const loaded = await service().read();
		expect(loaded).toEqual({
			dir,
			path: join(dir, 'config.json'),
			realPath: join(dir, 'config.json'),
			exists: false,
			text: '',
			data: {},
			mode: undefined,
		});
	});

	it('records the exact text, the data and the mode', async () => {
		await fs.mkdir(dir);
		await fs.writeFile(join(dir, 'config.json'), DOCKER_FILE, {mode: 0o640});
		await fs.chmod(join(dir, 'config.json'), 0o640);
		const loaded = await service().read();
		expect(loaded.text).toBe(DOCKER_FILE);
		expect(loaded.exists).toBe(true);
		expect(loaded.mode).toBe(0o640);
		expect(loaded.data).toMatchObject({currentContext: 'desktop-linux', auths: {'https://index.docker.io/v1/': {}}});
	});

	it('resolves a relative --config directory from the current directory', () => {
		expect(createDockerConfigService({dir: 'some/rel'}).dir).toBe(join(process.cwd(), 'some/rel'));
	});

	it('follows absolute, relative, chained and dangling symlinks', async () => {
		await fs.mkdir(dir);
		const dotfiles = join(root, 'dotfiles');
		await fs.mkdir(dotfiles);
		await fs.writeFile(join(dotfiles, 'docker.json'), '{}');

		await fs.symlink(join(dotfiles, 'docker.json'), join(dir, 'config.json'));
		expect((await service().read()).realPath).toBe(join(dotfiles, 'docker.json'));

		await fs.rm(join(dir, 'config.json'));
		await fs.symlink(relative(dir, join(dotfiles, 'docker.json')), join(dir, 'config.json'));
		expect((await service().read()).realPath).toBe(join(dotfiles, 'docker.json'));

		await fs.rm(join(dir, 'config.json'));
		await fs.symlink('../dotfiles/link-two', join(dir, 'config.json'));
		await fs.symlink('docker.json', join(dotfiles, 'link-two'));
		expect((await service().read()).realPath).toBe(join(dotfiles, 'docker.json'));

		await fs.rm(join(dir, 'config.json'));
		await fs.symlink('../dotfiles/not-yet/config.json', join(dir, 'config.json'));
		const dangling = await service().read();
		expect(dangling).toMatchObject({exists: false, text: '', realPath: join(dotfiles, 'not-yet', 'config.json')});
	});

	it('reports a symlink loop as a UserError', async () => {
		await fs.mkdir(dir);
		await fs.symlink('config.json', join(dir, 'config.json'));
		await expect(service().read()).rejects.toMatchObject({code: 'docker.config.symlink-loop'});
	});

	it('throws ConfigError with file, line and column for a malformed file', async () => {
		await fs.mkdir(dir);
		await fs.writeFile(join(dir, 'config.json'), '{\n\t"auths": {},\n}\n');
		const error = await service()
			.read()
			.catch((error: unknown) => error);
		expect(error).toBeInstanceOf(ConfigError);
		expect(error).toMatchObject({file: join(dir, 'config.json'), line: 2, column: 13});
	});

	it('rejects invalid UTF-8 read from disk', async () => {
		await fs.mkdir(dir);
		await fs.writeFile(join(dir, 'config.json'), Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]));
		await expect(service().read()).rejects.toMatchObject({reason: 'encoding', line: 1, column: 3});
	});

	it('says so when config.json is a directory', async () => {
		await fs.mkdir(join(dir, 'config.json'), {recursive: true});
		await expect(service().read()).rejects.toMatchObject({code: 'docker.config.not-a-file'});
	});
});

describe('resolveStore', () => {
	it('resolves from the loaded data and the environment given', async () => {
		await fs.mkdir(dir);
		await fs.writeFile(join(dir, 'config.json'), JSON.stringify({credHelpers: {[HOST]: 'ecr-login'}}));
		const config = service({env: {DOCKER_AUTH_CONFIG: JSON.stringify({auths: {[HOST]: {}}})}});
		expect(config.resolveStore(await config.read(), HOST)).toEqual({
			kind: 'env',
			variable: 'DOCKER_AUTH_CONFIG',
			authKey: HOST,
		});
		const plain = service();
		expect(plain.resolveStore(await plain.read(), HOST)).toMatchObject({kind: 'helper', helper: 'ecr-login'});
		const empty = service({platformDefault: 'pass', dir: join(root, 'nothing')});
		expect(empty.resolveStore(await empty.read(), HOST)).toMatchObject({
			kind: 'helper',
			helper: 'pass',
			source: 'platform-default',
		});
	});
});

describe('platform default store', () => {
	async function binWith(...names: string[]): Promise<string> {
		const bin = join(root, `bin-${names.join('-') || 'empty'}`);
		await fs.mkdir(bin, {recursive: true});
		for (const name of names) await fs.writeFile(join(bin, name), '#!/bin/sh\n', {mode: 0o755});
		return bin;
	}

	it('applies docker’s fallback only when the file configures no store and the helper is on PATH', async () => {
		const empty = async (
			env: Record<string, string>,
			extra: Partial<Parameters<typeof createDockerConfigService>[0]> = {},
		) => {
			const config = createDockerConfigService({dir: join(root, 'none'), env, platform: 'linux', ...extra});
			return config.resolveStore(await config.read(), HOST);
		};

		expect(await empty({PATH: await binWith('pass', 'docker-credential-pass')})).toEqual({
			kind: 'helper',
			helper: 'pass',
			source: 'platform-default',
		});
		expect(await empty({PATH: await binWith('docker-credential-secretservice')})).toMatchObject({
			helper: 'secretservice',
		});
		// pass exists, so docker wants docker-credential-pass; secretservice is not tried.
		expect(await empty({PATH: await binWith('pass', 'docker-credential-secretservice')})).toMatchObject({kind: 'file'});
		expect(await empty({PATH: await binWith('docker-credential-osxkeychain')}, {platform: 'darwin'})).toMatchObject({
			helper: 'osxkeychain',
		});
		expect(await empty({PATH: await binWith()})).toMatchObject({kind: 'file'});
		expect(await empty({PATH: await binWith('pass', 'docker-credential-pass')}, {platformDefault: null})).toMatchObject(
			{kind: 'file'},
		);
		expect(await empty({}, {platformDefault: 'wincred'})).toMatchObject({helper: 'wincred'});

		await fs.mkdir(dir);
		await fs.writeFile(join(dir, 'config.json'), '{"auths": {"x.example": {}}}');
		const configured = createDockerConfigService({
			dir,
			env: {PATH: await binWith('pass', 'docker-credential-pass')},
			platform: 'linux',
		});
		expect(configured.resolveStore(await configured.read(), HOST)).toMatchObject({kind: 'file'});
	});

	it('ignores a helper file that is not executable', async () => {
		const bin = await binWith('pass');
		await fs.writeFile(join(bin, 'docker-credential-pass'), '', {mode: 0o644});
		const config = createDockerConfigService({dir: join(root, 'none'), env: {PATH: bin}, platform: 'linux'});
		// No execute bit for anyone: access(X_OK) fails even for root.
		expect(config.resolveStore(await config.read(), HOST)).toMatchObject({kind: 'file'});
	});
});

describe('apply', () => {
	it('creates the directory 0700 and a new file 0600 docker-style, without a backup', async () => {
		dir = join(root, 'deep', 'er', '.docker');
		const {result} = await configure(service());
		expect(result).toEqual({path: join(dir, 'config.json'), backupPath: undefined});
		expect(await fs.readFile(join(dir, 'config.json'), 'utf8')).toBe(
			`{\n\t"credHelpers": {\n\t\t"${HOST}": "ecr-login"\n\t}\n}\n`,
		);
		expect(await modeOf(join(dir, 'config.json'))).toBe(0o600);
		expect(await modeOf(dir)).toBe(0o700);
		expect(await fs.readdir(dir)).toEqual(['config.json']);
	});

	it('backs up the old bytes (0600), keeps unknown keys and the mode, leaves no temp file', async () => {
		await fs.mkdir(dir);
		const file = join(dir, 'config.json');
		await fs.writeFile(file, DOCKER_FILE);
		await fs.chmod(file, 0o664);
		const {result, plan} = await configure(service());
		const text = await fs.readFile(file, 'utf8');
		expect(text).toBe(plan.newText);
		expect(text.startsWith(DOCKER_FILE.slice(0, -2))).toBe(true);
		expect(text).toContain('\t"x-unknown": {"keep": [1, 2.50]},\n');
		expect(JSON.parse(text).credHelpers).toEqual({[HOST]: 'ecr-login'});
		expect(await modeOf(file)).toBe(0o664);
		expect(result.backupPath).toBe(join(dir, 'config.json.ecr-setup-backup-2026-11-27T12-00-00-000Z'));
		expect(await fs.readFile(result.backupPath!, 'utf8')).toBe(DOCKER_FILE);
		expect(await modeOf(result.backupPath!)).toBe(0o600);
		expect(await leftovers(dir)).toEqual([]);
	});

	it('is idempotent: the second run plans no change and writes nothing', async () => {
		const config = service();
		await configure(config);
		const before = await fs.readdir(dir);
		const {plan, result} = await configure(config);
		expect(plan.changed).toBe(false);
		expect(plan.diff).toBe('');
		expect(result.backupPath).toBeUndefined();
		expect(await fs.readdir(dir)).toEqual(before);
	});

	it('writes through an absolute symlink to its target, keeping the link and backing up next to the target', async () => {
		await fs.mkdir(dir);
		const dotfiles = join(root, 'dotfiles');
		await fs.mkdir(dotfiles);
		await fs.writeFile(join(dotfiles, 'docker.json'), DOCKER_FILE, {mode: 0o644});
		await fs.symlink(join(dotfiles, 'docker.json'), join(dir, 'config.json'));
		const {result, plan} = await configure(service());
		expect((await fs.lstat(join(dir, 'config.json'))).isSymbolicLink()).toBe(true);
		expect(await fs.readFile(join(dotfiles, 'docker.json'), 'utf8')).toBe(plan.newText);
		expect(await modeOf(join(dotfiles, 'docker.json'))).toBe(0o644);
		expect(result.backupPath).toMatch(new RegExp(`^${dotfiles}/docker\\.json\\.ecr-setup-backup-`));
		expect(await fs.readFile(result.backupPath!, 'utf8')).toBe(DOCKER_FILE);
		expect(await service().listBackups()).toEqual([
			{path: result.backupPath, createdAt: new Date('2026-11-27T12:00:00.000Z')},
		]);
	});

	it('writes through a relative symlink', async () => {
		await fs.mkdir(join(dir, 'nested'), {recursive: true});
		await fs.writeFile(join(dir, 'nested', 'real.json'), '{}');
		await fs.symlink('nested/real.json', join(dir, 'config.json'));
		await configure(service());
		expect(JSON.parse(await fs.readFile(join(dir, 'nested', 'real.json'), 'utf8'))).toEqual({
			credHelpers: {[HOST]: 'ecr-login'},
		});
		expect((await fs.lstat(join(dir, 'config.json'))).isSymbolicLink()).toBe(true);
	});

	it('creates the target of a dangling symlink (and its directory), as docker does', async () => {
		await fs.mkdir(dir);
		await fs.symlink('../dotfiles/docker/config.json', join(dir, 'config.json'));
		const {result} = await configure(service());
		expect(result.backupPath).toBeUndefined();
		const target = join(root, 'dotfiles', 'docker', 'config.json');
		expect(JSON.parse(await fs.readFile(target, 'utf8'))).toEqual({credHelpers: {[HOST]: 'ecr-login'}});
		expect(await modeOf(target)).toBe(0o600);
		expect((await fs.lstat(join(dir, 'config.json'))).isSymbolicLink()).toBe(true);
	});

	it('refuses when the file changed since it was read (e.g. docker login), keeping the new bytes', async () => {
		await fs.mkdir(dir);
		const file = join(dir, 'config.json');
		await fs.writeFile(file, DOCKER_FILE);
		const config = service();
		const loaded = await config.read();
		const plan = config.plan(loaded, [SET_HELPER]);
		const byDocker = DOCKER_FILE.replace(
			'"https://index.docker.io/v1/": {}',
			`"https://index.docker.io/v1/": {},\n\t\t"${HOST}": {}`,
		);
		await fs.writeFile(file, byDocker);
		const error = await config.apply(loaded, plan).catch((error: unknown) => error);
		expect(error).toBeInstanceOf(ConfigChangedError);
		expect(error).toBeInstanceOf(UserError);
		expect(await fs.readFile(file, 'utf8')).toBe(byDocker);
		expect(await fs.readdir(dir)).toEqual(['config.json']);
	});

	it('refuses when the file appeared or disappeared since it was read', async () => {
		const config = service();
		const missing = await config.read();
		await fs.mkdir(dir);
		await fs.writeFile(join(dir, 'config.json'), '{}');
		await expect(config.apply(missing, config.plan(missing, [SET_HELPER]))).rejects.toBeInstanceOf(ConfigChangedError);
		expect(await fs.readFile(join(dir, 'config.json'), 'utf8')).toBe('{}');

		const present = await config.read();
		await fs.rm(join(dir, 'config.json'));
		await expect(config.apply(present, config.plan(present, [SET_HELPER]))).rejects.toBeInstanceOf(ConfigChangedError);
		expect(await fs.readdir(dir)).toEqual([]);
	});

	it('refuses when the symlink now points elsewhere', async () => {
		await fs.mkdir(dir);
		await fs.writeFile(join(dir, 'a.json'), '{}');
		await fs.writeFile(join(dir, 'b.json'), '{}');
		await fs.symlink('a.json', join(dir, 'config.json'));
		const config = service();
		const loaded = await config.read();
		await fs.rm(join(dir, 'config.json'));
		await fs.symlink('b.json', join(dir, 'config.json'));
		await expect(config.apply(loaded, config.plan(loaded, [SET_HELPER]))).rejects.toBeInstanceOf(ConfigChangedError);
		expect(await fs.readFile(join(dir, 'a.json'), 'utf8')).toBe('{}');
		expect(await fs.readFile(join(dir, 'b.json'), 'utf8')).toBe('{}');
	});

	it('keeps the owner (as root) or the caller as owner', async () => {
		await fs.mkdir(dir);
		const file = join(dir, 'config.json');
		await fs.writeFile(file, '{}');
		const isRoot = process.getuid?.() === 0;
		if (isRoot) await fs.chown(file, 4321, 4322);
		await configure(service());
		const stats = await fs.stat(file);
		expect([stats.uid, stats.gid]).toEqual(isRoot ? [4321, 4322] : [process.getuid?.(), process.getgid?.()]);
	});

	it('removes temp files a killed writer left, once they are old and their process is gone', async () => {
		await fs.mkdir(dir);
		await fs.writeFile(join(dir, 'config.json'), '{}');
		let dead = 4_000_000;
		while (
			dead > 1000 &&
			(() => {
				try {
					process.kill(dead, 0);
					return true;
				} catch (error) {
					return (error as NodeJS.ErrnoException).code === 'EPERM';
				}
			})()
		)
			dead--;
		const old = new Date(Date.now() - 3_600_000);
		const names = {
			staleTemp: `config.json.ecr-setup-tmp-${dead}-0a1b2c3d`,
			staleBackupTemp: `config.json.ecr-setup-backup-2026-01-01T00-00-00-000Z.ecr-setup-tmp-${dead}-0a1b2c3e`,
			recentTemp: `config.json.ecr-setup-tmp-${dead}-0a1b2c3f`,
			liveTemp: `config.json.ecr-setup-tmp-${process.pid}-0a1b2c40`,
			notOurs: `other.json.ecr-setup-tmp-${dead}-0a1b2c41`,
		};
		for (const [key, name] of Object.entries(names)) {
			await fs.writeFile(join(dir, name), 'partial');
			if (key !== 'recentTemp') await fs.utimes(join(dir, name), old, old);
		}

		const {result} = await configure(service());
		expect((await fs.readdir(dir)).sort()).toEqual(
			['config.json', relative(dir, result.backupPath!), names.recentTemp, names.liveTemp, names.notOurs].sort(),
		);
	});

	it('turns a failed temp-file write into a UserError, original intact, temp file removed', async () => {
		await fs.mkdir(dir);
		const file = join(dir, 'config.json');
		await fs.writeFile(file, DOCKER_FILE);
		const failing: ConfigFileSystem = {
			...fs,
			async open(path, flags, mode) {
				const handle = await fs.open(path, flags, mode);
				if (String(path).includes('.ecr-setup-tmp-') && !String(path).includes('backup')) {
					return new Proxy(handle, {
						get(target, property, receiver) {
							if (property === 'writeFile') {
								return async () => {
									throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'});
								};
							}

							const value = Reflect.get(target, property, receiver) as unknown;
							return typeof value === 'function' ? value.bind(target) : value;
						},
					});
				}

				return handle;
			},
		};
		const error = await configure(service({fs: failing})).catch((error: unknown) => error);
		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'docker.config.disk-full'});
		expect((error as Error).message).toMatch(/was not changed/);
		expect(await fs.readFile(file, 'utf8')).toBe(DOCKER_FILE);
		expect(await leftovers(dir)).toEqual([]);
	});

	it.each([
		['EACCES', 'docker.config.permission', /chown/],
		['EROFS', 'docker.config.read-only', /--config DIR/],
		['EIO', 'docker.config.io', /run the command again/],
	])('maps a failed rename (%s) to %s, original intact', async (code, expected, hint) => {
		await fs.mkdir(dir);
		const file = join(dir, 'config.json');
		await fs.writeFile(file, DOCKER_FILE);
		const failing: ConfigFileSystem = {
			...fs,
			async rename(from, to) {
				if (String(to) === file) throw Object.assign(new Error(`${code}: failed`), {code});
				return fs.rename(from, to);
			},
		};
		const error = (await configure(service({fs: failing})).catch((error: unknown) => error)) as UserError;
		expect(error.code).toBe(expected);
		expect(error.hint).toMatch(hint);
		expect(await fs.readFile(file, 'utf8')).toBe(DOCKER_FILE);
		expect(await leftovers(dir)).toEqual([]);
		expect((await fs.readdir(dir)).filter((name) => name.includes('backup'))).toEqual([]);
	});
});

describe('backups and restore', () => {
	it('lists backups newest first, ignoring unrelated files, with same-millisecond ones apart', async () => {
		await fs.mkdir(dir);
		await fs.writeFile(join(dir, 'config.json'), '{}');
		await fs.writeFile(join(dir, 'config.json.bak'), '{}');
		await fs.writeFile(join(dir, 'other.json.ecr-setup-backup-2026-11-27T12-00-00-000Z'), '{}');
		const frozen = createDockerConfigService({dir, now: () => new Date('2026-11-27T12:00:00.000Z'), env: {}});
		await configure(frozen, [SET_HELPER]);
		await configure(frozen, [{type: 'remove-cred-helper', host: HOST}]);
		await configure(service(), [SET_HELPER]);
		const backups = await service().listBackups();
		expect(backups.map((backup) => relative(dir, backup.path))).toEqual([
			'config.json.ecr-setup-backup-2026-11-27T12-00-00-000Z-2',
			'config.json.ecr-setup-backup-2026-11-27T12-00-00-000Z-1',
			'config.json.ecr-setup-backup-2026-11-27T12-00-00-000Z',
		]);
		clock = Date.parse('2026-11-27T12:00:05.000Z');
		await configure(service(), [{type: 'set-cred-helper', host: 'public.ecr.aws', helper: 'ecr-login'}]);
		expect(relative(dir, (await service().listBackups())[0]!.path)).toBe(
			'config.json.ecr-setup-backup-2026-11-27T12-00-05-000Z',
		);
	});

	it('restores the newest backup byte for byte, backing up the current file first', async () => {
		await fs.mkdir(dir);
		const file = join(dir, 'config.json');
		await fs.writeFile(file, DOCKER_FILE);
		await fs.chmod(file, 0o644);
		const {result} = await configure(service());
		const configured = await fs.readFile(file, 'utf8');
		const restored = await service().restore();
		expect(restored.restoredFrom).toBe(result.backupPath);
		expect(await fs.readFile(file, 'utf8')).toBe(DOCKER_FILE);
		expect(await modeOf(file)).toBe(0o644);
		expect(restored.backupPath).toBeDefined();
		expect(await fs.readFile(restored.backupPath!, 'utf8')).toBe(configured);
		expect(await leftovers(dir)).toEqual([]);
	});

	it('restores a named backup, and restores into a missing file', async () => {
		await fs.mkdir(dir);
		const file = join(dir, 'config.json');
		await fs.writeFile(file, '{"a": 1}');
		const first = (await configure(service())).result.backupPath!;
		await fs.rm(file);
		const restored = await service().restore(first);
		expect(restored.backupPath).toBeUndefined();
		expect(await fs.readFile(file, 'utf8')).toBe('{"a": 1}');
		expect(await modeOf(file)).toBe(0o600);
	});

	it('does nothing when the file already has the backup content', async () => {
		await fs.mkdir(dir);
		const backup = join(dir, 'config.json.ecr-setup-backup-2026-01-01T00-00-00-000Z');
		await fs.writeFile(backup, '{}');
		await fs.writeFile(join(dir, 'config.json'), '{}');
		expect(await service().restore()).toEqual({
			path: join(dir, 'config.json'),
			backupPath: undefined,
			restoredFrom: backup,
		});
		expect((await fs.readdir(dir)).sort()).toEqual([
			'config.json',
			'config.json.ecr-setup-backup-2026-01-01T00-00-00-000Z',
		]);
	});

	it('with the text the person was shown, restores only over that text', async () => {
		await fs.mkdir(dir);
		const backup = join(dir, 'config.json.ecr-setup-backup-2026-01-01T00-00-00-000Z');
		await fs.writeFile(backup, '{"credsStore": "desktop"}');
		await fs.writeFile(join(dir, 'config.json'), '{"auths": {}}');
		// Edited while the question waited: nothing is written, and no backup is left behind.
		await expect(service().restore(backup, {shown: '{}'})).rejects.toBeInstanceOf(ConfigChangedError);
		expect(await fs.readFile(join(dir, 'config.json'), 'utf8')).toBe('{"auths": {}}');
		expect((await fs.readdir(dir)).sort()).toEqual([
			'config.json',
			'config.json.ecr-setup-backup-2026-01-01T00-00-00-000Z',
		]);
		const restored = await service().restore(backup, {shown: '{"auths": {}}'});
		expect(restored.restoredFrom).toBe(backup);
		expect(await fs.readFile(join(dir, 'config.json'), 'utf8')).toBe('{"credsStore": "desktop"}');
	});

	it('refuses without a backup, with an unreadable one, and with one docker could not read', async () => {
		await fs.mkdir(dir);
		await expect(service().restore()).rejects.toMatchObject({code: 'docker.config.no-backup'});
		await expect(service().restore(join(dir, 'nope'))).rejects.toMatchObject({code: 'docker.config.backup-unreadable'});
		await expect(service().readBackup(join(dir, 'nope'))).rejects.toMatchObject({
			code: 'docker.config.backup-unreadable',
		});
		await fs.writeFile(join(dir, 'broken'), '{,}');
		await fs.writeFile(join(dir, 'config.json'), '{}');
		// Its text can still be shown (restore-config diffs it), but it is never put back.
		expect(await service().readBackup(join(dir, 'broken'))).toBe('{,}');
		await expect(service().restore(join(dir, 'broken'))).rejects.toBeInstanceOf(ConfigError);
		expect(await fs.readFile(join(dir, 'config.json'), 'utf8')).toBe('{}');
	});
});
