import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {createTerminalIo, readHidden} from '../../source/commands/io.js';

/** A terminal's stdin: a stream that records raw mode. */
function terminalInput() {
	const input = Object.assign(new PassThrough(), {isTTY: true, isRaw: false, modes: [] as boolean[]});
	Object.assign(input, {
		setRawMode(mode: boolean) {
			input.isRaw = mode;
			input.modes.push(mode);
			return input;
		},
	});
	return input as unknown as NodeJS.ReadStream & {modes: boolean[]};
}

function output() {
	const stream = Object.assign(new PassThrough(), {isTTY: true});
	let written = '';
	stream.on('data', (chunk: Buffer) => {
		written += chunk.toString();
	});
	return {stream: stream as unknown as NodeJS.WriteStream, written: () => written};
}

describe('the hidden prompt', () => {
	it('reads a line in raw mode, honours Backspace, and echoes nothing of it', async () => {
		const stdin = terminalInput();
		const stderr = output();
		const reading = readHidden(stdin, stderr.stream, 'Secret: ');
		stdin.write('s3cr');
		stdin.write('x\u007fet\r');
		expect(await reading).toBe('s3cret');
		expect(stderr.written()).toBe('Secret: \n');
		expect(stdin.modes).toEqual([true, false]);
	});

	it('Ctrl-C cancels', async () => {
		const stdin = terminalInput();
		const reading = readHidden(stdin, output().stream, 'Secret: ');
		stdin.write('ab\u0003');
		await expect(reading).rejects.toMatchObject({name: 'CancelledError'});
		expect(stdin.isRaw).toBe(false);
	});
});

describe('asking and reading stdin', () => {
	it('without a terminal nothing is asked: the error names the flag', async () => {
		const io = createTerminalIo({json: false, yes: false, color: false, env: {CI: 'true'}, stdin: terminalInput()});
		await expect(io.ask!('Which? ', {flag: '--yes'})).rejects.toMatchObject({
			exitCode: 2,
			hint: expect.stringContaining('Pass --yes'),
		});
		await expect(io.askSecret!('Secret: ')).rejects.toMatchObject({exitCode: 2});
	});

	it('reads all of stdin', async () => {
		const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
		const io = createTerminalIo({json: false, yes: false, color: false, env: {}, stdin});
		const reading = io.readStdin!();
		(stdin as unknown as PassThrough).end('line one\nline two\n');
		expect(await reading).toBe('line one\nline two\n');
	});
});
