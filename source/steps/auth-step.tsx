/**
 * Step 5: how docker gets credentials for this registry today, then either the credential helper (install if missing,
 * config change shown as a diff, confirmed, written with a backup, verified) or a one-time 12-hour login.
 */
import React, {useEffect, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import {useAws, useServices} from '../services/context.js';
import type {EditPlan, HelperInfo, InstallPlan, LoadedConfig} from '../services/types.js';
import {errorMessage} from '../lib/errors.js';
import {privateRegistryHost} from '../lib/registry.js';
import {StepFrame} from '../components/step-frame.js';
import {SelectList, type ListItem} from '../components/select-list.js';
import {Confirm} from '../components/confirm.js';
import {DiffView} from '../components/diff-view.js';
import {ErrorPanel} from '../components/error-panel.js';
import {Busy, Dim, Status} from '../components/tone.js';
import {useKeys} from '../components/ui-context.js';
import type {Hint} from '../components/key-hints.js';
import {describeAuth, type AuthStatus} from '../wizard/auth-status.js';
import {awsErrorKind, explainAwsError} from '../wizard/errors.js';
import {commandLine} from '../wizard/shell.js';
import type {FileChange} from '../wizard/state.js';
import type {StepProps} from './types.js';

type Method = 'helper' | 'login' | 'keep';

type Problem = {title: string; detail?: string; hint?: string; nextSteps?: string[]; lines?: string[]};

type Phase =
	| {name: 'reading'}
	| {name: 'choose'}
	| {name: 'finding-helper'}
	| {name: 'install-choose'; plans: InstallPlan[]}
	| {name: 'install-consent'; plan: InstallPlan}
	| {name: 'installing'; plan: InstallPlan}
	| {name: 'planning'}
	| {name: 'confirm-write'; config: LoadedConfig; plan: EditPlan}
	| {name: 'writing'}
	| {name: 'verifying'}
	| {name: 'verify-failed'; problem: Problem}
	| {name: 'logging-in'}
	| {name: 'failed'; problem: Problem; retry: () => void};

/** The shell text of an install plan, every command in the order it runs (a download when nothing is spawned). */
export function installCommandText(plan: InstallPlan): string {
	if (plan.command.length === 0) {
		return plan.download ? `download ${plan.download.url}${plan.target ? ` to ${plan.target.path}` : ''}` : plan.description;
	}

	return [...plan.before, plan.command].map((argv) => commandLine(argv)).join(' && ');
}

/** What a sudo plan hands over: one command, or `sh -c` when it has commands to run first. */
export function installHandOver(plan: InstallPlan): {file: string; args: string[]} {
	if (plan.before.length === 0) return {file: plan.command[0]!, args: plan.command.slice(1)};
	return {file: 'sh', args: ['-c', installCommandText(plan)]};
}

export function AuthStep({state, options, active, signal, resumed, position, complete, back, handOver, guardWrite}: StepProps): React.JSX.Element {
	const services = useServices();
	const aws = useAws(state.profile);
	const region = state.region ?? 'us-east-1';
	const host = state.registry ?? privateRegistryHost(state.identity?.account ?? '000000000000', region);
	const [phase, setPhase] = useState<Phase>({name: 'reading'});
	const [status, setStatus] = useState<AuthStatus | undefined>();
	const [helperInfo, setHelperInfo] = useState<HelperInfo | null | undefined>();
	const [output, setOutput] = useState<string[]>([]);
	const [notes, setNotes] = useState<string[]>([]);
	const changes = useRef<FileChange[]>([]);
	const interactive = useRef(false);
	const live = useRef(true);
	useEffect(
		() => () => {
			live.current = false;
		},
		[],
	);
	const alive = () => live.current && !signal.aborted;

	function fail(problem: Problem, retry: () => void): void {
		if (alive()) setPhase({name: 'failed', problem, retry});
	}

	function finishHelper(verified: boolean, method: 'helper' | 'unchanged'): void {
		complete({
			patch: {auth: {method, verified}, changes: [...state.changes, ...changes.current]},
			summary:
				method === 'unchanged'
					? `Authentication: the credential helper already serves ${host}${verified ? ' (verified)' : ''}`
					: `Authentication: credential helper for ${host}${verified ? ', verified' : ', not verified'}`,
			interactive: interactive.current,
		});
	}

	async function verify(method: 'helper' | 'unchanged'): Promise<void> {
		setPhase({name: 'verifying'});
		try {
			const result = await services.helper.get(host);
			if (!alive()) return;
			if (result.ok) {
				finishHelper(true, method);
				return;
			}

			setPhase({
				name: 'verify-failed',
				problem: {
					title: 'docker-credential-ecr-login could not get a token',
					detail: result.message,
					...(result.logExcerpt ? {lines: result.logExcerpt.split('\n').slice(-4)} : {}),
					nextSteps: ['Check that the AWS credentials in your shell (AWS_PROFILE) can call ecr:GetAuthorizationToken'],
				},
			});
		} catch (error) {
			fail({title: 'Running the credential helper failed', detail: errorMessage(error)}, () => void verify(method));
		}
	}

	async function planConfig(): Promise<void> {
		setPhase({name: 'planning'});
		try {
			const config = await services.dockerConfig.read();
			const plan = services.dockerConfig.plan(config, [{type: 'set-cred-helper', host, helper: 'ecr-login'}]);
			if (!alive()) return;
			if (!plan.changed) {
				setNotes((previous) => [...previous, `${config.path} already sends ${host} to ecr-login: nothing to change.`]);
				await verify('helper');
				return;
			}

			if (options.yes) {
				await write(config, plan);
				return;
			}

			setPhase({name: 'confirm-write', config, plan});
		} catch (error) {
			fail({title: 'The docker config could not be read', detail: errorMessage(error)}, () => void planConfig());
		}
	}

	async function write(config: LoadedConfig, plan: EditPlan): Promise<void> {
		setPhase({name: 'writing'});
		try {
			const result = await guardWrite(async () => services.dockerConfig.apply(config, plan));
			changes.current.push({
				path: result.path,
				...(result.backupPath ? {backupPath: result.backupPath} : {}),
				description: `credHelpers["${host}"] = "ecr-login"`,
			});
			// After Ctrl-C the write was allowed to land; nothing else runs.
			if (!alive()) return;
			setNotes((previous) => [...previous, `Wrote ${result.path}${result.backupPath ? `; backup at ${result.backupPath}` : ' (new file, nothing to back up)'}`]);
			await verify('helper');
		} catch (error) {
			fail({title: 'The docker config was not changed', detail: errorMessage(error), nextSteps: ['Press Enter to read it again and retry']}, () => void planConfig());
		}
	}

	async function helperPath(): Promise<void> {
		interactive.current = true;
		setPhase({name: 'finding-helper'});
		try {
			const found = await services.helper.find();
			if (!alive()) return;
			setHelperInfo(found);
			if (found) {
				await planConfig();
				return;
			}

			const platform = await services.helper.platform();
			const plans = services.helper.installPlans(platform);
			if (!alive()) return;
			if (plans.length === 0) {
				fail(
					{
						title: `No automatic install of docker-credential-ecr-login for ${platform.os}/${platform.arch}`,
						nextSteps: ['Download a release binary: https://github.com/awslabs/amazon-ecr-credential-helper/releases', 'then run the wizard again'],
					},
					() => void helperPath(),
				);
				return;
			}

			setPhase({name: 'install-choose', plans});
		} catch (error) {
			fail({title: 'Looking for the credential helper failed', detail: errorMessage(error)}, () => void helperPath());
		}
	}

	async function install(plan: InstallPlan): Promise<void> {
		if (plan.needsSudo && plan.command.length > 0) {
			const {file, args} = installHandOver(plan);
			handOver(file, args, {kind: 'install-helper', command: installCommandText(plan)});
			return;
		}

		setOutput([]);
		setPhase({name: 'installing', plan});
		try {
			const info = await services.helper.install(plan, {
				signal,
				onLine(line) {
					if (live.current) setOutput((previous) => [...previous.slice(-5), line]);
				},
			});
			if (!alive()) return;
			setHelperInfo(info);
			setNotes((previous) => [...previous, `Installed ${info.name}${info.version ? ` ${info.version}` : ''} at ${info.path}`]);
			await planConfig();
		} catch (error) {
			fail({title: 'The install failed', detail: errorMessage(error), nextSteps: ['Press Enter to choose again']}, () => void helperPath());
		}
	}

	async function login(): Promise<void> {
		interactive.current = true;
		setPhase({name: 'logging-in'});
		try {
			const token = await aws.getAuthorizationToken(region, state.repository?.registryId);
			if (!alive()) return;
			await services.docker.login(token.registry, token.username, token.password);
			if (!alive()) return;
			complete({
				patch: {auth: {method: 'login', verified: true, expiresAt: token.expiresAt.toISOString()}},
				summary: `Authentication: logged in to ${token.registry} until ${token.expiresAt.toISOString().slice(11, 16)} UTC (12 hours)`,
				interactive: true,
			});
		} catch (error) {
			const kind = awsErrorKind(error);
			const explanation = kind === 'unknown' ? {title: 'docker login failed', detail: errorMessage(error), nextSteps: []} : explainAwsError(kind, error, state.profile);
			fail(explanation, () => void login());
		}
	}

	useEffect(() => {
		void (async () => {
			if (resumed?.pending.kind === 'install-helper') {
				interactive.current = true;
				const found = await services.helper.find().catch(() => null);
				if (!alive()) return;
				setHelperInfo(found);
				if (resumed.exitCode === 0 && found) {
					setNotes([`Installed ${found.name}${found.version ? ` ${found.version}` : ''} at ${found.path}`]);
					await planConfig();
				} else {
					fail(
						{
							title: resumed.exitCode === 0 ? 'The install finished, but docker-credential-ecr-login is still not on PATH' : `The install command exited with code ${resumed.exitCode}`,
							detail: resumed.pending.command,
							nextSteps: ['Press Enter to choose again'],
						},
						() => void helperPath(),
					);
				}

				return;
			}

			try {
				const config = await services.dockerConfig.read();
				const found = describeAuth(config, services.dockerConfig.resolveStore(config, host), host, services.now());
				if (!alive()) return;
				setStatus(found);
				if (options.yes) await helperPath();
				else setPhase({name: 'choose'});
			} catch (error) {
				fail({title: 'The docker config could not be read', detail: errorMessage(error)}, () => setPhase({name: 'choose'}));
			}
		})();
	}, []);

	const failed = phase.name === 'failed' ? phase : undefined;
	const verifyFailed = phase.name === 'verify-failed' ? phase : undefined;
	useKeys({enter: () => failed?.retry(), escape: () => setPhase({name: 'choose'})}, active && Boolean(failed));
	useKeys(
		{
			enter: () => finishHelper(false, 'helper'),
			escape: () => setPhase({name: 'choose'}),
			keys: {r: () => void verify('helper'), l: () => void login()},
		},
		active && Boolean(verifyFailed),
	);

	const methods: Array<ListItem<Method>> = [
		...(status?.kind === 'ecr-helper'
			? [{key: 'keep', value: 'keep' as Method, label: 'Keep it: verify the credential helper works'}]
			: []),
		{key: 'helper', value: 'helper', label: 'Use the Amazon ECR credential helper (recommended)', note: 'never expires'},
		{key: 'login', value: 'login', label: 'Log in once (docker login)', note: 'valid 12 hours'},
	];

	let hints: Hint[] = [['Esc', 'back']];
	if (phase.name === 'choose' || phase.name === 'install-choose') hints = [['↑↓', 'move'], ['Enter', 'choose'], ['Esc', 'back']];
	if (phase.name === 'install-consent' || phase.name === 'confirm-write') hints = [['y/n', 'answer'], ['Enter', 'yes'], ['Esc', 'back']];
	if (failed) hints = [['Enter', 'retry'], ['Esc', 'back']];
	if (verifyFailed) hints = [['r', 'retry'], ['l', 'log in once instead'], ['Enter', 'continue anyway'], ['Esc', 'back']];

	return (
		<StepFrame title={`Authentication for ${host}`} position={position} hints={hints}>
			{status && phase.name === 'choose' ? (
				<Status tone={status.kind === 'ecr-helper' ? 'success' : status.kind === 'token' && !status.expired ? 'info' : 'warning'}>{status.text}</Status>
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
						onSelect={(item) => {
							if (item.value === 'helper') void helperPath();
							else if (item.value === 'login') void login();
							else {
								interactive.current = true;
								void verify('unchanged');
							}
						}}
					/>
				</Box>
			) : null}
			{phase.name === 'finding-helper' ? <Busy>Looking for docker-credential-ecr-login on PATH…</Busy> : null}
			{phase.name === 'install-choose' ? (
				<Box flexDirection="column">
					<Status tone="warning">docker-credential-ecr-login is not installed. How should it be installed?</Status>
					<SelectList
						items={phase.plans.map((plan) => ({key: `${plan.method}-${plan.command.join(' ')}`, value: plan, label: plan.description, note: plan.needsSudo ? 'needs sudo' : plan.method}))}
						isActive={active}
						onCancel={() => setPhase({name: 'choose'})}
						onSelect={(item) => (options.yes && !item.value.needsSudo ? void install(item.value) : setPhase({name: 'install-consent', plan: item.value}))}
					/>
				</Box>
			) : null}
			{phase.name === 'install-consent' ? (
				<Box flexDirection="column">
					<Text>{phase.plan.command.length === 0 ? 'This downloads:' : 'This runs:'}</Text>
					<Text>{`  ${installCommandText(phase.plan)}`}</Text>
					{phase.plan.download ? <Dim>{`  version ${phase.plan.download.version}, checked against ${phase.plan.download.checksumUrl}`}</Dim> : null}
					{phase.plan.target ? <Dim>{`  installs to ${phase.plan.target.path}${phase.plan.target.onPath ? '' : ' (not on PATH: add it)'}`}</Dim> : null}
					{phase.plan.download?.pathAdvice && !phase.plan.target?.onPath ? <Dim>{`  ${phase.plan.download.pathAdvice}`}</Dim> : null}
					{phase.plan.needsSudo ? (
						<Text wrap="wrap">sudo will ask for your password: the wizard steps aside while it runs, then comes back here.</Text>
					) : null}
					<Confirm question="Run it?" isActive={active} onCancel={() => setPhase({name: 'choose'})} onAnswer={(yes) => (yes ? void install(phase.plan) : setPhase({name: 'choose'}))} />
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
					<Text>{`This change makes docker ask docker-credential-ecr-login for ${host}:`}</Text>
					<DiffView diff={phase.plan.diff} maxLines={10} />
					<Dim>{`${phase.config.realPath}${phase.config.exists ? ' — the current file is backed up first' : ' (new file)'}`}</Dim>
					<Confirm
						question="Write this change?"
						isActive={active}
						onCancel={() => setPhase({name: 'choose'})}
						onAnswer={(yes) => (yes ? void write(phase.config, phase.plan) : setPhase({name: 'choose'}))}
					/>
				</Box>
			) : null}
			{phase.name === 'writing' ? <Busy>Writing the docker config…</Busy> : null}
			{phase.name === 'verifying' ? <Busy>{`Checking: docker-credential-ecr-login get for ${host}…`}</Busy> : null}
			{phase.name === 'logging-in' ? <Busy>{`Fetching a 12-hour token for ${region} and running docker login --password-stdin…`}</Busy> : null}
			{verifyFailed ? (
				<Box flexDirection="column">
					<ErrorPanel title={verifyFailed.problem.title} {...(verifyFailed.problem.detail ? {detail: verifyFailed.problem.detail} : {})} nextSteps={verifyFailed.problem.nextSteps ?? []} />
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
