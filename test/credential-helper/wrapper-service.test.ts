/**
 * The wrapper service on real files in a temp dir, and the written wrapper run as a REAL process: sh runs it with the
 * keys and the profile of another shell in its environment, and the fake docker-credential-ecr-login it execs prints
 * what it was given.
 */
import {chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {DirProbe} from '../../source/credential-helper/wrapper-dir.js';
import {createWrapperService, probeDirectory} from '../../source/credential-helper/wrapper-service.js';
import {wrapperText} from '../../source/credential-helper/wrapper.js';
import {createProcessRunner} from '../../source/process/runner.js';

let root: string;
let helperDir: string;
let home: string;
let helper: string;

beforeEach(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-wrapper-'));
	helperDir = path.join(root, 'helper bin');
	home = path.join(root, 'home');
	await mkdir(helperDir);
	await mkdir(home);
	helper = path.join(helperDir, 'docker-credential-ecr-login');
	// Prints the AWS variables it was started with, and its arguments and stdin, as docker's helper protocol would read them.
	await writeFile(
		helper,
		'#!/bin/sh\nread -r url\necho "args=$*"\necho "stdin=$url"\n/usr/bin/env | /usr/bin/sort | /bin/grep "^AWS_"\nexit 0\n',
	);
	await chmod(helper, 0o755);
});

afterEach(async () => {
	await rm(root, {recursive: true, force: true});
});

const userBin = () => path.join(home, '.local', 'bin');

function service(options: {path?: string; closed?: string[]} = {}) {
	const closed = new Set(options.closed ?? []);
	return createWrapperService({
		env: {PATH: options.path ?? `${helperDir}:${userBin()}:/usr/bin:/bin`},
		platform: 'linux',
		home,
		// The suite may run as root, who can write anywhere: a directory's permissions are stood in for here.
		probe: async (dir): Promise<DirProbe> =>
			closed.has(dir) ? {exists: true, writable: false, worldWritable: false} : probeDirectory(dir),
	});
}

describe('planning and writing a wrapper', () => {
	it('writes it next to the real helper, 0755, atomically, with the diff of a new file', async () => {
		const wrappers = service();
		const plan = await wrappers.plan('prod', helper);
		const target = path.join(helperDir, 'docker-credential-ecr-login-prod');
		expect(plan).toMatchObject({
			profile: 'prod',
			helperName: 'ecr-login-prod',
			path: target,
			before: undefined,
			changed: true,
			createDir: false,
			why: 'next to docker-credential-ecr-login',
		});
		expect(plan.diff).toContain('--- /dev/null');
		expect(plan.diff).toContain('+AWS_PROFILE=prod');
		await wrappers.apply(plan);
		expect(await readFile(target, 'utf8')).toBe(wrapperText('prod', helper, 'sh'));
		expect((await stat(target)).mode & 0o777).toBe(0o755);
		// No temp file left behind in a directory on PATH.
		expect((await readdir(helperDir)).sort()).toEqual([
			'docker-credential-ecr-login',
			'docker-credential-ecr-login-prod',
		]);
		expect(await wrappers.find('prod')).toMatchObject({path: target, own: {profile: 'prod', helperPath: helper}});
	});

	it('a second plan changes nothing: same text, same mode', async () => {
		const wrappers = service();
		await wrappers.apply(await wrappers.plan('prod', helper));
		const again = await wrappers.plan('prod', helper);
		expect(again).toMatchObject({changed: false, diff: '', why: 'where it already is'});
	});

	it('puts back a mode someone loosened, without a text change', async () => {
		const wrappers = service();
		const plan = await wrappers.plan('prod', helper);
		await wrappers.apply(plan);
		await chmod(plan.path, 0o777);
		const again = await wrappers.plan('prod', helper);
		expect(again).toMatchObject({changed: true, modeOnly: true, diff: ''});
		await wrappers.apply(again);
		expect((await stat(plan.path)).mode & 0o777).toBe(0o755);
	});

	it('shows the change when the helper moved', async () => {
		const wrappers = service();
		await wrappers.apply(await wrappers.plan('prod', helper));
		const moved = path.join(root, 'elsewhere', 'docker-credential-ecr-login');
		const plan = await wrappers.plan('prod', moved);
		expect(plan.changed).toBe(true);
		expect(plan.diff).toContain(`-exec '${helper}' "$@"`);
		expect(plan.diff).toContain(`+exec ${moved} "$@"`);
	});

	it('runs the helper by its absolute path, also when a relative PATH entry found it', async () => {
		const plan = await service().plan('prod', 'bin/docker-credential-ecr-login');
		expect(plan.text).toContain(`exec ${path.resolve('bin/docker-credential-ecr-login')} "$@"`);
	});

	it('goes to ~/.local/bin (made for it) when the helper’s directory is not writable', async () => {
		const wrappers = service({closed: [helperDir]});
		const plan = await wrappers.plan('prod', helper);
		expect(plan).toMatchObject({path: path.join(userBin(), 'docker-credential-ecr-login-prod'), createDir: true});
		await wrappers.apply(plan);
		expect((await stat(userBin())).mode & 0o777).toBe(0o755);
		expect((await stat(plan.path)).mode & 0o777).toBe(0o755);
	});

	it('with no writable directory on PATH, says which one to add and writes nothing', async () => {
		const wrappers = service({path: `${helperDir}:/usr/bin:/bin`, closed: [helperDir]});
		const error = await wrappers.plan('prod', helper).catch((caught: unknown) => caught);
		expect(error).toMatchObject({
			exitCode: 1,
			code: 'helper.wrapper-no-dir',
			message: expect.stringContaining(`${helperDir} (not writable by you)`),
			hint: expect.stringContaining(`Add ${userBin()} to PATH`),
		});
		expect(await readdir(helperDir)).toEqual(['docker-credential-ecr-login']);
	});

	it('never overwrites a file of that name it did not write', async () => {
		const theirs = path.join(helperDir, 'docker-credential-ecr-login-prod');
		await writeFile(theirs, '#!/bin/sh\necho mine\n', {mode: 0o755});
		const error = await service()
			.plan('prod', helper)
			.catch((caught: unknown) => caught);
		expect(error).toMatchObject({
			exitCode: 1,
			message: `${theirs} exists and was not written by ecr-setup: it is left as it is.`,
		});
		expect(await readFile(theirs, 'utf8')).toBe('#!/bin/sh\necho mine\n');
	});

	it('not even one docker would skip (not executable), nor a link to one of its own', async () => {
		const theirs = path.join(helperDir, 'docker-credential-ecr-login-prod');
		await writeFile(theirs, 'notes\n', {mode: 0o644});
		await expect(service().plan('prod', helper)).rejects.toThrow(/not written by ecr-setup/);
		await rm(theirs);
		const ours = path.join(root, 'ours');
		await writeFile(ours, wrapperText('prod', helper, 'sh'), {mode: 0o755});
		const {symlink} = await import('node:fs/promises');
		await symlink(ours, theirs);
		await expect(service().plan('prod', helper)).rejects.toThrow(/not written by ecr-setup/);
	});

	it('refuses to write when the file appeared while the question waited, and leaves it', async () => {
		const wrappers = service();
		const plan = await wrappers.plan('prod', helper);
		await writeFile(plan.path, 'someone else\n', {mode: 0o755});
		await expect(wrappers.apply(plan)).rejects.toThrow(/changed while ecr-setup was waiting/);
		expect(await readFile(plan.path, 'utf8')).toBe('someone else\n');
	});

	it('undo takes a new wrapper (and the directory made for it) away, and puts an old text back', async () => {
		const fresh = service({closed: [helperDir]});
		const plan = await fresh.plan('prod', helper);
		const {undo} = await fresh.apply(plan);
		await undo();
		await expect(stat(userBin())).rejects.toThrow();
		const wrappers = service();
		await wrappers.apply(await wrappers.plan('prod', helper));
		const before = await readFile(path.join(helperDir, 'docker-credential-ecr-login-prod'), 'utf8');
		const changed = await wrappers.apply(await wrappers.plan('prod', '/opt/elsewhere/docker-credential-ecr-login'));
		await changed.undo();
		expect(await readFile(path.join(helperDir, 'docker-credential-ecr-login-prod'), 'utf8')).toBe(before);
	});
});

describe('removing a wrapper', () => {
	it('removes its own wrapper only', async () => {
		const wrappers = service();
		await wrappers.apply(await wrappers.plan('prod', helper));
		const planned = await wrappers.planRemoval('prod');
		expect(planned).toMatchObject({removal: {profile: 'prod'}});
		if (!('removal' in planned)) throw new Error('no removal');
		expect(await wrappers.remove(planned.removal)).toBe(true);
		expect(await wrappers.find('prod')).toBeNull();
		expect(await wrappers.planRemoval('prod')).toEqual({
			note: 'docker-credential-ecr-login-prod is not on PATH: there is no wrapper to remove.',
			missing: true,
		});
		const theirs = path.join(helperDir, 'docker-credential-ecr-login-dev');
		await writeFile(theirs, '#!/bin/sh\n', {mode: 0o755});
		expect(await wrappers.planRemoval('dev')).toEqual({
			note: `${theirs} was not written by ecr-setup: it is left as it is.`,
			missing: false,
		});
	});

	it('leaves a wrapper someone edited after the diff was shown', async () => {
		const wrappers = service();
		const plan = await wrappers.plan('prod', helper);
		await wrappers.apply(plan);
		const planned = await wrappers.planRemoval('prod');
		if (!('removal' in planned)) throw new Error('no removal');
		await writeFile(plan.path, `${plan.text}# edited\n`);
		expect(await wrappers.remove(planned.removal)).toBe(false);
		expect(await readFile(plan.path, 'utf8')).toContain('# edited');
	});
});

describe('the wrapper as docker runs it (a real process)', () => {
	it('runs the real helper with its arguments and stdin, and only AWS_PROFILE=<bound> of the AWS variables', async () => {
		const wrappers = service();
		const plan = await wrappers.plan('prod', helper);
		await wrappers.apply(plan);
		const runner = createProcessRunner();
		const result = await runner.run(plan.path, ['get'], {
			input: '123456789012.dkr.ecr.eu-west-1.amazonaws.com\n',
			extendEnv: false,
			env: {
				PATH: '/usr/bin:/bin',
				HOME: home,
				AWS_PROFILE: 'other',
				AWS_DEFAULT_PROFILE: 'other',
				AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
				AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
				AWS_SESSION_TOKEN: 'FAKE-SESSION-TOKEN',
				AWS_ACCESS_KEY: 'AKIAIOSFODNN7EXAMPLE',
				AWS_SECRET_KEY: 'fake',
				AWS_SECURITY_TOKEN: 'FAKE',
				AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token',
				AWS_ROLE_ARN: 'arn:aws:iam::210987654321:role/ci',
				AWS_EC2_METADATA_DISABLED: 'true',
			},
		});
		expect(result.exitCode, result.stderr).toBe(0);
		const lines = result.stdout.trim().split('\n');
		expect(lines[0]).toBe('args=get');
		expect(lines[1]).toBe('stdin=123456789012.dkr.ecr.eu-west-1.amazonaws.com');
		// What it does not touch stays (the metadata switch, a region, a CA bundle); every credential chooser is gone.
		expect(lines.slice(2)).toEqual(['AWS_EC2_METADATA_DISABLED=true', 'AWS_PROFILE=prod']);
	});

	it('passes the helper’s exit status and output through (docker reads errors from stdout)', async () => {
		await writeFile(helper, '#!/bin/sh\necho "credentials not found in native keychain"\nexit 1\n');
		const wrappers = service();
		const plan = await wrappers.plan('prod', helper);
		await wrappers.apply(plan);
		const result = await createProcessRunner().run(plan.path, ['get'], {input: 'x\n', env: {PATH: '/usr/bin:/bin'}});
		expect(result.exitCode).toBe(1);
		expect(result.stdout.trim()).toBe('credentials not found in native keychain');
	});
});
