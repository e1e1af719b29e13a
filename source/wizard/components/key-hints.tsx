/** The dim line under the live step naming the keys that work right now. Ctrl-C always does. */
import type React from 'react';
import {Box} from 'ink';
import {Dim} from './tone.js';

export type Hint = [keys: string, action: string];

const BACK: Hint = ['Esc', 'back'];
const MOVE: Hint = ['↑↓', 'move'];

/** The key sets the steps share, so one wording serves every screen. */
export const HINTS = {
	choose: [MOVE, ['Enter', 'choose']] as Hint[],
	chooseOrBack: [MOVE, ['Enter', 'choose'], BACK] as Hint[],
	/** A list that filters as one types: Esc clears the filter first, then goes back. */
	filter: (typing = 'filter'): Hint[] => [['type', typing], MOVE, ['Enter', 'choose'], ['Esc', 'clear/back']],
	answer: [['y/n', 'answer'], ['Enter', 'yes'], BACK] as Hint[],
	retry: [['Enter', 'retry'], BACK] as Hint[],
	back: [BACK],
};

export function KeyHints({hints, quit = true}: {hints: Hint[]; quit?: boolean}): React.JSX.Element {
	const all: Hint[] = [...hints, ...(quit ? ([['q', 'quit']] as Hint[]) : []), ['Ctrl-C', 'exit']];
	return (
		<Box marginTop={1}>
			<Dim>{all.map(([keys, action]) => `${keys} ${action}`).join(' · ')}</Dim>
		</Box>
	);
}
