/** Status text: a symbol always carries the meaning, colour only repeats it (NO_COLOR drops the colour, nothing else). */
import type React from 'react';
import {useEffect, useState} from 'react';
import {Box, Text} from 'ink';
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
	return <Hanging lead={<Text {...(tint ? {color: tint} : {})}>{SYMBOLS[tone]}</Text>}>{children}</Hanging>;
}

/**
 * Text after a lead (a symbol, `$`, `→`) and one space: its wrapped lines continue under the text, never under the lead
 * or at column 0, so a long host or command keeps its place.
 */
export function Hanging({lead, children}: {lead: React.ReactNode; children: React.ReactNode}): React.JSX.Element {
	return (
		<Box>
			<Box flexShrink={0} marginRight={1}>
				<Text>{lead}</Text>
			</Box>
			<Text wrap="wrap">{children}</Text>
		</Box>
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

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SPINNER_MS = 100;

/**
 * Every wait: a spinner beside what is awaited. Where the terminal is not animated (no TTY, CI, TERM=dumb) the line is
 * static, with the pending symbol; without colour the spinner turns all the same.
 */
export function Busy({children}: {children: React.ReactNode}): React.JSX.Element {
	const {color, animate} = useUi();
	const [frame, setFrame] = useState(0);
	useEffect(() => {
		if (!animate) return;
		const timer = setInterval(() => setFrame((previous) => (previous + 1) % SPINNER.length), SPINNER_MS);
		return () => clearInterval(timer);
	}, [animate]);
	if (!animate) return <Status tone="pending">{children}</Status>;
	return <Hanging lead={<Text {...(color ? {color: COLORS.pending} : {})}>{SPINNER[frame]}</Text>}>{children}</Hanging>;
}
