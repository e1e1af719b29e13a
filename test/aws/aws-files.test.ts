import {chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createAwsFiles} from '../../source/aws/aws-files.js';

let dir: string;
let env: Record<string, string>;
const now = () => new Date('2026-12-06T22:00:00.000Z');

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'ecr-aws-files-'));
	env = {
		HOME: join(dir, 'home'),
		AWS_CONFIG_FILE: join(dir, 'conf', 'config'),
		AWS_SHARED_CREDENTIALS_FILE: join(dir, 'conf', 'credentials'),
	};
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

const append = (line: string) => (text: string) => `${text}${line}\n`;

describe('the AWS files', () => {
	it('honours AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, and a missing file is empty', async () => {
		const files = createAwsFiles({env, now});
		expect(files.path('config')).toBe(env['AWS_CONFIG_FILE']);
		expect(await files.read('credentials')).toMatchObject({
			exists: false,
			text: '',
			path: env['AWS_SHARED_CREDENTIALS_FILE'],
		});
		expect(createAwsFiles({env: {HOME: '/h'}}).path('config')).toBe('/h/.aws/config');
	});

	it('writes a new file private in a private directory, with no backup of nothing', async () => {
		const files = createAwsFiles({env, now});
		const written = await files.write(await files.read('config'), append('[default]'), {replanIfChanged: false});
		expect(written).toEqual({path: env['AWS_CONFIG_FILE'], backupPath: undefined, changed: true, replanned: false});
		expect((await stat(env['AWS_CONFIG_FILE']!)).mode & 0o777).toBe(0o600);
		expect((await stat(join(dir, 'conf'))).mode & 0o777).toBe(0o700);
	});

	it('backs up what is there, keeps the config file’s mode, makes the credentials file 0600', async () => {
		await mkdir(join(dir, 'conf'));
		await writeFile(env['AWS_CONFIG_FILE']!, '# mine\n', {mode: 0o644});
		await writeFile(env['AWS_SHARED_CREDENTIALS_FILE']!, '[old]\n', {mode: 0o644});
		await chmod(env['AWS_SHARED_CREDENTIALS_FILE']!, 0o644);
		const files = createAwsFiles({env, now});
		const config = await files.write(await files.read('config'), append('[x]'), {replanIfChanged: false});
		const credentials = await files.write(await files.read('credentials'), append('[y]'), {replanIfChanged: false});
		expect(await readFile(env['AWS_CONFIG_FILE']!, 'utf8')).toBe('# mine\n[x]\n');
		expect((await stat(env['AWS_CONFIG_FILE']!)).mode & 0o777).toBe(0o644);
		expect((await stat(env['AWS_SHARED_CREDENTIALS_FILE']!)).mode & 0o777).toBe(0o600);
		expect(config.backupPath).toBe(`${env['AWS_CONFIG_FILE']}.ecr-setup-backup-2026-12-06T22-00-00-000Z`);
		expect(await readFile(config.backupPath!, 'utf8')).toBe('# mine\n');
		expect((await stat(credentials.backupPath!)).mode & 0o777).toBe(0o600);
		expect((await readdir(join(dir, 'conf'))).filter((name) => name.includes('tmp') || name.includes('lock'))).toEqual(
			[],
		);
	});

	it('writes nothing, not even a backup, when the edit changes nothing', async () => {
		await mkdir(join(dir, 'conf'));
		await writeFile(env['AWS_CONFIG_FILE']!, '[a]\n');
		const files = createAwsFiles({env, now});
		const result = await files.write(await files.read('config'), (text) => text, {replanIfChanged: false});
		expect(result.changed).toBe(false);
		expect(await readdir(join(dir, 'conf'))).toEqual(['config']);
	});

	it('a file changed since it was shown is refused, or (not asked at a terminal) edited as it is now', async () => {
		await mkdir(join(dir, 'conf'));
		await writeFile(env['AWS_CONFIG_FILE']!, '[a]\n');
		const files = createAwsFiles({env, now});
		const shown = await files.read('config');
		await writeFile(env['AWS_CONFIG_FILE']!, '[a]\n[by-someone-else]\n');
		await expect(files.write(shown, append('[mine]'), {replanIfChanged: false})).rejects.toMatchObject({
			code: 'aws.file.changed',
		});
		expect(await readFile(env['AWS_CONFIG_FILE']!, 'utf8')).toBe('[a]\n[by-someone-else]\n');
		const result = await files.write(shown, append('[mine]'), {replanIfChanged: true});
		expect(result.replanned).toBe(true);
		expect(await readFile(env['AWS_CONFIG_FILE']!, 'utf8')).toBe('[a]\n[by-someone-else]\n[mine]\n');
	});

	it('writes through a symlink to its target, and refuses text that is not UTF-8', async () => {
		await mkdir(join(dir, 'real'));
		await mkdir(join(dir, 'conf'));
		await writeFile(join(dir, 'real', 'config'), '[a]\n');
		await symlink(join(dir, 'real', 'config'), env['AWS_CONFIG_FILE']!);
		const files = createAwsFiles({env, now});
		await files.write(await files.read('config'), append('[b]'), {replanIfChanged: false});
		expect((await lstat(env['AWS_CONFIG_FILE']!)).isSymbolicLink()).toBe(true);
		expect(await readFile(join(dir, 'real', 'config'), 'utf8')).toBe('[a]\n[b]\n');
		await writeFile(env['AWS_SHARED_CREDENTIALS_FILE']!, Buffer.from([0x5b, 0x61, 0x5d, 0x0a, 0xff, 0x0a]));
		await expect(files.read('credentials')).rejects.toMatchObject({code: 'aws.file.encoding'});
	});

	it('a directory it may not write says so and changes nothing', async () => {
		await mkdir(join(dir, 'conf'));
		await writeFile(env['AWS_CONFIG_FILE']!, '[a]\n');
		// Root may write anywhere: the refusal comes from the file system itself, as a read-only mount or foreign owner gives it.
		const fs = await import('node:fs/promises');
		const refusing = {
			...fs,
			open: (async (path: string, flags?: string, mode?: number) => {
				if (flags === 'wx')
					throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), {code: 'EACCES'});
				return fs.open(path, flags, mode);
			}) as typeof fs.open,
		};
		const files = createAwsFiles({env, now, fs: refusing});
		await expect(
			files.write(await files.read('config'), append('[x]'), {replanIfChanged: false}),
		).rejects.toMatchObject({
			code: 'aws.file.permission',
			message: expect.stringContaining('Nothing was changed'),
		});
		expect(await readFile(env['AWS_CONFIG_FILE']!, 'utf8')).toBe('[a]\n');
		expect(await readdir(join(dir, 'conf'))).toEqual(['config']);
	});
});
