/**
 * Step 5: how docker gets credentials for this registry today, then either the credential helper (install if missing,
 * config change shown as a diff, confirmed, written with a backup, verified) or a one-time 12-hour login.
 */
import type React from 'react';
import {Box, Text} from 'ink';
import {StepFrame} from '../../components/step-frame.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {Confirm} from '../../components/confirm.js';
import {BindingDiff} from '../../components/binding-diff.js';
import {ErrorPanel} from '../../components/error-panel.js';
import {Busy, Dim, Status} from '../../components/tone.js';
import {useKeys} from '../../components/ui-context.js';
import {HINTS, type Hint} from '../../components/key-hints.js';
import {installCommandText} from './install.js';
import type {StepProps} from '../types.js';
import {useAuthFlow, type Method} from './use-auth-flow.js';

export {installCommandText, installHandOver} from './install.js';

export function AuthStep(props: StepProps): React.JSX.Element {
	const {active, position, back} = props;
	const {host, region, phase, status, helperInfo, output, notes, actions} = useAuthFlow(props);
	const failed = phase.name === 'failed' ? phase : undefined;
	const verifyFailed = phase.name === 'verify-failed' ? phase : undefined;
	useKeys({enter: () => failed?.retry(), escape: actions.toChoice}, active && Boolean(failed));
	useKeys(
		{
			enter: actions.continueUnverified,
			escape: actions.toChoice,
			keys: {r: actions.verifyAgain, l: actions.login},
		},
		active && Boolean(verifyFailed),
	);

	const methods: Array<ListItem<Method>> = [
		...(status?.kind === 'ecr-helper'
			? [{key: 'keep', value: 'keep' as Method, label: 'Keep it: verify the credential helper works'}]
			: []),
		{
			key: 'helper',
			value: 'helper',
			label: 'Use the Amazon ECR credential helper (recommended)',
			note: 'never expires',
		},
		{key: 'login', value: 'login', label: 'Log in once (docker login)', note: 'valid 12 hours'},
	];

	let hints: Hint[] = HINTS.back;
	if (phase.name === 'choose' || phase.name === 'install-choose') hints = HINTS.chooseOrBack;
	if (phase.name === 'install-consent' || phase.name === 'confirm-write') hints = HINTS.answer;
	if (failed) hints = HINTS.retry;
	if (verifyFailed)
		hints = [
			['r', 'retry'],
			['l', 'log in once instead'],
			['Enter', 'continue anyway'],
			['Esc', 'back'],
		];

	return (
		<StepFrame title={`Authentication for ${host}`} position={position} hints={hints}>
			{status && phase.name === 'choose' ? (
				<Status
					tone={
						status.kind === 'ecr-helper' ? 'success' : status.kind === 'token' && !status.expired ? 'info' : 'warning'
					}
				>
					{status.text}
				</Status>
			) : null}
			{helperInfo && phase.name !== 'confirm-write' ? (
				<Status tone="success">{`docker-credential-ecr-login ${helperInfo.version ?? ''} found at ${helperInfo.path}`}</Status>
			) : null}
			{notes.map((note) => (
				<Status key={note} tone="success">
					{note}
				</Status>
			))}
			{phase.name === 'reading' ? <Busy>Reading the docker config…</Busy> : null}
			{phase.name === 'choose' ? (
				<Box flexDirection="column" marginTop={1}>
					<Text>How should docker authenticate to this registry?</Text>
					<SelectList
						items={methods}
						isActive={active}
						onCancel={back}
						onSelect={(item) => actions.choose(item.value)}
					/>
				</Box>
			) : null}
			{phase.name === 'finding-helper' ? <Busy>Looking for docker-credential-ecr-login on PATH…</Busy> : null}
			{phase.name === 'install-choose' ? (
				<Box flexDirection="column">
					<Status tone="warning">docker-credential-ecr-login is not installed. How should it be installed?</Status>
					<SelectList
						items={phase.plans.map((plan) => ({
							key: `${plan.method}-${plan.command.join(' ')}`,
							value: plan,
							label: plan.description,
							note: plan.needsSudo ? 'needs sudo' : plan.method,
						}))}
						isActive={active}
						onCancel={actions.toChoice}
						onSelect={(item) => actions.pickPlan(item.value)}
					/>
				</Box>
			) : null}
			{phase.name === 'install-consent' ? (
				<Box flexDirection="column">
					<Text>{phase.plan.command.length === 0 ? 'This downloads:' : 'This runs:'}</Text>
					<Text>{`  ${installCommandText(phase.plan)}`}</Text>
					{phase.plan.download ? (
						<Dim>{`  version ${phase.plan.download.version}, checked against ${phase.plan.download.checksumUrl}`}</Dim>
					) : null}
					{phase.plan.target ? (
						<Dim>{`  installs to ${phase.plan.target.path}${phase.plan.target.onPath ? '' : ' (not on PATH: add it)'}`}</Dim>
					) : null}
					{phase.plan.download?.pathAdvice && !phase.plan.target?.onPath ? (
						<Dim>{`  ${phase.plan.download.pathAdvice}`}</Dim>
					) : null}
					{phase.plan.needsSudo ? (
						<Text wrap="wrap">
							sudo will ask for your password: the wizard steps aside while it runs, then comes back here.
						</Text>
					) : null}
					<Confirm
						question="Run it?"
						isActive={active}
						onCancel={actions.toChoice}
						onAnswer={(yes) => (yes ? actions.install(phase.plan) : actions.toChoice())}
					/>
				</Box>
			) : null}
			{phase.name === 'installing' ? (
				<Box flexDirection="column">
					<Busy>{`Installing: ${installCommandText(phase.plan)}`}</Busy>
					{output.map((line, index) => (
						<Text key={index} wrap="truncate-end">
							{`  │ ${line}`}
						</Text>
					))}
				</Box>
			) : null}
			{phase.name === 'planning' ? <Busy>Preparing the config change…</Busy> : null}
			{phase.name === 'confirm-write' ? (
				<Box flexDirection="column">
					<Text>
						{phase.profile
							? `This change makes docker ask docker-credential-ecr-login for ${host} with profile ${phase.profile}, whatever AWS variables the shell holds:`
							: `This change makes docker ask docker-credential-ecr-login for ${host}:`}
					</Text>
					<BindingDiff change={phase.change} />
					<Confirm
						question={
							phase.change.wrappers.some((wrapper) => wrapper.changed) ? 'Write these changes?' : 'Write this change?'
						}
						isActive={active}
						onCancel={actions.toChoice}
						onAnswer={(yes) => (yes ? actions.write(phase.change, phase.profile) : actions.toChoice())}
					/>
				</Box>
			) : null}
			{phase.name === 'writing' ? <Busy>Writing the docker config…</Busy> : null}
			{phase.name === 'verifying' ? <Busy>{`Checking: docker-credential-ecr-login get for ${host}…`}</Busy> : null}
			{phase.name === 'logging-in' ? (
				<Busy>{`Fetching a 12-hour token for ${region} and running docker login --password-stdin…`}</Busy>
			) : null}
			{verifyFailed ? (
				<Box flexDirection="column">
					<ErrorPanel
						title={verifyFailed.problem.title}
						{...(verifyFailed.problem.detail ? {detail: verifyFailed.problem.detail} : {})}
						nextSteps={verifyFailed.problem.nextSteps ?? []}
					/>
					{(verifyFailed.problem.lines ?? []).map((line, index) => (
						<Dim key={index}>{`  log: ${line}`}</Dim>
					))}
				</Box>
			) : null}
			{failed ? (
				<ErrorPanel
					title={failed.problem.title}
					{...(failed.problem.detail ? {detail: failed.problem.detail} : {})}
					hint={failed.problem.hint}
					nextSteps={failed.problem.nextSteps ?? []}
				/>
			) : null}
		</StepFrame>
	);
}
