/** Status text: a symbol always carries the meaning, colour only repeats it (NO_COLOR drops the colour, nothing else). */
import type React from 'react';
import {Text} from 'ink';
import {useUi} from './ui-context.js';

export type ToneName = 'success' | 'error' | 'warning' | 'info' | 'pending' | 'muted';

const SYMBOLS: Record<ToneName, string> = {success: '✔', error: '✖', warning: '⚠', info: 'ℹ', pending: '…', muted: '·'};
const COLORS: Record<ToneName, string | undefined> = {
	success: 'green',
	error: 'red',
	warning: 'yellow',
	info: 'cyan',
	pending: 'cyan',
	muted: undefined,
};

export function Status({tone, children}: {tone: ToneName; children: React.ReactNode}): React.JSX.Element {
	const {color} = useUi();
	const tint = color ? COLORS[tone] : undefined;
	return (
		<Text wrap="wrap">
			<Text {...(tint ? {color: tint} : {})}>{SYMBOLS[tone]}</Text> {children}
		</Text>
	);
}

/** Dim text when colour is on; plain otherwise (dim is an escape sequence too). */
export function Dim({children}: {children: React.ReactNode}): React.JSX.Element {
	const {color} = useUi();
	return <Text dimColor={color}>{children}</Text>;
}

export function Strong({children}: {children: React.ReactNode}): React.JSX.Element {
	const {color} = useUi();
	return <Text bold={color}>{children}</Text>;
}

export function Busy({children}: {children: React.ReactNode}): React.JSX.Element {
	return <Status tone="pending">{children}</Status>;
}
