/**
 * A list to choose from with ↑↓ and Enter; when searchable, typing filters it (so `q` is text there, not quit).
 * Only a window of rows is drawn, so thousands of items cost one filter pass per key, not thousands of rows.
 * Hand-made: @inkjs/ui's Select has no filter, and draws every option (10,000 repositories must stay fast).
 */
import type React from 'react';
import {useEffect, useMemo, useReducer} from 'react';
import {Box, Text, type Key} from 'ink';
import {filterByQuery} from './filter.js';
import {listReducer} from './select-list-state.js';
import {Dim} from './tone.js';
import {useKeyInput, useUi} from './ui-context.js';

export type ListItem<V> = {
	key: string;
	label: string;
	value: V;
	/** Shown dim after the label. */
	note?: string;
	/** Always shown whatever the filter (e.g. "Create a new repository"): first, or after the matches while filtering. */
	pinned?: boolean;
	/** Text matched by the filter (default: label). */
	searchText?: string;
};

export type SelectListProps<V> = {
	items: Array<ListItem<V>>;
	isActive: boolean;
	/** With the filter text as it was when Enter was pressed (the parent's copy may be a render behind). */
	onSelect: (item: ListItem<V>, filter: string) => void;
	onCancel?: () => void;
	searchable?: boolean;
	/** What the filter searches, for the prompt: "Filter repositories". */
	searchLabel?: string;
	onFilterChange?: (filter: string) => void;
	/** Rows drawn at once. */
	limit?: number;
	/** Start on this item. */
	initialKey?: string;
	emptyText?: string;
	/** Noun for the count line ("repositories"). */
	noun?: string;
};

export function SelectList<V>({
	items,
	isActive,
	onSelect,
	onCancel,
	searchable = false,
	searchLabel = 'Filter',
	onFilterChange,
	limit = 8,
	initialKey,
	emptyText = 'Nothing matches.',
	noun,
}: SelectListProps<V>): React.JSX.Element {
	const {color, quit} = useUi();
	const initialIndex = Math.max(0, initialKey ? items.findIndex((item) => item.key === initialKey) : 0);
	const [state, dispatch] = useReducer(listReducer, {
		filter: '',
		cursor: initialIndex,
		offset: Math.max(0, Math.min(initialIndex, items.length - limit)),
	});

	const visible = useMemo(() => {
		const pinned = items.filter((item) => item.pinned);
		const rest = items.filter((item) => !item.pinned);
		const matched = filterByQuery(rest, state.filter, (item) => item.searchText ?? item.label);
		// While filtering, Enter should take the best match; the pinned rows (e.g. "create") follow the matches.
		return state.filter.trim().length > 0 ? [...matched, ...pinned] : [...pinned, ...matched];
	}, [items, state.filter]);
	const matches = visible.filter((item) => !item.pinned).length;

	useEffect(() => {
		dispatch({type: 'clamp', total: visible.length, size: limit});
	}, [visible.length, limit]);

	useEffect(() => {
		onFilterChange?.(state.filter);
	}, [state.filter]);

	useKeyInput((input: string, key: Key) => {
		const size = limit;
		const total = visible.length;
		if (key.upArrow) return dispatch({type: 'move', by: -1, total, size});
		if (key.downArrow) return dispatch({type: 'move', by: 1, total, size});
		if (key.pageUp) return dispatch({type: 'move', by: -size, total, size});
		if (key.pageDown) return dispatch({type: 'move', by: size, total, size});
		if (key.home) return dispatch({type: 'to', index: 0, total, size});
		if (key.end) return dispatch({type: 'to', index: total - 1, total, size});
		if (key.return) {
			const item = visible[state.cursor];
			if (item) onSelect(item, state.filter);
			return;
		}

		if (key.escape) {
			if (searchable && state.filter.length > 0) return dispatch({type: 'clear'});
			return onCancel?.();
		}

		if (key.ctrl || key.meta || key.tab) return;
		if (searchable) {
			if (key.backspace || key.delete) return dispatch({type: 'erase'});
			const text = input.replaceAll(/[\u0000-\u001F\u007F]/g, '');
			if (text.length > 0) dispatch({type: 'type', text});
			return;
		}

		if (input.toLowerCase() === 'q') quit();
	}, isActive);

	const cursor = Math.min(state.cursor, Math.max(0, visible.length - 1));
	const rows = visible.slice(state.offset, state.offset + limit);
	const above = state.offset;
	const below = Math.max(0, visible.length - state.offset - limit);

	return (
		<Box flexDirection="column">
			{searchable ? (
				<Text>
					{searchLabel}: {state.filter}
					<Text inverse={color}>{color ? ' ' : '_'}</Text>
					{noun ? <Dim>{`  ${matches} of ${items.filter((item) => !item.pinned).length} ${noun}`}</Dim> : null}
				</Text>
			) : null}
			{above > 0 ? <Dim>{`  ↑ ${above} more`}</Dim> : null}
			{rows.map((item, index) => {
				const selected = state.offset + index === cursor;
				return (
					<Text key={item.key} wrap="truncate-end">
						<Text {...(selected && color ? {color: 'cyan'} : {})} bold={selected && color}>
							{selected ? '› ' : '  '}
							{item.label}
						</Text>
						{item.note ? <Dim>{`  ${item.note}`}</Dim> : null}
					</Text>
				);
			})}
			{visible.length === 0 ? <Dim>{`  ${emptyText}`}</Dim> : null}
			{below > 0 ? <Dim>{`  ↓ ${below} more`}</Dim> : null}
		</Box>
	);
}
