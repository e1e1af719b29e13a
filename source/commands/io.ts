/**
 * The terminal side of a subcommand: stdout for results, stderr for progress, questions (y/n, a line, a hidden secret)
 * only on a TTY, and stdin read whole for the flags that take a secret from it.
 */
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

/**
 * A line typed with nothing echoed: the terminal in raw mode, each key read as it comes, Backspace honoured, Ctrl-C a
 * cancel. Only the question and a newline are written, so the secret never reaches the screen or the scrollback.
 */
export async function readHidden(
	stdin: NodeJS.ReadStream,
	stderr: NodeJS.WriteStream,
	question: string,
): Promise<string> {
	stderr.write(question);
	const wasRaw = stdin.isRaw;
	stdin.setRawMode?.(true);
	stdin.setEncoding('utf8');
	stdin.resume();
	return new Promise<string>((resolve, reject) => {
		let value = '';
		const finish = () => {
			stdin.removeListener('data', onData);
			stdin.removeListener('end', onEnd);
			stdin.setRawMode?.(wasRaw);
			stdin.pause();
			stderr.write('\n');
		};

		const onEnd = () => {
			finish();
			reject(new CancelledError('No answer (input closed).'));
		};

		const onData = (chunk: string) => {
			for (const char of chunk) {
				if (char === '\r' || char === '\n') {
					finish();
					resolve(value);
					return;
				}

				if (char === '\u0003' || (char === '\u0004' && value === '')) {
					finish();
					reject(new CancelledError());
					return;
				}

				if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
				else if (char >= ' ') value += char;
			}
		};

		stdin.on('data', onData);
		stdin.on('end', onEnd);
	});
}

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

	function requireTerminal(question: string, flag: string | undefined): void {
		if (interactive) return;
		throw new UsageError(`An answer is needed: ${question.trim()}`, {
			hint: `There is no terminal to ask in (no TTY, or CI is set).${flag ? ` Pass ${flag} instead.` : ''}`,
		});
	}

	async function askLine(question: string): Promise<string> {
		const rl = createInterface({input: stdin, output: stderr, terminal: true});
		try {
			return await new Promise<string>((resolve, reject) => {
				rl.on('SIGINT', () => reject(new CancelledError()));
				rl.on('close', () => reject(new CancelledError('No answer (input closed).')));
				rl.question(question, resolve);
			});
		} finally {
			rl.removeAllListeners('close');
			rl.close();
		}
	}

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
			const normalised = (await askLine(question + suffix)).trim().toLowerCase();
			if (normalised === '') return confirmOptions.defaultYes !== false;
			return normalised === 'y' || normalised === 'yes';
		},
		async ask(question, askOptions = {}) {
			requireTerminal(question, askOptions.flag);
			return askLine(question);
		},
		async askSecret(question, askOptions = {}) {
			requireTerminal(question, askOptions.flag);
			return readHidden(stdin, stderr, question);
		},
		async readStdin() {
			const chunks: Buffer[] = [];
			for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
			return Buffer.concat(chunks).toString('utf8');
		},
	};
}
