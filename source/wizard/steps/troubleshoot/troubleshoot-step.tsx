/** "My push failed": run the doctor on what the wizard knows, show what is wrong, and offer the way to fix it. */
import type React from 'react';
import {useEffect, useRef, useState} from 'react';
import {injected} from '../../components/injected.js';
import {Box, Text} from 'ink';
import {useServices} from '../../../services/context.js';
import type {Services} from '../../../services/types.js';
import type {CheckResult, DoctorOptions, DoctorReport, DoctorTargetInput} from '../../../doctor/types.js';
import {errorMessage} from '../../../errors/user-errors.js';
import type {PushErrorKind, PushFailure} from '../../../docker/push-errors.js';
import {outputCauseOf} from '../../../docker/output-cause.js';
import {HINTS} from '../../components/key-hints.js';
import {StepFrame} from '../../components/step-frame.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {ErrorPanel} from '../../components/error-panel.js';
import {Busy, Status, type ToneName} from '../../components/tone.js';
import {useKeys} from '../../components/ui-context.js';
import type {StepId, WizardState} from '../../state.js';
import type {StepProps} from '../types.js';

/** Runs the checks; given the failure of a push, the checks that explain that kind of failure come first. */
export type Troubleshooter = (
	services: Services,
	target: DoctorTargetInput,
	options: DoctorOptions,
	failure?: PushFailure,
) => Promise<DoctorReport>;

const troubleshooterInjected = injected<Troubleshooter>();
export const TroubleshooterProvider = troubleshooterInjected.Provider;

/** The doctor, loaded when first needed (it is not part of the first frame). */
const loadDoctor: Troubleshooter = async (services, target, options, failure) => {
	if (failure) {
		const {diagnosePushFailure} = await import('../../../doctor/push-failure.js');
		const {report, causes} = await diagnosePushFailure(services, failure, target, options);
		return {...report, checks: [...causes, ...report.checks.filter((check) => !causes.includes(check))]};
	}

	const {runDoctor} = await import('../../../doctor/run-doctor.js');
	return runDoctor(services, target, options);
};

/** The failed push the wizard is fixing, in the words of the push-error catalogue. */
export function failureOfState(state: WizardState): PushFailure | undefined {
	if (!state.pushFailure) return undefined;
	return {
		kind: state.pushFailure.kind as PushErrorKind,
		message: state.pushFailure.message,
		...(state.registry ? {registry: state.registry} : {}),
		...(state.repository ? {repository: state.repository.uri} : {}),
		...(state.image ? {tag: state.image.tag} : {}),
	};
}

/** What fits an 80×24 screen next to the choices; the rest is one `ecr-setup doctor` away. */
const SHOWN_PROBLEMS = 3;

const TONES: Record<CheckResult['status'], ToneName> = {pass: 'success', warn: 'warning', fail: 'error', skip: 'muted'};

export function doctorTarget(state: WizardState): DoctorTargetInput {
	return {
		...(state.registry ? {registry: state.registry} : {}),
		...(state.region ? {region: state.region} : {}),
		...(state.repository ? {repository: state.repository.name} : {}),
		...(state.image && state.repository
			? {image: `${state.repository.uri}:${state.image.tag}`}
			: state.image
				? {image: state.image.source}
				: {}),
	};
}

type Next = {step: StepId | 'finish'; note?: string; command?: string};

const AUTH_CHECKS = new Set([
	'docker.store',
	'docker.helper-key',
	'docker.helper-works',
	'docker.stored-token',
	'docker.login-conflict',
	'ecr.auth-token',
]);

export function TroubleshootStep({state, active, signal, position, complete, back}: StepProps): React.JSX.Element {
	const services = useServices();
	const troubleshooter = troubleshooterInjected.use() ?? loadDoctor;
	const [report, setReport] = useState<DoctorReport | undefined>();
	const [error, setError] = useState<string | undefined>();
	const live = useRef(true);

	async function run(): Promise<void> {
		setError(undefined);
		setReport(undefined);
		try {
			const failure = failureOfState(state);
			const found = await troubleshooter(
				services,
				doctorTarget(state),
				{signal, timeoutMs: 15_000},
				...(failure ? [failure] : []),
			);
			if (live.current && !signal.aborted) setReport(found);
		} catch (caught) {
			if (live.current && !signal.aborted) setError(errorMessage(caught));
		}
	}

	useEffect(() => {
		void run();
		return () => {
			live.current = false;
		};
	}, []);

	useKeys({enter: () => void run(), escape: back}, active && Boolean(error));

	// docker's own words name a build-side cause (a pull rate limit…) that no check of the machine can see.
	const failure = failureOfState(state);
	const named = failure ? outputCauseOf(failure) : undefined;
	const problems = report ? report.checks.filter((check) => check.status === 'fail' || check.status === 'warn') : [];
	const authBroken = problems.some((check) => check.status === 'fail' && AUTH_CHECKS.has(check.id));
	const choices: Array<ListItem<Next>> = [
		...(named?.command
			? [
					{
						key: 'fix',
						label: `Stop here and run: ${named.command}`,
						value: {step: 'finish', command: named.command} as Next,
					},
				]
			: []),
		// Only when authentication is what failed: a clock or region warning is not fixed by setting up auth again.
		...(authBroken
			? [
					{
						key: 'auth',
						label: 'Set up authentication now (credential helper or login)',
						value: {step: 'auth', note: 'Troubleshooter: fixing authentication'} as Next,
					},
				]
			: []),
		...(state.pushFailure
			? [
					{
						key: 'push',
						label: 'Retry the push',
						value: {step: 'push', note: 'Troubleshooter: retrying the push'} as Next,
					},
				]
			: []),
		{key: 'finish', label: state.pushFailure ? 'Stop here' : 'Finish', value: {step: 'finish'}},
	];

	return (
		<StepFrame title="Troubleshooter" position={position} hints={report ? HINTS.choose : error ? HINTS.retry : []}>
			{!report && !error ? (
				<Busy>{`Checking docker, the docker config, AWS and ${state.registry ?? 'the registry'}…`}</Busy>
			) : null}
			{error ? <ErrorPanel title="The checks could not run" detail={error} /> : null}
			{report ? (
				<Box flexDirection="column">
					<Text>{`${report.summary.pass} passed · ${report.summary.warn} warnings · ${report.summary.fail} failed · ${report.summary.skip} skipped`}</Text>
					{named ? (
						<Box flexDirection="column">
							<Status tone="error">{named.title}</Status>
							<Text wrap="wrap">{`    ${named.hint}`}</Text>
							{named.command ? <Text wrap="wrap">{`    → $ ${named.command}`}</Text> : null}
						</Box>
					) : null}
					{problems.length === 0 && !named ? <Status tone="success">Nothing wrong found.</Status> : null}
					{problems.slice(0, SHOWN_PROBLEMS).map((check) => (
						<Box key={check.id} flexDirection="column">
							<Status tone={TONES[check.status]}>{`${check.title}: ${check.detail}`}</Status>
							{check.fix ? (
								<Text wrap="wrap">{`    → ${check.fix.description}${check.fix.command ? `  $ ${check.fix.command}` : ''}`}</Text>
							) : null}
						</Box>
					))}
					{problems.length > SHOWN_PROBLEMS ? (
						<Text>{`  … ${problems.length - SHOWN_PROBLEMS} more: run ecr-setup doctor for the full report`}</Text>
					) : null}
					<Box marginTop={1} flexDirection="column">
						<SelectList
							items={choices}
							isActive={active}
							onCancel={back}
							onSelect={(item) => {
								const summary = `Troubleshooter: ${report.summary.fail} failed, ${report.summary.warn} warnings${item.value.command ? `; next: ${item.value.command}` : ''}`;
								if (item.value.step === 'finish') complete({patch: {}, summary, interactive: true, next: 'done'});
								else complete({patch: {}, summary, interactive: true, next: item.value.step});
							}}
						/>
					</Box>
				</Box>
			) : null}
		</StepFrame>
	);
}
