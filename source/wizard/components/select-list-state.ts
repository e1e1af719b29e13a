/** The select list's reducer: filter text, cursor and the first visible row. Pure, so it is tested without Ink. */
import {windowAround} from './filter.js';

export type ListState = {filter: string; cursor: number; offset: number};

export type ListAction =
	| {type: 'type'; text: string}
	| {type: 'erase'}
	| {type: 'clear'}
	| {type: 'move'; by: number; total: number; size: number}
	| {type: 'to'; index: number; total: number; size: number}
	| {type: 'clamp'; total: number; size: number};

export function listReducer(state: ListState, action: ListAction): ListState {
	switch (action.type) {
		case 'type':
			return {filter: state.filter + action.text, cursor: 0, offset: 0};
		case 'erase':
			return state.filter.length === 0 ? state : {filter: state.filter.slice(0, -1), cursor: 0, offset: 0};
		case 'clear':
			return {filter: '', cursor: 0, offset: 0};
		case 'move':
		case 'to': {
			if (action.total === 0) return {...state, cursor: 0, offset: 0};
			const target = action.type === 'move' ? state.cursor + action.by : action.index;
			const cursor = Math.max(0, Math.min(action.total - 1, target));
			return {...state, cursor, offset: windowAround(cursor, state.offset, action.total, action.size)};
		}

		case 'clamp': {
			const cursor = Math.max(0, Math.min(Math.max(0, action.total - 1), state.cursor));
			const offset = windowAround(cursor, state.offset, action.total, action.size);
			return cursor === state.cursor && offset === state.offset ? state : {...state, cursor, offset};
		}
	}
}
