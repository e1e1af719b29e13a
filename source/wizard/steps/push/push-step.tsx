/** Step 7: tag and push, with a bar per layer and one overall; a failure is classified and the fix is offered. */
import type React from 'react';
import {useEffect, useReducer, useState} from 'react';
import {Box, Text} from 'ink';
import {useServices} from '../../../services/context.js';
import type {PushEvent} from '../../../docker/types.js';
import {humanSize} from '../../../lib/format.js';
import {describeRate, plural, summarizeRate} from '../../../docker/push-meter.js';
import {StepFrame} from '../../components/step-frame.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {ErrorPanel} from '../../components/error-panel.js';
import {ProgressBar} from '../../components/progress-bar.js';
import {Busy, Dim, Status} from '../../components/tone.js';
import {HINTS, type Hint} from '../../components/key-hints.js';
import {explainPush, pushFailureOf, type PushErrorKind, type PushFailure} from '../../../docker/push-errors.js';
import {applyPushEvent, layerDone, layerFraction, overallProgress, type PushProgress} from './push-progress.js';
import type {StepId} from '../../state.js';
import type {StepProps} from '../types.js';
import {useMounted} from '../../components/use-mounted.js';

const VISIBLE_LAYERS = 6;

type Fix = {type: 'goto'; step: StepId; note: string} | {type: 'retry'} | {type: 'quit'};

type Phase = {name: 'tagging'} | {name: 'pushing'} | {name: 'failed'; failure: PushFailure};

const AUTH_KINDS = new Set<PushErrorKind>(['no-basic-auth', 'token-expired', 'helper-missing', 'helper-failed']);

/**
 * The ways out of a failed push, the fix for its kind first. When ECR was to create the repository on this push, a
 * refusal of any kind may be the template's part (ecr:CreateRepository, ecr:TagResource): creating it first is offered.
 */
export function fixesFor(kind: PushErrorKind, mode: string, createOnPush = false): Array<ListItem<Fix>> {
	const fixes: Array<ListItem<Fix>> = [];
	if (AUTH_KINDS.has(kind)) {
		fixes.push({
			key: 'auth',
			label: 'Fix authentication (credential helper or a fresh login), then push again',
			value: {type: 'goto', step: 'auth', note: 'Push failed: fixing authentication'},
		});
	}

	if ((kind === 'repository-missing' || (createOnPush && kind.startsWith('denied'))) && mode === 'push') {
		fixes.push({
			key: 'repository',
			label: 'Choose or create the repository, then push again',
			value: {type: 'goto', step: 'repository', note: 'Push failed: choosing or creating the repository'},
		});
	}

	if (kind === 'tag-immutable' || kind === 'image-missing') {
		fixes.push({
			key: 'image',
			label: kind === 'tag-immutable' ? 'Choose another tag, then push again' : 'Choose another image, then push again',
			value: {type: 'goto', step: 'image', note: 'Push failed: choosing the image and tag again'},
		});
	}

	fixes.push(
		{key: 'retry', label: 'Retry the push', value: {type: 'retry'}},
		{
			key: 'doctor',
			label: 'Open the troubleshooter with what the wizard knows',
			value: {type: 'goto', step: 'troubleshoot', note: 'Push failed: running the troubleshooter'},
		},
		{key: 'quit', label: 'Quit', value: {type: 'quit'}},
	);
	return fixes;
}

export function PushStep({state, active, signal, position, complete, goto, exit}: StepProps): React.JSX.Element {
	const {docker} = useServices();
	const repository = state.repository;
	const image = state.image;
	const target = repository && image ? `${repository.uri}:${image.tag}` : '';
	const [phase, setPhase] = useState<Phase>({name: 'tagging'});
	const [progress, dispatch] = useReducer(
		(current: PushProgress, action: {event: PushEvent; at: number} | 'reset') =>
			action === 'reset' ? {layers: []} : applyPushEvent(current, action.event, action.at),
		{layers: []},
	);
	const live = useMounted();
	// Docker reports each 1% of a layer, which on a slow link is seconds apart: a clock keeps speed and time left fresh.
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		if (phase.name !== 'pushing') return;
		const timer = setInterval(() => setNow(Date.now()), 500);
		return () => clearInterval(timer);
	}, [phase.name]);

	async function push(): Promise<void> {
		if (!repository || !image) return;
		dispatch('reset');
		setPhase({name: 'tagging'});
		try {
			if (image.source !== target) await docker.tag(image.source, target);
			if (!live.current || signal.aborted) return;
			setPhase({name: 'pushing'});
			const result = await docker.push(target, {
				...(image.platform ? {platform: image.platform} : {}),
				signal,
				onEvent(event) {
					if (live.current) dispatch({event, at: Date.now()});
				},
			});
			if (!live.current || signal.aborted) return;
			// The push went through, so a repository the template was to create now exists.
			const made = repository.createOnPush;
			complete({
				patch: {
					pushed: {uri: target, digest: result.digest},
					pushFailure: undefined,
					...(made ? {repository: {...repository, created: true}} : {}),
				},
				summary: `Pushed ${target} (${result.digest.slice(0, 19)}…, ${plural(result.layers, 'layer')})${made ? `; ECR created ${repository.name} from the template ${made.prefix}` : ''}`,
				interactive: false,
			});
		} catch (error) {
			if (!live.current || signal.aborted) return;
			setPhase({name: 'failed', failure: pushFailureOf(error, target)});
		}
	}

	useEffect(() => {
		void push();
	}, []);

	if (!repository || !image) {
		return (
			<StepFrame title="Push" position={position} hints={[]}>
				<Status tone="error">The repository or the image is missing: go back and choose them.</Status>
			</StepFrame>
		);
	}

	const overall = overallProgress(progress);
	const rate = describeRate(summarizeRate(progress.samples ?? [], overall.current, overall.total, now));
	const running = progress.layers.filter((layer) => !layerDone(layer));
	const shown = [...running, ...progress.layers.filter((layer) => layerDone(layer))].slice(0, VISIBLE_LAYERS);
	const failed = phase.name === 'failed' ? phase : undefined;
	const explanation = failed ? explainPush(failed.failure) : undefined;
	const hints: Hint[] = failed ? HINTS.choose : [];

	return (
		<StepFrame title={`Push ${image.source}`} position={position} hints={hints} quit={Boolean(failed)}>
			<Text wrap="truncate-middle">{`to ${target}${image.platform ? ` (${image.platform} alone)` : ''}`}</Text>
			{phase.name === 'tagging' ? <Busy>{`docker tag ${image.source} ${target}`}</Busy> : null}
			{phase.name === 'pushing' && progress.layers.length === 0 ? <Busy>Starting the push…</Busy> : null}
			{/* After a failure the layers make room for the explanation and the ways out (80×24). */}
			{(failed ? [] : shown).map((layer) => (
				<Text key={layer.id}>
					{`${layer.id.slice(0, 12).padEnd(12)} `}
					<ProgressBar fraction={layerFraction(layer)} width={16} />
					{` ${layer.status === 'exists' ? 'already there' : layer.status.padEnd(9)} ${layer.total && layer.status !== 'exists' ? `${humanSize(layer.current)} / ${humanSize(layer.total)}` : ''}`}
				</Text>
			))}
			{!failed && progress.layers.length > shown.length ? (
				<Dim>{`  … and ${plural(progress.layers.length - shown.length, 'more layer')}`}</Dim>
			) : null}
			{progress.layers.length > 0 ? (
				<Text>
					{'Overall      '}
					<ProgressBar fraction={overall.fraction} width={16} />
					{` ${Math.round(overall.fraction * 100)}% · ${overall.done} of ${plural(overall.count, 'layer')}${overall.total > 0 ? ` · ${humanSize(overall.current)} / ${humanSize(overall.total)}` : ''}`}
				</Text>
			) : null}
			{!failed && progress.layers.length > 0 && rate ? <Text>{`${' '.repeat(13)}${rate}`}</Text> : null}
			{!failed && progress.bytesUnavailable ? (
				<Dim>{`byte progress unavailable: ${progress.bytesUnavailable}`}</Dim>
			) : null}
			{failed && explanation ? (
				<Box flexDirection="column" marginTop={1}>
					<ErrorPanel title={`Push failed: ${explanation.title}`} hint={explanation.hint} />
					<Dim>{`  docker said: ${failed.failure.message}`}</Dim>
					<Box marginTop={1} flexDirection="column">
						<Text>What now?</Text>
						<SelectList
							items={fixesFor(failed.failure.kind, state.mode, Boolean(repository.createOnPush))}
							isActive={active}
							onSelect={(item) => {
								const fix = item.value;
								if (fix.type === 'retry') void push();
								else if (fix.type === 'quit') exit(1);
								else
									goto(fix.step, {pushFailure: {kind: failed.failure.kind, message: failed.failure.message}}, fix.note);
							}}
						/>
					</Box>
				</Box>
			) : null}
		</StepFrame>
	);
}
