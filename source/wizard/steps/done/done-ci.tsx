/**
 * The Done step's "write a CI pipeline": pick the platform and how it gets AWS credentials, see the file as a diff
 * (against nothing for a new file, against the file for an existing one), and write it only on a yes.
 */
import type React from 'react';
import {useEffect, useRef, useState} from 'react';
import {injected} from '../../components/injected.js';
import {Box, Text, useStdout, type Key} from 'ink';
import type {Hint} from '../../components/key-hints.js';
import {StepFrame} from '../../components/step-frame.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {Confirm} from '../../components/confirm.js';
import {DiffView} from '../../components/diff-view.js';
import {ErrorPanel} from '../../components/error-panel.js';
import {Busy, Status} from '../../components/tone.js';
import {useKeyInput, useKeys} from '../../components/ui-context.js';
import {errorMessage, UserError} from '../../../errors/user-errors.js';
import {
	CI_KINDS,
	CI_LABELS,
	authChoices,
	ciFilesAt,
	planCiFile,
	writeCiFile,
	type CiAuth,
	type CiFiles,
	type CiKind,
	type CiPlan,
	type OfferTarget,
} from './ci-offer.js';
import type {FileChange} from '../../state.js';
import type {StepProps} from '../types.js';

const PICK_HINTS: Hint[] = [
	['↑↓ Enter', 'choose'],
	['Esc', 'back'],
];

/** Where the pipeline is written; without a provider, the working directory. */
const ciFiles = injected<CiFiles>();
export const CiFilesProvider = ciFiles.Provider;

function useCiFiles(): CiFiles {
	const given = ciFiles.use();
	const [fallback] = useState(() => given ?? ciFilesAt(process.cwd()));
	return given ?? fallback;
}

/** The working directory the Done step's offers read and write (the CI files' directory). */
export function useWorkingDirectory(): string {
	return useCiFiles().directory;
}

export type CiWritten = {change: FileChange; plan: CiPlan};

type Phase =
	| {kind: 'platform'}
	| {kind: 'auth'; ci: CiKind}
	| {kind: 'planning'; ci: CiKind; auth: CiAuth}
	| {kind: 'review'; plan: CiPlan}
	| {kind: 'writing'; plan: CiPlan}
	| {kind: 'failed'; error: unknown; ci?: CiKind};

const AUTH_LABELS: Record<CiAuth, {label: string; note: string}> = {
	oidc: {label: 'OIDC: the pipeline assumes an IAM role', note: 'no long-lived keys stored'},
	keys: {label: 'Access keys stored as CI secrets', note: 'an IAM user that may only push'},
};

export function DoneCi({
	target,
	active,
	guardWrite,
	onBack,
	onWritten,
	onDeclined,
}: {
	target: OfferTarget;
	active: boolean;
	guardWrite: StepProps['guardWrite'];
	onBack: () => void;
	onWritten: (written: CiWritten) => void;
	onDeclined: (path: string) => void;
}): React.JSX.Element {
	const files = useCiFiles();
	const [phase, setPhase] = useState<Phase>({kind: 'platform'});
	const mounted = useRef(true);
	useEffect(
		() => () => {
			mounted.current = false;
		},
		[],
	);

	const plan = (ci: CiKind, auth: CiAuth) => {
		setPhase({kind: 'planning', ci, auth});
		planCiFile(files, target, ci, auth).then(
			(planned) => {
				if (mounted.current) setPhase({kind: 'review', plan: planned});
			},
			(error: unknown) => {
				if (mounted.current) setPhase({kind: 'failed', error, ci});
			},
		);
	};

	const write = (planned: CiPlan) => {
		setPhase({kind: 'writing', plan: planned});
		guardWrite(async () => writeCiFile(files, planned)).then(
			(change) => {
				if (mounted.current) onWritten({change, plan: planned});
			},
			(error: unknown) => {
				if (mounted.current) setPhase({kind: 'failed', error, ci: planned.kind});
			},
		);
	};

	const title = 'Done · CI pipeline';

	if (phase.kind === 'platform') {
		const items: Array<ListItem<CiKind>> = CI_KINDS.map((ci) => ({key: ci, label: CI_LABELS[ci], value: ci, note: ci}));
		return (
			<StepFrame title={title} hints={PICK_HINTS}>
				<Text>{`Which CI system should build and push to ${target.repository}?`}</Text>
				<SelectList
					items={items}
					isActive={active}
					onSelect={(item) => {
						const choices = authChoices(item.value);
						// Jenkins has no OIDC token of its own: keys are the only choice, so there is nothing to ask.
						if (choices.length === 1) plan(item.value, choices[0]!);
						else setPhase({kind: 'auth', ci: item.value});
					}}
					onCancel={onBack}
				/>
			</StepFrame>
		);
	}

	if (phase.kind === 'auth') {
		const items: Array<ListItem<CiAuth>> = authChoices(phase.ci).map((auth) => ({
			key: auth,
			value: auth,
			...AUTH_LABELS[auth],
		}));
		return (
			<StepFrame title={title} hints={PICK_HINTS}>
				<Text>{`How does ${CI_LABELS[phase.ci]} get AWS credentials?`}</Text>
				<SelectList items={items} isActive={active} onSelect={(item) => plan(phase.ci, item.value)} onCancel={onBack} />
			</StepFrame>
		);
	}

	if (phase.kind === 'planning' || phase.kind === 'writing') {
		return (
			<StepFrame title={title} hints={[]}>
				<Busy>
					{phase.kind === 'planning' ? `Preparing the ${CI_LABELS[phase.ci]} pipeline…` : `Writing ${phase.plan.path}…`}
				</Busy>
			</StepFrame>
		);
	}

	if (phase.kind === 'failed') {
		return <Failed error={phase.error} ci={phase.ci} active={active} onBack={onBack} />;
	}

	return (
		<Review
			plan={phase.plan}
			directory={files.directory}
			active={active}
			onAnswer={(yes) => {
				if (yes) write(phase.plan);
				else onDeclined(phase.plan.path);
			}}
			onBack={onBack}
		/>
	);
}

function Failed({
	error,
	ci,
	active,
	onBack,
}: {
	error: unknown;
	ci: CiKind | undefined;
	active: boolean;
	onBack: () => void;
}): React.JSX.Element {
	useKeys({enter: onBack, escape: onBack}, active);
	const expected = error instanceof UserError;
	return (
		<StepFrame title="Done · CI pipeline" hints={[['Enter/Esc', 'back']]}>
			<ErrorPanel
				title={expected ? error.message : `Could not prepare the pipeline: ${errorMessage(error)}`}
				hint={expected && error.hint ? error.hint : undefined}
				nextSteps={ci ? [`ecr-setup ci ${ci} --dry-run prints the pipeline without writing it`] : []}
			/>
		</StepFrame>
	);
}

function moreLines(count: number): string {
	return `${count} more line${count === 1 ? '' : 's'}`;
}

/** Lines of diff drawn at once: what the terminal has room for beside the frame, within bounds. */
function useDiffWindow(): number {
	const {stdout} = useStdout();
	const rows = stdout.rows || 24;
	return Math.max(8, Math.min(40, rows - 12));
}

function Review({
	plan,
	directory,
	active,
	onAnswer,
	onBack,
}: {
	plan: CiPlan;
	directory: string;
	active: boolean;
	onAnswer: (yes: boolean) => void;
	onBack: () => void;
}): React.JSX.Element {
	const size = useDiffWindow();
	const lines = plan.diff.split('\n');
	const [offset, setOffset] = useState(0);
	const last = Math.max(0, lines.length - size);
	useKeyInput((_input: string, key: Key) => {
		if (key.upArrow) setOffset((value) => Math.max(0, value - 1));
		else if (key.downArrow) setOffset((value) => Math.min(last, value + 1));
		else if (key.pageUp) setOffset((value) => Math.max(0, value - size));
		else if (key.pageDown) setOffset((value) => Math.min(last, value + size));
	}, active && !plan.unchanged);
	useKeys({enter: onBack, escape: onBack}, active && plan.unchanged);

	if (plan.unchanged) {
		return (
			<StepFrame title="Done · CI pipeline" hints={[['Enter/Esc', 'back']]}>
				<Status tone="success">{`${plan.path} already has this content. Nothing to change.`}</Status>
			</StepFrame>
		);
	}

	const shown = lines.slice(offset, offset + size);
	const below = lines.length - offset - shown.length;
	const isNew = plan.before === undefined;
	return (
		<StepFrame
			title="Done · CI pipeline"
			hints={[
				...(lines.length > size ? ([['↑↓ PgUp PgDn', 'scroll']] as Array<[string, string]>) : []),
				['y/n', 'write or not'],
				['Esc', 'back'],
			]}
		>
			<Text wrap="wrap">
				{isNew
					? `A new file, ${plan.path}, in ${directory}:`
					: `${plan.path} exists in ${directory}; these are the changes:`}
			</Text>
			{offset > 0 ? <Text>{`  ↑ ${moreLines(offset)}`}</Text> : null}
			<DiffView diff={shown.join('\n')} maxLines={size} />
			{below > 0 ? <Text>{`  ↓ ${moreLines(below)}`}</Text> : null}
			<Box marginTop={1}>
				<Confirm
					question={isNew ? `Create ${plan.path}?` : `Overwrite ${plan.path} with these changes?`}
					isActive={active}
					defaultYes={isNew}
					onAnswer={onAnswer}
					onCancel={onBack}
				/>
			</Box>
		</StepFrame>
	);
}
