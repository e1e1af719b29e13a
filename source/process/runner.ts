/** The one module that spawns processes (and the only importer of execa). */
import {constants as fsConstants} from 'node:fs';
import {access} from 'node:fs/promises';
import path from 'node:path';
import type {execa as Execa} from 'execa';
import {CancelledError} from '../errors/user-errors.js';
import {debug, debugEnabled} from '../lib/log.js';
import {descendantsIn, type ProcessEntry, processTable, stillRunning} from './process-tree.js';
import type {ProcessRunner, RunOptions, RunResult, StreamOptions} from './types.js';

// execa costs ≈ 40 ms to load; nothing spawns before the wizard's first frame, so it loads on the first spawn.
let execaModule: Promise<typeof Execa> | undefined;
async function loadExeca(): Promise<typeof Execa> {
	execaModule ??= import('execa').then((module) => module.execa);
	return execaModule;
}

type ExecaFailure = {
	exitCode?: number;
	stdout?: unknown;
	stderr?: unknown;
	code?: string;
	timedOut?: boolean;
	isCanceled?: boolean;
	isTerminated?: boolean;
	signal?: string;
};

function asText(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

function toResult(outcome: ExecaFailure, signal: AbortSignal | undefined): RunResult {
	if (signal?.aborted || outcome.isCanceled) throw new CancelledError();
	const notFound = outcome.code === 'ENOENT';
	return {
		exitCode: notFound ? 127 : (outcome.exitCode ?? (outcome.timedOut ? 124 : 1)),
		stdout: asText(outcome.stdout),
		stderr: asText(outcome.stderr),
		notFound,
		timedOut: Boolean(outcome.timedOut),
	};
}

function execaOptions(options: RunOptions) {
	return {
		reject: false,
		stripFinalNewline: true,
		extendEnv: options.extendEnv ?? true,
		...(options.env ? {env: options.env} : {}),
		...(options.cwd ? {cwd: options.cwd} : {}),
		...(options.timeoutMs ? {timeout: options.timeoutMs} : {}),
		...(options.signal ? {cancelSignal: options.signal} : {}),
		// Children die with us; SIGTERM first, SIGKILL after a grace period.
		forceKillAfterDelay: graceOf(options),
		cleanup: true,
		windowsHide: true,
	} as const;
}

const DEFAULT_GRACE_MS = 2000;
const graceOf = (options: RunOptions) => options.stop?.graceMs ?? DEFAULT_GRACE_MS;

type Spawned = {
	pid?: number | undefined;
	exitCode: number | null;
	signalCode: string | null;
	kill(signal: 'SIGKILL'): boolean;
};

/**
 * On abort execa sends the child SIGTERM and, after the grace, SIGKILL; this also SIGKILLs what the child started and
 * left running (a wrapper's program lives in a session of its own, out of reach of a process-group signal), and kills a
 * wrapper as soon as its program is gone: util-linux `script` otherwise sleeps 2 s after forwarding SIGTERM.
 */
function stopTreeOnAbort(child: Spawned, options: RunOptions): void {
	const {signal} = options;
	const root = child.pid;
	if (!signal || root === undefined) return;
	const exited = () => child.exitCode !== null || child.signalCode !== null;
	const stop = async () => {
		const tree = descendantsIn(await processTable(), root);
		const deadline = Date.now() + graceOf(options);
		let late = false;
		while (!exited()) {
			late = Date.now() >= deadline;
			if (late) break;
			const alive = await running(tree);
			if (options.stop?.wrapper && tree.length > 0 && alive.length === 0) break;
			await new Promise((resolve) => setTimeout(resolve, 25));
		}

		// A program that ended within its grace may leave work to finish (apt-get's dpkg): only a wrapper's, or what
		// outlived the grace, is killed.
		const forced = late || child.signalCode === 'SIGKILL';
		if (!forced && !options.stop?.wrapper) return;
		const later = exited() ? [] : descendantsIn(await processTable(), root);
		const left = await running([...tree, ...later.filter((entry) => !tree.some((seen) => seen.pid === entry.pid))]);
		for (const entry of left) {
			try {
				process.kill(entry.pid, 'SIGKILL');
			} catch {
				// Gone meanwhile.
			}
		}

		if (!exited()) child.kill('SIGKILL');
	};

	const onAbort = () => {
		stop().catch((error: unknown) => debug('process', 'stopping the process tree failed', {error: String(error)}));
	};

	if (signal.aborted) onAbort();
	else signal.addEventListener('abort', onAbort, {once: true});
}

async function running(entries: readonly ProcessEntry[]): Promise<ProcessEntry[]> {
	const alive = await Promise.all(entries.map(async (entry) => stillRunning(entry)));
	return entries.filter((_, index) => alive[index]);
}

/** Split a chunk stream into lines; a lone carriage return (a TTY redraw) also ends a line. */
export function createLineSplitter(onLine: (line: string) => void): {push(chunk: string): void; end(): void} {
	let buffer = '';
	return {
		push(chunk: string) {
			buffer += chunk;
			const parts = buffer.split(/\r\n|\n|\r/);
			buffer = parts.pop() ?? '';
			for (const part of parts) onLine(part);
		},
		end() {
			if (buffer.length > 0) onLine(buffer);
			buffer = '';
		},
	};
}

/** `--verbose`: what ran, how it ended and how long it took. Stdin is described by its size only (it carries secrets). */
async function logged<T extends {exitCode: number}>(
	kind: string,
	file: string,
	args: readonly string[],
	options: RunOptions,
	work: () => Promise<T>,
	details: (result: T) => Record<string, string | number | boolean> = () => ({}),
): Promise<T> {
	if (!debugEnabled()) return work();
	const start = Date.now();
	debug('process', `${kind} ${file}`, {
		argv: [file, ...args],
		stdin: options.input === undefined ? undefined : `${Buffer.byteLength(options.input)} bytes (not shown)`,
		cwd: options.cwd,
		timeoutMs: options.timeoutMs,
	});
	try {
		const result = await work();
		debug('process', `${file} exited`, {exitCode: result.exitCode, durationMs: Date.now() - start, ...details(result)});
		return result;
	} catch (error) {
		debug('process', `${file} ended`, {
			error: error instanceof Error ? error.name : String(error),
			durationMs: Date.now() - start,
		});
		throw error;
	}
}

const resultDetails = (result: RunResult) => ({
	...(result.notFound ? {notFound: true} : {}),
	...(result.timedOut ? {timedOut: true} : {}),
	stdoutBytes: Buffer.byteLength(result.stdout),
	stderrBytes: Buffer.byteLength(result.stderr),
});

export function createProcessRunner(): ProcessRunner {
	const runner = createUnloggedRunner();
	return {
		run: async (file, args, options = {}) =>
			logged('run', file, args, options, async () => runner.run(file, args, options), resultDetails),
		stream: async (file, args, options) =>
			logged('stream', file, args, options, async () => runner.stream(file, args, options), resultDetails),
		interactive: async (file, args, options = {}) =>
			logged('interactive', file, args, options, async () => runner.interactive(file, args, options)),
		which: async (command, options) => runner.which(command, options),
		warm() {
			// setImmediate: only once the current work has gone idle (waiting on the network), not in its middle. A failure
			// here shows again, and is reported, on the real spawn.
			setImmediate(() => {
				loadExeca().catch(() => undefined);
			});
		},
	};
}

function createUnloggedRunner(): ProcessRunner {
	return {
		async run(file, args, options = {}) {
			const execa = await loadExeca();
			const subprocess = execa(file, [...args], {
				...execaOptions(options),
				...(options.input === undefined ? {stdin: 'ignore'} : {input: options.input}),
			});
			stopTreeOnAbort(subprocess, options);
			return toResult((await subprocess) as ExecaFailure, options.signal);
		},

		async stream(file, args, options: StreamOptions) {
			const execa = await loadExeca();
			const subprocess = execa(file, [...args], {
				...execaOptions(options),
				...(options.input === undefined ? {stdin: 'ignore'} : {input: options.input}),
				buffer: true,
			});
			stopTreeOnAbort(subprocess, options);
			for (const [name, stream] of [
				['stdout', subprocess.stdout],
				['stderr', subprocess.stderr],
			] as const) {
				if (!stream) continue;
				stream.setEncoding('utf8');
				const splitter = createLineSplitter((line) => options.onLine(line, name));
				stream.on('data', (chunk: string) => splitter.push(chunk));
				stream.on('end', () => splitter.end());
			}

			const outcome = await subprocess;
			return toResult(outcome as ExecaFailure, options.signal);
		},

		async interactive(file, args, options = {}) {
			const execa = await loadExeca();
			const subprocess = execa(file, [...args], {...execaOptions(options), stdio: 'inherit'});
			stopTreeOnAbort(subprocess, options);
			const outcome = await subprocess;
			const result = toResult(outcome as ExecaFailure, options.signal);
			return {exitCode: result.exitCode};
		},

		async which(command, options = {}) {
			return findOnPath(command, options.env ?? process.env, process.platform);
		},
	};
}

/** PATH lookup as a shell does it; on Windows each PATHEXT extension is tried. */
export async function findOnPath(
	command: string,
	env: Record<string, string | undefined>,
	platform: NodeJS.Platform | string,
): Promise<string | null> {
	const isWindows = platform === 'win32';
	const pathApi = isWindows ? path.win32 : path.posix;
	const candidates: string[] = [];
	const extensions = isWindows
		? (env['PATHEXT'] ?? env['Pathext'] ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)
		: [''];
	const withExtensions = (base: string) =>
		isWindows && pathApi.extname(base) !== ''
			? [base, ...extensions.map((ext) => base + ext)]
			: extensions.map((ext) => base + ext);
	if (command.includes('/') || (isWindows && command.includes('\\'))) {
		candidates.push(...withExtensions(command));
	} else {
		const pathValue = env['PATH'] ?? env['Path'] ?? '';
		for (const dir of pathValue.split(isWindows ? ';' : ':')) {
			if (!dir) continue;
			candidates.push(...withExtensions(pathApi.join(dir.replace(/^"|"$/g, ''), command)));
		}
	}

	for (const candidate of candidates) {
		try {
			await access(candidate, isWindows ? fsConstants.F_OK : fsConstants.X_OK);
			return candidate;
		} catch {
			// Try the next one.
		}
	}

	return null;
}
