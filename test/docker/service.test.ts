import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors/user-errors.js';
import {PushError} from '../../source/docker/push-errors.js';
import {classifyDaemonError, parseDockerTime, parseImageList} from '../../source/docker/output.js';
import {createDockerService} from '../../source/docker/service.js';
import type {PushEvent} from '../../source/docker/types.js';
import {createFakeRunner, type ScriptedCommand} from '../helpers/fake-runner.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/docker-push/${name}.txt`, import.meta.url), 'utf8');

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const REF = `${HOST}/x:v1`;
const PASSWORD = 'eyJwYXlsb2FkIjoiZmFrZS1lY3ItcGFzc3dvcmQtZm9yLXRlc3RzIn0=';

/** Lines as the real runner hands them over: CR, LF and CRLF all end a line. */
function linesOf(text: string, stream: 'stdout' | 'stderr' = 'stdout'): string[] {
	return text
		.split(/\r\n|\n|\r/)
		.filter((line, index, all) => index < all.length - 1 || line.length > 0)
		.map((line) => (stream === 'stderr' ? `stderr:${line}` : line));
}

/** A non-TTY push capture: docker writes the registry's error (the last line) to stderr. */
function pushLines(name: string, failed: boolean): string[] {
	const lines = linesOf(fixture(name));
	if (!failed) return lines;
	const last = lines.pop()!;
	return [...lines, `stderr:${last}`];
}

function service(script: ScriptedCommand[], options: {configDir?: string; path?: Record<string, string | null>} = {}) {
	const runner = createFakeRunner(script, {path: options.path ?? {}});
	const docker = createDockerService({
		runner,
		platform: 'linux',
		...(options.configDir ? {configDir: options.configDir} : {}),
	});
	return {runner, docker};
}

const versionCommand = (result: ScriptedCommand['result']): ScriptedCommand => ({
	file: 'docker',
	args: ['version', '--format', 'json'],
	result,
});

describe('cliVersion', () => {
	it('reads the client part even when the daemon is down (exit 1)', async () => {
		const {docker, runner} = service([
			versionCommand({exitCode: 1, stdout: fixture('version-no-daemon'), stderr: fixture('daemon-not-running')}),
		]);
		expect(await docker.cliVersion()).toBe('28.2.2');
		expect(runner.remaining()).toEqual([]);
	});

	it('is null when docker is not installed', async () => {
		const {docker} = service([versionCommand({exitCode: 127, notFound: true})]);
		expect(await docker.cliVersion()).toBeNull();
	});

	it('falls back to docker --version on a CLI without --format json', async () => {
		const {docker} = service([
			versionCommand({exitCode: 0, stdout: 'json'}),
			{file: 'docker', args: ['--version'], result: {stdout: 'Docker version 20.10.24, build 297e128'}},
		]);
		expect(await docker.cliVersion()).toBe('20.10.24');
	});

	it('passes --config DIR first when a config dir is given', async () => {
		const {docker, runner} = service(
			[
				{
					file: 'docker',
					args: ['--config', '/tmp/my config', 'version', '--format', 'json'],
					result: {stdout: fixture('version-ok')},
				},
			],
			{
				configDir: '/tmp/my config',
			},
		);
		expect(await docker.cliVersion()).toBe('28.2.2');
		expect(runner.calls[0]!.args.slice(0, 2)).toEqual(['--config', '/tmp/my config']);
	});
});

describe('daemonStatus', () => {
	it('asked together with cliVersion (welcome screen, doctor), one `docker version` answers both; a later check asks again', async () => {
		const {docker, runner} = service([
			versionCommand({stdout: fixture('version-ok')}),
			versionCommand({stdout: fixture('version-ok')}),
		]);
		expect(await Promise.all([docker.cliVersion(), docker.daemonStatus()])).toEqual([
			'28.2.2',
			{ok: true, serverVersion: '28.2.2'},
		]);
		expect(runner.calls).toHaveLength(1);
		expect(await docker.daemonStatus()).toEqual({ok: true, serverVersion: '28.2.2'});
		expect(runner.calls).toHaveLength(2);
		expect(runner.remaining()).toEqual([]);
	});

	it('ok with the server version', async () => {
		const {docker} = service([versionCommand({stdout: fixture('version-ok')})]);
		expect(await docker.daemonStatus()).toEqual({ok: true, serverVersion: '28.2.2'});
	});

	it.each([
		['daemon-not-running', 'not-running'],
		['daemon-permission', 'permission'],
	] as const)('%s (real docker message) → %s', async (name, reason) => {
		const {docker} = service([
			versionCommand({exitCode: 1, stdout: fixture('version-no-daemon'), stderr: fixture(name)}),
		]);
		const status = await docker.daemonStatus();
		expect(status).toEqual({ok: false, reason, message: fixture(name).trim()});
	});

	it('cli-missing when docker is not on PATH', async () => {
		const {docker} = service([versionCommand({exitCode: 127, notFound: true})]);
		expect(await docker.daemonStatus()).toMatchObject({ok: false, reason: 'cli-missing'});
	});

	it('unknown for anything else, with docker’s message', async () => {
		const {docker} = service([
			versionCommand({
				exitCode: 1,
				stdout: fixture('version-no-daemon'),
				stderr: 'Error response from daemon: client version 1.52 is too new. Maximum supported API version is 1.47',
			}),
		]);
		expect(await docker.daemonStatus()).toEqual({
			ok: false,
			reason: 'unknown',
			message: 'Error response from daemon: client version 1.52 is too new. Maximum supported API version is 1.47',
		});
	});

	it.each([
		[
			'error during connect: this error may indicate that the docker daemon is not running: Get "http://%2F%2F.%2Fpipe%2FdockerDesktopLinuxEngine/v1.47/version": open //./pipe/dockerDesktopLinuxEngine: The system cannot find the file specified.',
			'not-running',
		],
		[
			'Cannot connect to the Docker daemon at unix:///Users/dev/.docker/run/docker.sock. Is the docker daemon running?',
			'not-running',
		],
		[
			'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock',
			'permission',
		],
		['Error response from daemon: something else', undefined],
	])('classifyDaemonError(%j) → %s', (text, reason) => {
		expect(classifyDaemonError(text)).toBe(reason);
	});
});

describe('listImages', () => {
	it('parses docker’s JSON lines and skips <none>', async () => {
		const {docker, runner} = service([
			{file: 'docker', args: ['image', 'ls', '--format', 'json'], result: {stdout: fixture('image-ls')}},
		]);
		const images = await docker.listImages();
		expect(images).toEqual([
			{
				repository: 'my-app',
				tag: 'latest',
				id: '4b4b4b4b4b4b',
				size: '188MB',
				createdAt: new Date('2026-11-20T10:00:00Z'),
			},
			{
				repository: `${HOST}/my-app`,
				tag: 'v1',
				id: '4b4b4b4b4b4b',
				size: '188MB',
				createdAt: new Date('2026-11-20T10:00:00Z'),
			},
		]);
		expect(runner.calls).toHaveLength(1);
	});

	it('throws a classified UserError when the daemon is down', async () => {
		const {docker} = service([
			{
				file: 'docker',
				args: ['image', 'ls', '--format', 'json'],
				result: {exitCode: 1, stderr: fixture('daemon-not-running')},
			},
		]);
		await expect(docker.listImages()).rejects.toMatchObject({
			code: 'docker.not-running',
			hint: expect.stringMatching(/Start Docker/),
		});
	});

	it('parseImageList ignores blank and broken lines; parseDockerTime reads Go time strings', () => {
		expect(parseImageList('\nnot json\n{"Repository":"a","Tag":"1","ID":"x"}\n{broken\n')).toEqual([
			{repository: 'a', tag: '1', id: 'x'},
		]);
		expect(parseDockerTime('2026-11-20 10:00:00.123456789 -0500 EST')).toEqual(new Date('2026-11-20T15:00:00.123Z'));
		expect(parseDockerTime('yesterday')).toBeUndefined();
	});
});

describe('inspectImage', () => {
	it('returns id, tags and digests', async () => {
		const stdout = JSON.stringify([
			{Id: `sha256:${'4b'.repeat(32)}`, RepoTags: ['my-app:latest'], RepoDigests: [], Size: 1},
		]);
		const {docker} = service([
			{file: 'docker', args: ['image', 'inspect', '--format', 'json', 'my-app:latest'], result: {stdout}},
		]);
		expect(await docker.inspectImage('my-app:latest')).toEqual({
			id: `sha256:${'4b'.repeat(32)}`,
			repoTags: ['my-app:latest'],
			repoDigests: [],
		});
	});

	it('is null for "No such image" (docker 28 prints [] and an error)', async () => {
		const {docker} = service([
			{
				file: 'docker',
				args: ['image', 'inspect', '--format', 'json', 'my-app:latest'],
				result: {exitCode: 1, stdout: '[]', stderr: 'Error response from daemon: No such image: my-app:latest'},
			},
		]);
		expect(await docker.inspectImage('my-app:latest')).toBeNull();
	});

	it('throws when the daemon is unreachable instead of saying the image is missing', async () => {
		const {docker} = service([
			{
				file: 'docker',
				args: ['image', 'inspect', '--format', 'json', 'my-app'],
				result: {exitCode: 1, stdout: '[]', stderr: fixture('daemon-not-running')},
			},
		]);
		await expect(docker.inspectImage('my-app')).rejects.toMatchObject({
			code: 'docker.not-running',
			message: expect.stringContaining('Cannot connect to the Docker daemon'),
		});
	});
});

describe('tag and logout', () => {
	it('tag runs docker tag SOURCE TARGET', async () => {
		const {docker, runner} = service([{file: 'docker', args: ['tag', 'my-app:latest', REF]}]);
		await docker.tag('my-app:latest', REF);
		expect(runner.remaining()).toEqual([]);
	});

	it('tag of a missing image says so', async () => {
		const {docker} = service([
			{
				file: 'docker',
				args: ['tag', 'nope', REF],
				result: {exitCode: 1, stderr: 'Error response from daemon: No such image: nope:latest'},
			},
		]);
		await expect(docker.tag('nope', REF)).rejects.toMatchObject({code: 'docker.image-missing'});
	});

	it('logout runs docker logout HOST, with --config when given', async () => {
		const {docker, runner} = service(
			[
				{
					file: 'docker',
					args: ['--config', '/cfg', 'logout', HOST],
					result: {stdout: `Removing login credentials for ${HOST}`},
				},
			],
			{configDir: '/cfg'},
		);
		await docker.logout(HOST);
		expect(runner.remaining()).toEqual([]);
	});

	it('an unscripted command fails the test (the table is strict)', async () => {
		const {docker} = service([]);
		await expect(docker.logout(HOST)).rejects.toThrow(/Unscripted command: docker logout/);
	});
});

describe('withEnv', () => {
	it('runs docker with the extra environment on top of the service’s own (the credential helper inherits it)', async () => {
		const runner = createFakeRunner([
			{
				file: 'docker',
				args: ['push', REF],
				lines: pushLines('success', false),
				check: (options) => expect(options.env).toEqual({DOCKER_HOST: 'unix:///d.sock', AWS_PROFILE: 'prod'}),
			},
			{
				file: 'docker',
				args: ['tag', 'a', 'b'],
				check: (options) => expect(options.env).toEqual({DOCKER_HOST: 'unix:///d.sock'}),
			},
		]);
		const docker = createDockerService({runner, env: {DOCKER_HOST: 'unix:///d.sock'}});
		await docker.withEnv!({AWS_PROFILE: 'prod'}).push(REF);
		await docker.tag('a', 'b');
		expect(runner.remaining()).toEqual([]);
	});
});

describe('push', () => {
	it('streams events and resolves with the digest (non-TTY capture)', async () => {
		const events: PushEvent[] = [];
		const {docker, runner} = service([{file: 'docker', args: ['push', REF], lines: pushLines('success', false)}]);
		const result = await docker.push(REF, {onEvent: (event) => events.push(event)});
		expect(result).toEqual({
			digest: 'sha256:3f4b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c',
			size: 1573,
			tag: 'v1',
			layers: 3,
		});
		// No `script` on the fake PATH: docker runs without a terminal and the view is told why there are no bytes.
		expect(events[0]).toEqual({type: 'bytes-unavailable', reason: '`script` (util-linux) is not installed'});
		expect(events[1]).toEqual({type: 'start', repository: `${HOST}/x`});
		expect(events.filter((event) => event.type === 'layer')).toHaveLength(8);
		expect(runner.calls[0]!.kind).toBe('stream');
	});

	it('reads byte progress from a TTY capture', async () => {
		const events: PushEvent[] = [];
		const {docker} = service([{file: 'docker', args: ['push', REF], lines: linesOf(fixture('success-tty'))}]);
		await docker.push(REF, {onEvent: (event) => events.push(event)});
		expect(events).toContainEqual({
			type: 'layer',
			id: '9c3e1a7b2f41',
			status: 'pushing',
			current: 12_580_000,
			total: 31_460_000,
		});
	});

	it('a throwing progress callback does not break the push', async () => {
		const {docker} = service([{file: 'docker', args: ['push', REF], lines: pushLines('existing-layers', false)}]);
		const result = await docker.push(REF, {
			onEvent() {
				throw new Error('view crashed');
			},
		});
		expect(result.tag).toBe('v2');
	});

	it.each([
		['no-basic-auth', REF, 'no-basic-auth'],
		['token-expired', REF, 'token-expired'],
		['repository-missing', REF, 'repository-missing'],
		['tag-immutable', REF, 'tag-immutable'],
		['docker-hub-denied', 'x:v1', 'not-ecr'],
		['iam-denied', REF, 'denied-iam'],
		['policy-denied', '210987654321.dkr.ecr.us-east-1.amazonaws.com/shared/x:v1', 'denied-policy'],
		['retry-eof', REF, 'retry-eof'],
		['helper-missing', REF, 'helper-missing'],
		['image-missing', REF, 'image-missing'],
	])('%s → rejects with PushError %s, after streaming the error event', async (name, ref, kind) => {
		const events: PushEvent[] = [];
		const {docker} = service([
			{file: 'docker', args: ['push', ref], lines: pushLines(name, true), result: {exitCode: 1}},
		]);
		const error = await docker.push(ref, {onEvent: (event) => events.push(event)}).catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(PushError);
		expect((error as PushError).kind).toBe(kind);
		expect(events.at(-1)?.type).toBe('error');
	});

	it('passes the abort signal to the runner', async () => {
		const controller = new AbortController();
		const {docker} = service([
			{
				file: 'docker',
				args: ['push', REF],
				lines: pushLines('success', false),
				check(options) {
					expect(options.signal).toBe(controller.signal);
				},
			},
		]);
		await docker.push(REF, {signal: controller.signal});
	});

	it('exit 0 without a digest is not reported as success', async () => {
		const {docker} = service([{file: 'docker', args: ['push', REF], lines: ['something else entirely']}]);
		await expect(docker.push(REF)).rejects.toMatchObject({code: 'push.no-digest'});
	});

	it('docker missing is a cli-missing UserError', async () => {
		const {docker} = service([{file: 'docker', args: ['push', REF], result: {exitCode: 127, notFound: true}}]);
		await expect(docker.push(REF)).rejects.toMatchObject({code: 'docker.cli-missing'});
	});
});

describe('login', () => {
	const loginArgs = ['login', '--username', 'AWS', '--password-stdin', HOST];

	it('a credential store that refuses the token is explained as the doctor explains it (wincred, a locked keychain)', async () => {
		const {docker} = service([
			{
				file: 'docker',
				args: loginArgs,
				result: {
					exitCode: 1,
					stderr:
						'Error saving credentials: error storing credentials - err: exit status 1, out: `The stub received bad data.`',
				},
			},
			{
				file: 'docker',
				args: loginArgs,
				result: {
					exitCode: 1,
					stderr:
						'Error saving credentials: error storing credentials - err: exit status 1, out: `User interaction is not allowed. (-25308)`',
				},
			},
		]);
		const wincred: UserError = await docker.login(HOST, 'AWS', PASSWORD).then(
			() => {
				throw new Error('login succeeded');
			},
			(error: unknown) => error as UserError,
		);
		expect(wincred).toMatchObject({code: 'docker.login-store-failed'});
		expect(wincred.message).toContain('stores at most 2,560 bytes');
		const keychain: UserError = await docker.login(HOST, 'AWS', PASSWORD).then(
			() => {
				throw new Error('login succeeded');
			},
			(error: unknown) => error as UserError,
		);
		expect(keychain.message).toContain('keychain is locked');
		expect(keychain.hint).toBeTruthy();
		for (const error of [wincred, keychain]) expect(`${error.message} ${error.hint}`).not.toContain(PASSWORD);
	});

	it('sends the password on stdin only, and surfaces docker’s warning', async () => {
		const {docker, runner} = service([
			{
				file: 'docker',
				args: loginArgs,
				result: {stdout: 'Login Succeeded', stderr: fixture('login-warning')},
				check(options) {
					expect(options.input).toBe(PASSWORD);
				},
			},
		]);
		const {message} = await docker.login(HOST, 'AWS', PASSWORD);
		expect(message).toContain('Login Succeeded');
		expect(message).toContain('WARNING! Your credentials are stored unencrypted');
		for (const call of runner.calls) expect(call.args.join(' ')).not.toContain(PASSWORD);
		expect(runner.calls[0]!.args).toEqual(loginArgs);
	});

	it('keeps --config before the subcommand and the password off argv', async () => {
		const {docker, runner} = service(
			[{file: 'docker', args: ['--config', '/cfg', ...loginArgs], result: {stdout: 'Login Succeeded'}}],
			{configDir: '/cfg'},
		);
		await docker.login(HOST, 'AWS', PASSWORD);
		expect(JSON.stringify(runner.calls.map((call) => call.args))).not.toContain(PASSWORD);
		expect(runner.calls[0]!.options.input).toBe(PASSWORD);
	});

	it('refuses an empty password without running docker', async () => {
		const {docker, runner} = service([]);
		await expect(docker.login(HOST, 'AWS', '')).rejects.toMatchObject({code: 'docker.login-empty-password'});
		expect(runner.calls).toEqual([]);
	});

	it.each([
		['login-not-implemented', 'docker.login-not-implemented', /AWS_ECR_IGNORE_CREDS_STORAGE=true/],
		['login-helper-missing', 'docker.login-helper-missing', /ecr-login/],
		['daemon-not-running', 'docker.not-running', /Start Docker/],
	])('%s → %s', async (name, code, hint) => {
		const {docker} = service([{file: 'docker', args: loginArgs, result: {exitCode: 1, stderr: fixture(name)}}]);
		const error = (await docker.login(HOST, 'AWS', PASSWORD).catch((error_: unknown) => error_)) as UserError;
		expect(error).toBeInstanceOf(UserError);
		expect(error.code).toBe(code);
		expect(`${error.message} ${error.hint ?? ''}`).toMatch(hint);
	});

	it('a wrong-region token (400 Bad Request) is named as such', async () => {
		const stderr = `Error response from daemon: login attempt to https://${HOST}/v2/ failed with status: 400 Bad Request`;
		const {docker} = service([{file: 'docker', args: loginArgs, result: {exitCode: 1, stderr}}]);
		await expect(docker.login(HOST, 'AWS', PASSWORD)).rejects.toMatchObject({code: 'docker.login-wrong-region'});
	});

	it('never repeats the password in an error, even if docker echoes it', async () => {
		const {docker} = service([
			{file: 'docker', args: loginArgs, result: {exitCode: 1, stderr: `weird failure with ${PASSWORD} in it`}},
		]);
		const error = (await docker.login(HOST, 'AWS', PASSWORD).catch((error_: unknown) => error_)) as UserError;
		expect(error.message).toContain('weird failure');
		expect(JSON.stringify({message: error.message, hint: error.hint, next: error.nextSteps})).not.toContain(PASSWORD);
	});
});

describe('push with podman (it prints no digest line; --digestfile gives it)', () => {
	it('asks podman for a digest file and returns the digest read from it', async () => {
		const {writeFileSync} = await import('node:fs');
		const digest = `sha256:${'c3'.repeat(32)}`;
		let digestFile: string | undefined;
		const runner = createFakeRunner([
			{
				file: 'podman',
				args: (args) => {
					if (
						args[0] !== 'push' ||
						args[1] !== '--digestfile' ||
						args[3] !== '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1'
					)
						return false;
					digestFile = args[2]!;
					// What podman does on success: write the manifest digest to that file.
					writeFileSync(digestFile, `${digest}\n`);
					return true;
				},
				lines: [
					'Getting image source signatures',
					'Copying blob sha256:aa11 done',
					'Writing manifest to image destination',
				],
			},
		]);
		const podman = createDockerService({runner, binary: 'podman'});
		const result = await podman.push('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1');
		expect(result).toMatchObject({digest, tag: 'v1'});
		const {existsSync} = await import('node:fs');
		expect(digestFile && existsSync(digestFile)).toBe(false);
	});

	it('still says "no digest" when podman wrote none', async () => {
		const runner = createFakeRunner([
			{file: 'podman', args: (args) => args[0] === 'push', lines: ['Writing manifest to image destination']},
		]);
		const podman = createDockerService({runner, binary: 'podman'});
		await expect(podman.push('123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1')).rejects.toMatchObject({
			code: 'push.no-digest',
		});
	});
});
