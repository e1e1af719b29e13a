/**
 * Scenario 15: the doctor on the real docker-credential-ecr-login's own health. Its release against the first ones with
 * the fixes people need, its `get` timed; the expired token its cache hands back after a failed refresh (a real push
 * then fails on it); and, where the installed helper is older than sso-session support, its Go panic on such a profile
 * explained in plain words with no stack line on screen.
 */
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {REGISTRY_US} from './topology.js';
import {
	AWS_KEYS,
	control,
	createRepository,
	describeRun,
	docker,
	ecrSetup,
	expiredToken,
	makeHome,
	makeImage,
	parseJson,
	registryTags,
	resetStandIn,
	run,
	type Env,
	writeDockerConfig,
} from './harness.js';
import {checkOf, describeChecks, type DoctorReport} from './doctor-report.js';

const HOST = REGISTRY_US.host;
const UPGRADE = 'ecr-setup install-helper --method binary';
/** Frames of a Go stack trace: none may reach the screen. */
const STACK_LINE = /goroutine \d+ \[|\.go:\d+|\+0x[0-9a-f]+|github\.com\/awslabs/;

/** 0.6.4 → [0, 6, 4]; the helper prints its version alone. */
function versionParts(text: string): number[] {
	return (/(\d+)\.(\d+)\.(\d+)/.exec(text) ?? []).slice(1).map(Number);
}

function olderThan(version: number[], than: number[]): boolean {
	for (let index = 0; index < than.length; index++) {
		if ((version[index] ?? 0) !== than[index]) return (version[index] ?? 0) < than[index]!;
	}
	return false;
}

async function doctorJson(env: Env): Promise<DoctorReport> {
	const result = await ecrSetup(['doctor', '--registry', HOST, '--json'], {env});
	return parseJson<DoctorReport>(result);
}

let helperVersion = '';

beforeAll(async () => {
	const {env} = makeHome('s15-version');
	helperVersion = (await run('docker-credential-ecr-login', ['version'], {env})).stdout.trim();
	expect(versionParts(helperVersion)).toHaveLength(3);
});

beforeEach(async () => {
	await resetStandIn();
});

describe('scenario 15: the credential helper’s health', () => {
	it('reports the installed release against the fixes people need, and how long `get` took', async () => {
		const home = makeHome('s15-healthy');
		writeDockerConfig(home.dockerConfig, {credHelpers: {[HOST]: 'ecr-login'}});
		const report = await doctorJson(home.env);
		const works = checkOf(report, 'docker.helper-works');
		expect(works.status, describeChecks(report)).toBe('pass');
		expect(works.detail).toMatch(/returned credentials for .* in \d+(?:\.\d)? (?:ms|s) \(user AWS\)$/);
		const version = checkOf(report, 'docker.helper-version');
		expect(version.detail).toContain(
			`docker-credential-ecr-login ${helperVersion} at /usr/bin/docker-credential-ecr-login`,
		);
		if (olderThan(versionParts(helperVersion), [0, 7, 0])) {
			expect(version.status).toBe('warn');
			expect(version.detail).toContain('profiles that use an [sso-session] section');
			expect(version.fix?.command).toBe(UPGRADE);
		} else {
			expect(version.status).toBe('pass');
		}

		// The helper cached the token it just fetched: the doctor reads when it expires, never the token.
		const cache = checkOf(report, 'docker.helper-cache');
		expect(cache.status).toBe('pass');
		expect(cache.detail).toMatch(new RegExp(`the cache holds a token for ${HOST.replaceAll('.', '\\.')} valid until `));
		const cached = readFileSync(path.join(home.home, '.ecr', 'cache.json'), 'utf8');
		const token = Object.values(
			(JSON.parse(cached) as {Registries: Record<string, {AuthorizationToken: string}>}).Registries,
		)[0]!.AuthorizationToken;
		expect(JSON.stringify(report)).not.toContain(token);
	});

	it('an expired token handed back from the cache after a failed refresh: a push fails on it, the doctor says why', async () => {
		const repository = 's15-cache';
		const image = `${HOST}/${repository}:v1`;
		const home = makeHome('s15-cache');
		await createRepository(repository);
		await makeImage(image, home.env);
		writeDockerConfig(home.dockerConfig, {credHelpers: {[HOST]: 'ecr-login'}});
		// One real `get` fills the cache; its entry is then aged to a token of 13 hours ago, as a laptop left overnight has.
		const first = await run('docker-credential-ecr-login', ['get'], {env: home.env, input: HOST});
		expect(first.code, describeRun(first)).toBe(0);
		const cacheFile = path.join(home.home, '.ecr', 'cache.json');
		const cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as {
			Registries: Record<string, {AuthorizationToken: string; RequestedAt: string; ExpiresAt: string}>;
		};
		const old = await expiredToken();
		const expiredAt = new Date(Date.now() - 3600_000);
		for (const entry of Object.values(cache.Registries)) {
			entry.AuthorizationToken = old.authorizationToken;
			entry.RequestedAt = new Date(expiredAt.getTime() - 12 * 3600_000).toISOString();
			entry.ExpiresAt = expiredAt.toISOString();
		}
		writeFileSync(cacheFile, JSON.stringify(cache));
		// The session under the helper has ended: its refresh fails, and it falls back to the cached token.
		await control('POST', '/_control/expired-credentials', {expired: true});

		const push = await docker(['push', image], {env: home.env});
		expect(push.code, describeRun(push)).not.toBe(0);
		expect(push.stdout + push.stderr).toContain('Your authorization token has expired');

		const result = await ecrSetup(['doctor', '--registry', HOST, '--json'], {env: home.env});
		expect(result.code, describeRun(result)).toBe(1);
		const report = parseJson<DoctorReport>(result);
		const check = checkOf(report, 'docker.helper-cache');
		expect(check.status, describeChecks(report)).toBe('fail');
		expect(check.detail).toContain(
			`The helper handed docker an expired token for ${HOST} from its cache (${cacheFile}`,
		);
		// The refresh's error comes from the helper's own log line of this run.
		expect(check.detail).toMatch(/its refresh failed \(.*ExpiredToken.*\)/);
		expect(check.fix?.command).toBe(`rm ${cacheFile}`);
		expect(JSON.stringify(report)).not.toContain(old.password);

		// The fix: the cache goes, the session is renewed, and the push works.
		rmSync(cacheFile);
		await control('POST', '/_control/expired-credentials', {expired: false});
		const again = await docker(['push', image], {env: home.env});
		expect(again.code, describeRun(again)).toBe(0);
		expect(await registryTags(repository)).toContain('v1');
	});

	it('the helper’s panic on an [sso-session] profile: the cause and the fix in plain words, no stack line', async (context) => {
		const home = makeHome('s15-panic');
		const env: Env = Object.fromEntries(Object.entries(home.env).filter(([name]) => !(name in AWS_KEYS)));
		env.AWS_PROFILE = 'dev';
		mkdirSync(path.join(home.home, '.aws'), {recursive: true});
		writeFileSync(
			path.join(home.home, '.aws', 'config'),
			[
				'[profile dev]',
				'sso_session = corp',
				'sso_account_id = 123456789012',
				'sso_role_name = Developer',
				'region = us-east-1',
				'',
				'[sso-session corp]',
				'sso_start_url = https://stand-in.awsapps.com/start',
				'sso_region = us-east-1',
				'',
			].join('\n'),
		);
		writeDockerConfig(home.dockerConfig, {credHelpers: {[HOST]: 'ecr-login'}});
		const direct = await run('docker-credential-ecr-login', ['get'], {env, input: HOST});
		if (!/^panic: /m.test(direct.stderr)) {
			// A helper that reads sso-session profiles does not panic: there is nothing to explain.
			expect(olderThan(versionParts(helperVersion), [0, 7, 0])).toBe(false);
			context.skip();
		}
		expect(direct.stderr).toMatch(STACK_LINE);

		const text = await ecrSetup(['doctor', '--registry', HOST], {env});
		expect(text.code, describeRun(text)).toBe(1);
		const screen = text.stdout + text.stderr;
		expect(screen).toContain('docker.helper-works');
		expect(screen).toContain(`(${helperVersion}) is older than 0.7.0 and cannot read profile dev`);
		expect(screen).toContain(`$ ${UPGRADE}`);
		expect(screen).toContain('ecr-setup sign-in --legacy');
		expect(screen).not.toMatch(STACK_LINE);
		expect(screen).not.toContain('panic:');

		const report = parseJson<DoctorReport>(await ecrSetup(['doctor', '--registry', HOST, '--json'], {env}));
		const works = checkOf(report, 'docker.helper-works');
		expect(works.status).toBe('fail');
		expect(works.detail).toContain('[sso-session]');
		expect(works.fix?.command).toBe(UPGRADE);
		expect(checkOf(report, 'docker.helper-version').status).toBe('fail');
		expect(JSON.stringify(report)).not.toMatch(STACK_LINE);
	});
});
