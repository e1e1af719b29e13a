import {readFile, mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {PushError} from '../../source/docker/push-errors.js';
import {planPty, ptyFailed} from '../../source/docker/push-pty.js';
import {createDockerService} from '../../source/docker/service.js';
import type {PushEvent} from '../../source/docker/types.js';
import {createEngineDockerService} from '../../source/engines/service.js';
import {createProcessRunner, findOnPath} from '../../source/process/runner.js';
import {fakeExecutable, gone, waitUntil} from '../helpers/cli-process.js';
import {createFakeRunner} from '../helpers/fake-runner.js';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const REF = `${HOST}/x:v1`;
const FIXTURES = fileURLToPath(new URL('../fixtures/docker-push/', import.meta.url));

describe('planPty', () => {
	it('wraps docker in script, quoted, with exec so the stopped pid is docker', () => {
		const plan = planPty({platform: 'linux', binary: 'docker', script: '/usr/bin/script'}, [
			'--config',
			'/home/a b/.docker',
			'push',
			REF,
		]);
		expect(plan).toEqual({
			use: true,
			file: '/usr/bin/script',
			args: [
				'-qfec',
				`stty cols 200 rows 50 2>/dev/null; exec docker --config '/home/a b/.docker' push ${REF}`,
				'/dev/null',
			],
			env: {SHELL: '/bin/sh'},
		});
	});

	it.each([
		[{platform: 'darwin', binary: 'docker', script: '/usr/bin/script'}, 'no pseudo-terminal helper on darwin'],
		[{platform: 'linux', binary: 'docker', script: null}, '`script` (util-linux) is not installed'],
		[
			{platform: 'linux', binary: '/usr/bin/podman', script: '/usr/bin/script'},
			"podman does not print docker's byte counts",
		],
		[{platform: 'linux', binary: 'finch', script: '/usr/bin/script'}, "finch does not print docker's byte counts"],
	])('falls back for %o', (facts, reason) => {
		expect(planPty(facts, ['push', REF])).toEqual({use: false, reason});
	});

	it("tells script's own failure from docker's output", () => {
		expect(ptyFailed(['', 'script: failed to create pseudo-terminal: Permission denied'])).toBe(true);
		expect(ptyFailed(['The push refers to repository [x]'])).toBe(false);
		expect(ptyFailed([])).toBe(false);
	});
});

describe('push through a pseudo-terminal', () => {
	it('runs docker plainly, and says why, when script cannot make a terminal', async () => {
		const runner = createFakeRunner(
			[
				{
					file: '/usr/bin/script',
					args: ['-qfec', `stty cols 200 rows 50 2>/dev/null; exec docker push ${REF}`, '/dev/null'],
					lines: ['script: failed to create pseudo-terminal: Permission denied'],
					result: {exitCode: 1},
				},
				{
					file: 'docker',
					args: ['push', REF],
					lines: [
						`The push refers to repository [${HOST}/x]`,
						'5f70bf18a086: Pushed',
						`v1: digest: sha256:${'a'.repeat(64)} size: 1`,
					],
				},
			],
			{path: {script: '/usr/bin/script'}},
		);
		const events: PushEvent[] = [];
		const docker = createDockerService({runner, platform: 'linux'});
		const result = await docker.push(REF, {onEvent: (event) => events.push(event)});
		expect(result.digest).toBe(`sha256:${'a'.repeat(64)}`);
		expect(events).toContainEqual({
			type: 'bytes-unavailable',
			reason: 'no pseudo-terminal (script: failed to create pseudo-terminal: Permission denied)',
		});
		expect(runner.remaining()).toEqual([]);
	});
});

// The real `script` around a fake docker that prints the terminal capture only when its stdout is a terminal.
const script = process.platform === 'linux' ? await findOnPath('script', process.env, 'linux') : null;
describe.skipIf(!script)('push through util-linux script (real processes)', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'ecr-pty-'));
	});
	afterAll(async () => {
		await rm(dir, {recursive: true, force: true});
	});

	it('hands over byte counts docker prints only to a terminal, and its exit status', async () => {
		const bin = join(dir, 'ok');
		await fakeExecutable(
			bin,
			'docker',
			`if [ -t 1 ]; then cat '${FIXTURES}success-tty.txt'; else cat '${FIXTURES}success.txt'; fi\n`,
		);
		const events: PushEvent[] = [];
		const docker = createDockerService({runner: createProcessRunner(), binary: join(bin, 'docker'), platform: 'linux'});
		const result = await docker.push(REF, {onEvent: (event) => events.push(event)});
		expect(result.tag).toBe('v1');
		expect(events.some((event) => event.type === 'bytes-unavailable')).toBe(false);
		expect(events).toContainEqual({
			type: 'layer',
			id: '9c3e1a7b2f41',
			status: 'pushing',
			current: 12_580_000,
			total: 31_460_000,
		});
	});

	it('stops docker when the push is aborted', async () => {
		const bin = join(dir, 'slow');
		const pidFile = join(dir, 'docker.pid');
		await fakeExecutable(
			bin,
			'docker',
			`echo $$ > '${pidFile}'\necho "The push refers to repository [${HOST}/x]"\nwhile true; do echo "a1b2c3d4e5f6: Pushing  1.0MB/3000MB"; sleep 0.05; done\n`,
		);
		const controller = new AbortController();
		const docker = createDockerService({runner: createProcessRunner(), binary: join(bin, 'docker'), platform: 'linux'});
		const events: PushEvent[] = [];
		const pushed = docker.push(REF, {signal: controller.signal, onEvent: (event) => events.push(event)});
		await waitUntil(
			() => events.some((event) => event.type === 'layer' && event.current === 1_000_000),
			5000,
			() => 'no byte count arrived',
		);
		const pid = Number((await readFile(pidFile, 'utf8')).trim());
		controller.abort();
		await expect(pushed).rejects.toThrow();
		expect(await gone(pid), `docker (pid ${pid}) outlived the aborted push`).toBe(true);
	});
});

// Engines whose push output the parser cannot read as byte counts run plainly, and the first event says why; a remote
// daemon needs no fallback, because the docker CLI draws the remote daemon's progress stream itself.
describe('fallback to status lines', () => {
	const SCRIPT = {script: '/usr/bin/script'};
	const digestLine = `v1: digest: sha256:${'b'.repeat(64)} size: 528`;

	it('podman: pushed without script even where script exists, and the reason comes first', async () => {
		const runner = createFakeRunner(
			[
				{
					file: 'podman',
					args: (args) => args[0] === 'push' && args[1] === '--digestfile' && args[3] === REF,
					lines: ['Getting image source signatures', 'Copying blob sha256:aa11 done', 'Writing manifest'],
				},
			],
			{path: SCRIPT},
		);
		const events: PushEvent[] = [];
		const podman = createEngineDockerService({runner, env: {}, engine: 'podman'});
		// The fake podman writes no digest file: the push ends in push.no-digest, after the events.
		await podman.push(REF, {onEvent: (event) => events.push(event)}).catch(() => undefined);
		expect(events[0]).toEqual({type: 'bytes-unavailable', reason: "podman does not print docker's byte counts"});
		expect(runner.calls.map((call) => call.file)).toEqual(['podman']);
	});

	it('finch: the same, in its own words', async () => {
		const runner = createFakeRunner([{file: 'finch', args: ['push', REF], lines: [digestLine]}], {path: SCRIPT});
		const events: PushEvent[] = [];
		const finch = createEngineDockerService({runner, env: {}, engine: 'finch'});
		await finch.push(REF, {onEvent: (event) => events.push(event)});
		expect(events[0]).toEqual({type: 'bytes-unavailable', reason: "finch does not print docker's byte counts"});
		expect(runner.calls.map((call) => call.file)).toEqual(['finch']);
	});

	it.each([
		['DOCKER_HOST over ssh', {DOCKER_HOST: 'ssh://build@builder.internal'}],
		['DOCKER_HOST over tcp', {DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1'}],
		['a docker context', {DOCKER_CONTEXT: 'remote-builder'}],
	])('a remote daemon (%s): byte counts through the terminal, its settings passed on', async (_name, env) => {
		const runner = createFakeRunner(
			[
				{
					file: '/usr/bin/script',
					args: (args) => args[1] === `stty cols 200 rows 50 2>/dev/null; exec docker push ${REF}`,
					lines: (await readFile(join(FIXTURES, 'success-tty.txt'), 'utf8')).split(/\r\n|\n|\r/),
					check: (options) => expect(options.env).toEqual({...env, SHELL: '/bin/sh'}),
				},
			],
			{path: SCRIPT},
		);
		const events: PushEvent[] = [];
		const docker = createDockerService({runner, env, platform: 'linux'});
		const result = await docker.push(REF, {onEvent: (event) => events.push(event)});
		expect(result.tag).toBe('v1');
		expect(events.some((event) => event.type === 'bytes-unavailable')).toBe(false);
		expect(events).toContainEqual({
			type: 'layer',
			id: '9c3e1a7b2f41',
			status: 'pushing',
			current: 12_580_000,
			total: 31_460_000,
		});
	});

	it('a remote daemon it cannot reach: one attempt, the daemon named, no second push without the terminal', async () => {
		const said = 'Cannot connect to the Docker daemon at tcp://10.0.0.5:2376. Is the docker daemon running?';
		const runner = createFakeRunner(
			[{file: '/usr/bin/script', args: (args) => args[0] === '-qfec', lines: [said], result: {exitCode: 1}}],
			{path: SCRIPT},
		);
		const docker = createDockerService({runner, env: {DOCKER_HOST: 'tcp://10.0.0.5:2376'}, platform: 'linux'});
		const error = await docker.push(REF).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(PushError);
		expect((error as PushError).failure.kind).toBe('daemon');
		expect((error as PushError).message).toContain('tcp://10.0.0.5:2376');
		// Another machine's daemon: starting Docker here would not help.
		expect((error as PushError).hint).toBe(
			'The docker daemon at tcp://10.0.0.5:2376 did not answer: check that it runs and this machine reaches it, or point DOCKER_HOST (or `docker context use`) at one that does.',
		);
		expect(runner.calls).toHaveLength(1);
	});
});
