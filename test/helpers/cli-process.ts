/**
 * Run the BUILT CLI (node dist/cli.js, bundled once per suite into a private directory) as a child process, wait for
 * what it prints or for an outside event, signal it, and collect how it ended. Also: fake executables for PATH and a
 * check that a pid is gone.
 */
import {spawn, spawnSync, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {chmod, mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run build` into outdir (scripts/build.mjs --outdir), so the shared dist/ is left to its owners. */
export function buildCli(outdir: string): string {
	const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--outdir', outdir], {
		cwd: ROOT,
		encoding: 'utf8',
		timeout: 120_000,
	});
	if (result.status !== 0) throw new Error(`build failed: ${result.stderr}${result.stdout}`);
	return join(outdir, 'cli.js');
}

export type Ended = {code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; hung: boolean};

export type CliProcess = {
	child: ChildProcessWithoutNullStreams;
	output(): string;
	/** Resolves when `test` holds for stdout+stderr (polled), or rejects after timeoutMs. */
	waitForOutput(test: (text: string) => boolean, timeoutMs?: number): Promise<void>;
	/** Resolves when it has exited; a child still running after timeoutMs is SIGKILLed and reported as hung. */
	ended(timeoutMs?: number): Promise<Ended>;
};

export function startCli(cli: string, args: string[], env: NodeJS.ProcessEnv): CliProcess {
	const child = spawn(process.execPath, [cli, ...args], {env, stdio: ['pipe', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const exit = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => {
		child.on('exit', (code, signal) => resolve({code, signal}));
	});
	return {
		child,
		output: () => stdout + stderr,
		async waitForOutput(test, timeoutMs = 20_000) {
			await waitUntil(
				() => test(stdout + stderr),
				timeoutMs,
				() => `output never matched; it was:\n${stdout}${stderr}`,
			);
		},
		async ended(timeoutMs = 15_000) {
			let hung = false;
			const timer = setTimeout(() => {
				hung = true;
				child.kill('SIGKILL');
			}, timeoutMs);
			const {code, signal} = await exit;
			clearTimeout(timer);
			// Let the pipes drain.
			await new Promise((resolve) => setTimeout(resolve, 20));
			return {code, signal, stdout, stderr, hung};
		},
	};
}

export async function waitUntil(
	test: () => boolean | Promise<boolean>,
	timeoutMs: number,
	describe: () => string,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await test())) {
		if (Date.now() > deadline) throw new Error(describe());
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

export function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch {
		return false;
	}

	// A zombie (exited, not yet reaped) counts as gone.
	const status = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], {encoding: 'utf8'});
	return status.stdout.trim() !== '' && !status.stdout.trim().startsWith('Z');
}

/** Wait (bounded) for a pid to be gone; true when it is. */
export async function gone(pid: number, timeoutMs = 5000): Promise<boolean> {
	try {
		await waitUntil(
			() => !isAlive(pid),
			timeoutMs,
			() => `pid ${pid} still alive`,
		);
		return true;
	} catch {
		return false;
	}
}

/** Write an executable shell script into dir. */
export async function fakeExecutable(dir: string, name: string, script: string): Promise<string> {
	await mkdir(dir, {recursive: true});
	const file = join(dir, name);
	await writeFile(file, `#!/bin/sh\n${script}`);
	await chmod(file, 0o755);
	return file;
}
