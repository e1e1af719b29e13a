import type React from 'react';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {SelectList, type ListItem} from '../../../source/wizard/components/select-list.js';
import {listReducer} from '../../../source/wizard/components/select-list-state.js';
import {UiProvider} from '../../../source/wizard/components/ui-context.js';
import {ARROW_DOWN, ARROW_UP, BACKSPACE, ENTER, ESCAPE, PAGE_DOWN, renderInk} from '../../helpers/render.js';

afterEach(() => {
	cleanup();
});

const items = (count: number): Array<ListItem<number>> =>
	Array.from({length: count}, (_, index) => ({
		key: `k${index}`,
		label: `item-${String(index).padStart(3, '0')}`,
		value: index,
	}));

function renderList(props: Partial<React.ComponentProps<typeof SelectList<number>>> = {}) {
	const onSelect = vi.fn();
	const onCancel = vi.fn();
	const quit = vi.fn();
	const app = renderInk(
		<UiProvider value={{color: false, quit}}>
			<SelectList items={items(50)} isActive onSelect={onSelect} onCancel={onCancel} limit={5} {...props} />
		</UiProvider>,
	);
	return {app, onSelect, onCancel, quit};
}

describe('SelectList', () => {
	it('draws a window of rows that follows the cursor, with counts above and below', async () => {
		const {app, onSelect} = renderList();
		expect(app.frame()).toContain('› item-000');
		expect(app.frame()).toContain('↓ 45 more');
		expect(app.frame()).not.toContain('item-005');
		for (let index = 0; index < 6; index++) await app.press(ARROW_DOWN);
		expect(app.frame()).toContain('› item-006');
		expect(app.frame()).toContain('↑ 2 more');
		await app.press(PAGE_DOWN);
		expect(app.frame()).toContain('› item-011');
		await app.press(ARROW_UP);
		await app.press(ENTER);
		expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({value: 10}), '');
	});

	it('filters as you type; Backspace widens; Esc clears the filter, then cancels', async () => {
		const {app, onSelect, onCancel, quit} = renderList({searchable: true, noun: 'things'});
		await app.type('04');
		expect(app.frame()).toContain('Filter: 04');
		expect(app.frame()).toContain('11 of 50 things');
		await app.type('9');
		expect(app.frame()).toContain('1 of 50 things');
		await app.press(BACKSPACE);
		expect(app.frame()).toContain('11 of 50 things');
		await app.press('q');
		expect(quit).not.toHaveBeenCalled();
		expect(app.frame()).toContain('Nothing matches.');
		await app.press(ESCAPE);
		expect(app.frame()).toContain('50 of 50 things');
		expect(onCancel).not.toHaveBeenCalled();
		await app.press(ESCAPE);
		expect(onCancel).toHaveBeenCalledTimes(1);
		await app.type('7');
		await app.press(ENTER);
		expect(onSelect).toHaveBeenCalledWith(expect.objectContaining({value: 7}), '7');
	});

	it('pinned rows come first, and after the matches while filtering', async () => {
		const pinned: ListItem<number> = {key: 'new', label: '+ New', value: -1, pinned: true};
		const {app} = renderList({searchable: true, items: [pinned, ...items(3)]});
		expect(app.frame()).toMatch(/› \+ New[\s\S]*item-000/);
		await app.type('item-001');
		expect(app.frame()).toMatch(/› item-001[\s\S]*\+ New/);
	});

	it('q quits from a list without a filter', async () => {
		const {app, quit} = renderList();
		await app.press('q');
		expect(quit).toHaveBeenCalled();
	});

	it('starts on initialKey', () => {
		const {app} = renderList({initialKey: 'k30'});
		expect(app.frame()).toContain('› item-030');
	});

	it('takes no keys while inactive', async () => {
		const {app, onSelect} = renderList({isActive: false});
		await app.press(ENTER);
		expect(onSelect).not.toHaveBeenCalled();
	});
});

describe('listReducer', () => {
	it('clamps the cursor and keeps it inside the window', () => {
		let state = {filter: '', cursor: 0, offset: 0};
		state = listReducer(state, {type: 'move', by: -1, total: 10, size: 3});
		expect(state).toEqual({filter: '', cursor: 0, offset: 0});
		state = listReducer(state, {type: 'to', index: 9, total: 10, size: 3});
		expect(state).toEqual({filter: '', cursor: 9, offset: 7});
		state = listReducer(state, {type: 'clamp', total: 4, size: 3});
		expect(state).toEqual({filter: '', cursor: 3, offset: 1});
		state = listReducer(state, {type: 'type', text: 'x'});
		expect(state).toEqual({filter: 'x', cursor: 0, offset: 0});
		expect(listReducer({filter: '', cursor: 2, offset: 0}, {type: 'erase'})).toEqual({
			filter: '',
			cursor: 2,
			offset: 0,
		});
	});
});
