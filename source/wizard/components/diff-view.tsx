/** A unified diff, line by line: the +/- prefix says what changes, colour (unless NO_COLOR) only repeats it. */
import type React from 'react';
import {Box, Text} from 'ink';
import {useUi} from './ui-context.js';

export function DiffView({diff, maxLines = 14}: {diff: string; maxLines?: number}): React.JSX.Element {
	const {color} = useUi();
	// Tabs (docker indents config.json with them) would be measured as one column and break the box: show two spaces.
	const lines = diff
		.replace(/\n$/, '')
		.split('\n')
		.filter((line) => !line.startsWith('==='))
		.map((line) => line.replaceAll('\t', '  '));
	const shown = lines.slice(0, maxLines);
	return (
		<Box flexDirection="column" borderStyle="round" paddingX={1}>
			{shown.map((line, index) => {
				let props: {color?: string; bold?: boolean; dimColor?: boolean} = {};
				if (color) {
					if (line.startsWith('+++') || line.startsWith('---')) props = {bold: true};
					else if (line.startsWith('+')) props = {color: 'green'};
					else if (line.startsWith('-')) props = {color: 'red'};
					else if (line.startsWith('@@')) props = {color: 'cyan'};
				}

				return (
					<Text key={index} wrap="truncate-end" {...props}>
						{line.length === 0 ? ' ' : line}
					</Text>
				);
			})}
			{lines.length > shown.length ? (
				<Text dimColor={color}>{`… ${lines.length - shown.length} more lines`}</Text>
			) : null}
		</Box>
	);
}
