/**
 * Step 2: who AWS thinks you are (GetCallerIdentity), with a profile picker and explained failures. With no credentials
 * it offers to sign in (IAM Identity Center or an access key); an expired SSO session is renewed here, no AWS CLI needed.
 */
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
import {CancelledError, type Explanation} from '../../../errors/user-errors.js';
import {renewTargetOf} from '../../../aws/sign-in-flow.js';
import type {StepProps} from '../types.js';
import {useMounted} from '../../components/use-mounted.js';
import {useIdentityPrefetch} from './identity-prefetch.js';
import {AccessKeySignIn} from './access-key-sign-in.js';
import {DeviceCode, explainSignIn, useDeviceSignIn} from './device-sign-in.js';
import {SsoSignIn} from './sso-sign-in.js';
import type {SignedInProfile} from './device-sign-in.js';

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
	| {name: 'failed'; profile: string | undefined; kind: AwsErrorKind; explanation: Explanation; profiles: AwsProfile[]}
	| {name: 'sso'}
	| {name: 'keys'}
	| {name: 'renew'; profile: string | undefined};

type Way = 'sso' | 'keys' | 'retry';

const WAYS: Array<ListItem<Way>> = [
	{key: 'sso', label: 'Sign in with IAM Identity Center', value: 'sso', note: 'a browser page and a code'},
	{key: 'keys', label: 'Use an access key', value: 'keys', note: 'an IAM user’s key id and secret'},
	{key: 'retry', label: 'Check again', value: 'retry'},
];

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
	position,
	complete,
	back,
	guardWrite,
}: StepProps): React.JSX.Element {
	const services = useServices();
	const [phase, setPhase] = useState<Phase>({name: 'starting'});
	const [identity, setIdentity] = useState<CallerIdentity | undefined>();
	const profilesRef = useRef<AwsProfile[]>([]);
	const picked = useRef(false);
	const live = useMounted();
	const prefetch = useIdentityPrefetch();
	const device = useDeviceSignIn(signal);
	const signedIn = useRef<SignedInProfile | undefined>(undefined);
	const [note, setNote] = useState<string | undefined>();
	/** The failure a sign-in was chosen from: Esc there comes back to it. */
	const leftFrom = useRef<Extract<Phase, {name: 'failed'}> | undefined>(undefined);

	async function check(profile: string | undefined): Promise<void> {
		setNote(undefined);
		setPhase({name: 'checking', profile});
		try {
			const aws = awsForProfile(services.aws, profile);
			// The answer to the check started with the wizard, when it was for this profile; a retry asks again.
			const found = (await prefetch?.take(profile)) ?? (await aws.getCallerIdentity({signal}));
			if (!live.current || signal.aborted) return;
			setIdentity(found);
			const root = found.kind === 'root' ? ' — the root user: prefer an IAM user, role or SSO' : '';
			const written = signedIn.current;
			complete({
				patch: {
					identity: {account: found.account, arn: found.arn, kind: found.kind},
					profile: profile ?? aws.profile,
					...(written?.change ? {changes: [...state.changes, written.change]} : {}),
				},
				summary: `Identity: ${found.arn} (${IDENTITY_KIND_LABELS[found.kind]}, account ${found.account})${root}${written ? `, profile ${written.profile} — ${written.note}` : ''}`,
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

	/** `sign-in --profile P`: the profile's SSO session renewed with the device flow, then asked again. */
	async function renew(profile: string | undefined): Promise<void> {
		const name = profile ?? 'default';
		const failedWith = (explanation: Explanation) =>
			setPhase({name: 'failed', profile, kind: 'sso-expired', explanation, profiles: profilesRef.current});
		try {
			const found = renewTargetOf((await services.signIn.files.read('config')).text, name);
			if ('problem' in found) {
				failedWith({title: found.problem, detail: '', nextSteps: [ssoLoginCommand(profile).text]});
				return;
			}

			setPhase({name: 'renew', profile});
			await device.start(found.target);
			if (live.current && !signal.aborted) await check(profile);
		} catch (error) {
			if (!live.current || signal.aborted) return;
			if (error instanceof CancelledError) {
				await check(profile);
				setNote('The sign-in was stopped; nothing was written.');
				return;
			}

			failedWith(explainSignIn(error, name));
		}
	}

	function signInDone(result: SignedInProfile): void {
		picked.current = true;
		signedIn.current = result;
		void check(result.profile);
	}

	const failed = phase.name === 'failed' ? phase : undefined;
	const expired = failed?.kind === 'sso-expired';
	const noCredentials = failed?.kind === 'no-credentials';
	const canPick = profilesRef.current.length > 1;
	useKeys(
		{
			...(noCredentials
				? {}
				: {
						enter() {
							if (expired) void renew(failed?.profile);
							else if (failed) void check(failed.profile);
						},
						escape: back,
					}),
			keys: {
				r: () => failed && void check(failed.profile),
				...(canPick ? {p: () => setPhase({name: 'pick', profiles: profilesRef.current})} : {}),
			},
		},
		active && phase.name === 'failed',
	);
	useKeys({escape: () => device.stop()}, active && phase.name === 'renew');

	if (phase.name === 'sso' || phase.name === 'keys') {
		const Way = phase.name === 'sso' ? SsoSignIn : AccessKeySignIn;
		return (
			<Way
				position={position}
				active={active}
				signal={signal}
				region={options.region ?? state.region}
				guardWrite={guardWrite}
				onDone={signInDone}
				onCancel={() => {
					if (leftFrom.current) setPhase(leftFrom.current);
				}}
			/>
		);
	}

	let hints: Hint[] = HINTS.back;
	if (phase.name === 'pick')
		hints = [
			['↑↓', 'move'],
			['Enter', 'use this profile'],
			['Esc', 'back'],
		];
	if (phase.name === 'renew') hints = [['Esc', 'stop signing in']];
	if (failed) {
		hints = [
			...(noCredentials
				? ([
						['↑↓', 'move'],
						['Enter', 'choose'],
					] as Hint[])
				: ([[expired ? 'Enter' : 'Enter/r', expired ? 'sign in again' : 'retry']] as Hint[])),
			...(expired || noCredentials ? ([['r', 'retry']] as Hint[]) : []),
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
			{note ? <Status tone="info">{note}</Status> : null}
			{identity ? <Status tone="success">{identity.arn}</Status> : null}
			{phase.name === 'renew' ? <DeviceCode authorization={device.authorization} browser={device.browser} /> : null}
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
					<ErrorPanel {...failed.explanation} />
					{expired ? (
						<Box marginTop={1}>
							<Text wrap="wrap">
								Press Enter to sign in again here: a page to open and a code to confirm, as aws sso login does, with no
								AWS CLI needed.
							</Text>
						</Box>
					) : null}
					{noCredentials ? (
						<Box marginTop={1} flexDirection="column">
							<Text>Sign in now? Nothing is written until you confirm it.</Text>
							<SelectList
								items={WAYS}
								isActive={active}
								onCancel={back}
								onSelect={(item) => {
									if (item.value === 'retry') void check(failed.profile);
									else {
										leftFrom.current = failed;
										setPhase(item.value === 'sso' ? {name: 'sso'} : {name: 'keys'});
									}
								}}
							/>
						</Box>
					) : null}
				</Box>
			) : null}
		</StepFrame>
	);
}
