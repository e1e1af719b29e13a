/**
 * "Sign in with IAM Identity Center" in the identity step: the portal (one the AWS config file names, or a start URL
 * and region typed), the device flow, the account and role to use picked from those the portal lists, and its profile
 * (or one for every account and role) written to the config file after its diff, as `ecr-setup sign-in` writes them.
 */
import type React from 'react';
import {useEffect, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import {awsFileDiff} from '../../../aws/aws-file-diff.js';
import type {LoadedAwsFile} from '../../../aws/aws-files.js';
import {parseIni, sectionNames} from '../../../aws/ini.js';
import {
	knownPortals,
	listAssignedRoles,
	newPortal,
	type Portal,
	portalTarget,
	profileWrite,
	startUrlProblem,
} from '../../../aws/sign-in-flow.js';
import type {SsoSession as SignedIn} from '../../../aws/sign-in-types.js';
import type {AccountRole, SsoForm} from '../../../aws/sso-config.js';
import {readsSsoSessions} from '../../../credential-helper/sso-support.js';
import {isRegionShaped} from '../../../ecr/regions.js';
import {CancelledError, type Explanation, isUserError} from '../../../errors/user-errors.js';
import {useServices} from '../../../services/context.js';
import {Confirm} from '../../components/confirm.js';
import {DiffView} from '../../components/diff-view.js';
import {ErrorPanel} from '../../components/error-panel.js';
import {HINTS, type Hint} from '../../components/key-hints.js';
import {type ListItem, SelectList} from '../../components/select-list.js';
import {StepFrame} from '../../components/step-frame.js';
import {TextField} from '../../components/text-field.js';
import {Busy, Dim, Status} from '../../components/tone.js';
import {useKeys} from '../../components/ui-context.js';
import {useMounted} from '../../components/use-mounted.js';
import {DeviceCode, explainSignIn, type SignInViewProps, useDeviceSignIn} from './device-sign-in.js';

type Phase =
	| {name: 'loading'}
	| {name: 'portal'; portals: Portal[]}
	| {name: 'start-url'}
	| {name: 'sso-region'; startUrl: string}
	| {name: 'signing-in'}
	| {name: 'listing'}
	| {name: 'role'; roles: AccountRole[]}
	| {name: 'confirm'; roles: AccountRole[]; role: AccountRole; all: boolean}
	| {name: 'writing'}
	| {name: 'failed'; explanation: Explanation};

const OTHER = 'other';

function roleLabel(role: AccountRole): string {
	return `${role.accountName} (${role.accountId})`;
}

export function SsoSignIn({
	position,
	active,
	signal,
	region,
	guardWrite,
	onDone,
	onCancel,
}: SignInViewProps): React.JSX.Element {
	const services = useServices();
	const files = services.signIn.files;
	const live = useMounted();
	const device = useDeviceSignIn(signal);
	const [phase, setPhase] = useState<Phase>({name: 'loading'});
	const [note, setNote] = useState<string | undefined>();
	const [text, setText] = useState('');
	const [problem, setProblem] = useState<string | undefined>();
	/** A keystroke in a text field: the new text, and the last problem shown for it gone. */
	const typing = (value: string) => {
		setText(value);
		setProblem(undefined);
	};
	const form = useRef<SsoForm>('session');
	const portals = useRef<Portal[]>([]);
	const portal = useRef<Portal | undefined>(undefined);
	const signedIn = useRef<SignedIn | undefined>(undefined);
	const config = useRef<LoadedAwsFile | undefined>(undefined);
	const taken = useRef<string[]>([]);
	const alive = () => live.current && !signal.aborted;

	function fail(error: unknown): void {
		if (alive()) setPhase({name: 'failed', explanation: explainSignIn(error, undefined)});
	}

	function choosePortal(): void {
		setText('');
		setProblem(undefined);
		setPhase(portals.current.length > 0 ? {name: 'portal', portals: portals.current} : {name: 'start-url'});
	}

	useEffect(() => {
		void (async () => {
			try {
				// An installed credential helper older than the first that reads sso-session profiles gets the legacy form.
				const helper = await services.helper.find().catch(() => null);
				form.current = readsSsoSessions(helper?.version) === false ? 'legacy' : 'session';
				portals.current = knownPortals((await files.read('config')).text, form.current);
				if (alive()) choosePortal();
			} catch (error) {
				fail(error);
			}
		})();
	}, []);

	async function listRoles(session: SignedIn): Promise<AccountRole[]> {
		try {
			return await listAssignedRoles(session, signal);
		} catch (error) {
			// A cached session the portal no longer accepts (ended early, revoked): one new sign-in.
			if (!isUserError(error) || error.code !== 'aws.sso-expired' || session.how === 'device') throw error;
			setPhase({name: 'signing-in'});
			signedIn.current = await device.start(portalTarget(portal.current!), true);
			setPhase({name: 'listing'});
			return listAssignedRoles(signedIn.current, signal);
		}
	}

	async function signIn(chosen: Portal): Promise<void> {
		portal.current = chosen;
		setNote(undefined);
		setPhase({name: 'signing-in'});
		try {
			signedIn.current = await device.start(portalTarget(chosen));
			if (!alive()) return;
			setPhase({name: 'listing'});
			const roles = await listRoles(signedIn.current);
			// Read again now: the sign-in may have taken minutes, and the diff must show the file as it is.
			config.current = await files.read('config');
			taken.current = sectionNames(parseIni((await files.read('credentials')).text));
			if (!alive()) return;
			if (roles.length === 0) {
				setPhase({
					name: 'failed',
					explanation: {
						title: `Signed in, but no AWS account and role is assigned to you at ${chosen.session.startUrl}.`,
						detail: '',
						hint: 'Ask your IAM Identity Center administrator to assign you a permission set in an account.',
						nextSteps: [],
					},
				});
				return;
			}

			setPhase({name: 'role', roles});
		} catch (error) {
			if (!alive()) return;
			if (error instanceof CancelledError) {
				setNote('The sign-in was stopped; nothing was written.');
				choosePortal();
				return;
			}

			fail(error);
		}
	}

	const confirm = phase.name === 'confirm' ? phase : undefined;
	const planned = (() => {
		if (!confirm || !config.current || !portal.current) return undefined;
		const {session} = portal.current;
		const write = profileWrite(config.current.text, {
			form: form.current,
			session,
			region: region ?? session.region,
			roles: confirm.all ? confirm.roles : [confirm.role],
			takenNames: taken.current,
		});
		const profile = write.plan.profiles.find(
			(candidate) => candidate.accountId === confirm.role.accountId && candidate.roleName === confirm.role.roleName,
		);
		const after = write.edit(config.current.text);
		return {...write, profile, unchanged: after === config.current.text, diff: awsFileDiff(config.current, after)};
	})();

	async function write(): Promise<void> {
		const file = config.current;
		if (!planned?.profile || !file || !portal.current) return;
		const name = planned.profile.name;
		const where = portal.current.session.startUrl;
		if (planned.unchanged) {
			onDone({profile: name, note: `Signed in at ${where}; profile ${name} was already in ${file.path}`});
			return;
		}

		setPhase({name: 'writing'});
		try {
			// What was shown is what is written: a file changed meanwhile is refused and read again.
			const result = await guardWrite(() => files.write(file, planned.edit, {replanIfChanged: false}));
			const fresh = planned.plan.profiles.filter((profile) => profile.status === 'new').length;
			const count = fresh === 1 ? 'a profile' : `${fresh} profiles`;
			onDone({
				profile: name,
				change: {
					path: result.path,
					...(result.backupPath ? {backupPath: result.backupPath} : {}),
					description: `${count} for IAM Identity Center (${where})`,
				},
				note: `Signed in at ${where}; wrote ${count} to ${result.path}`,
			});
		} catch (error) {
			fail(error);
		}
	}

	useKeys(
		{enter: () => choosePortal(), escape: () => choosePortal(), keys: {r: () => choosePortal()}},
		active && phase.name === 'failed',
	);
	useKeys({escape: () => device.stop()}, active && phase.name === 'signing-in');

	let hints: Hint[] = HINTS.back;
	if (phase.name === 'portal' || phase.name === 'role') hints = HINTS.chooseOrBack;
	if (phase.name === 'start-url' || phase.name === 'sso-region')
		hints = [
			['Enter', 'next'],
			['Esc', 'back'],
		];
	if (phase.name === 'signing-in') hints = [['Esc', 'stop signing in']];
	if (phase.name === 'failed') hints = [['Enter/r', 'try again']];
	if (confirm)
		hints = [
			['y/n', 'write it or not'],
			['a', confirm.all ? 'only this account and role' : `all ${confirm.roles.length} accounts and roles`],
			['Esc', 'back'],
		];

	return (
		<StepFrame title="AWS identity" position={position} hints={hints}>
			{note ? <Status tone="info">{note}</Status> : null}
			{phase.name === 'loading' ? <Busy>Reading the AWS config file…</Busy> : null}
			{phase.name === 'portal' ? (
				<>
					<Text>Which AWS access portal do you sign in at?</Text>
					<SelectList
						items={[
							...phase.portals.map(
								(known): ListItem<string> => ({
									key: known.session.name,
									label: known.session.startUrl,
									value: known.session.name,
									note: `${known.session.region} · ${known.source}`,
								}),
							),
							{key: OTHER, label: 'Another access portal…', value: OTHER},
						]}
						isActive={active}
						onCancel={onCancel}
						onSelect={(item) => {
							const known = phase.portals.find((candidate) => candidate.session.name === item.value);
							if (known) void signIn(known);
							else setPhase({name: 'start-url'});
						}}
					/>
				</>
			) : null}
			{phase.name === 'start-url' ? (
				<>
					<Text>Your AWS access portal: the start URL your administrator gave you.</Text>
					<TextField
						label="Start URL"
						value={text}
						placeholder="https://my-org.awsapps.com/start"
						isActive={active}
						onChange={typing}
						onCancel={() => (portals.current.length > 0 ? choosePortal() : onCancel())}
						onSubmit={(value) => {
							const found = startUrlProblem(value.trim());
							if (found) {
								setProblem(found);
								return;
							}

							setText('');
							setPhase({name: 'sso-region', startUrl: value.trim()});
						}}
					/>
				</>
			) : null}
			{phase.name === 'sso-region' ? (
				<>
					<Text wrap="wrap">{`The region of your IAM Identity Center (the portal ${phase.startUrl} shows it).`}</Text>
					<TextField
						label="SSO region"
						value={text}
						placeholder="e.g. us-east-1"
						isActive={active}
						onChange={typing}
						onCancel={() => {
							setText(phase.startUrl);
							setPhase({name: 'start-url'});
						}}
						onSubmit={(value) => {
							const ssoRegion = value.trim();
							if (!isRegionShaped(ssoRegion)) {
								setProblem(`${ssoRegion || 'Nothing'} is not an AWS region name (e.g. us-east-1).`);
								return;
							}

							void (async () => {
								const configText = (await files.read('config').catch(() => undefined))?.text ?? '';
								void signIn(newPortal(configText, phase.startUrl, ssoRegion, form.current));
							})();
						}}
					/>
				</>
			) : null}
			{problem ? <Status tone="error">{problem}</Status> : null}
			{phase.name === 'signing-in' ? (
				<DeviceCode authorization={device.authorization} browser={device.browser} />
			) : null}
			{phase.name === 'listing' ? <Busy>Signed in. Listing the accounts and roles you can use…</Busy> : null}
			{phase.name === 'role' ? (
				<>
					<Text>Which account and role should the wizard use?</Text>
					<SelectList
						items={phase.roles.map(
							(role): ListItem<AccountRole> => ({
								key: `${role.accountId}/${role.roleName}`,
								label: roleLabel(role),
								value: role,
								note: role.roleName,
							}),
						)}
						isActive={active}
						onCancel={choosePortal}
						onSelect={(item) => setPhase({name: 'confirm', roles: phase.roles, role: item.value, all: false})}
					/>
				</>
			) : null}
			{confirm && planned ? (
				<Box flexDirection="column">
					{form.current === 'legacy' ? (
						<Dim>The installed docker-credential-ecr-login reads only the legacy form (start URL in each profile).</Dim>
					) : null}
					{planned.unchanged ? null : <DiffView diff={planned.diff} />}
					<Text>{`Profile ${planned.profile?.name ?? '?'}: ${roleLabel(confirm.role)}, role ${confirm.role.roleName}.`}</Text>
					<Confirm
						question={
							planned.unchanged
								? `${config.current?.path} already has it. Use it?`
								: `Write ${confirm.all ? 'these profiles' : 'this profile'} to ${config.current?.path}?`
						}
						isActive={active}
						keys={{a: () => setPhase({...confirm, all: !confirm.all})}}
						onCancel={() => setPhase({name: 'role', roles: confirm.roles})}
						onAnswer={(yes) => {
							if (yes) void write();
							else {
								setNote('Nothing was written.');
								setPhase({name: 'role', roles: confirm.roles});
							}
						}}
					/>
				</Box>
			) : null}
			{phase.name === 'writing' ? <Busy>Writing the AWS config file…</Busy> : null}
			{phase.name === 'failed' ? <ErrorPanel {...phase.explanation} /> : null}
		</StepFrame>
	);
}
