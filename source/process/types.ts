/** Running other programs: the one interface behind which execa lives. */
export type RunOptions = {
	/** Written to the child's stdin, then stdin is closed. Secrets go here, never into args. */
	input?: string;
	env?: Record<string, string | undefined>;
	/** Extend process.env with env (default true). */
	extendEnv?: boolean;
	cwd?: string;
	timeoutMs?: number;
	signal?: AbortSignal;
	/**
	 * How the child is stopped when signal aborts: SIGTERM, then SIGKILL for it and every process it started that is
	 * still running after graceMs (default 2000). `wrapper`: the child only runs another program (util-linux `script`),
	 * so once the processes it started are gone it is killed at once rather than waited for.
	 */
	stop?: {graceMs?: number; wrapper?: boolean};
};

export type RunResult = {
	exitCode: number;
	stdout: string;
	stderr: string;
	/** The executable was not found (ENOENT). exitCode is 127 then. */
	notFound: boolean;
	timedOut: boolean;
};

export type StreamOptions = RunOptions & {
	/** Called for each complete line the child prints (carriage-return redraws split too). */
	onLine: (line: string, stream: 'stdout' | 'stderr') => void;
};

export interface ProcessRunner {
	/** Run to completion; never throws for a non-zero exit (look at exitCode), throws CancelledError on abort. */
	run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
	/** Like run, but hands every output line to onLine as it arrives. */
	stream(file: string, args: readonly string[], options: StreamOptions): Promise<RunResult>;
	/** Run with the terminal handed over (stdio inherit) — only while Ink is unmounted. */
	interactive(file: string, args: readonly string[], options?: Omit<RunOptions, 'input'>): Promise<{exitCode: number}>;
	/** Absolute path of an executable on PATH (honours PATHEXT on Windows), or null. */
	which(command: string, options?: {env?: Record<string, string | undefined>}): Promise<string | null>;
	/**
	 * Start loading what running a process needs, in the background: a command that will spawn after a network call
	 * calls this first, so the loading overlaps the wait. Optional; never throws.
	 */
	warm?(): void;
}
