/**
 * Step 8: what happened (pushed URI and digest, files changed with backups), the same without the wizard, what next.
 * Once the repository is known it also offers, by key, a CI pipeline (c) and the push policy (p); when a Dockerfile or
 * compose file in the working directory pulls from other ECR registries, the helper for those too (b). Each is a
 * sub-view that Esc leaves for this summary.
 */
import type React from 'react';
import {useEffect, useMemo, useState} from 'react';
import {Box, Text} from 'ink';
import {StepFrame} from '../../components/step-frame.js';
import {Hanging, Status, Strong} from '../../components/tone.js';
import {useKeys} from '../../components/ui-context.js';
import {equivalentCommands, nextStepsFor} from './commands.js';
import {offerTarget} from './ci-offer.js';
import type {FileChange} from '../../state.js';
import {DoneCi, type CiWritten, useWorkingDirectory} from './done-ci.js';
import {DoneBuild} from './done-build.js';
import {type BuildOffer, planBuildOffer} from './build-offer.js';
import {useServices} from '../../../services/context.js';
import {errorMessage} from '../../../errors/user-errors.js';
import {DonePolicy} from './done-policy.js';
import type {StepProps} from '../types.js';

export {CiFilesProvider} from './done-ci.js';

type View = 'summary' | 'ci' | 'policy' | 'build';

/** The build registries offer: none (no build file, or no other ECR registry), an offer, or a file that did not read. */
type BuildState = {offer: BuildOffer | undefined} | {error: string};

/** The last CI offer's outcome, shown on the summary. */
type CiOutcome = {written: CiWritten} | {declined: string};

export function DoneStep({state, active, exit, guardWrite}: StepProps): React.JSX.Element {
	const [view, setView] = useState<View>('summary');
	const [written, setWritten] = useState<Array<{change: FileChange; replaced: boolean}>>([]);
	const [ci, setCi] = useState<CiOutcome | undefined>(undefined);
	const target = useMemo(() => offerTarget(state), [state]);
	const offers = target !== undefined;
	const services = useServices();
	const directory = useWorkingDirectory();
	const [build, setBuild] = useState<BuildState | undefined>(undefined);
	const [planned, setPlanned] = useState(0);
	useEffect(() => {
		let alive = true;
		planBuildOffer(services, state, directory).then(
			(offer) => alive && setBuild({offer}),
			(error: unknown) => alive && setBuild({error: errorMessage(error)}),
		);
		return () => {
			alive = false;
		};
		// Planned once, and again after its write: the state does not change on this screen.
	}, [planned]);
	const buildOffer = build && 'offer' in build ? build.offer : undefined;
	useKeys(
		{
			enter: () => exit(0),
			escape: () => exit(0),
			keys: {
				...(offers ? {c: () => setView('ci'), p: () => setView('policy')} : {}),
				...(buildOffer ? {b: () => setView('build')} : {}),
			},
		},
		active && view === 'summary',
	);

	if (view === 'build' && buildOffer) {
		return (
			<DoneBuild
				offer={buildOffer}
				active={active}
				guardWrite={guardWrite}
				onBack={() => setView('summary')}
				onWritten={(changes) => {
					setWritten((list) => [...list, ...changes.map((change) => ({change, replaced: false}))]);
					setPlanned((count) => count + 1);
					setView('summary');
				}}
			/>
		);
	}

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
				...(buildOffer ? ([['b', 'build registries']] as Array<[string, string]>) : []),
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
			{build ? <BuildSummary build={build} /> : null}
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

function BuildSummary({build}: {build: BuildState}): React.JSX.Element | null {
	if ('error' in build)
		return <Status tone="warning">{`The build files here could not be read: ${build.error}`}</Status>;
	const {offer} = build;
	if (!offer) return null;
	const files = offer.files.join(' and ');
	const adding = offer.registries.filter((registry) => registry.status === 'add').length;
	const others = offer.registries.filter((registry) => registry.status === 'other-account').length;
	if (adding === 0 && others === 0)
		return <Status tone="success">{`docker has a helper for every ECR registry ${files} pulls from`}</Status>;
	const counted = [
		adding > 0 ? `${adding} ${adding === 1 ? 'registry' : 'registries'} of this account` : '',
		others > 0 ? `${others} of another account` : '',
	]
		.filter(Boolean)
		.join(' and ');
	return (
		<Status tone="warning">{`${files} also ${offer.files.length === 1 ? 'pulls' : 'pull'} from ${counted} that docker has no helper for: b to set ${adding + others === 1 ? 'it' : 'them'} up`}</Status>
	);
}
