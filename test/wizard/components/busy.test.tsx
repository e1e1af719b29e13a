import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {Busy} from '../../../source/wizard/components/tone.js';
import {UiProvider} from '../../../source/wizard/components/ui-context.js';
import {renderInk} from '../../helpers/render.js';

afterEach(() => {
	cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Busy: the one spinner of every wait', () => {
	it('turns beside what it waits for on an animated terminal, with no escape codes under NO_COLOR', async () => {
		const view = renderInk(
			<UiProvider value={{color: false, animate: true, quit() {}}}>
				<Busy>Asking AWS who you are…</Busy>
			</UiProvider>,
		);
		await sleep(450);
		const frames = view.frames.map((frame) => frame.trim());
		for (const frame of frames) expect(frame).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Asking AWS who you are…$/);
		expect(new Set(frames.map((frame) => frame[0])).size).toBeGreaterThanOrEqual(3);
		for (const frame of view.frames) expect(frame).not.toMatch(/\u001B\[/);
	});

	it('is one static line where the terminal is not animated (no TTY, CI): the pending symbol, never redrawn', async () => {
		const view = renderInk(
			<UiProvider value={{color: false, quit() {}}}>
				<Busy>Listing local images…</Busy>
			</UiProvider>,
		);
		await sleep(350);
		expect(view.frame()).toBe('… Listing local images…');
		expect(new Set(view.frames).size).toBe(1);
	});
});
