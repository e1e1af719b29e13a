/**
 * Scenario 14: a push you can watch. A 30 MB single-layer image goes to the registry behind the relay (relay.ts, 3 MB/s
 * up), so it takes about ten seconds. docker's own terminal output is captured through util-linux script, as ecr-setup
 * runs it (the unit tests replay these captures); then `ecr-setup push` and the wizard are watched in tmux: byte counts
 * and a speed show before the push ends, and every frame keeps the layout rules at its width.
 */
import {spawn} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {
	createRepository,
	describeRun,
	run,
	docker,
	makeHome,
	makeImage,
	registryTags,
	resetStandIn,
	stack,
	writeDockerConfig,
	type Env,
} from './harness.js';
import {REGISTRY_SLOW, SLOW_LINK} from './topology.js';
import {TmuxSession} from './tmux.js';

const HOST = REGISTRY_SLOW.host;
const LAYER_BYTES = 30_000_000;

/** A person at a terminal: no CI variable, a real TTY. */
function terminalEnv(env: Env): Env {
	const {CI: _ci, NO_COLOR: _noColor, ...rest} = env;
	return rest;
}

/** A chunk as the fixtures store it: one line, `<ms since start>\t<text>` with `\e`, `\r`, `\n` and `\\` escaped. */
function escapeChunk(text: string): string {
	return text.replaceAll('\\', '\\\\').replaceAll('\u001B', '\\e').replaceAll('\r', '\\r').replaceAll('\n', '\\n');
}

type Frame = {at: number; screen: string};

/** The screen every 150 ms until the program exits (or the time is up), and its exit status. */
async function watch(session: TmuxSession, timeoutMs: number): Promise<{frames: Frame[]; status: number | undefined}> {
	const frames: Frame[] = [];
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		const screen = await session.screen();
		if (frames.at(-1)?.screen !== screen) frames.push({at: Date.now() - started, screen});
		const status = await session.exitStatus();
		if (status !== undefined) return {frames, status};
		await new Promise((resolve) => setTimeout(resolve, 150));
	}

	return {frames, status: undefined};
}

/**
 * What every frame at `width` columns must hold: no line longer than the terminal; none that fills it and runs on at
 * column 0 on the next row (a wrap); no singular count with a plural noun.
 */
function layoutProblems(frame: Frame, width: number, wizard = false): string[] {
	const problems: string[] = [];
	const lines = frame.screen.split('\n');
	lines.forEach((line, index) => {
		if (line.length > width) problems.push(`line ${index + 1} is ${line.length} columns: ${line}`);
		const next = lines[index + 1];
		if (line.length === width && next !== undefined && /^\S/.test(next))
			problems.push(`line ${index + 1} wraps to column 0: ${line} / ${next}`);
	});
	// A wrapped line keeps its indentation: what follows a status line (✔, ℹ, a spinner…) at k columns without a symbol
	// of its own is indented k + 2; a text line at column 0 follows a blank line (a title, the key hints).
	lines.forEach((line, index) => {
		const previous = lines[index - 1];
		if (previous === undefined || line.trim() === '' || previous.trim() === '') return;
		const indent = line.length - line.trimStart().length;
		const lead = /^(\s*)[✔✖⚠ℹ…⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏$→•] /.exec(previous);
		const own = /^\s*[✔✖⚠ℹ…⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏$→•›↑c] /.test(line);
		if (lead && !own && indent < lead[1]!.length + 2)
			problems.push(`line ${index + 1} lost its indentation: ${previous} / ${line}`);
		if (wizard && indent === 0 && !own && !lead && /^[\w(]/.test(line))
			problems.push(`line ${index + 1} runs on at column 0: ${previous} / ${line}`);
	});
	for (const match of frame.screen.matchAll(
		/(?<![\d.,])1 (layers|repositories|images|seconds|minutes|files|regions)\b/g,
	))
		problems.push(`plural after 1: "${match[0]}"`);
	return problems.map((problem) => `at ${frame.at} ms: ${problem}`);
}

const BYTES = /\d+(?:\.\d+)?\s?[kM]B\s?(?:\/|of)\s?30(?:\.0)?\s?MB/;
const SPEED = /\d+(?:\.\d+)?\s?[kM]B\/s/;

describe(`scenario 14: a push through a ${SLOW_LINK.bytesPerSecond / 1e6} MB/s relay, watched`, () => {
	const home = makeHome('s14-progress');
	const captures = path.join(stack.work, 'captures');

	/** Every frame seen, kept in the work directory for a look after the run (E2E_KEEP=1). */
	const keepFrames = (name: string, frames: Frame[]) =>
		writeFileSync(
			path.join(captures, `frames-${name}.txt`),
			frames.map((frame) => `--- ${frame.at} ms\n${frame.screen}\n`).join(''),
		);

	beforeAll(async () => {
		await resetStandIn();
		await createRepository('watch-app', {region: REGISTRY_SLOW.region});
		// The real credential helper answers for the host, as configure-helper would set it up.
		writeDockerConfig(home.dockerConfig, {credHelpers: {[HOST]: 'ecr-login'}});
		for (const tag of ['capture', 'cli', 'cancel', 'wizard80', 'wizard100'])
			await makeImage(`watch-app:${tag}`, home.env, {randomBytes: LAYER_BYTES});
		mkdirSync(captures, {recursive: true});
	}, 120_000);

	it("docker's terminal output, through script as ecr-setup runs it: byte counts all along the push", async () => {
		const tagged = await docker(['tag', 'watch-app:capture', `${HOST}/watch-app:capture`], {env: home.env});
		expect(tagged.code, describeRun(tagged)).toBe(0);
		const started = Date.now();
		const chunks: Array<{at: number; text: string}> = [];
		const command = `stty cols 200 rows 50 2>/dev/null; exec docker push ${HOST}/watch-app:capture`;
		const code = await new Promise<number | null>((resolve, reject) => {
			const child = spawn('script', ['-qfec', command, '/dev/null'], {
				env: {...home.env, SHELL: '/bin/sh'},
				cwd: home.home,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			child.stdout.setEncoding('utf8').on('data', (text: string) => chunks.push({at: Date.now() - started, text}));
			child.stderr.setEncoding('utf8').on('data', (text: string) => chunks.push({at: Date.now() - started, text}));
			child.on('error', reject);
			child.on('close', resolve);
		});
		const text = chunks.map((chunk) => chunk.text).join('');
		writeFileSync(
			path.join(captures, 'pty-relay-30mb.txt'),
			chunks.map((chunk) => `${chunk.at}\t${escapeChunk(chunk.text)}\n`).join(''),
		);
		expect(code, text).toBe(0);
		const elapsed = Date.now() - started;
		// 30 MB at 3 MB/s: the relay held the upload to about ten seconds.
		expect(elapsed).toBeGreaterThan(7000);
		const counts = chunks.filter((chunk) => /Pushing\s.*\d+(?:\.\d+)?[kM]B\/30/.test(chunk.text));
		expect(new Set(counts.map((chunk) => /(\d+(?:\.\d+)?[kM]B)\/30/.exec(chunk.text)?.[1])).size).toBeGreaterThan(10);
		// The first count came seconds before the end, not in one burst at the end.
		expect(elapsed - counts[0]!.at).toBeGreaterThan(5000);
		expect(text).toMatch(/capture: digest: sha256:[0-9a-f]{64} size: \d+/);
		expect(await registryTags('watch-app', REGISTRY_SLOW)).toContain('capture');
	}, 120_000);

	it('ecr-setup push at 100 columns: bytes and speed on its one line before the push ends, no line wider than the terminal', async () => {
		const session = await TmuxSession.start({
			name: 's14-cli',
			width: 100,
			height: 30,
			command: [
				'node',
				stack.cli,
				'push',
				'watch-app:cli',
				'--repository',
				'watch-app',
				'--region',
				REGISTRY_SLOW.region,
				'--tag',
				'c1',
			],
			env: terminalEnv(home.env),
		});
		try {
			const {frames, status} = await watch(session, 90_000);
			keepFrames('cli-100', frames);
			const last = frames.at(-1)?.screen ?? '';
			expect(status, last).toBe(0);
			const ended = frames.findIndex((frame) => /Digest sha256:/.test(frame.screen));
			const during = frames.slice(0, ended === -1 ? frames.length : ended);
			const moving = during.filter((frame) => BYTES.test(frame.screen) && SPEED.test(frame.screen));
			expect(moving.length, frames.map((frame) => frame.screen).join('\n---\n')).toBeGreaterThan(3);
			expect(frames.flatMap((frame) => layoutProblems(frame, 100))).toEqual([]);
			expect(last).toContain(`Pushed ${HOST}/watch-app:c1`);
			expect(await registryTags('watch-app', REGISTRY_SLOW)).toContain('c1');
		} finally {
			await session.kill();
		}
	}, 120_000);

	it('Ctrl-C while bytes move: exit 130 at once, no docker push left running, no tag in the registry', async () => {
		const target = `${HOST}/watch-app:x1`;
		const session = await TmuxSession.start({
			name: 's14-cancel',
			width: 100,
			height: 30,
			command: [
				'node',
				stack.cli,
				'push',
				'watch-app:cancel',
				'--repository',
				'watch-app',
				'--region',
				REGISTRY_SLOW.region,
				'--tag',
				'x1',
			],
			env: terminalEnv(home.env),
		});
		try {
			await session.waitFor(BYTES, 30_000);
			const pushes = async () =>
				(await run('ps', ['-eo', 'args='], {env: home.env})).stdout
					.split('\n')
					.filter((line) => line.includes(`push ${target}`));
			// Through the pseudo-terminal: script and the docker it runs, both pushing the target.
			expect(await pushes()).not.toEqual([]);
			await session.press('C-c');
			const pressed = Date.now();
			expect(await session.waitForExit(5000)).toBe(130);
			expect(Date.now() - pressed).toBeLessThan(3000);
			// docker gets SIGTERM and at most a second's grace before SIGKILL.
			let left = await pushes();
			for (const deadline = Date.now() + 2000; left.length > 0 && Date.now() < deadline; left = await pushes())
				await new Promise((resolve) => setTimeout(resolve, 100));
			expect(left).toEqual([]);
			expect(await session.screen()).not.toContain('Pushed ');
			expect(await registryTags('watch-app', REGISTRY_SLOW)).not.toContain('x1');
		} finally {
			await session.kill();
		}
	}, 90_000);

	it.each([
		{width: 80, height: 24, tag: 'w80', image: 'watch-app:wizard80'},
		{width: 100, height: 30, tag: 'w100', image: 'watch-app:wizard100'},
	])(
		'the wizard at $width×$height: the push moves on screen, frames keep the layout, the Done screen fits',
		async (size) => {
			const session = await TmuxSession.start({
				name: `s14-wizard-${size.width}`,
				width: size.width,
				height: size.height,
				command: [
					'node',
					stack.cli,
					'--region',
					REGISTRY_SLOW.region,
					'--repository',
					'watch-app',
					'--image',
					size.image,
					'--tag',
					size.tag,
				],
				env: terminalEnv(home.env),
			});
			try {
				await session.waitFor(/Set up and push an image/, 20_000);
				const frames: Frame[] = [];
				const started = Date.now();
				let quietSince = Date.now();
				let keys = 0;
				let done = '';
				while (Date.now() - started < 120_000 && keys < 40) {
					const screen = await session.screen();
					if (frames.at(-1)?.screen !== screen) {
						frames.push({at: Date.now() - started, screen});
						quietSince = Date.now();
					}
					// One reading of the clock per screen: read again after the awaited tmux call below, a Done screen that was
					// not yet settled for the first test could be settled for the second, and get the Enter that exits it.
					const settled = Date.now() - quietSince > 800;
					// The Done screen, settled (Enter there would exit).
					if (/^Done$/m.test(screen) && settled) {
						done = screen;
						break;
					}
					if ((await session.exitStatus()) !== undefined) break;
					// A settled screen that asks: accept what the wizard proposes. A push redraws twice a second, so it never settles.
					if (settled && !/Step \d+ of \d+ · Push/.test(screen)) {
						await session.press(/\(y\/n\)|\[y\/N\]|\[Y\/n\]/i.test(screen) ? 'y' : 'Enter');
						keys += 1;
						quietSince = Date.now();
					}
					await new Promise((resolve) => setTimeout(resolve, 150));
				}

				keepFrames(`wizard-${size.width}`, frames);
				const all = frames.map((frame) => frame.screen).join('\n---\n');
				expect(done, all).not.toBe('');
				const pushing = frames.filter((frame) => /Step \d+ of \d+ · Push/.test(frame.screen));
				const moving = pushing.filter(
					(frame) => BYTES.test(frame.screen) && SPEED.test(frame.screen) && !/Overall\s+\S+\s+100%/.test(frame.screen),
				);
				expect(moving.length, all).toBeGreaterThan(3);
				expect(frames.flatMap((frame) => layoutProblems(frame, size.width, true))).toEqual([]);
				// The Done screen fits the terminal from its title to its key hints, the whole URI shown on one line.
				const lines = done.split('\n');
				const title = lines.indexOf('Done');
				expect(title, done).toBeGreaterThanOrEqual(0);
				expect(
					lines.slice(title).some((line) => /Enter\s+exit/.test(line)),
					done,
				).toBe(true);
				expect(
					lines.some((line) => line.includes(`Pushed ${HOST}/watch-app:${size.tag}`)),
					done,
				).toBe(true);
				expect(await registryTags('watch-app', REGISTRY_SLOW)).toContain(size.tag);
			} finally {
				await session.kill();
			}
		},
		180_000,
	);
});
