/**
 * The wizard of the BUILT CLI in a real terminal (tmux, 100×30, its own socket), interrupted at each step: Ctrl-C on the
 * welcome screen, while the identity call waits on a black-holed STS, in the region list, in the new-repository text
 * field, at "Write this change?" with the config diff on screen, and during the push (a fake docker streaming slowly);
 * SIGTERM to the process in the region list and during the push. Each time: exit status 130 / 143, the terminal given
 * back (the shell after it sees `stty` with icanon, echo and isig, and tmux reports the cursor visible), the docker
 * config byte-for-byte unchanged, and the push's docker process gone (by pid).
 */
import {execFileSync} from 'node:child_process';
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {type StandIn, startAwsStandIn, startBlackHole, TEST_KEYS} from '../../helpers/aws-stand-in/index.js';
import {buildCli, fakeExecutable, gone, waitUntil} from '../../helpers/cli-process.js';
import {report} from '../../helpers/report.js';

const CONFIG = '{\n\t"auths": {},\n\t"x-unknown": true\n}\n';
let root: string;
let cli: string;
let endpoint: StandIn;
let hole: Awaited<ReturnType<typeof startBlackHole>>;
const figures = {
	'wizard runs': 0,
	interrupts: 0,
	'exit codes right': 0,
	'terminals restored': 0,
	'children left alive': 0,
	'config bytes lost': 0,
};

function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-S', join(root, 'tmux.sock'), '-f', '/dev/null', ...args], {
		encoding: 'utf8',
		timeout: 10_000,
		env: {PATH: '/usr/local/bin:/usr/bin:/bin'},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
}

const sleep = async (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
	root = await mkdtemp(join(tmpdir(), 'ecr-wizard-int-'));
	if (!hasTmux) {
		report('wizard interrupts (tmux)', {'not run': 'tmux is not installed'});
		return;
	}

	cli = buildCli(join(root, 'dist'));
	// A session that lives for the whole suite: killing a test's last session would stop the tmux server while the
	// next test is starting one ("server exited unexpectedly").
	tmux('new-session', '-d', '-s', 'keepalive', 'sleep 3600');
	endpoint = await startAwsStandIn({repositories: [{name: 'web', region: 'eu-west-1'}]});
	hole = await startBlackHole();
}, 180_000);

afterAll(async () => {
	report('wizard interrupts (tmux)', figures);
	try {
		tmux('kill-server');
	} catch {}

	await endpoint?.close();
	await hole?.close();
	await rm(root, {recursive: true, force: true});
});

type Session = {
	name: string;
	dir: string;
	dockerConfig: string;
	calls: string;
	screen(): string;
	waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
	press(...keys: string[]): void;
	/** The node process running the wizard (child of the pane's shell). */
	pid(): number;
	/** After the wizard exits, the pane's shell prints EXIT=<status> and `stty -a`. */
	result(timeoutMs?: number): Promise<{status: number; stty: string; cursorVisible: boolean}>;
};

let counter = 0;
const sessions: string[] = [];

afterEach(() => {
	for (const name of sessions.splice(0)) {
		try {
			tmux('kill-session', '-t', name);
		} catch {}
	}
});

/** tmux is needed to give the wizard a real terminal; without it these runs are reported as not done, not passed silently. */
const hasTmux = (() => {
	try {
		execFileSync('tmux', ['-V'], {stdio: 'ignore', timeout: 5000});
		return true;
	} catch {
		return false;
	}
})();

async function start(args: string[], options: {sts?: string} = {}): Promise<Session> {
	if (!hasTmux)
		throw new Error('tmux is not installed: the wizard interrupt tests need a real terminal (apt-get install tmux).');
	const name = `w${++counter}`;
	const dir = await mkdtemp(join(root, `${name}-`));
	const bin = join(dir, 'bin');
	const dockerConfig = join(dir, 'home', '.docker');
	const calls = join(dir, 'calls.txt');
	await mkdir(dockerConfig, {recursive: true});
	await writeFile(join(dockerConfig, 'config.json'), CONFIG);
	await fakeExecutable(
		bin,
		'docker',
		`echo "$$ $*" >> "${calls}"
case "$1" in
  version) echo '{"Client":{"Version":"28.1.1"},"Server":{"Version":"28.1.1"}}' ;;
  image) if [ "$2" = ls ]; then echo '{"Repository":"web","Tag":"dev","ID":"abc123","CreatedAt":"2026-11-27 10:00:00 +0000 UTC","Size":"12MB"}'; else echo '[{"Id":"sha256:${'a'.repeat(64)}","RepoTags":["web:dev"],"RepoDigests":[]}]'; fi ;;
  login) cat > /dev/null; echo "Login Succeeded" ;;
  push) echo "The push refers to repository [$2]"; i=0; while [ $i -lt 3000 ]; do echo "a1b2c3d4e5f6: Pushing  $i.0MB/3000MB"; i=$((i+1)); sleep 0.05; done ;;
  *) ;;
esac
`,
	);
	// The credential helper is part of the machine these scenarios describe: a fake one, so the run does not depend on
	// whether this machine has the real one installed (the auth step then offers to configure it, not to install it).
	await fakeExecutable(
		bin,
		'docker-credential-ecr-login',
		'case "$1" in version) echo "0.12.0" ;; *) exit 1 ;; esac\n',
	);
	const env: Record<string, string> = {
		PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`,
		HOME: join(dir, 'home'),
		DOCKER_CONFIG: dockerConfig,
		TERM: 'screen',
		AWS_CONFIG_FILE: join(dir, 'aws-config'),
		AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
		AWS_EC2_METADATA_DISABLED: 'true',
		AWS_REGION: 'eu-west-1',
		AWS_ENDPOINT_URL_ECR: endpoint.url,
		AWS_ENDPOINT_URL_STS: options.sts ?? endpoint.url,
		...TEST_KEYS,
	};
	// The environment goes through a 0600 file, not the tmux command line: the (fake) keys must not be in argv either.
	const envFile = join(dir, 'env.sh');
	await writeFile(
		envFile,
		Object.entries(env)
			.map(([key, value]) => `export ${key}='${value}'\n`)
			.join(''),
		{mode: 0o600},
	);
	const quoted = args.map((arg) => `'${arg}'`).join(' ');
	const script = join(dir, 'run.sh');
	await writeFile(
		script,
		`. '${envFile}'\n'${process.execPath}' '${cli}' ${quoted}\necho "EXIT=$?"\nstty -a | tr '\\n' ' '\necho\necho STTY-DONE\nsleep 600\n`,
	);
	tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', `env -i /bin/sh '${script}'`);
	sessions.push(name);
	figures['wizard runs']++;
	const session: Session = {
		name,
		dir,
		dockerConfig,
		calls,
		screen: () => tmux('capture-pane', '-p', '-J', '-t', name),
		async waitFor(pattern, timeoutMs = 20_000) {
			let last = '';
			await waitUntil(
				() => pattern.test((last = session.screen())),
				timeoutMs,
				() => `screen never showed ${String(pattern)}:\n${last}`,
			);
			// Let the frame finish drawing and the input handlers settle.
			await sleep(300);
			return last;
		},
		press(...keys) {
			tmux('send-keys', '-t', name, ...keys);
		},
		pid() {
			const shell = tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim();
			const child = execFileSync('ps', ['-o', 'pid=', '--ppid', shell], {encoding: 'utf8'}).trim().split(/\s+/)[0];
			return Number(child);
		},
		async result(timeoutMs = 15_000) {
			const screen = await session.waitFor(/STTY-DONE/, timeoutMs);
			const status = Number(/EXIT=(\d+)/.exec(screen)?.[1]);
			const stty = /EXIT=\d+\s*\n([\s\S]*?)STTY-DONE/.exec(screen)?.[1]?.replace(/\s+/g, ' ') ?? '';
			const cursorVisible = tmux('display-message', '-p', '-t', name, '#{cursor_flag}').trim() === '1';
			return {status, stty, cursorVisible};
		},
	};
	return session;
}

async function expectCleanExit(session: Session, expected: 130 | 143): Promise<void> {
	figures.interrupts++;
	const {status, stty, cursorVisible} = await session.result();
	if (status === expected) figures['exit codes right']++;
	expect(status, session.screen()).toBe(expected);
	const sane =
		[' icanon ', ' echo ', ' isig '].every((flag) => ` ${stty} `.includes(flag)) &&
		!/ -icanon | -echo /.test(` ${stty} `);
	if (sane && cursorVisible) figures['terminals restored']++;
	expect(stty).toMatch(/(^| )icanon( |$)/);
	expect(stty).toMatch(/(^| )echo( |$)/);
	expect(stty).toMatch(/(^| )isig( |$)/);
	expect(cursorVisible).toBe(true);
	const after = await readFile(join(session.dockerConfig, 'config.json'), 'utf8');
	if (after !== CONFIG) figures['config bytes lost']++;
	expect(after).toBe(CONFIG);
	expect(await readdir(session.dockerConfig)).toEqual(['config.json']);
}

async function toRegion(session: Session): Promise<void> {
	await session.waitFor(/Set up and push an image/);
	session.press('Enter');
	await session.waitFor(/Which AWS region/);
}

describe('Ctrl-C and SIGTERM at each wizard step', () => {
	it('Ctrl-C on the welcome screen', async () => {
		const session = await start([]);
		await session.waitFor(/Set up and push an image/);
		session.press('C-c');
		await expectCleanExit(session, 130);
	}, 60_000);

	it('Ctrl-C while the identity call waits on a black-holed STS', async () => {
		const session = await start([], {sts: hole.url});
		await session.waitFor(/Set up and push an image/);
		const before = hole.connections();
		session.press('Enter');
		await waitUntil(
			() => hole.connections() > before,
			20_000,
			() => session.screen(),
		);
		session.press('C-c');
		await expectCleanExit(session, 130);
	}, 60_000);

	it('Ctrl-C in the region list', async () => {
		const session = await start([]);
		await toRegion(session);
		session.press('C-c');
		await expectCleanExit(session, 130);
	}, 60_000);

	it('SIGTERM in the region list', async () => {
		const session = await start([]);
		await toRegion(session);
		process.kill(session.pid(), 'SIGTERM');
		await expectCleanExit(session, 143);
	}, 60_000);

	it('Ctrl-C in the new-repository text field, with a name half typed', async () => {
		const session = await start([]);
		await toRegion(session);
		session.press('Enter');
		await session.waitFor(/Create a new repository/);
		session.press('Enter');
		await session.waitFor(/New repository name/);
		tmux('send-keys', '-t', session.name, '-l', 'team/ap');
		await session.waitFor(/team\/ap/);
		session.press('C-c');
		await expectCleanExit(session, 130);
	}, 60_000);

	it('Ctrl-C at "Write this change?" with the config diff on screen: nothing written', async () => {
		const session = await start(['--region', 'eu-west-1', '--repository', 'web', '--image', 'web:dev', '--tag', 'dev']);
		await session.waitFor(/Set up and push an image/);
		session.press('Enter');
		await session.waitFor(/How should docker authenticate/);
		session.press('Enter');
		await session.waitFor(/Write this change\?/);
		session.press('C-c');
		await expectCleanExit(session, 130);
	}, 60_000);

	it.each([
		['Ctrl-C', 130],
		['SIGTERM', 143],
	] as const)(
		'%s during the push: docker push is stopped too',
		async (how, code) => {
			const session = await start([
				'--region',
				'eu-west-1',
				'--repository',
				'web',
				'--image',
				'web:dev',
				'--tag',
				'dev',
			]);
			await session.waitFor(/Set up and push an image/);
			session.press('Enter');
			await session.waitFor(/How should docker authenticate/);
			session.press('Down');
			await session.waitFor(/› Log in once/);
			session.press('Enter');
			await session.waitFor(/pushing/i);
			const push = (await readFile(session.calls, 'utf8')).split('\n').find((line) => / push /.test(` ${line} `));
			expect(push).toBeDefined();
			const pid = Number(push!.split(' ')[0]);
			if (how === 'Ctrl-C') session.press('C-c');
			else process.kill(session.pid(), 'SIGTERM');
			// The fake docker's login stores nothing, so the config must still be exactly as it was.
			await expectCleanExit(session, code);
			const dead = await gone(pid);
			if (!dead) figures['children left alive']++;
			expect(dead, `docker push (pid ${pid}) outlived the wizard`).toBe(true);
		},
		90_000,
	);
});
