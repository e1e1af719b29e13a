// Whole-process timing for the benchmark: wall-clock from spawn to exit, medians over interleaved runs, and time to
// the first visible text in a pseudo-terminal (script(1) allocates it; no native module needed).
import {spawn} from 'node:child_process';

export function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs a command to completion; resolves with its wall time in ms (and its stdout), rejects on a non-zero exit. */
export function timeRun(command, args, {env, cwd, input, timeoutMs = 120_000} = {}) {
	return new Promise((resolve, reject) => {
		const start = performance.now();
		const child = spawn(command, args, {env, cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
		});
		child.stderr.on('data', (chunk) => {
			stderr += chunk;
		});
		if (input !== undefined) child.stdin.end(input);
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			const ms = performance.now() - start;
			clearTimeout(timer);
			if (code === 0) resolve({ms, stdout, stderr});
			else
				reject(
					new Error(
						`${[command, ...args].join(' ')} ended with ${signal ?? `exit ${code}`}: ${(stderr || stdout).trim().slice(-600)}`,
					),
				);
		});
	});
}

/**
 * Runs each case `warmup` times, then `runs` rounds of every case in turn (interleaved, so that a burst of load on a
 * shared machine hits all of them alike). Each case is an async function resolving with {ms, ...}. Returns, per case,
 * the samples and their median.
 */
export async function series(cases, {runs, warmup = 1}) {
	for (let round = 0; round < warmup; round++) for (const run of cases) await run();
	const samples = cases.map(() => []);
	for (let round = 0; round < runs; round++) {
		for (const [index, run] of cases.entries()) samples[index].push(await run());
	}

	return samples.map((list) => ({samples: list, median: median(list.map((sample) => sample.ms))}));
}

// Escape sequences (CSI, OSC, single-character) carry no text a person sees.
const ESCAPES = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[@-Z\\-_])/g;

export function visibleText(raw) {
	return raw.replaceAll(ESCAPES, '').replaceAll(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '');
}

/**
 * Time from spawning `commandLine` in an 80×24 pseudo-terminal to the first visible text it draws. The process (and
 * the pty's session) is killed once the text arrives. Resolves with {ms, text}.
 */
export function timeToFirstText(commandLine, {env, cwd, timeoutMs = 30_000, settleMs = 0} = {}) {
	return new Promise((resolve, reject) => {
		const start = performance.now();
		// -q quiet, -f flush at once, -e pass the child's exit status; stty sizes the pty like a small terminal window.
		const child = spawn('script', ['-qfec', `stty cols 80 rows 24 2>/dev/null; exec ${commandLine}`, '/dev/null'], {
			env,
			cwd,
			detached: true,
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let raw = '';
		let firstAt;
		let done = false;
		const finish = (error, value) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// Already gone.
			}

			if (error) reject(error);
			else resolve(value);
		};

		const timer = setTimeout(
			() => finish(new Error(`no text within ${timeoutMs} ms from: ${commandLine}\n${visibleText(raw).slice(-400)}`)),
			timeoutMs,
		);
		child.stdout.on('data', (chunk) => {
			raw += chunk;
			if (firstAt === undefined && visibleText(raw).trim().length > 0) {
				firstAt = performance.now() - start;
				// settleMs > 0 keeps reading a little to show what the first screen held; the time stays firstAt.
				setTimeout(() => finish(undefined, {ms: firstAt, text: visibleText(raw)}), settleMs);
			}
		});
		child.on('error', (error) => finish(error));
		child.on('close', (code) => {
			if (firstAt === undefined)
				finish(new Error(`exited (${code}) before drawing anything: ${commandLine}\n${visibleText(raw).slice(-400)}`));
		});
	});
}
