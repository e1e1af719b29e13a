/**
 * Scenario 12: `ecr-setup sign-in` from an empty HOME with no AWS keys at all. IAM Identity Center's device flow (the
 * scenario approves the code the CLI showed, as a person would in the browser), a profile for each account and role
 * of two accounts, `whoami --profile` in each account, a second sign-in that changes nothing, and a `docker push`
 * into the Production account's own registry through the real docker-credential-ecr-login with one of the new
 * profiles (in the form that helper reads), then `--bind-registries` binding each account's registry to one of its
 * profiles. Last, the same from another empty HOME through the wizard in tmux: it signs in with the device flow,
 * writes the profile picked, and pushes with it into that account's registry.
 */
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync} from 'node:fs';
import path from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {DEFAULT_START_URL} from '../../helpers/aws-stand-in/identity-center.js';
import {BLACKHOLE_ADDRESS, REGISTRY_SSO_PRODUCTION, SSO_PRODUCTION_ACCOUNT} from './topology.js';
import {
	AWS_KEYS,
	CLEAN_PATH,
	control,
	createRepository,
	describeRun,
	docker,
	ecrSetup,
	makeHome,
	makeImage,
	parseJson,
	readDockerConfig,
	output,
	registryTags,
	resetStandIn,
	type RunResult,
	run,
	stack,
	standInState,
	type Env,
	writeDockerConfig,
} from './harness.js';
import {TmuxSession} from './tmux.js';

const REPOSITORY = 'sign-in-app';
const IMAGE = `${REGISTRY_SSO_PRODUCTION.host}/${REPOSITORY}:v1`;
const SIGN_IN = ['sign-in', '--sso-start-url', DEFAULT_START_URL, '--sso-region', 'us-east-1', '--yes', '--json'];

type SignInJson = {
	form: 'session' | 'legacy';
	changed: boolean;
	signedIn: {how: string; cachePath: string};
	profiles: Array<{name: string; accountId: string; roleName: string; status: string}>;
};

/** Approves (or denies) the first code the stand-in hands out, once the CLI has shown it; resolves with that code. */
async function approveWhenShown(decision: 'approve' | 'deny' = 'approve'): Promise<string> {
	for (let tries = 0; tries < 200; tries++) {
		const pending = (await standInState()).signIns.find((signIn) => signIn.state === 'pending');
		if (pending) {
			await control('POST', `/_control/sso/${decision}`, {userCode: pending.userCode});
			return pending.userCode;
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error('no device code was ever handed out');
}

describe('scenario 12: sign-in with IAM Identity Center', () => {
	const home = makeHome('s12-sign-in');
	// No keys anywhere: everything below comes from the sign-in.
	const env: Env = Object.fromEntries(Object.entries(home.env).filter(([name]) => !(name in AWS_KEYS)));
	const config = path.join(home.home, '.aws', 'config');
	let helperVersion = '';
	let first: SignInJson;

	beforeAll(async () => {
		await resetStandIn();
		// The production account's own registry: a signed-in role pushes into its account.
		await createRepository(REPOSITORY, {registryId: SSO_PRODUCTION_ACCOUNT});
		await makeImage(IMAGE, env);
		helperVersion = (await run('docker-credential-ecr-login', ['version'], {env})).stdout.trim();
	});

	it('shows the code, waits for its approval, and writes a profile for each account and role', async () => {
		const signIn = ecrSetup(SIGN_IN, {env, timeoutMs: 60_000});
		const code = await approveWhenShown();
		const result = await signIn;
		expect(result.code, describeRun(result)).toBe(0);
		expect(result.stderr).toContain(`user_code=${code}`);
		first = parseJson<SignInJson>(result);
		expect(first.profiles.map((profile) => [profile.name, profile.accountId])).toEqual([
			['dev-sandbox-administratoraccess', '111111111111'],
			['dev-sandbox-readonlyaccess', '111111111111'],
			['production-poweruseraccess', '222222222222'],
		]);
		// An installed helper older than 0.7.0 (Debian's 0.6.4) reads only the legacy form.
		const old = /^0\.[0-6]\./.test(helperVersion);
		expect(first.form, `docker-credential-ecr-login ${helperVersion}`).toBe(old ? 'legacy' : 'session');
		expect(readFileSync(config, 'utf8')).toContain(old ? `sso_start_url = ${DEFAULT_START_URL}` : '[sso-session ');
		expect(statSync(first.signedIn.cachePath).mode & 0o777).toBe(0o600);
		expect(readdirSync(path.join(home.home, '.aws'))).toEqual(['config', 'sso']);
	});

	it('whoami --profile answers from each account', async () => {
		for (const [profile, account] of [
			['dev-sandbox-administratoraccess', '111111111111'],
			['production-poweruseraccess', '222222222222'],
		]) {
			const whoami = await ecrSetup(['whoami', '--profile', profile!, '--json'], {env});
			expect(whoami.code, describeRun(whoami)).toBe(0);
			expect(parseJson<{account: string; kind: string}>(whoami)).toMatchObject({account, kind: 'sso'});
		}
	});

	it('signing in again asks nothing of the browser and leaves the config file byte for byte', async () => {
		const before = readFileSync(config);
		const again = await ecrSetup(SIGN_IN, {env});
		expect(again.code, describeRun(again)).toBe(0);
		expect(parseJson<SignInJson>(again)).toMatchObject({changed: false, signedIn: {how: 'cached'}});
		expect(readFileSync(config).equals(before)).toBe(true);
		expect((await standInState()).signIns).toHaveLength(1);
	});

	it('docker push works through the real credential helper with a signed-in profile', async () => {
		writeDockerConfig(home.dockerConfig, {credHelpers: {[REGISTRY_SSO_PRODUCTION.host]: 'ecr-login'}});
		const roleCredentials = async () =>
			(await standInState()).calls.filter((call) => call.operation === 'GetRoleCredentials' && call.status === 200)
				.length;
		const before = await roleCredentials();
		const push = await docker(['push', IMAGE], {env: {...env, AWS_PROFILE: 'production-poweruseraccess'}});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags(REPOSITORY, REGISTRY_SSO_PRODUCTION)).toEqual(['v1']);
		// The helper itself took the profile's role credentials from the portal, with the token sign-in cached.
		expect(await roleCredentials()).toBeGreaterThan(before);
	});
});

describe('scenario 12: sign-in --bind-registries', () => {
	it('binds each account’s registry to one of the profiles sign-in wrote, in one confirmation', async () => {
		const home = makeHome('s12-bind');
		const bin = path.join(home.home, 'bin');
		// The helper is found in the scenario's own bin directory, so the wrappers go there and never into /usr/bin.
		mkdirSync(bin, {recursive: true});
		symlinkSync('/usr/bin/docker-credential-ecr-login', path.join(bin, 'docker-credential-ecr-login'));
		const env: Env = {
			...Object.fromEntries(Object.entries(home.env).filter(([name]) => !(name in AWS_KEYS))),
			PATH: `${bin}:${CLEAN_PATH}`,
		};
		const signIn = ecrSetup([...SIGN_IN, '--bind-registries', '--region', 'us-east-1'], {env, timeoutMs: 90_000});
		await approveWhenShown();
		const result = await signIn;
		expect(result.code, describeRun(result)).toBe(0);
		const json = parseJson<{
			profiles: Array<{name: string}>;
			bindings: {bindings: Array<{account: string; profile: string; hosts: string[]}>; written: boolean};
		}>(result);
		expect(json.profiles).toHaveLength(3);
		expect(json.bindings.written).toBe(true);
		const byAccount = Object.fromEntries(json.bindings.bindings.map((binding) => [binding.account, binding]));
		expect(Object.keys(byAccount).sort()).toEqual(['111111111111', '222222222222']);
		expect(byAccount['222222222222']).toMatchObject({
			profile: 'production-poweruseraccess',
			hosts: ['222222222222.dkr.ecr.us-east-1.amazonaws.com'],
		});
		const helpers = readDockerConfig(home.dockerConfig)['credHelpers'] as Record<string, string>;
		expect(helpers['222222222222.dkr.ecr.us-east-1.amazonaws.com']).toBe('ecr-login-production-poweruseraccess');
		expect(helpers['111111111111.dkr.ecr.us-east-1.amazonaws.com']).toBe(
			`ecr-login-${byAccount['111111111111']!.profile}`,
		);
		expect(existsSync(path.join(bin, 'docker-credential-ecr-login-production-poweruseraccess'))).toBe(true);
	}, 120_000);
});

describe('scenario 12: sign-in refused, with nothing written', () => {
	const noKeys = (label: string) => {
		const home = makeHome(label);
		const env: Env = Object.fromEntries(Object.entries(home.env).filter(([name]) => !(name in AWS_KEYS)));
		return {home: home.home, env};
	};
	/** Exit 1 with the reason on stderr, no stack, and no AWS file at all (nor a token cache). */
	const expectRefused = (result: RunResult, home: string, reason: string) => {
		expect(result.code, describeRun(result)).toBe(1);
		expect(result.stderr).toContain(reason);
		expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
		expect(readdirSync(home)).not.toContain('.aws');
	};

	beforeAll(async () => {
		await resetStandIn();
	});

	it('a sign-in denied in the browser', async () => {
		const {home, env} = noKeys('s12-denied');
		const signIn = ecrSetup(SIGN_IN, {env, timeoutMs: 60_000});
		await approveWhenShown('deny');
		expectRefused(await signIn, home, 'The sign-in was denied in the browser, so ecr-setup wrote nothing.');
	});

	it('nobody approving before the code expires: a bounded wait', async () => {
		await control('POST', '/_control/sso/settings', {deviceExpiresInS: 3});
		const {home, env} = noKeys('s12-timeout');
		const started = Date.now();
		const result = await ecrSetup(SIGN_IN, {env, timeoutMs: 60_000});
		await control('POST', '/_control/sso/settings', {deviceExpiresInS: 600});
		expectRefused(result, home, 'Nobody approved the sign-in within');
		expect(Date.now() - started).toBeLessThan(30_000);
		expect((await standInState()).signIns.at(-1)?.state).toBe('pending');
	});

	it('a sign-in endpoint nothing answers at', async () => {
		const {home, env} = noKeys('s12-unreachable');
		const result = await ecrSetup(SIGN_IN, {
			env: {...env, AWS_ENDPOINT_URL_SSO_OIDC: `https://${BLACKHOLE_ADDRESS}`},
			timeoutMs: 90_000,
		});
		expectRefused(result, home, BLACKHOLE_ADDRESS);
	}, 120_000);

	it('a start URL IAM Identity Center does not know', async () => {
		const {home, env} = noKeys('s12-unknown-portal');
		const args = SIGN_IN.map((arg) => (arg === DEFAULT_START_URL ? 'https://nobody.awsapps.com/start' : arg));
		const result = await ecrSetup(args, {env, timeoutMs: 60_000});
		expectRefused(result, home, 'did not accept the start URL https://nobody.awsapps.com/start');
	});

	it('access keys STS rejects, the secret read from stdin and never shown', async () => {
		const accessKeyId = 'AKIAE2EREJECTED00001';
		const secret = 'e2e/rejected+secret/never/shown/01234567';
		await control('POST', '/_control/reject-keys', {accessKeyId});
		const {home, env} = noKeys('s12-rejected-keys');
		const result = await ecrSetup(
			['sign-in', '--access-key-id', accessKeyId, '--secret-access-key-stdin', '--profile', 'ci', '--yes'],
			{env, input: `${secret}\n`},
		);
		expectRefused(result, home, 'AWS did not accept the access key');
		expect(output(result)).not.toContain(secret);
	});
});

describe('scenario 12: the wizard signs in from nothing, in tmux', () => {
	const home = makeHome('s12-wizard');
	const REPO = 'wizard-sign-in';
	const sessions: TmuxSession[] = [];
	const pushedTags = async () => registryTags(REPO, REGISTRY_SSO_PRODUCTION);

	beforeAll(async () => {
		await resetStandIn();
		// In the account the person signs in to, which has its own registry.
		await createRepository(REPO, {registryId: SSO_PRODUCTION_ACCOUNT});
		await makeImage(`${REPO}:latest`, home.env);
	});

	afterEach(async () => {
		for (const session of sessions.splice(0)) await session.kill();
	});

	it('IAM Identity Center’s device flow inside the wizard, a profile written and used, and the image pushed', async () => {
		if (!existsSync(stack.cli)) throw new Error(`${stack.cli} does not exist: \`npm run build\` failed or has not run`);
		// A person at a terminal with no AWS keys and no AWS files: no CI variable, a real TTY.
		const {CI: _ci, NO_COLOR: _noColor, ...rest} = home.env;
		const env: Env = Object.fromEntries(Object.entries(rest).filter(([name]) => !(name in AWS_KEYS))) as Env;
		// The helper is found in the scenario's own bin directory, so the wrapper of the profile the wizard binds goes
		// there and never into /usr/bin.
		const bin = path.join(home.home, 'bin');
		mkdirSync(bin, {recursive: true});
		symlinkSync('/usr/bin/docker-credential-ecr-login', path.join(bin, 'docker-credential-ecr-login'));
		env['PATH'] = `${bin}:${CLEAN_PATH}`;
		const session = await TmuxSession.start({
			name: 'sign-in-wizard',
			width: 100,
			height: 34,
			command: [
				'node',
				stack.cli,
				'--region',
				'us-east-1',
				'--repository',
				REPO,
				'--image',
				`${REPO}:latest`,
				'--tag',
				's1',
			],
			env,
		});
		sessions.push(session);
		await session.waitFor(/Set up and push an image/);
		await session.press('Enter');
		await session.waitFor('Sign in with IAM Identity Center', 30_000);
		await session.press('Enter');
		await session.waitFor('Start URL:');
		await session.type(DEFAULT_START_URL);
		await session.waitFor(DEFAULT_START_URL);
		await session.press('Enter');
		await session.waitFor('SSO region:');
		await session.type('us-east-1');
		await session.waitFor(/SSO region: ?us-east-1/);
		await session.press('Enter');
		const code = await approveWhenShown();
		const shown = await session.waitFor('Code:', 30_000);
		expect(shown.replaceAll(/\s+/g, ' ')).toContain(`Code: ${code}`);
		await session.waitFor('Which account and role', 30_000);
		// One key per frame: two arrow keys arriving in one read are taken as one.
		const production = /› Production \(222222222222\)/;
		for (let presses = 0; presses < 4 && !production.test(await session.screen()); presses++) {
			await session.press('Down');
			await session.waitForQuiet(300);
		}
		await session.waitFor(production);
		await session.press('Enter');
		const diff = await session.waitFor('Write this profile to');
		expect(diff).toContain('[profile production-poweruseraccess]');
		// Only the token cache is on disk until the diff is confirmed: no config file yet.
		expect(readdirSync(path.join(home.home, '.aws'))).toEqual(['sso']);
		await session.press('y');

		// From here on the wizard's own questions: accept what it proposes, until the image is in the registry.
		const deadline = Date.now() + 120_000;
		let screen = '';
		const screens = [shown, diff];
		for (let keys = 0; Date.now() < deadline && keys < 40; keys++) {
			screen = await session.waitForQuiet(800, 20_000);
			screens.push(screen);
			if ((await session.exitStatus()) !== undefined) break;
			if (/Pushed|sha256:[0-9a-f]{12}/.test(screen) && (await pushedTags()).includes('s1')) break;
			await session.press(/\(y\/n\)|\[y\/N\]|\[Y\/n\]/i.test(screen) ? 'y' : 'Enter');
		}

		expect(await pushedTags(), `last screen:\n${screen}`).toEqual(['s1']);
		expect(readDockerConfig(home.dockerConfig)['credHelpers']).toEqual({
			[REGISTRY_SSO_PRODUCTION.host]: 'ecr-login-production-poweruseraccess',
		});
		// The wizard bound the registry to the profile it signed in with: its wrapper is in the scenario's bin.
		expect(existsSync(path.join(bin, 'docker-credential-ecr-login-production-poweruseraccess'))).toBe(true);
		const config = readFileSync(path.join(home.home, '.aws', 'config'), 'utf8');
		expect(config).toContain('[profile production-poweruseraccess]');
		expect(config).not.toContain('dev-sandbox');
		// One sign-in, and none of its secrets ever on the screen.
		const {signIns} = await standInState();
		expect(signIns).toHaveLength(1);
		const cache = path.join(home.home, '.aws', 'sso', 'cache');
		const [cached] = readdirSync(cache);
		const token = JSON.parse(readFileSync(path.join(cache, cached!), 'utf8')) as Record<string, string>;
		const secrets = [token['accessToken'], token['refreshToken'], token['clientSecret']].filter(Boolean) as string[];
		expect(secrets.length).toBeGreaterThan(0);
		for (const seen of screens) {
			const flat = seen.replaceAll(/\s+/g, '');
			for (const secret of secrets) expect(flat).not.toContain(secret.slice(0, 24));
		}
	}, 240_000);
});
