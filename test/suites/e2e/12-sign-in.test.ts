/**
 * Scenario 12: `ecr-setup sign-in` from an empty HOME with no AWS keys at all. IAM Identity Center's device flow (the
 * scenario approves the code the CLI showed, as a person would in the browser), a profile for each account and role
 * of two accounts, `whoami --profile` in each account, a second sign-in that changes nothing, and a `docker push`
 * into the Production account's own registry through the real docker-credential-ecr-login with one of the new
 * profiles (in the form that helper reads).
 */
import {readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {DEFAULT_START_URL} from '../../helpers/aws-stand-in/identity-center.js';
import {REGISTRY_SSO_PRODUCTION, SSO_PRODUCTION_ACCOUNT} from './topology.js';
import {
	AWS_KEYS,
	control,
	createRepository,
	describeRun,
	docker,
	ecrSetup,
	makeHome,
	makeImage,
	parseJson,
	registryTags,
	resetStandIn,
	run,
	standInState,
	type Env,
	writeDockerConfig,
} from './harness.js';

const REPOSITORY = 'sign-in-app';
const IMAGE = `${REGISTRY_SSO_PRODUCTION.host}/${REPOSITORY}:v1`;
const SIGN_IN = ['sign-in', '--sso-start-url', DEFAULT_START_URL, '--sso-region', 'us-east-1', '--yes', '--json'];

type SignInJson = {
	form: 'session' | 'legacy';
	changed: boolean;
	signedIn: {how: string; cachePath: string};
	profiles: Array<{name: string; accountId: string; roleName: string; status: string}>;
};

/** Approves the first code the stand-in hands out, once the CLI has shown it; resolves with that code. */
async function approveWhenShown(): Promise<string> {
	for (let tries = 0; tries < 200; tries++) {
		const pending = (await standInState()).signIns.find((signIn) => signIn.state === 'pending');
		if (pending) {
			await control('POST', '/_control/sso/approve', {userCode: pending.userCode});
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
