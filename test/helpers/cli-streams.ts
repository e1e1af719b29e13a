/** The three streams `main()` runs with, in memory: what it writes to stdout and stderr is kept for assertions. */
import {PassThrough} from 'node:stream';

export function streams(tty = false) {
	const out: string[] = [];
	const err: string[] = [];
	const stdout = Object.assign(new PassThrough(), {isTTY: tty, columns: 80, rows: 24});
	const stderr = Object.assign(new PassThrough(), {isTTY: false});
	stdout.on('data', (chunk) => out.push(String(chunk)));
	stderr.on('data', (chunk) => err.push(String(chunk)));
	const stdin = Object.assign(new PassThrough(), {isTTY: tty});
	return {io: {stdout, stderr, stdin} as never, out, err};
}
