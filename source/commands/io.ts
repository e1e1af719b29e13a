/** The terminal side of a subcommand: stdout for results, stderr for progress, y/n prompts only on a TTY. */
import {createInterface} from 'node:readline';
import type {CommandIo, ConfirmOptions} from './types.js';
import {CancelledError, UsageError} from '../errors/user-errors.js';

export type TerminalIoOptions = {
	json: boolean;
	yes: boolean;
	color: boolean;
	stdin?: NodeJS.ReadStream;
	stdout?: NodeJS.WriteStream;
	stderr?: NodeJS.WriteStream;
	env?: Record<string, string | undefined>;
};

/** CI wins over isTTY: a CI job never prompts even when it has a pseudo-terminal. */
export function isInteractive(
	env: Record<string, string | undefined>,
	stdin: {isTTY?: boolean},
	stdout: {isTTY?: boolean},
): boolean {
	const ci = env['CI'];
	if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return false;
	return Boolean(stdin.isTTY && stdout.isTTY);
}

export function createTerminalIo(options: TerminalIoOptions): CommandIo {
	const stdin = options.stdin ?? process.stdin;
	const stdout = options.stdout ?? process.stdout;
	const stderr = options.stderr ?? process.stderr;
	const interactive = isInteractive(options.env ?? process.env, stdin, stdout);
	return {
		interactive,
		// Escape codes only where a person reads them: `… | cat` and `> report.txt` get plain text.
		color: options.color && Boolean(stdout.isTTY),
		out(text) {
			if (!options.json) stdout.write(text.endsWith('\n') ? text : `${text}\n`);
		},
		err(text) {
			stderr.write(text.endsWith('\n') ? text : `${text}\n`);
		},
		async confirm(question: string, confirmOptions: ConfirmOptions = {}) {
			if (options.yes) return true;
			const flag = confirmOptions.flag ?? '--yes';
			if (!interactive) {
				throw new UsageError(`Confirmation needed: ${question}`, {
					hint: `There is no terminal to ask in (no TTY, or CI is set). Pass ${flag} to answer yes.`,
				});
			}

			const suffix = confirmOptions.defaultYes === false ? ' [y/N] ' : ' [Y/n] ';
			const rl = createInterface({input: stdin, output: stderr, terminal: true});
			try {
				const answer = await new Promise<string>((resolve, reject) => {
					rl.on('SIGINT', () => reject(new CancelledError()));
					rl.on('close', () => reject(new CancelledError('No answer (input closed).')));
					rl.question(question + suffix, resolve);
				});
				const normalised = answer.trim().toLowerCase();
				if (normalised === '') return confirmOptions.defaultYes !== false;
				return normalised === 'y' || normalised === 'yes';
			} finally {
				rl.removeAllListeners('close');
				rl.close();
			}
		},
	};
}
