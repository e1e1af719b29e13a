import {readFile, mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {planPty, ptyFailed} from '../../source/docker/push-pty.js';
import {createDockerService} from '../../source/docker/service.js';
import type {PushEvent} from '../../source/docker/types.js';
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
