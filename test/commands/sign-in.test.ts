/**
 * `sign-in` with IAM Identity Center, against the AWS stand-in: the device flow (pending, slow_down, expired, denied,
 * nobody approving), the token cache the SDK reads, the profiles written for two accounts and their roles, signing in
 * again (nothing changes), renewing with the refresh token, the numbered choice, the legacy form, and bad portals.
 */
import {createHash} from 'node:crypto';
import {mkdir, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createAwsService} from '../../source/aws/service.js';
import {signInCommand} from '../../source/commands/sign-in.js';
import {closedPort, DEFAULT_START_URL} from '../helpers/aws-stand-in/index.js';
import {createSignInWorld, type SignInWorld, START} from '../helpers/sign-in-world.js';

const SETUP = {'sso-start-url': DEFAULT_START_URL, 'sso-region': 'eu-central-1'};
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

let world: SignInWorld;
beforeEach(async () => {
	world = await createSignInWorld({identityCenter: {approveAfterPolls: 3}});
});
afterEach(async () => {
	await world.close();
});

/** Every secret the stand-in handed out: none may reach the screen, the JSON or the config file. */
function secrets(): string[] {
	const center = world.standIn.model.identityCenter;
	return [
		...center.accessTokens.keys(),
		...center.refreshTokens.keys(),
		...center.authorizations.keys(),
		...[...center.clients.values()].map((client) => client.secret),
	];
}

function expectNoSecrets(...texts: Array<string | undefined>): void {
	const all = texts.join('\n');
	for (const secret of secrets()) expect(all).not.toContain(secret);
}

const signIn = (options: Parameters<SignInWorld['run']>[1] = {}) => world.run(signInCommand.run, options);

describe('signing in from nothing', () => {
	it('shows the page and code, polls until approved, caches the token and writes a profile per account and role', async () => {
		const {result, io} = await signIn({flags: SETUP, io: {yes: true}});
		const [authorization] = world.standIn.model.identityCenter.authorizations.values();
		const stderr = io.stderr.join('\n');
		expect(stderr).toContain(`${DEFAULT_START_URL}/#/device?user_code=${authorization!.userCode}`);
		expect(stderr).toContain(`Code: ${authorization!.userCode}`);
		expect(world.waits).toEqual([1000, 1000, 1000]);
		expect(world.standIn.count('CreateToken')).toBe(3);

		expect(await world.read(world.configPath)).toBe(
			[
				'[sso-session stand-in]',
				`sso_start_url = ${DEFAULT_START_URL}`,
				'sso_region = eu-central-1',
				'sso_registration_scopes = sso:account:access',
				'',
				'[profile dev-sandbox-administratoraccess]',
				'sso_session = stand-in',
				'sso_account_id = 111111111111',
				'sso_role_name = AdministratorAccess',
				'region = eu-central-1',
				'',
				'[profile dev-sandbox-readonlyaccess]',
				'sso_session = stand-in',
				'sso_account_id = 111111111111',
				'sso_role_name = ReadOnlyAccess',
				'region = eu-central-1',
				'',
				'[profile production-poweruseraccess]',
				'sso_session = stand-in',
				'sso_account_id = 222222222222',
				'sso_role_name = PowerUserAccess',
				'region = eu-central-1',
				'',
			].join('\n'),
		);
		expect(await world.list('.aws')).toEqual(['config', 'sso']);

		const cacheFile = join(world.home, '.aws', 'sso', 'cache', `${sha1('stand-in')}.json`);
		expect((await stat(cacheFile)).mode & 0o777).toBe(0o600);
		const cached = JSON.parse((await world.read(cacheFile))!);
		expect(Object.keys(cached)).toEqual([
			'startUrl',
			'region',
			'accessToken',
			'expiresAt',
			'clientId',
			'clientSecret',
			'registrationExpiresAt',
			'refreshToken',
		]);
		// Three one-second polls, then eight hours: the CLI's form, no fraction.
		expect(cached.expiresAt).toBe(
			new Date(START.getTime() + 3000 + 8 * 60 * 60 * 1000).toISOString().replace('.000Z', 'Z'),
		);
		expect(world.standIn.model.identityCenter.accessTokens.has(cached.accessToken)).toBe(true);

		expect(result.json).toMatchObject({
			mode: 'sso',
			form: 'session',
			session: 'stand-in',
			signedIn: {how: 'device', refreshable: true, cachePath: cacheFile},
			changed: true,
			written: true,
			backupPath: null,
			profiles: [
				{name: 'dev-sandbox-administratoraccess', accountId: '111111111111', status: 'new'},
				{name: 'dev-sandbox-readonlyaccess', accountId: '111111111111', status: 'new'},
				{name: 'production-poweruseraccess', accountId: '222222222222', status: 'new'},
			],
		});
		expectNoSecrets(io.stdout.join('\n'), stderr, JSON.stringify(result.json), await world.read(world.configPath));
	});

	it('the SDK’s own credential chain signs in with what was written, each profile in its account', async () => {
		await signIn({flags: SETUP, io: {yes: true}});
		const env = world.env;
		const dev = await createAwsService({env, profile: 'dev-sandbox-readonlyaccess', maxAttempts: 1}).getCallerIdentity({
			region: 'eu-central-1',
		});
		const prod = await createAwsService({env, profile: 'production-poweruseraccess', maxAttempts: 1}).getCallerIdentity(
			{
				region: 'eu-central-1',
			},
		);
		expect([dev.account, prod.account]).toEqual(['111111111111', '222222222222']);
		expect(prod.arn).toContain('AWSReservedSSO_PowerUserAccess');
		expect(world.standIn.count('GetRoleCredentials')).toBe(2);
		// The SDK took the cached token as it was: no refresh of its own.
		expect(world.standIn.count('CreateToken')).toBe(3);
	});

	it('signing in again changes nothing: no device flow, the config file byte for byte, no backup', async () => {
		await signIn({flags: SETUP, io: {yes: true}});
		const before = await world.read(world.configPath);
		const {result, io} = await signIn({flags: SETUP, io: {yes: true}});
		expect(world.standIn.count('StartDeviceAuthorization')).toBe(1);
		expect(await world.read(world.configPath)).toBe(before);
		expect(await world.list('.aws')).toEqual(['config', 'sso']);
		expect(io.stderr.join('\n')).toContain('Already signed in');
		expect(io.stdout.join('\n')).toContain('already has a profile for each: nothing to change');
		expect(result.json).toMatchObject({changed: false, signedIn: {how: 'cached'}});
		// Without the flags too: the config file now names the portal.
		const again = await signIn({io: {yes: true}});
		expect(again.result.json).toMatchObject({session: 'stand-in', changed: false});
	});

	it('renews a session near its end with the refresh token, without a new code', async () => {
		await signIn({flags: SETUP, io: {yes: true}});
		world.advance(8 * 60 * 60 * 1000 - 60_000);
		const {result} = await signIn({io: {yes: true}});
		expect(result.json).toMatchObject({signedIn: {how: 'refreshed'}});
		expect(world.standIn.count('StartDeviceAuthorization')).toBe(1);
		expect(world.standIn.requests.filter((call) => call.operation === 'CreateToken').at(-1)?.input).toMatchObject({
			grantType: 'refresh_token',
		});
		// A refresh token the service no longer accepts: a new code, said so.
		world.standIn.model.identityCenter.refreshTokens.clear();
		world.advance(8 * 60 * 60 * 1000);
		const after = await signIn({io: {yes: true}});
		expect(after.io.stderr.join('\n')).toContain('could not be renewed (invalid_grant)');
		expect(after.result.json).toMatchObject({signedIn: {how: 'device'}});
	});
});

describe('the device flow going wrong', () => {
	it('a saved client registration the service no longer knows is replaced by a new one', async () => {
		await signIn({flags: SETUP, io: {yes: true}});
		world.standIn.model.identityCenter.clients.clear();
		const {result} = await signIn({flags: {...SETUP, force: true}, io: {yes: true}});
		expect(result.json).toMatchObject({signedIn: {how: 'device'}});
		expect(world.standIn.count('RegisterClient')).toBe(2);
		expect(
			world.standIn.requests.filter((call) => call.operation === 'StartDeviceAuthorization').map((call) => call.error),
		).toEqual([undefined, 'InvalidClientException', undefined]);
	});

	it('slow_down adds five seconds to every later wait', async () => {
		world.standIn.model.identityCenter.configure({slowDownPolls: [1], approveAfterPolls: 3});
		await signIn({flags: SETUP, io: {yes: true}});
		expect(world.waits).toEqual([1000, 6000, 6000]);
	});

	it('a denied sign-in, an expired code, or nobody approving in time: a clear error and nothing written', async () => {
		const center = world.standIn.model.identityCenter;
		center.configure({approveAfterPolls: undefined});
		const attempts = [
			{prepare: () => center.decide('denied'), code: 'aws.sso-denied'},
			{
				prepare: () => {
					for (const authorization of center.authorizations.values()) authorization.expiresAt = 0;
				},
				code: 'aws.sso-code-expired',
			},
		];
		for (const attempt of attempts) {
			world.standIn.requests.length = 0;
			const running = signIn({flags: SETUP, io: {yes: true}});
			// The code exists once the user has been shown it; decide before the first poll answers.
			await waitFor(() => world.standIn.count('StartDeviceAuthorization') === 1);
			attempt.prepare();
			await expect(running).rejects.toMatchObject({code: attempt.code, exitCode: 1});
		}

		center.configure({deviceExpiresInS: 5});
		world.waits.length = 0;
		await expect(signIn({flags: SETUP, io: {yes: true}})).rejects.toMatchObject({
			code: 'aws.sso-timeout',
			exitCode: 1,
			message: expect.stringContaining('wrote nothing'),
		});
		expect(world.waits).toEqual([1000, 1000, 1000, 1000, 1000]);
		expect(await world.list('.aws')).toEqual([]);
	});

	it('an unknown start URL and an unreachable sign-in endpoint are clear errors, and nothing is written', async () => {
		await expect(
			signIn({flags: {...SETUP, 'sso-start-url': 'https://nobody.awsapps.com/start'}, io: {yes: true}}),
		).rejects.toMatchObject({
			message: expect.stringContaining('did not accept the start URL https://nobody.awsapps.com/start'),
			exitCode: 1,
		});
		world.env['AWS_ENDPOINT_URL_SSO_OIDC'] = `http://127.0.0.1:${await closedPort()}`;
		await expect(signIn({flags: SETUP, io: {yes: true}})).rejects.toMatchObject({
			code: 'aws.network',
			exitCode: 1,
			message: expect.stringContaining(`Could not reach ${world.env['AWS_ENDPOINT_URL_SSO_OIDC']}`),
		});
		expect(await world.list('.aws')).toEqual([]);
	});
});

describe('choosing and writing profiles', () => {
	it('at a terminal: a numbered choice, and a browser opened on the page', async () => {
		const {result, io, runner} = await signIn({
			flags: SETUP,
			io: {interactive: true, lines: ['3'], answers: [true]},
			runner: [{file: 'xdg-open', args: (args) => args[0]!.startsWith(`${DEFAULT_START_URL}/#/device?user_code=`)}],
		});
		expect(runner.calls.map((call) => call.file)).toEqual(['xdg-open']);
		expect(io.stderr.join('\n')).toMatch(/ 3\) Production \(222222222222\) {2}PowerUserAccess/);
		expect(io.questions).toEqual([
			'Which get a profile? Numbers (1,3), ranges (2-4) or all [all]: ',
			expect.stringContaining('Write this profile and the sso-session stand-in'),
		]);
		expect(result.json).toMatchObject({profiles: [{name: 'production-poweruseraccess'}]});
		// Binding the registries is offered at a terminal; with no credential helper to bind to it is a note, not a failure.
		expect(io.stderr.join('\n')).toContain('(Registries not bound: docker-credential-ecr-login is not on PATH');
	});

	it('--bind-registries with --profile (a renewal) is a usage error naming the command that binds one profile', async () => {
		await expect(
			signIn({flags: {'bind-registries': true}, global: {profile: 'team'}, io: {yes: true}}),
		).rejects.toMatchObject({exitCode: 2, hint: expect.stringContaining('configure-helper --profile team')});
	});

	it('--bind-registries without a credential helper fails after the profiles are written, naming install-helper', async () => {
		await expect(signIn({flags: {...SETUP, 'bind-registries': true}, io: {yes: true}})).rejects.toMatchObject({
			code: 'helper.not-found',
			nextSteps: ['ecr-setup install-helper'],
		});
		expect(await world.read(world.configPath)).toContain('[profile production-poweruseraccess]');
	});

	it('without a terminal and without --yes: nothing is asked, the error names the flags', async () => {
		await expect(signIn({flags: SETUP})).rejects.toMatchObject({
			exitCode: 2,
			hint: expect.stringContaining('--yes'),
		});
		expect(await world.read(world.configPath)).toBeUndefined();
	});

	it('keeps the user’s file byte for byte, reuses a profile for the same account and role, backs up first', async () => {
		const mine = [
			'# my settings',
			'[default]',
			'region = eu-west-1',
			'',
			'[profile prod]   ; mine',
			`sso_start_url = ${DEFAULT_START_URL}`,
			'sso_region = eu-central-1',
			'sso_account_id = 222222222222',
			'sso_role_name = PowerUserAccess',
			'',
		].join('\n');
		await mkdir(join(world.home, '.aws'));
		await writeFile(world.configPath, mine);
		const {result} = await signIn({
			flags: {...SETUP, account: ['production', '111111111111'], role: ['PowerUserAccess']},
			io: {yes: true},
		});
		const written = (await world.read(world.configPath))!;
		expect(written.startsWith(`${mine}\n[sso-session stand-in]\n`)).toBe(true);
		expect(written).not.toContain('[profile production-poweruseraccess]');
		expect(result.json).toMatchObject({profiles: [{name: 'prod', status: 'existing'}]});
		const backup = (result.json as {backupPath: string}).backupPath;
		expect(await world.read(backup)).toBe(mine);
	});

	it('the legacy form for an old credential helper: start URL in each profile, token under the start URL', async () => {
		const {io} = await signIn({
			flags: {...SETUP, account: ['Production']},
			io: {yes: true},
			helper: {name: 'ecr-login', path: '/usr/bin/docker-credential-ecr-login', version: '0.6.4'},
		});
		expect(io.stderr.join('\n')).toContain('docker-credential-ecr-login 0.6.4 reads only the legacy SSO form');
		const config = (await world.read(world.configPath))!;
		expect(config).not.toContain('sso-session');
		expect(config).toContain(
			`[profile production-poweruseraccess]\nsso_start_url = ${DEFAULT_START_URL}\nsso_region = eu-central-1\n`,
		);
		expect(await world.list('.aws/sso/cache')).toEqual([`${sha1(DEFAULT_START_URL)}.json`]);
		const identity = await createAwsService({
			env: world.env,
			profile: 'production-poweruseraccess',
			maxAttempts: 1,
		}).getCallerIdentity({region: 'eu-central-1'});
		expect(identity.account).toBe('222222222222');
	});

	it('--profile P renews P’s session and writes nothing else', async () => {
		await signIn({flags: SETUP, io: {yes: true}});
		const before = await world.read(world.configPath);
		const {result} = await signIn({global: {profile: 'dev-sandbox-readonlyaccess'}, flags: {force: true}});
		expect(result.json).toMatchObject({mode: 'renew', session: 'stand-in', how: 'device'});
		expect(world.standIn.count('StartDeviceAuthorization')).toBe(2);
		expect(await world.read(world.configPath)).toBe(before);
		await expect(signIn({global: {profile: 'nope'}})).rejects.toMatchObject({exitCode: 2});
	});
});

async function waitFor(condition: () => boolean): Promise<void> {
	for (let tries = 0; tries < 500 && !condition(); tries++) await new Promise((resolve) => setTimeout(resolve, 2));
	if (!condition()) throw new Error('condition never held');
}
