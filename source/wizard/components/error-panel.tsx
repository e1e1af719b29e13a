/** An expected failure, explained: what happened, why, and what to do next. No stack: that is for bugs. */
import type React from 'react';
import {Box, Text} from 'ink';
import {Status} from './tone.js';

export function ErrorPanel({
	title,
	detail,
	hint,
	nextSteps = [],
}: {
	title: string;
	detail?: string;
	hint?: string | undefined;
	nextSteps?: string[];
}): React.JSX.Element {
	return (
		<Box flexDirection="column">
			<Status tone="error">{title}</Status>
			{detail ? (
				<Box marginLeft={2}>
					<Text wrap="wrap">{detail}</Text>
				</Box>
			) : null}
			{hint ? (
				<Box marginLeft={2}>
					<Text wrap="wrap">{hint}</Text>
				</Box>
			) : null}
			{nextSteps.length > 0 ? (
				<Box flexDirection="column" marginLeft={2}>
					{nextSteps.map((step) => (
						<Text key={step} wrap="wrap">
							→ {step}
						</Text>
					))}
				</Box>
			) : null}
		</Box>
	);
}
