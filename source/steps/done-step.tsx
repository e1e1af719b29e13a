/** Step 8: what happened (pushed URI and digest, files changed with backups), the same without the wizard, what next. */
import React from 'react';
import {Box, Text} from 'ink';
import {StepFrame} from '../components/step-frame.js';
import {Status, Strong} from '../components/tone.js';
import {useKeys} from '../components/ui-context.js';
import {equivalentCommands, nextStepsFor} from '../wizard/commands.js';
import type {StepProps} from './types.js';

export function DoneStep({state, active, exit}: StepProps): React.JSX.Element {
	useKeys({enter: () => exit(0), escape: () => exit(0)}, active);
	const commands = equivalentCommands(state);
	const next = nextStepsFor(state);
	return (
		<StepFrame title="Done" hints={[['Enter', 'exit']]}>
			{state.pushed ? (
				<>
					<Status tone="success">{`Pushed ${state.pushed.uri}`}</Status>
					{/* A digest is 71 characters: on its own line it stays whole at 80 columns, ready to copy. */}
					<Text>{`  ${state.pushed.digest}`}</Text>
				</>
			) : null}
			{state.auth?.method === 'helper' || state.auth?.method === 'unchanged' ? (
				<Status tone={state.auth.verified ? 'success' : 'warning'}>
					{`docker gets ECR credentials for ${state.registry ?? 'the registry'} from the credential helper${state.auth.verified ? '' : ' (not verified)'}`}
				</Status>
			) : null}
			{state.auth?.method === 'login' ? (
				<Status tone="info">{`Logged in to ${state.registry ?? 'the registry'} until ${state.auth.expiresAt?.slice(11, 16) ?? '?'} UTC`}</Status>
			) : null}
			<Box flexDirection="column" marginTop={1}>
				<Strong>Files changed</Strong>
				{state.changes.length === 0 ? <Text>  none</Text> : null}
				{state.changes.map((change) => (
					<Text key={`${change.path}-${change.backupPath ?? ''}`} wrap="wrap">
						{`  ${change.path}: ${change.description}${change.backupPath ? ` (backup: ${change.backupPath})` : ' (new file)'}`}
					</Text>
				))}
			</Box>
			{commands.length > 0 ? (
				<Box flexDirection="column" marginTop={1}>
					<Strong>The same, without the wizard</Strong>
					{commands.map((command) => (
						<Text key={command} wrap="wrap">{`  $ ${command}`}</Text>
					))}
				</Box>
			) : null}
			<Box flexDirection="column" marginTop={1}>
				<Strong>Next</Strong>
				{next.map((line) => (
					<Text key={line} wrap="wrap">{`  → ${line}`}</Text>
				))}
			</Box>
		</StepFrame>
	);
}
