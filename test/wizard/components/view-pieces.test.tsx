import {useState} from 'react';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {TextField} from '../../../source/wizard/components/text-field.js';
import {Confirm} from '../../../source/wizard/components/confirm.js';
import {KeyHints} from '../../../source/wizard/components/key-hints.js';
import {ErrorPanel} from '../../../source/wizard/components/error-panel.js';
import {progressCells} from '../../../source/wizard/components/progress-bar.js';
import {UiProvider} from '../../../source/wizard/components/ui-context.js';
import {BACKSPACE, ENTER, ESCAPE, renderInk} from '../../helpers/render.js';

afterEach(() => {
	cleanup();
});

function Field({mask = false, onSubmit}: {mask?: boolean; onSubmit: (value: string) => void}) {
	const [value, setValue] = useState('');
	return <TextField label="Name" value={value} onChange={setValue} onSubmit={onSubmit} isActive mask={mask} />;
}

describe('TextField', () => {
	it('types, erases and submits; q is text here', async () => {
		const quit = vi.fn();
		const onSubmit = vi.fn();
		const app = renderInk(
			<UiProvider value={{color: false, quit}}>
				<Field onSubmit={onSubmit} />
			</UiProvider>,
		);
		await app.type('aqx');
		await app.press(BACKSPACE);
		expect(app.frame()).toContain('Name: aq_');
		await app.press(ENTER);
		expect(onSubmit).toHaveBeenCalledWith('aq');
		expect(quit).not.toHaveBeenCalled();
	});

	it('masks a secret', async () => {
		const app = renderInk(<Field mask onSubmit={() => undefined} />);
		await app.type('hunter2');
		expect(app.frame()).toContain('Name: *******');
		expect(app.allFrames()).not.toContain('hunter2');
	});
});

describe('Confirm', () => {
	it('y, n, Enter for the default, Esc to cancel', async () => {
		const onAnswer = vi.fn();
		const onCancel = vi.fn();
		const app = renderInk(
			<Confirm question="Write it?" isActive onAnswer={onAnswer} onCancel={onCancel} defaultYes={false} />,
		);
		expect(app.frame()).toBe('Write it? (y/N)');
		await app.press('y');
		await app.press('N');
		await app.press(ENTER);
		await app.press(ESCAPE);
		expect(onAnswer.mock.calls).toEqual([[true], [false], [false]]);
		expect(onCancel).toHaveBeenCalledTimes(1);
	});
});

describe('small pieces', () => {
	it('KeyHints always ends with Ctrl-C, and names q only when it works', () => {
		expect(renderInk(<KeyHints hints={[['↑↓', 'move']]} />).frame()).toContain('↑↓ move · q quit · Ctrl-C exit');
		expect(renderInk(<KeyHints hints={[['type', 'filter']]} quit={false} />).frame()).toContain(
			'type filter · Ctrl-C exit',
		);
	});

	it('ErrorPanel: what, why, what next', () => {
		const frame = renderInk(<ErrorPanel title="It broke" detail="Because." nextSteps={['do this']} />).frame();
		expect(frame).toBe('✖ It broke\n  Because.\n  → do this');
	});

	it('progress cells are clamped and shaped, not only coloured', () => {
		expect(progressCells(0.5, 10)).toEqual({done: 5, rest: 5});
		expect(progressCells(2, 10)).toEqual({done: 10, rest: 0});
		expect(progressCells(Number.NaN, 10)).toEqual({done: 0, rest: 10});
	});
});
