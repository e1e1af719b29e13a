import {spawnSync} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {CancelledError} from '../../source/errors/user-errors.js';
import {descendantsIn, parseStat} from '../../source/process/process-tree.js';
import {createProcessRunner} from '../../source/process/runner.js';
import type {RunOptions} from '../../source/process/types.js';
import {gone, isAlive} from '../helpers/cli-process.js';

describe('process runner warm()', () => {
	it('returns at once, may be called repeatedly, and the runs that follow work', async () => {
		const runner = createProcessRunner();
		expect(runner.warm).toBeTypeOf('function');
		expect(runner.warm!()).toBeUndefined();
		runner.warm!();
		const result = await runner.run(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], {input: 'warm'});
		expect(result).toMatchObject({exitCode: 0, stdout: 'warm'});
	});
});

describe('process runner: stopping a cancelled child and what it started', () => {
	const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;

	async function pidIn(file: string): Promise<number> {
		const deadline = Date.now() + 5000;
		for (;;) {
			const text = await readFile(file, 'utf8').catch(() => '');
			if (/^\d+\n/.test(text)) return Number.parseInt(text, 10);
			if (Date.now() > deadline) throw new Error(`${file} never got a pid`);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	}

	async function cancelAfterStart(file: string, args: string[], pidFile: string, stop: RunOptions['stop']) {
		const controller = new AbortController();
		const runner = createProcessRunner();
		const lines: string[] = [];
		const ran = runner.stream(file, args, {signal: controller.signal, stop, onLine: (line) => lines.push(line)});
		const inner = await pidIn(pidFile);
		const started = Date.now();
		controller.abort();
		const outcome = await ran.then(
			() => 'resolved',
			(error: unknown) => error,
		);
		return {outcome, inner, elapsedMs: Date.now() - started, lines};
	}

	it.skipIf(!hasScript)(
		'a wrapper (script running a program in its own session) is gone at once with that program',
		async () => {
			const dir = await mkdtemp(join(tmpdir(), 'runner-stop-'));
			const pidFile = join(dir, 'pid');
			const program = `echo $$ > ${pidFile}; while :; do echo tick; sleep 0.05; done`;
			const result = await cancelAfterStart('script', ['-qfec', `exec sh -c '${program}'`, '/dev/null'], pidFile, {
				graceMs: 5000,
				wrapper: true,
			});
			expect(result.outcome).toBeInstanceOf(CancelledError);
			// script itself sleeps 2 s after forwarding SIGTERM; the runner does not wait for that.
			expect(result.elapsedMs).toBeLessThan(1000);
			expect(await gone(result.inner, 1000)).toBe(true);
			expect(result.lines).toContain('tick');
			await rm(dir, {recursive: true, force: true});
		},
	);

	it('a child ignoring SIGTERM is killed after its grace, with the process it started', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'runner-stop-'));
		const pidFile = join(dir, 'pid');
		// The grandchild ignores SIGTERM too and lives in a session of its own, as script's program does.
		const script = `trap '' TERM; setsid sh -c 'trap "" TERM; echo $$ > ${pidFile}; while :; do sleep 0.05; done' & wait`;
		const result = await cancelAfterStart('sh', ['-c', script], pidFile, {graceMs: 400});
		expect(result.outcome).toBeInstanceOf(CancelledError);
		expect(result.elapsedMs).toBeGreaterThanOrEqual(390);
		expect(result.elapsedMs).toBeLessThan(3000);
		expect(await gone(result.inner, 1000)).toBe(true);
		await rm(dir, {recursive: true, force: true});
	});

	it('what a child that stopped within its grace leaves running is left alone (apt-get leaves dpkg to finish)', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'runner-stop-'));
		const pidFile = join(dir, 'pid');
		const script = `setsid sh -c 'trap "" TERM; echo $$ > ${pidFile}; sleep 10' >/dev/null 2>&1 & wait`;
		const result = await cancelAfterStart('sh', ['-c', script], pidFile, {graceMs: 300});
		expect(result.outcome).toBeInstanceOf(CancelledError);
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(isAlive(result.inner)).toBe(true);
		process.kill(result.inner, 'SIGKILL');
		await rm(dir, {recursive: true, force: true});
	});
});

describe('process tree', () => {
	it('reads the parent and start time after the name, whatever the name holds', () => {
		const stat = '4242 (a) (b c) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10';
		expect(parseStat(4242, stat)).toEqual({pid: 4242, ppid: 17, start: '987654'});
		expect(parseStat(1, 'garbage')).toBeUndefined();
	});

	it('finds descendants through every generation, and not the parent or siblings', () => {
		const table = [
			{pid: 1, ppid: 0, start: '1'},
			{pid: 10, ppid: 1, start: '2'},
			{pid: 11, ppid: 10, start: '3'},
			{pid: 12, ppid: 11, start: '4'},
			{pid: 20, ppid: 1, start: '5'},
		];
		expect(descendantsIn(table, 10).map((entry) => entry.pid)).toEqual([11, 12]);
		expect(descendantsIn(table, 12)).toEqual([]);
	});
});
