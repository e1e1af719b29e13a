/**
 * A text progress bar: filled and empty cells differ in shape, not only colour, so NO_COLOR loses nothing.
 * Hand-made: @inkjs/ui's ProgressBar stretches to its box, and the push view needs a fixed width beside each layer.
 */
import type React from 'react';
import {Text} from 'ink';
import {useUi} from './ui-context.js';

export function progressCells(fraction: number, width: number): {done: number; rest: number} {
	const clamped = Number.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
	const done = Math.round(clamped * width);
	return {done, rest: width - done};
}

export function ProgressBar({fraction, width = 20}: {fraction: number; width?: number}): React.JSX.Element {
	const {color} = useUi();
	const {done, rest} = progressCells(fraction, width);
	return (
		<Text>
			<Text {...(color ? {color: 'green'} : {})}>{'█'.repeat(done)}</Text>
			<Text dimColor={color}>{'░'.repeat(rest)}</Text>
		</Text>
	);
}
