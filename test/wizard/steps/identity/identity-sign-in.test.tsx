/**
 * The identity step's ways forward from no credentials (IAM Identity Center's device flow, an access key) and from an
 * expired SSO session: the real SignInService and AwsService against the in-process AWS stand-in, from an empty HOME.
 * The stand-in approves a code only when the test does, as a person in the browser would.
 */
import {mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {cleanup} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {abortableSleep} from '../../../../source/aws/device-flow.js';
import {AwsError} from '../../../../source/aws/errors.js';
import {createAwsService} from '../../../../source/aws/service.js';
import {createSignInService} from '../../../../source/aws/sign-in-service.js';
import {IdentityStep} from '../../../../source/wizard/steps/identity/identity-step.js';
import {DEFAULT_START_URL} from '../../../helpers/aws-stand-in/index.js';
import {ARROW_DOWN, ENTER, ESCAPE} from '../../../helpers/render.js';
import {createSignInWorld, type SignInWorld} from '../../../helpers/sign-in-world.js';
import {renderStep} from '../../../helpers/step-harness.js';
import {world as fakeWorld} from '../../../helpers/wizard-fixtures.js';

const KEY_ID = ['AKIA', 'WIZARDTEST0KEY42'].join('');
const SECRET = ['wZ3/xQ9+vL2mN8', 'rT5wY7zA1bC4dE6fG0hJ2k'].join('');

let machine: SignInWorld;
beforeEach(async () => {
	machine = await createSignInWorld();
});
afterEach(async () => {
	cleanup();
	await machine.close();
});

/** The services of a person at a terminal on this machine: real AWS and sign-in, fakes for docker and the rest. */
function services() {
	// Polls come every 10 ms here, on the real clock the SDK's credential chain also judges the tokens by.
	const signIn = createSignInService({
		env: machine.env,
		maxAttempts: 1,
		sleep: async (_ms, signal) => abortableSleep(10, signal),
	});
	const aws = createAwsService({env: machine.env, profile: undefined, maxAttempts: 1});
	const runner = {run: vi.fn(async () => ({exitCode: 1, stdout: '', stderr: '', notFound: true, timedOut: false}))};
	return {services: fakeWorld({aws, runner, env: machine.env, signIn}).services, runner};
}

/** Every secret the stand-in handed out. */
function secrets(): string[] {
	const center = machine.standIn.model.identityCenter;
	return [
		...center.accessTokens.keys(),
		...center.refreshTokens.keys(),
		...center.authorizations.keys(),
		...[...center.clients.values()].map((client) => client.secret),
	];
}

function pendingCode(): string | undefined {
	return [...machine.standIn.model.identityCenter.authorizations.values()].find(
		(authorization) => authorization.state === 'pending',
	)?.userCode;
}

describe('identity step: signing in from nothing', () => {
	it('IAM Identity Center: the code shown, approved, a role picked, its profile written after the diff, and used', async () => {
		const {services: real, runner} = services();
		const step = renderStep(IdentityStep, {services: real});
		await step.app.waitFor('No AWS credentials', 20_000);
		await step.app.waitFor('Sign in with IAM Identity Center');
		await step.app.press(ENTER);
		await step.app.waitFor('Start URL:');
		await step.app.type('http://not-https.example');
		await step.app.press(ENTER);
		await step.app.waitFor('must be an https:// URL');
		for (let index = 0; index < 'http://not-https.example'.length; index++) await step.app.press('\u007F');
		await step.app.type(DEFAULT_START_URL);
		await step.app.press(ENTER);
		await step.app.waitFor('SSO region:');
		await step.app.type('us-east-1');
		await step.app.press(ENTER);

		const frame = await step.app.waitFor('Code:');
		const code = pendingCode();
		expect(code).toBeDefined();
		expect(frame).toContain(`Code: ${code}`);
		expect(frame).toContain(`${DEFAULT_START_URL}/#/device?user_code=${code}`);
		expect(frame).toContain('Waiting for the approval');
		// No display here: no browser is started (xdg-open would start a text browser that takes the terminal).
		expect(runner.run).not.toHaveBeenCalled();
		// Waiting, nothing is written yet.
		expect(await machine.list('.aws')).toEqual([]);
		machine.standIn.model.identityCenter.decide('approved', code);

		await step.app.waitFor('Which account and role', 10_000);
		expect(step.app.frame()).toContain('Production (222222222222)');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		const confirm = await step.app.waitFor('Write this profile to');
		expect(confirm).toContain('+[profile production-poweruseraccess]');
		expect(confirm).toContain('+sso_account_id = 222222222222');
		await step.app.press('a');
		await step.app.waitFor('Write these profiles to');
		await step.app.press('a');
		await step.app.waitFor('Write this profile to');
		await step.app.press('y');

		await vi.waitFor(() => expect(step.complete).toHaveBeenCalledTimes(1), {timeout: 20_000});
		const payload = step.complete.mock.calls[0]![0];
		expect(payload.patch).toMatchObject({
			profile: 'production-poweruseraccess',
			identity: {account: '222222222222', kind: 'sso'},
			changes: [{path: machine.configPath, description: expect.stringContaining(DEFAULT_START_URL)}],
		});
		expect(payload.interactive).toBe(true);
		const config = await machine.read(machine.configPath);
		expect(config).toContain('[profile production-poweruseraccess]');
		expect(config).not.toContain('dev-sandbox');
		expect(await machine.list('.aws/sso/cache')).toHaveLength(1);
		const all = step.app.allFrames();
		for (const secret of secrets()) expect(all).not.toContain(secret);
	}, 40_000);

	it('Esc while it waits for the approval stops the sign-in with nothing written', async () => {
		const step = renderStep(IdentityStep, {services: services().services});
		await step.app.waitFor('Sign in with IAM Identity Center', 20_000);
		await step.app.press(ENTER);
		await step.app.waitFor('Start URL:');
		await step.app.type(DEFAULT_START_URL);
		await step.app.press(ENTER);
		await step.app.waitFor('SSO region:');
		await step.app.type('us-east-1');
		await step.app.press(ENTER);
		await step.app.waitFor('Code:');
		await step.app.press(ESCAPE);
		await step.app.waitFor('The sign-in was stopped; nothing was written.');
		expect(step.app.frame()).toContain('Start URL:');
		expect(await machine.list('.aws')).toEqual([]);
		expect(step.complete).not.toHaveBeenCalled();
	}, 30_000);

	it('an access key: typed, the secret hidden, checked with STS, stored after a masked diff, and used', async () => {
		const step = renderStep(IdentityStep, {services: services().services});
		await step.app.waitFor('Use an access key', 20_000);
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await step.app.waitFor('Access key id:');
		await step.app.type(`ASIA${KEY_ID.slice(4)}`);
		await step.app.press(ENTER);
		await step.app.waitFor('temporary');
		for (let index = 0; index < KEY_ID.length; index++) await step.app.press('\u007F');
		await step.app.type(KEY_ID);
		await step.app.press(ENTER);
		await step.app.waitFor('Secret access key (not shown):');
		await step.app.type(SECRET);
		expect(step.app.frame()).toContain('*'.repeat(SECRET.length));
		await step.app.press(ENTER);
		await step.app.waitFor('Profile: default');
		await step.app.press(ENTER);
		const confirm = await step.app.waitFor('Store it as profile default in');
		expect(confirm).toContain('The key belongs to arn:aws:');
		expect(confirm).toContain('+aws_secret_access_key = **** (new)');
		await step.app.press('y');

		await vi.waitFor(() => expect(step.complete).toHaveBeenCalledTimes(1), {timeout: 20_000});
		expect(step.complete.mock.calls[0]![0].patch).toMatchObject({
			profile: 'default',
			changes: [{path: machine.credentialsPath}],
		});
		expect(await machine.read(machine.credentialsPath)).toContain(`aws_secret_access_key = ${SECRET}`);
		expect(step.app.allFrames()).not.toContain(SECRET);
		expect(step.app.allFrames()).not.toContain(SECRET.slice(0, 12));
	}, 40_000);
});

describe('identity step: a sign-in refused', () => {
	async function startDeviceFlow(step: ReturnType<typeof renderStep>) {
		await step.app.waitFor('Sign in with IAM Identity Center', 20_000);
		await step.app.press(ENTER);
		await step.app.waitFor('Start URL:');
		await step.app.type(DEFAULT_START_URL);
		await step.app.press(ENTER);
		await step.app.waitFor('SSO region:');
		await step.app.type('us-east-1');
		await step.app.press(ENTER);
		await step.app.waitFor('Code:');
	}

	it('denied in the browser: said so, nothing written, and Enter starts over', async () => {
		const step = renderStep(IdentityStep, {services: services().services});
		await startDeviceFlow(step);
		machine.standIn.model.identityCenter.decide('denied', pendingCode());
		const failed = await step.app.waitFor('The sign-in was denied in the browser, so ecr-setup wrote nothing.', 10_000);
		expect(failed).toContain('choose Allow on the page that shows the code');
		expect(failed).toContain('Enter/r try again');
		expect(await machine.list('.aws')).toEqual([]);
		await step.app.press(ENTER);
		await step.app.waitFor('Start URL:');
		expect(step.complete).not.toHaveBeenCalled();
	}, 30_000);

	it('nobody approving before the code expires: said so, nothing written', async () => {
		machine.standIn.model.identityCenter.configure({deviceExpiresInS: 2, intervalS: 1});
		// The polls come at the code's own interval here, so the wait ends at the code's expiry.
		const signIn = createSignInService({env: machine.env, maxAttempts: 1});
		const step = renderStep(IdentityStep, {services: {...services().services, signIn}});
		await startDeviceFlow(step);
		await step.app.waitFor('Nobody approved the sign-in within 1 minute, so ecr-setup wrote nothing.', 10_000);
		expect(await machine.list('.aws')).toEqual([]);
		expect(step.complete).not.toHaveBeenCalled();
	}, 30_000);

	it('an access key STS rejects: said so with the key masked, nothing written, the secret never shown', async () => {
		machine.standIn.model.rejectedKeys.add(KEY_ID);
		const step = renderStep(IdentityStep, {services: services().services});
		await step.app.waitFor('Use an access key', 20_000);
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await step.app.waitFor('Access key id:');
		await step.app.type(KEY_ID);
		await step.app.press(ENTER);
		await step.app.waitFor('Secret access key (not shown):');
		await step.app.type(SECRET);
		await step.app.press(ENTER);
		await step.app.waitFor('Profile: default');
		await step.app.press(ENTER);
		const failed = await step.app.waitFor('AWS did not accept the access key', 10_000);
		expect(failed).toContain('so nothing was written.');
		expect(failed).not.toContain(KEY_ID);
		expect(machine.standIn.count('GetCallerIdentity')).toBe(1);
		expect(await machine.list('.aws')).toEqual([]);
		expect(step.app.allFrames()).not.toContain(SECRET.slice(0, 12));
		expect(step.complete).not.toHaveBeenCalled();
	}, 30_000);
});

describe('identity step: an expired SSO session', () => {
	it('Enter renews it here with the device flow (no AWS CLI), then asks AWS again', async () => {
		await mkdir(join(machine.home, '.aws'), {recursive: true});
		await writeFile(
			machine.configPath,
			`[profile team]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnlyAccess\n\n[sso-session corp]\nsso_start_url = ${DEFAULT_START_URL}\nsso_region = us-east-1\n`,
		);
		const base = services().services;
		const getCallerIdentity = vi
			.fn()
			.mockRejectedValueOnce(new AwsError('The SSO session has expired', {kind: 'sso-expired'}))
			.mockResolvedValue({
				account: '111111111111',
				arn: 'arn:aws:sts::111111111111:assumed-role/ReadOnlyAccess/dev',
				userId: 'X',
				kind: 'sso',
			});
		const aws = {...base.aws, profile: 'team', getCallerIdentity};
		const step = renderStep(IdentityStep, {services: {...base, aws}});
		await step.app.waitFor('Press Enter to sign in again here', 20_000);
		expect(step.app.frame()).toContain('Enter sign in again');
		await step.app.press(ENTER);
		await step.app.waitFor('Code:');
		expect(step.handOver).not.toHaveBeenCalled();
		machine.standIn.model.identityCenter.decide('approved', pendingCode());
		await vi.waitFor(() => expect(step.complete).toHaveBeenCalledTimes(1), {timeout: 20_000});
		expect(step.complete.mock.calls[0]![0].patch).toMatchObject({profile: 'team', identity: {account: '111111111111'}});
		expect(getCallerIdentity).toHaveBeenCalledTimes(2);
		// The token is cached where the AWS CLI and the SDK look for the session "corp".
		expect(await machine.list('.aws/sso/cache')).toHaveLength(1);
	}, 30_000);
});
