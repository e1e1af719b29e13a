/**
 * SIGINT and SIGTERM sent to the BUILT CLI (`node dist/cli.js …`, bundled for this suite) while it waits on a slow AWS
 * endpoint, while `push` streams from a (fake, slow) docker, and while `install-helper --method apt` runs a (fake, slow)
 * apt-get as root. Each time: exit code 130 / 143, no hang, the child process it started is gone (checked by pid), and
 * the docker config directory is byte-for-byte as it was.
 */
import {mkdtemp, readdir, readFile, rm, writeFile, mkdir} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {
	DEFAULT_IDENTITY,
	jsonError,
	type StandIn,
	startAwsStandIn,
	startBlackHole,
	TEST_KEYS,
} from '../../helpers/aws-stand-in/index.js';
import {buildCli, fakeExecutable, gone, startCli, waitUntil} from '../../helpers/cli-process.js';
import {report} from '../../helpers/report.js';

const HOST = `${DEFAULT_IDENTITY.account}.dkr.ecr.eu-west-1.amazonaws.com`;
const CONFIG =
	'{\n\t"auths": {\n\t\t"https://index.docker.io/v1/": {}\n\t},\n\t"credsStore": "desktop",\n\t"x-keep": [1, 2, 3]\n}\n';
const EXPECTED: Record<'SIGINT' | 'SIGTERM', number> = {SIGINT: 130, SIGTERM: 143};

let root: string;
let cli: string;
const cleanups: Array<() => Promise<void>> = [];
const figures = {
	runs: 0,
	'signals sent': 0,
	'exit codes right': 0,
	'children left alive': 0,
	hangs: 0,
	'config bytes lost': 0,
};

beforeAll(async () => {
	root = await mkdtemp(join(tmpdir(), 'ecr-signals-'));
	cli = buildCli(join(root, 'dist'));
}, 180_000);

afterAll(async () => {
	report('signals: totals', figures);
	await rm(root, {recursive: true, force: true});
});

afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup();
});

type World = {dir: string; bin: string; dockerConfig: string; calls: string; env: NodeJS.ProcessEnv};

async function world(endpointUrl: string): Promise<World> {
	const dir = await mkdtemp(join(root, 'run-'));
	const bin = join(dir, 'bin');
	const dockerConfig = join(dir, 'home', '.docker');
	await mkdir(dockerConfig, {recursive: true});
	await writeFile(join(dockerConfig, 'config.json'), CONFIG);
	const env: NodeJS.ProcessEnv = {
		PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`,
		HOME: join(dir, 'home'),
		DOCKER_CONFIG: dockerConfig,
		AWS_CONFIG_FILE: join(dir, 'aws-config'),
		AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
		AWS_EC2_METADATA_DISABLED: 'true',
		AWS_REGION: 'eu-west-1',
		AWS_ENDPOINT_URL_ECR: endpointUrl,
		AWS_ENDPOINT_URL_STS: endpointUrl,
		NO_COLOR: '1',
		...TEST_KEYS,
	};
	return {dir, bin, dockerConfig, calls: join(dir, 'calls.txt'), env};
}

/** The stand-in with repository `web` in eu-west-1, answering only `operations`: any other call is refused as unknown. */
async function standIn(...operations: string[]): Promise<StandIn> {
	const endpoint = await startAwsStandIn({
		repositories: [{name: 'web', region: 'eu-west-1'}],
		answer: (request) =>
			operations.includes(request.operation)
				? undefined
				: jsonError(400, 'UnknownOperationException', request.operation),
	});
	cleanups.push(async () => endpoint.close());
	return endpoint;
}

/** The docker config directory holds exactly what it held before: the same file names, config.json byte-equal. */
async function expectConfigUntouched(w: World): Promise<void> {
	const after = await readFile(join(w.dockerConfig, 'config.json'), 'utf8');
	if (after !== CONFIG) figures['config bytes lost'] += Math.abs(after.length - CONFIG.length) || 1;
	expect(after).toBe(CONFIG);
	expect(await readdir(w.dockerConfig)).toEqual(['config.json']);
}

/** pid and argv of each fake-executable run, as the fakes record them (`<pid> <argv…>`). */
async function recorded(w: World): Promise<Array<{pid: number; argv: string}>> {
	const text = await readFile(w.calls, 'utf8').catch(() => '');
	return text
		.split('\n')
		.filter(Boolean)
		.map((line) => ({pid: Number(line.split(' ')[0]), argv: line.slice(line.indexOf(' ') + 1)}));
}

async function interrupt(run: ReturnType<typeof startCli>, signal: 'SIGINT' | 'SIGTERM') {
	figures.runs++;
	figures['signals sent']++;
	run.child.kill(signal);
	const ended = await run.ended(15_000);
	if (ended.hung) figures.hangs++;
	if (ended.code === EXPECTED[signal]) figures['exit codes right']++;
	return ended;
}

describe.each(['SIGINT', 'SIGTERM'] as const)('%s', (signal) => {
	it('while waiting on an AWS endpoint that never answers (whoami, login)', async () => {
		const hole = await startBlackHole();
		cleanups.push(async () => hole.close());
		for (const args of [['whoami'], ['login', '--region', 'eu-west-1']]) {
			const w = await world(hole.url);
			const before = hole.connections();
			const run = startCli(cli, args, w.env);
			await waitUntil(
				() => hole.connections() > before,
				20_000,
				() => `no AWS connection from ${args.join(' ')}: ${run.output()}`,
			);
			const ended = await interrupt(run, signal);
			expect(ended.hung, `${args.join(' ')} did not exit after ${signal}`).toBe(false);
			expect(ended.code, ended.stderr).toBe(EXPECTED[signal]);
			expect(ended.stderr).toContain('Interrupted.');
			expect(ended.stderr).not.toMatch(/\n\s+at /);
			await expectConfigUntouched(w);
		}
	}, 60_000);

	it('during push (a fake docker streaming push lines slowly)', async () => {
		const endpoint = await standIn('DescribeRepositories', 'GetCallerIdentity');
		const w = await world(endpoint.url);
		await fakeExecutable(
			w.bin,
			'docker',
			`echo "$$ $*" >> "${w.calls}"
case "$1" in
  image) echo '[{"Id":"sha256:${'a'.repeat(64)}","RepoTags":["web:dev"],"RepoDigests":[]}]' ;;
  tag) ;;
  push)
    echo "The push refers to repository [${HOST}/web]"
    i=0
    while [ $i -lt 3000 ]; do echo "a1b2c3d4e5f6: Pushing  $i.0MB/3000MB"; i=$((i+1)); sleep 0.05; done
    echo "dev: digest: sha256:${'b'.repeat(64)} size: 1234" ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
`,
		);
		const run = startCli(cli, ['push', 'web:dev', '--repository', 'web', '--region', 'eu-west-1'], w.env);
		await waitUntil(
			async () => (await recorded(w)).some((call) => call.argv.startsWith('push')),
			20_000,
			() => `push never started: ${run.output()}`,
		);
		await waitUntil(
			() => /Pushing|a1b2c3d4e5f6/.test(run.output()) || run.output().length > 0,
			5000,
			() => run.output(),
		);
		const docker = (await recorded(w)).find((call) => call.argv.startsWith('push'))!;
		const ended = await interrupt(run, signal);
		expect(ended.hung).toBe(false);
		expect(ended.code, ended.stderr).toBe(EXPECTED[signal]);
		const dead = await gone(docker.pid);
		if (!dead) figures['children left alive']++;
		expect(dead, `docker push (pid ${docker.pid}) outlived the CLI`).toBe(true);
		expect(ended.stdout).not.toContain('Pushed');
		expect(ended.stderr).toContain('Interrupted.');
		await expectConfigUntouched(w);
	}, 60_000);

	it.each([
		['stops on SIGTERM', ''],
		['ignores SIGTERM', "trap '' TERM"],
	])(
		'during push through a pseudo-terminal: script and a docker that %s are gone promptly',
		async (_, trap) => {
			if (process.platform !== 'linux') return;
			const endpoint = await standIn('DescribeRepositories', 'GetCallerIdentity');
			const w = await world(endpoint.url);
			const ttyFile = join(w.dir, 'tty.txt');
			await fakeExecutable(
				w.bin,
				'docker',
				`echo "$$ $*" >> "${w.calls}"
case "$1" in
  image) echo '[{"Id":"sha256:${'a'.repeat(64)}","RepoTags":["web:dev"],"RepoDigests":[]}]' ;;
  push)
    ${trap}
    [ -t 1 ] && echo "$$ $PPID" > "${ttyFile}"
    echo "The push refers to repository [${HOST}/web]"
    i=0
    while [ $i -lt 3000 ]; do echo "a1b2c3d4e5f6: Pushing [>    ]  $i.0MB/3000MB"; i=$((i+1)); sleep 0.05; done ;;
esac
`,
			);
			const run = startCli(cli, ['push', 'web:dev', '--repository', 'web', '--region', 'eu-west-1'], w.env);
			await run.waitForOutput((text) => text.includes('a1b2c3d4e5f6'), 20_000);
			// docker ran with a terminal for stdout: the pseudo-terminal util-linux script gives it, script being its parent.
			const [dockerPid, scriptPid] = (await readFile(ttyFile, 'utf8')).trim().split(' ').map(Number);
			const started = Date.now();
			const ended = await interrupt(run, signal);
			const elapsedMs = Date.now() - started;
			expect(ended.hung).toBe(false);
			expect(ended.code, ended.stderr).toBe(EXPECTED[signal]);
			// script sleeps 2 s after forwarding SIGTERM, and execa would wait 2 s more before SIGKILL: neither is waited for.
			expect(elapsedMs).toBeLessThan(trap ? 2000 : 1000);
			for (const pid of [dockerPid!, scriptPid!]) {
				const dead = await gone(pid, 500);
				if (!dead) figures['children left alive']++;
				expect(dead, `pid ${pid} outlived the CLI`).toBe(true);
			}
			expect(ended.stdout).not.toContain('Pushed');
			expect(ended.stderr).toContain('Interrupted.');
			await expectConfigUntouched(w);
		},
		60_000,
	);

	it('during install-helper --method apt (a fake apt-get, running as root)', async () => {
		if (process.getuid?.() !== 0) {
			report('signals: install-helper', {skipped: 'not root: the apt plan would use sudo'});
			return;
		}

		const w = await world('http://127.0.0.1:9');
		await fakeExecutable(
			w.bin,
			'apt-get',
			`echo "$$ $*" >> "${w.calls}"
if [ "$1" = update ]; then echo "Hit:1 http://deb.debian.org/debian bookworm InRelease"; exit 0; fi
i=0
while [ $i -lt 3000 ]; do echo "Unpacking amazon-ecr-credential-helper ($i) ..."; i=$((i+1)); sleep 0.05; done
`,
		);
		const run = startCli(cli, ['install-helper', '--method', 'apt', '--yes'], w.env);
		await waitUntil(
			async () => (await recorded(w)).some((call) => call.argv.startsWith('install')),
			20_000,
			() => `apt-get install never started: ${run.output()}`,
		);
		await run.waitForOutput((text) => text.includes('Unpacking'), 10_000);
		const apt = (await recorded(w)).find((call) => call.argv.startsWith('install'))!;
		const ended = await interrupt(run, signal);
		expect(ended.hung).toBe(false);
		expect(ended.code, ended.stderr).toBe(EXPECTED[signal]);
		const dead = await gone(apt.pid);
		if (!dead) figures['children left alive']++;
		expect(dead, `apt-get (pid ${apt.pid}) outlived the CLI`).toBe(true);
		expect(ended.stdout).not.toContain('Installed docker-credential-ecr-login');
		expect(ended.stderr).toContain('Interrupted.');
		await expectConfigUntouched(w);
	}, 60_000);
});

describe('a second signal', () => {
	it('exits at once with 130 even when the first is still winding the push down', async () => {
		const endpoint = await standIn('DescribeRepositories');
		const w = await world(endpoint.url);
		// A docker that takes a second to stop after SIGTERM: the first Ctrl-C would wait for it; the second does not.
		await fakeExecutable(
			w.bin,
			'docker',
			`echo "$$ $*" >> "${w.calls}"
case "$1" in
  image) echo '[{"Id":"sha256:${'a'.repeat(64)}","RepoTags":["web:dev"],"RepoDigests":[]}]' ;;
  push) trap 'sleep 1; exit 143' TERM; echo "The push refers to repository [${HOST}/web]"; i=0; while [ $i -lt 3000 ]; do echo "a1b2c3d4e5f6: Pushing  $i.0MB/3000MB"; i=$((i+1)); sleep 0.05; done ;;
esac
`,
		);
		const run = startCli(cli, ['push', 'web:dev', '--repository', 'web', '--region', 'eu-west-1'], w.env);
		await waitUntil(
			async () => (await recorded(w)).some((call) => call.argv.startsWith('push')),
			20_000,
			() => `push never started: ${run.output()}`,
		);
		await run.waitForOutput((text) => text.includes('a1b2c3d4e5f6'), 10_000);
		const docker = (await recorded(w)).find((call) => call.argv.startsWith('push'))!;
		run.child.kill('SIGINT');
		await new Promise((resolve) => setTimeout(resolve, 100));
		const ended = await interrupt(run, 'SIGINT');
		figures['signals sent']++;
		expect(ended.hung).toBe(false);
		expect(ended.code, ended.stderr).toBe(130);
		// The docker still stops, on its own time.
		const dead = await gone(docker.pid, 5000);
		if (!dead) figures['children left alive']++;
		expect(dead).toBe(true);
		await expectConfigUntouched(w);
	}, 60_000);
});
