/** Where you are: "Step 3 of 8 · Region", the live content, then the key hints. */
import type React from 'react';
import {Box, Text} from 'ink';
import {KeyHints, type Hint} from './key-hints.js';
import {useUi} from './ui-context.js';

export function StepFrame({
	title,
	position,
	hints,
	quit = true,
	children,
}: {
	title: string;
	position?: {index: number; total: number};
	hints: Hint[];
	quit?: boolean;
	children: React.ReactNode;
}): React.JSX.Element {
	const {color} = useUi();
	return (
		<Box flexDirection="column" marginTop={1}>
			{/* One line: a long host in the title is cut in the middle; the step's content shows it whole. */}
			<Text bold={color} {...(color ? {color: 'cyan'} : {})} wrap="truncate-middle">
				{position ? `Step ${position.index} of ${position.total} · ` : ''}
				{title}
			</Text>
			<Box flexDirection="column" marginLeft={2}>
				{children}
			</Box>
			<KeyHints hints={hints} quit={quit} />
		</Box>
	);
}
