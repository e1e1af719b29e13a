/** Step 2: who AWS thinks you are (GetCallerIdentity), with a profile picker and explained failures. */
import type React from 'react';
import {useEffect, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import {awsForProfile, useServices} from '../../../services/context.js';
import type {AwsErrorKind, AwsProfile, CallerIdentity, IdentityKind} from '../../../aws/types.js';
import {StepFrame} from '../../components/step-frame.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {ErrorPanel} from '../../components/error-panel.js';
import {Busy, Status} from '../../components/tone.js';
import {useKeys} from '../../components/ui-context.js';
import {HINTS, type Hint} from '../../components/key-hints.js';
import {awsErrorKind, explainAwsError, ssoLoginCommand} from '../../../aws/explain-error.js';
import type {Explanation} from '../../../errors/user-errors.js';
import type {StepProps} from '../types.js';
import {useMounted} from '../../components/use-mounted.js';
import {useIdentityPrefetch} from './identity-prefetch.js';

export const IDENTITY_KIND_LABELS: Record<IdentityKind, string> = {
	'iam-user': 'IAM user',
	'assumed-role': 'assumed role',
	sso: 'SSO (IAM Identity Center)',
	root: 'root user',
	federated: 'federated user',
	unknown: 'unknown kind',
};

type Phase =
	| {name: 'starting'}
	| {name: 'pick'; profiles: AwsProfile[]}
	| {name: 'checking'; profile: string | undefined}
	| {name: 'failed'; profile: string | undefined; kind: AwsErrorKind; explanation: Explanation; profiles: AwsProfile[]};

/** The default profile first, then the rest as the files list them. */
export function orderProfiles(profiles: AwsProfile[]): AwsProfile[] {
	return [
		...profiles.filter((profile) => profile.name === 'default'),
		...profiles.filter((profile) => profile.name !== 'default'),
	];
}

export function IdentityStep({
	state,
	options,
	active,
	signal,
	resumed,
	position,
	complete,
	back,
	handOver,
}: StepProps): React.JSX.Element {
	const services = useServices();
	const [phase, setPhase] = useState<Phase>({name: 'starting'});
	const [identity, setIdentity] = useState<CallerIdentity | undefined>();
	const profilesRef = useRef<AwsProfile[]>([]);
	const picked = useRef(false);
	const live = useMounted();
	const prefetch = useIdentityPrefetch();

	async function check(profile: string | undefined): Promise<void> {
		setPhase({name: 'checking', profile});
		try {
			const aws = awsForProfile(services.aws, profile);
			// The answer to the check started with the wizard, when it was for this profile; a retry asks again.
			const found = (await prefetch?.take(profile)) ?? (await aws.getCallerIdentity({signal}));
			if (!live.current || signal.aborted) return;
			setIdentity(found);
			const root = found.kind === 'root' ? ' — the root user: prefer an IAM user, role or SSO' : '';
			complete({
				patch: {identity: {account: found.account, arn: found.arn, kind: found.kind}, profile: profile ?? aws.profile},
				summary: `Identity: ${found.arn} (${IDENTITY_KIND_LABELS[found.kind]}, account ${found.account})${root}`,
				interactive: picked.current,
			});
		} catch (error) {
			if (!live.current || signal.aborted) return;
			const kind = awsErrorKind(error);
			setPhase({
				name: 'failed',
				profile,
				kind,
				explanation: explainAwsError(kind, error, profile ?? services.aws.profile),
				profiles: profilesRef.current,
			});
		}
	}

	useEffect(() => {
		void (async () => {
			const given = options.profile ?? state.profile ?? services.aws.profile;
			if (resumed?.pending.kind === 'sso-login') {
				if (resumed.exitCode === 0) {
					await check(resumed.pending.profile ?? given);
					return;
				}

				const profile = resumed.pending.profile ?? given;
				setPhase({
					name: 'failed',
					profile,
					kind: 'sso-expired',
					explanation: {
						title: `aws sso login exited with code ${resumed.exitCode}`,
						detail: 'The SSO sign-in did not finish, so the session is still expired.',
						...(resumed.exitCode === 127
							? {
									hint: 'The aws command was not found: install the AWS CLI v2 (https://aws.amazon.com/cli/), then try again.',
								}
							: {}),
						nextSteps: [ssoLoginCommand(profile).text],
					},
					profiles: [],
				});
				return;
			}

			if (given === undefined && services.aws.withProfile) {
				const profiles = orderProfiles(await services.aws.listProfiles().catch(() => []));
				if (!live.current || signal.aborted) return;
				profilesRef.current = profiles;
				if (profiles.length > 1) {
					setPhase({name: 'pick', profiles});
					return;
				}
			}

			await check(given);
		})();
	}, []);

	const failed = phase.name === 'failed' ? phase : undefined;
	const sso = failed?.kind === 'sso-expired' ? ssoLoginCommand(failed.profile ?? services.aws.profile) : undefined;
	const canPick = profilesRef.current.length > 1;
	useKeys(
		{
			enter() {
				if (sso)
					handOver(sso.file, sso.args, {kind: 'sso-login', ...(failed?.profile ? {profile: failed.profile} : {})});
				else if (failed) void check(failed.profile);
			},
			escape: back,
			keys: {
				r: () => failed && void check(failed.profile),
				...(canPick ? {p: () => setPhase({name: 'pick', profiles: profilesRef.current})} : {}),
			},
		},
		active && phase.name === 'failed',
	);

	let hints: Hint[] = HINTS.back;
	if (phase.name === 'pick')
		hints = [
			['↑↓', 'move'],
			['Enter', 'use this profile'],
			['Esc', 'back'],
		];
	if (failed) {
		hints = [
			[sso ? 'Enter' : 'Enter/r', sso ? `run ${sso.text}` : 'retry'],
			...(sso ? ([['r', 'retry']] as Hint[]) : []),
			...(canPick ? ([['p', 'pick a profile']] as Hint[]) : []),
			['Esc', 'back'],
		];
	}

	return (
		<StepFrame title="AWS identity" position={position} hints={hints}>
			{phase.name === 'starting' ? <Busy>Looking for AWS profiles…</Busy> : null}
			{phase.name === 'checking' ? (
				<Busy>{`Asking AWS who you are (sts get-caller-identity${phase.profile ? `, profile ${phase.profile}` : ''})…`}</Busy>
			) : null}
			{identity ? <Status tone="success">{identity.arn}</Status> : null}
			{phase.name === 'pick' ? (
				<>
					<Text>Several AWS profiles are configured. Which one should the wizard use?</Text>
					<SelectList
						items={phase.profiles.map(
							(profile): ListItem<AwsProfile> => ({
								key: profile.name,
								label: profile.name,
								value: profile,
								note: [
									profile.sso ? 'SSO' : undefined,
									profile.region,
									profile.mfa ? 'MFA: the credential helper cannot prompt' : undefined,
								]
									.filter(Boolean)
									.join(' · '),
							}),
						)}
						isActive={active}
						onCancel={back}
						onSelect={(item) => {
							picked.current = true;
							void check(item.value.name);
						}}
					/>
				</>
			) : null}
			{failed ? (
				<Box flexDirection="column">
					<ErrorPanel
						title={failed.explanation.title}
						detail={failed.explanation.detail}
						hint={failed.explanation.hint}
						nextSteps={failed.explanation.nextSteps}
					/>
					{sso ? (
						<Box marginTop={1}>
							<Text wrap="wrap">{`Press Enter to run "${sso.text}": the wizard steps aside while your browser signs you in, then retries.`}</Text>
						</Box>
					) : null}
				</Box>
			) : null}
		</StepFrame>
	);
}
