/**
 * The authentication step's flow: read how docker gets credentials today, then the credential helper (find, install,
 * plan, confirm, write, verify) or a one-time login. The view (auth-step.tsx) only draws `phase` and calls `actions`.
 */
import {useEffect, useRef, useState} from 'react';
import {useAws, useServices} from '../../../services/context.js';
import type {AuthToken} from '../../../aws/types.js';
import type {HelperInfo, InstallPlan} from '../../../credential-helper/types.js';
import {errorMessage, isUserError} from '../../../errors/user-errors.js';
import {privateRegistryHost} from '../../../ecr/hosts.js';
import {describeAuth, type AuthStatus} from './auth-status.js';
import {awsErrorKind, explainAwsError} from '../../../aws/explain-error.js';
import {installCommandText, installHandOver} from './install.js';
import type {FileChange} from '../../state.js';
import type {StepProps} from '../types.js';
import {useMounted} from '../../components/use-mounted.js';
import {type BindingChange, planBinding, writeBinding} from '../../../services/binding.js';
import {ECR_LOGIN_HELPER, boundHelperName, profileOfHelperName} from '../../../credential-helper/wrapper.js';
import {chooseBinding} from './binding.js';

export type Method = 'helper' | 'login' | 'keep';

export type Problem = {title: string; detail?: string; hint?: string; nextSteps?: string[]; lines?: string[]};

export type Phase =
	| {name: 'reading'}
	| {name: 'choose'}
	| {name: 'finding-helper'}
	| {name: 'install-choose'; plans: InstallPlan[]}
	| {name: 'install-consent'; plan: InstallPlan}
	| {name: 'installing'; plan: InstallPlan}
	| {name: 'planning'}
	| {name: 'confirm-write'; change: BindingChange; profile: string | undefined}
	| {name: 'writing'}
	| {name: 'verifying'}
	| {name: 'verify-failed'; problem: Problem}
	| {name: 'logging-in'}
	| {name: 'failed'; problem: Problem; retry: () => void};

export function useAuthFlow({state, options, signal, resumed, complete, handOver, guardWrite}: StepProps) {
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
	const live = useMounted();
	const alive = () => live.current && !signal.aborted;

	function fail(problem: Problem, retry: () => void): void {
		if (alive()) setPhase({name: 'failed', problem, retry});
	}

	// The profile the registry is bound to (ecr-login-<profile>), once the config names it.
	const bound = useRef<string | undefined>(undefined);
	const usedHelper = useRef<HelperInfo | undefined>(undefined);

	function finishHelper(verified: boolean, method: 'helper' | 'unchanged'): void {
		const profile = bound.current;
		const withProfile = profile ? ` with profile ${profile}` : '';
		complete({
			patch: {
				auth: {method, verified, ...(profile ? {profile} : {})},
				changes: [...state.changes, ...changes.current],
			},
			summary:
				method === 'unchanged'
					? `Authentication: the credential helper already serves ${host}${withProfile}${verified ? ' (verified)' : ''}`
					: `Authentication: credential helper for ${host}${withProfile}${verified ? ', verified' : ', not verified'}`,
			interactive: interactive.current,
		});
	}

	async function verify(method: 'helper' | 'unchanged'): Promise<void> {
		setPhase({name: 'verifying'});
		try {
			// Ctrl-C stops a helper stuck on a prompt nobody can see, instead of waiting out its time limit.
			const helperName = bound.current ? boundHelperName(bound.current) : undefined;
			const result = await services.helper.get(host, helperName, {signal});
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
					nextSteps: [
						bound.current
							? `Check that profile ${bound.current} can call ecr:GetAuthorizationToken: ecr-setup whoami --profile ${bound.current}`
							: 'Check that the AWS credentials in your shell (AWS_PROFILE) can call ecr:GetAuthorizationToken',
					],
				},
			});
		} catch (error) {
			fail({title: 'Running the credential helper failed', detail: errorMessage(error)}, () => void verify(method));
		}
	}

	/** credHelpers[host] for the helper found or installed: bound to the identity step's profile when it has one. */
	async function planConfig(helper: HelperInfo): Promise<void> {
		usedHelper.current = helper;
		setPhase({name: 'planning'});
		try {
			const profiles = state.profile ? await services.aws.listProfiles().catch(() => []) : [];
			const choice = chooseBinding({
				profile: state.profile,
				profiles,
				host,
				account: state.identity?.account,
				helperVersion: helper.version,
			});
			const profile = choice.bind ? choice.profile : undefined;
			const change = await planBinding(services, profile, [host], helper.path);
			if (!alive()) return;
			const extra = choice.bind ? choice.notes : choice.reason ? [choice.reason] : [];
			if (extra.length > 0) setNotes((previous) => [...previous, ...extra]);
			if (!change.plan.changed && change.wrappers.every((wrapper) => !wrapper.changed)) {
				bound.current = profile;
				const named = profile ? boundHelperName(profile) : ECR_LOGIN_HELPER;
				setNotes((previous) => [
					...previous,
					`${change.config.path} already sends ${host} to ${named}: nothing to change.`,
				]);
				await verify('helper');
				return;
			}

			if (options.yes) {
				await write(change, profile);
				return;
			}

			setPhase({name: 'confirm-write', change, profile});
		} catch (error) {
			fail(
				{
					title: 'The docker config could not be read',
					detail: errorMessage(error),
					...(isUserError(error) ? {...(error.hint ? {hint: error.hint} : {}), nextSteps: error.nextSteps} : {}),
				},
				() => void planConfig(helper),
			);
		}
	}

	async function write(change: BindingChange, profile: string | undefined): Promise<void> {
		setPhase({name: 'writing'});
		try {
			const result = await guardWrite(async () => writeBinding(services, change));
			const named = profile ? boundHelperName(profile) : ECR_LOGIN_HELPER;
			for (const wrapper of result.wrappersWritten)
				changes.current.push({
					path: wrapper,
					description: `wrapper that runs docker-credential-ecr-login with profile ${profile}`,
				});
			if (change.plan.changed)
				changes.current.push({
					path: result.configPath,
					...(result.backup ? {backupPath: result.backup} : {}),
					description: `credHelpers["${host}"] = "${named}"`,
				});
			bound.current = profile;
			// After Ctrl-C the write was allowed to land; nothing else runs.
			if (!alive()) return;
			setNotes((previous) => [
				...previous,
				...result.wrappersWritten.map((wrapper) => `Wrote ${wrapper} (runs the helper with profile ${profile})`),
				...(change.plan.changed
					? [
							`Wrote ${result.configPath}${result.backup ? `; backup at ${result.backup}` : ' (new file, nothing to back up)'}`,
						]
					: []),
			]);
			await verify('helper');
		} catch (error) {
			fail(
				{
					title: 'The docker config was not changed',
					detail: errorMessage(error),
					nextSteps: ['Press Enter to read it again and retry'],
				},
				() => (usedHelper.current ? void planConfig(usedHelper.current) : setPhase({name: 'choose'})),
			);
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
				await planConfig(found);
				return;
			}

			const platform = await services.helper.platform();
			const plans = services.helper.installPlans(platform);
			if (!alive()) return;
			if (plans.length === 0) {
				fail(
					{
						title: `No automatic install of docker-credential-ecr-login for ${platform.os}/${platform.arch}`,
						nextSteps: [
							'Download a release binary: https://github.com/awslabs/amazon-ecr-credential-helper/releases',
							'then run the wizard again',
						],
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
			setNotes((previous) => [
				...previous,
				`Installed ${info.name}${info.version ? ` ${info.version}` : ''} at ${info.path}`,
			]);
			await planConfig(info);
		} catch (error) {
			fail(
				{title: 'The install failed', detail: errorMessage(error), nextSteps: ['Press Enter to choose again']},
				() => void helperPath(),
			);
		}
	}

	async function login(): Promise<void> {
		interactive.current = true;
		setPhase({name: 'logging-in'});
		// Two calls, two kinds of failure: AWS's is explained as AWS errors are; docker's keeps its own hint and next steps
		// (a missing credsStore binary, a store that cannot save), which classifying it as an AWS error dropped.
		let token: AuthToken;
		try {
			token = await aws.getAuthorizationToken(region, state.repository?.registryId);
		} catch (error) {
			if (alive()) fail(explainAwsError(awsErrorKind(error), error, state.profile), () => void login());
			return;
		}

		if (!alive()) return;
		try {
			await services.docker.login(token.registry, token.username, token.password);
		} catch (error) {
			if (!alive()) return;
			const explained = isUserError(error)
				? {...(error.hint ? {hint: error.hint} : {}), nextSteps: error.nextSteps}
				: {nextSteps: []};
			fail({title: 'docker login failed', detail: errorMessage(error), ...explained}, () => void login());
			return;
		}

		if (!alive()) return;
		complete({
			patch: {auth: {method: 'login', verified: true, expiresAt: token.expiresAt.toISOString()}},
			summary: `Authentication: logged in to ${token.registry} until ${token.expiresAt.toISOString().slice(11, 16)} UTC (12 hours)`,
			interactive: true,
		});
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
					await planConfig(found);
				} else {
					fail(
						{
							title:
								resumed.exitCode === 0
									? 'The install finished, but docker-credential-ecr-login is still not on PATH'
									: `The install command exited with code ${resumed.exitCode}`,
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
				const resolution = services.dockerConfig.resolveStore(config, host);
				const found = describeAuth(config, resolution, host, services.now());
				if (!alive()) return;
				// Keeping a binding keeps its profile: the check and the Done screen speak of it.
				if (resolution.kind === 'helper') bound.current = profileOfHelperName(resolution.helper);
				setStatus(found);
				if (options.yes) await helperPath();
				else setPhase({name: 'choose'});
			} catch (error) {
				fail({title: 'The docker config could not be read', detail: errorMessage(error)}, () =>
					setPhase({name: 'choose'}),
				);
			}
		})();
	}, []);

	return {
		host,
		region,
		phase,
		status,
		helperInfo,
		output,
		notes,
		actions: {
			choose(method: Method) {
				if (method === 'helper') void helperPath();
				else if (method === 'login') void login();
				else {
					interactive.current = true;
					void verify('unchanged');
				}
			},
			pickPlan(plan: InstallPlan) {
				if (options.yes && !plan.needsSudo) void install(plan);
				else setPhase({name: 'install-consent', plan});
			},
			install: (plan: InstallPlan) => void install(plan),
			write: (change: BindingChange, profile: string | undefined) => void write(change, profile),
			verifyAgain: () => void verify('helper'),
			continueUnverified: () => finishHelper(false, 'helper'),
			login: () => void login(),
			toChoice: () => setPhase({name: 'choose'}),
		},
	};
}
