/**
 * Step 8: what happened (pushed URI and digest, files changed with backups), the same without the wizard, what next.
 * Once the repository is known it also offers, by key, a CI pipeline (c) and the push policy (p): each a sub-view
 * that Esc leaves for this summary.
 */
import type React from 'react';
import {useMemo, useState} from 'react';
import {Box, Text} from 'ink';
import {StepFrame} from '../../components/step-frame.js';
import {Hanging, Status, Strong} from '../../components/tone.js';
import {useKeys} from '../../components/ui-context.js';
import {equivalentCommands, nextStepsFor} from './commands.js';
import {offerTarget} from './ci-offer.js';
import type {FileChange} from '../../state.js';
import {DoneCi, type CiWritten} from './done-ci.js';
import {DonePolicy} from './done-policy.js';
import type {StepProps} from '../types.js';

export {CiFilesProvider} from './done-ci.js';

type View = 'summary' | 'ci' | 'policy';

/** The last CI offer's outcome, shown on the summary. */
type CiOutcome = {written: CiWritten} | {declined: string};

export function DoneStep({state, active, exit, guardWrite}: StepProps): React.JSX.Element {
	const [view, setView] = useState<View>('summary');
	const [written, setWritten] = useState<Array<{change: FileChange; replaced: boolean}>>([]);
	const [ci, setCi] = useState<CiOutcome | undefined>(undefined);
	const target = useMemo(() => offerTarget(state), [state]);
	const offers = target !== undefined;
	useKeys(
		{
			enter: () => exit(0),
			escape: () => exit(0),
			keys: offers ? {c: () => setView('ci'), p: () => setView('policy')} : {},
		},
		active && view === 'summary',
	);

	if (view === 'ci' && target) {
		return (
			<DoneCi
				target={target}
				active={active}
				guardWrite={guardWrite}
				onBack={() => setView('summary')}
				onWritten={(result) => {
					const entry = {change: result.change, replaced: result.plan.before !== undefined};
					setWritten((list) => [...list.filter((item) => item.change.path !== entry.change.path), entry]);
					setCi({written: result});
					setView('summary');
				}}
				onDeclined={(path) => {
					setCi({declined: path});
					setView('summary');
				}}
			/>
		);
	}

	if (view === 'policy' && target)
		return <DonePolicy target={target} active={active} onBack={() => setView('summary')} />;

	const changes = [...state.changes.map((change) => ({change, replaced: false})), ...written];
	const commands = equivalentCommands(state);
	const next = nextStepsFor(state);
	return (
		<StepFrame
			title="Done"
			hints={[
				...(offers
					? ([
							['c', 'CI pipeline'],
							['p', 'IAM policy'],
						] as Array<[string, string]>)
					: []),
				['Enter', 'exit'],
			]}
		>
			{state.pushed ? (
				<>
					<Status tone="success">{`Pushed ${state.pushed.uri}`}</Status>
					{/* A digest is 71 characters: on its own line it stays whole at 80 columns, ready to copy. */}
					<Text>{`  ${state.pushed.digest}`}</Text>
					{state.repository?.createOnPush && state.repository.created ? (
						<Status tone="info">{`ECR created ${state.repository.name} on that push, from the repository creation template ${state.repository.createOnPush.prefix}`}</Status>
					) : null}
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
				{changes.length === 0 ? <Text> none</Text> : null}
				{changes.map(({change, replaced}) => (
					<Text key={`${change.path}-${change.backupPath ?? ''}`} wrap="wrap">
						{`  ${change.path}: ${change.description}${change.backupPath ? ` (backup: ${change.backupPath})` : replaced ? ' (replaced)' : ' (new file)'}`}
					</Text>
				))}
			</Box>
			{commands.length > 0 ? (
				<Box flexDirection="column" marginTop={1}>
					<Strong>The same, without the wizard</Strong>
					{commands.map((command) => (
						<Hanging key={command} lead="  $">
							{command}
						</Hanging>
					))}
				</Box>
			) : null}
			{ci ? (
				<Box flexDirection="column" marginTop={1}>
					{'declined' in ci ? (
						<Status tone="info">{`Nothing was written; ${ci.declined} is as it was.`}</Status>
					) : (
						<>
							<Status tone="success">{`Wrote ${ci.written.plan.path}. Before it runs:`}</Status>
							{ci.written.plan.notes.map((note) => (
								<Hanging key={note} lead="  •">
									{note}
								</Hanging>
							))}
						</>
					)}
				</Box>
			) : null}
			<Box flexDirection="column" marginTop={1}>
				<Strong>Next</Strong>
				{next.map((line) => (
					<Hanging key={line} lead="  →">
						{line}
					</Hanging>
				))}
			</Box>
		</StepFrame>
	);
}
