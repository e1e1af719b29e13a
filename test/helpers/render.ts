/**
 * Drive Ink components by keystrokes: after each key, wait for the next frame, then yield once so effects settle.
 * Frames are read while mounted (with CI=true, lastFrame() after unmount is "\n": STYLE rule 7).
 */
import type React from 'react';
import {render as inkRender} from 'ink-testing-library';

export const ARROW_UP = '\u001B[A';
export const ARROW_DOWN = '\u001B[B';
export const ARROW_LEFT = '\u001B[D';
export const ARROW_RIGHT = '\u001B[C';
export const ENTER = '\r';
export const ESCAPE = '\u001B';
export const BACKSPACE = '\u007F';
export const TAB = '\t';
export const CTRL_C = '\u0003';
export const PAGE_DOWN = '\u001B[6~';

const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
	return text.replaceAll(ANSI, '');
}

/** Whitespace (wrapping included) collapsed to single spaces: for asserting sentences that may wrap at 80 columns. */
export function flat(text: string): string {
	return text.replaceAll(/\s+/g, ' ');
}

async function tick(): Promise<void> {
	await new Promise((resolve) => {
		setImmediate(resolve);
	});
}

export type Driven = ReturnType<typeof inkRender> & {
	/** The last frame, without colour codes. */
	frame(): string;
	/** Every frame so far, without colour codes, joined. */
	allFrames(): string;
	/** Write one key (or a pasted string), wait for the next frame (bounded), then yield once. */
	press(key: string): Promise<void>;
	/** Each character as its own key press. */
	type(text: string): Promise<void>;
	/** Wait until the last frame contains the text (or matches); throws with the frame after `timeoutMs`. */
	waitFor(expected: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
};

export function renderInk(tree: React.ReactElement): Driven {
	const instance = inkRender(tree);
	const frame = () => stripAnsi(instance.lastFrame() ?? '');

	async function waitForNewFrame(count: number, timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (instance.frames.length <= count && Date.now() < deadline) {
			await new Promise((resolve) => {
				setTimeout(resolve, 5);
			});
		}
	}

	return {
		...instance,
		frame,
		allFrames: () => instance.frames.map((text) => stripAnsi(text)).join('\n'),
		async press(key) {
			const before = instance.frames.length;
			await tick();
			instance.stdin.write(key);
			// A key that changes nothing draws no frame: the wait is bounded, not an assertion.
			await waitForNewFrame(before, 300);
			await tick();
		},
		async type(text) {
			for (const char of text) {
				await this.press(char);
			}
		},
		async waitFor(expected, timeoutMs = 8000) {
			// Strings also match across the line wrapping of an 80-column frame.
			const matches = (text: string) =>
				typeof expected === 'string'
					? text.includes(expected) || flat(text).includes(flat(expected))
					: expected instanceof RegExp
						? expected.test(text)
						: expected(text);
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const text = frame();
				if (matches(text)) {
					await tick();
					return text;
				}

				if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(expected)}; last frame:\n${text}`);
				await new Promise((resolve) => {
					setTimeout(resolve, 5);
				});
			}
		},
	};
}
