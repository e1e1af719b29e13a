/**
 * A table-driven ProcessRunner: each expected command is scripted with its result; anything unscripted throws,
 * so a test notices every process the code under test tries to start.
 */
import type {ProcessRunner, RunOptions, RunResult} from '../../source/process/types.js';

export type ScriptedCommand = {
	file: string;
	/** Exact args, or a predicate. */
	args: readonly string[] | ((args: readonly string[]) => boolean);
	result?: Partial<RunResult>;
	/** Lines to emit through stream(); stdout unless prefixed with "stderr:". */
	lines?: string[];
	/** Assert on what the code passed (e.g. stdin). */
	check?: (options: RunOptions) => void;
	/** Reusable for any number of calls (default: used once). */
	repeat?: boolean;
};

export type RecordedCall = {file: string; args: string[]; options: RunOptions; kind: 'run' | 'stream' | 'interactive'};

export type FakeRunner = ProcessRunner & {calls: RecordedCall[]; remaining(): ScriptedCommand[]};

export function createFakeRunner(
	script: ScriptedCommand[],
	options: {path?: Record<string, string | null>} = {},
): FakeRunner {
	const pending = [...script];
	const calls: RecordedCall[] = [];

	function take(
		file: string,
		args: readonly string[],
		runOptions: RunOptions,
		kind: RecordedCall['kind'],
	): ScriptedCommand {
		calls.push({file, args: [...args], options: runOptions, kind});
		const index = pending.findIndex(
			(entry) =>
				entry.file === file &&
				(typeof entry.args === 'function' ? entry.args(args) : JSON.stringify(entry.args) === JSON.stringify(args)),
		);
		if (index === -1) throw new Error(`Unscripted command: ${file} ${args.join(' ')}`);
		const entry = pending[index]!;
		if (!entry.repeat) pending.splice(index, 1);
		entry.check?.(runOptions);
		return entry;
	}

	function resultOf(entry: ScriptedCommand): RunResult {
		return {exitCode: 0, stdout: '', stderr: '', notFound: false, timedOut: false, ...entry.result};
	}

	return {
		calls,
		remaining: () => pending.filter((entry) => !entry.repeat),
		async run(file, args, runOptions = {}) {
			return resultOf(take(file, args, runOptions, 'run'));
		},
		async stream(file, args, streamOptions) {
			const entry = take(file, args, streamOptions, 'stream');
			for (const line of entry.lines ?? []) {
				if (line.startsWith('stderr:')) streamOptions.onLine(line.slice('stderr:'.length), 'stderr');
				else streamOptions.onLine(line, 'stdout');
			}

			return resultOf(entry);
		},
		async interactive(file, args, runOptions = {}) {
			return {exitCode: resultOf(take(file, args, runOptions, 'interactive')).exitCode};
		},
		async which(command) {
			const table = options.path ?? {};
			return command in table ? (table[command] ?? null) : null;
		},
	};
}
