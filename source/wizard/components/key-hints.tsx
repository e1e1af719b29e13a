/** The dim line under the live step naming the keys that work right now. Ctrl-C always does. */
import type React from 'react';
import {Box} from 'ink';
import {Dim} from './tone.js';

export type Hint = [keys: string, action: string];

export function KeyHints({hints, quit = true}: {hints: Hint[]; quit?: boolean}): React.JSX.Element {
	const all: Hint[] = [...hints, ...(quit ? ([['q', 'quit']] as Hint[]) : []), ['Ctrl-C', 'exit']];
	return (
		<Box marginTop={1}>
			<Dim>{all.map(([keys, action]) => `${keys} ${action}`).join(' · ')}</Dim>
		</Box>
	);
}
