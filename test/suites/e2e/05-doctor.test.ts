/**
 * Scenario 5: doctor on broken states built for real (config files, the stand-in's state), each first shown to break a real
 * `docker push`; then `doctor --fix --yes` repairs what can be repaired and the same push works.
 */
import {existsSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {REGISTRY_US} from './topology.js';
import {
	control,
	createRepository,
	describeRun,
	docker,
	ecrSetup,
	expiredToken,
	makeHome,
	makeImage,
	parseJson,
	readDockerConfig,
	registryTags,
	resetStandIn,
	writeDockerConfig,
	type Env,
} from './harness.js';
import {checkOf, describeChecks, type DoctorReport} from './doctor-report.js';

const HOST = REGISTRY_US.host;

async function doctor(env: Env, repository: string, image: string, ...extra: string[]) {
	const result = await ecrSetup(
		['doctor', '--registry', HOST, '--repository', repository, '--image', image, '--json', ...extra],
		{env},
	);
	const report = parseJson<DoctorReport>(result);
	return {result, report};
}

function backups(dockerConfig: string): string[] {
	return readdirSync(path.dirname(dockerConfig)).filter(
		(name) => name !== 'config.json' && name.startsWith('config.json'),
	);
}

/** One broken machine per test: its own HOME, repository and image. */
async function brokenMachine(label: string, repository: string, config: (expiredAuth: string) => unknown) {
	const home = makeHome(label);
	await createRepository(repository);
	const image = `${HOST}/${repository}:v1`;
	await makeImage(image, home.env);
	const {authorizationToken} = await expiredToken();
	writeDockerConfig(home.dockerConfig, config(authorizationToken));
	return {...home, image};
}

describe('scenario 5: doctor on broken states', () => {
	beforeEach(async () => {
		await resetStandIn();
	});

	it('expired stored token: docker says the token expired, doctor names it, --fix makes the push work', async () => {
		const {env, dockerConfig, image} = await brokenMachine('s5-expired', 'expired-app', (auth) => ({
			auths: {[HOST]: {auth}},
		}));
		const broken = await docker(['push', image], {env});
		expect(broken.code).not.toBe(0);
		expect(broken.stderr).toContain('Your authorization token has expired. Reauthenticate and try again.');

		const {result, report} = await doctor(env, 'expired-app', image);
		expect(result.code, describeRun(result)).toBe(1);
		expect(checkOf(report, 'docker.stored-token').status, describeChecks(report)).toBe('fail');

		const fixed = await doctor(env, 'expired-app', image, '--fix', '--yes');
		expect(fixed.result.code, describeRun(fixed.result)).toBe(0);
		expect(backups(dockerConfig).length).toBeGreaterThanOrEqual(1);
		const push = await docker(['push', image], {env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags('expired-app')).toEqual(['v1']);
	});

	it('credHelpers key with the repository path: docker ignores it, doctor shows the mismatch, --fix corrects the key', async () => {
		const {env, dockerConfig, image} = await brokenMachine('s5-key', 'keyed-app', () => ({
			credHelpers: {[`${HOST}/keyed-app`]: 'ecr-login'},
		}));
		const broken = await docker(['push', image], {env});
		expect(broken.code).not.toBe(0);
		expect(broken.stderr).toContain('no basic auth credentials');

		const {result, report} = await doctor(env, 'keyed-app', image);
		expect(result.code, describeRun(result)).toBe(1);
		const key = checkOf(report, 'docker.helper-key');
		expect(key.status, describeChecks(report)).toBe('fail');
		expect(key.detail).toContain(`${HOST}/keyed-app`);

		const fixed = await doctor(env, 'keyed-app', image, '--fix', '--yes');
		expect(fixed.result.code, describeRun(fixed.result)).toBe(0);
		const config = readDockerConfig(dockerConfig) as {credHelpers?: Record<string, string>};
		expect(config.credHelpers?.[HOST]).toBe('ecr-login');
		expect(backups(dockerConfig).length).toBeGreaterThanOrEqual(1);
		const push = await docker(['push', image], {env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags('keyed-app')).toEqual(['v1']);
	});

	it('credsStore naming a missing binary (desktop): doctor names it, --fix makes the push work', async () => {
		const {env, image} = await brokenMachine('s5-desktop', 'desktop-app', () => ({credsStore: 'desktop'}));
		const broken = await docker(['push', image], {env});
		expect(broken.code).not.toBe(0);
		// docker CLI 28 swallows the helper's exec error on push and says only this; older clients name the binary.
		expect(broken.stderr).toMatch(/no basic auth credentials|docker-credential-desktop/);

		const {result, report} = await doctor(env, 'desktop-app', image);
		expect(result.code, describeRun(result)).toBe(1);
		const store = checkOf(report, 'docker.store');
		expect(store.status, describeChecks(report)).toBe('fail');
		expect(store.detail).toContain('desktop');

		const fixed = await doctor(env, 'desktop-app', image, '--fix', '--yes');
		expect(fixed.result.code, describeRun(fixed.result)).toBe(0);
		const push = await docker(['push', image], {env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags('desktop-app')).toEqual(['v1']);
	});

	it('repository in another region: doctor says where it is', async () => {
		const {env, dockerConfig} = makeHome('s5-region');
		await createRepository('elsewhere-app', {region: 'eu-west-1'});
		const image = `${HOST}/elsewhere-app:v1`;
		await makeImage(image, env);
		writeDockerConfig(dockerConfig, {credHelpers: {[HOST]: 'ecr-login'}});
		const broken = await docker(['push', image], {env});
		expect(broken.stderr).toContain("name unknown: The repository with name 'elsewhere-app' does not exist");

		const {result, report} = await doctor(env, 'elsewhere-app', image);
		expect(result.code, describeRun(result)).toBe(1);
		const repository = checkOf(report, 'ecr.repository');
		expect(repository.status, describeChecks(report)).toBe('fail');
		expect(repository.detail).toContain('eu-west-1');
	});

	it('denied GetAuthorizationToken: the helper fails silently, doctor shows the IAM reason', async () => {
		const {env, home, image} = await brokenMachine('s5-denied', 'denied-app', () => ({
			credHelpers: {[HOST]: 'ecr-login'},
		}));
		await control('POST', '/_control/deny', {action: 'ecr:GetAuthorizationToken'});
		const broken = await docker(['push', image], {env});
		expect(broken.code).not.toBe(0);
		expect(broken.stderr).toContain('no basic auth credentials');
		// The helper's own log has the real reason; docker never shows it.
		const log = path.join(home, '.ecr', 'log', 'ecr-login.log');
		expect(existsSync(log)).toBe(true);

		const {result, report} = await doctor(env, 'denied-app', image);
		expect(result.code, describeRun(result)).toBe(1);
		const token = checkOf(report, 'ecr.auth-token');
		expect(token.status, describeChecks(report)).toBe('fail');
		expect(`${token.detail} ${token.fix?.description ?? ''}`).toContain('ecr:GetAuthorizationToken');
		expect(checkOf(report, 'docker.helper-works').status).toBe('fail');
	});

	it('all at once (expired token under a key with the repository path, credsStore desktop): --fix leaves a config docker accepts', async () => {
		const {env, dockerConfig, image} = await brokenMachine('s5-combined', 'combined-app', (auth) => ({
			auths: {[`https://${HOST}/combined-app`]: {auth}},
			credsStore: 'desktop',
			experimental: 'enabled',
		}));
		const broken = await docker(['push', image], {env});
		expect(broken.code).not.toBe(0);

		const {result, report} = await doctor(env, 'combined-app', image);
		expect(result.code, describeRun(result)).toBe(1);
		expect(report.summary.fail, describeChecks(report)).toBeGreaterThanOrEqual(1);

		const fixed = await doctor(env, 'combined-app', image, '--fix', '--yes');
		expect(fixed.result.code, describeRun(fixed.result)).toBe(0);
		expect(backups(dockerConfig).length).toBeGreaterThanOrEqual(1);
		expect(readDockerConfig(dockerConfig)).toMatchObject({experimental: 'enabled'});
		const push = await docker(['push', image], {env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags('combined-app')).toEqual(['v1']);
	});
});
