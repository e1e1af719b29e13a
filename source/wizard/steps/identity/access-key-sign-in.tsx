/**
 * "Use an access key" in the identity step: the key id typed, the secret typed in a hidden field (never drawn, never
 * logged), checked with STS before anything is written, then stored in the credentials file after its masked diff,
 * as `ecr-setup sign-in --access-key-id` stores it.
 */
import type React from 'react';
import {useState} from 'react';
import {Box, Text} from 'ink';
import {awsFileDiff} from '../../../aws/aws-file-diff.js';
import type {LoadedAwsFile} from '../../../aws/aws-files.js';
import {AwsError} from '../../../aws/errors.js';
import {assertSectionName} from '../../../aws/ini.js';
import {FALLBACK_REGION} from '../../../aws/region.js';
import {accessKeyEdit, accessKeyIdProblem, secretKeyProblem} from '../../../aws/sign-in-flow.js';
import type {Explanation} from '../../../errors/user-errors.js';
import {redact} from '../../../lib/redact.js';
import {useServices} from '../../../services/context.js';
import {Confirm} from '../../components/confirm.js';
import {DiffView} from '../../components/diff-view.js';
import {ErrorPanel} from '../../components/error-panel.js';
import type {Hint} from '../../components/key-hints.js';
import {StepFrame} from '../../components/step-frame.js';
import {TextField} from '../../components/text-field.js';
import {Busy, Status} from '../../components/tone.js';
import {useKeys} from '../../components/ui-context.js';
import {useMounted} from '../../components/use-mounted.js';
import {explainSignIn, type SignInViewProps} from './device-sign-in.js';

type Phase =
	| {name: 'key-id'}
	| {name: 'secret'}
	| {name: 'profile'}
	| {name: 'checking'}
	| {name: 'confirm'; arn: string; file: LoadedAwsFile}
	| {name: 'writing'}
	| {name: 'failed'; explanation: Explanation};

const TYPING: Hint[] = [
	['Enter', 'next'],
	['Esc', 'back'],
];

export function AccessKeySignIn({
	position,
	active,
	signal,
	region,
	guardWrite,
	onDone,
	onCancel,
}: SignInViewProps): React.JSX.Element {
	const services = useServices();
	const live = useMounted();
	const [phase, setPhase] = useState<Phase>({name: 'key-id'});
	const [keyId, setKeyId] = useState('');
	const [secret, setSecret] = useState('');
	const [profile, setProfile] = useState('default');
	const [problem, setProblem] = useState<string | undefined>();
	const alive = () => live.current && !signal.aborted;

	async function check(): Promise<void> {
		setPhase({name: 'checking'});
		try {
			const identity = await services.signIn.verifyAccessKeys(
				{accessKeyId: keyId, secretAccessKey: secret},
				region ?? FALLBACK_REGION,
				signal,
			);
			const file = await services.signIn.files.read('credentials');
			if (alive()) setPhase({name: 'confirm', arn: identity.arn, file});
		} catch (error) {
			if (!alive()) return;
			const refused = error instanceof AwsError && error.kind === 'invalid-credentials';
			setPhase({
				name: 'failed',
				explanation: refused
					? {
							title: `AWS did not accept the access key ${redact(keyId)}, so nothing was written.`,
							detail: '',
							hint: 'Check both halves of the key (a deleted or deactivated key is refused too). The IAM console lists a user’s keys under Security credentials.',
							nextSteps: [],
						}
					: explainSignIn(error, undefined),
			});
		}
	}

	const edit = accessKeyEdit(profile, keyId, secret);
	const confirm = phase.name === 'confirm' ? phase : undefined;

	async function write(file: LoadedAwsFile): Promise<void> {
		setPhase({name: 'writing'});
		try {
			const result = await guardWrite(() => services.signIn.files.write(file, edit, {replanIfChanged: false}));
			const description = `the access key of profile ${profile}`;
			onDone({
				profile,
				...(result.changed
					? {
							change: {
								path: result.path,
								...(result.backupPath ? {backupPath: result.backupPath} : {}),
								description,
							},
						}
					: {}),
				note: result.changed ? `Stored ${description} in ${result.path}` : `Profile ${profile} already held this key`,
			});
		} catch (error) {
			if (alive()) setPhase({name: 'failed', explanation: explainSignIn(error, profile)});
		}
	}

	useKeys(
		{enter: () => setPhase({name: 'key-id'}), escape: onCancel, keys: {r: () => setPhase({name: 'key-id'})}},
		active && phase.name === 'failed',
	);

	let hints: Hint[] = TYPING;
	if (phase.name === 'checking' || phase.name === 'writing') hints = [];
	if (confirm)
		hints = [
			['y/n', 'store it or not'],
			['Esc', 'back'],
		];
	if (phase.name === 'failed')
		hints = [
			['Enter/r', 'type the key again'],
			['Esc', 'back'],
		];

	const change = (set: (value: string) => void) => (value: string) => {
		set(value);
		setProblem(undefined);
	};

	return (
		<StepFrame title="AWS identity" position={position} hints={hints}>
			{phase.name === 'key-id' ? (
				<>
					<Text wrap="wrap">An IAM user’s access key: the IAM console shows it under Security credentials.</Text>
					<TextField
						label="Access key id"
						value={keyId}
						placeholder="AKIA…"
						isActive={active}
						onChange={change((value) => setKeyId(value.trim()))}
						onCancel={onCancel}
						onSubmit={(value) => {
							const found = accessKeyIdProblem(value.trim());
							if (found) setProblem(`${found.problem}${found.hint ? ` ${found.hint}` : ''}`);
							else setPhase({name: 'secret'});
						}}
					/>
				</>
			) : null}
			{phase.name === 'secret' ? (
				<>
					<Text>{`Access key id: ${redact(keyId)}`}</Text>
					<TextField
						label="Secret access key (not shown)"
						value={secret}
						mask
						isActive={active}
						onChange={change(setSecret)}
						onCancel={() => {
							setSecret('');
							setPhase({name: 'key-id'});
						}}
						onSubmit={(value) => {
							const found = secretKeyProblem(value.trim());
							if (found) {
								setProblem(found);
								return;
							}

							setSecret(value.trim());
							setPhase({name: 'profile'});
						}}
					/>
				</>
			) : null}
			{phase.name === 'profile' ? (
				<>
					<Text>The profile to store it in (the wizard uses it from here on).</Text>
					<TextField
						label="Profile"
						value={profile}
						isActive={active}
						onChange={change(setProfile)}
						onCancel={() => setPhase({name: 'secret'})}
						onSubmit={(value) => {
							try {
								assertSectionName(value.trim());
							} catch {
								setProblem('A profile name is letters, digits and . _ - @ + : /.');
								return;
							}

							setProfile(value.trim());
							void check();
						}}
					/>
				</>
			) : null}
			{problem ? <Status tone="error">{problem}</Status> : null}
			{phase.name === 'checking' ? <Busy>Asking AWS whose key this is (sts get-caller-identity)…</Busy> : null}
			{confirm ? (
				<Box flexDirection="column">
					<Status tone="success">{`The key belongs to ${confirm.arn}.`}</Status>
					<DiffView diff={awsFileDiff(confirm.file, edit(confirm.file.text), [secret])} />
					<Confirm
						question={`Store it as profile ${profile} in ${confirm.file.path}?`}
						isActive={active}
						onCancel={() => setPhase({name: 'profile'})}
						onAnswer={(yes) => {
							if (yes) void write(confirm.file);
							else onCancel();
						}}
					/>
				</Box>
			) : null}
			{phase.name === 'writing' ? <Busy>Writing the credentials file…</Busy> : null}
			{phase.name === 'failed' ? <ErrorPanel {...phase.explanation} /> : null}
		</StepFrame>
	);
}
