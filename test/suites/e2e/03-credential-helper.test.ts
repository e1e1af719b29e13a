/**
 * Scenario 3: `ecr-setup configure-helper`, then `docker push` succeeds through the real docker-credential-ecr-login, with no
 * `docker login` at all. A second run changes nothing; keys ecr-setup does not know survive; a backup is kept.
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {REGISTRY_US} from './topology.js';
import {
	createRepository,
	describeRun,
	docker,
	ecrSetup,
	makeHome,
	makeImage,
	output,
	readDockerConfig,
	registryTags,
	resetStandIn,
	standInState,
	writeDockerConfig,
} from './harness.js';

const REPOSITORY = 'helper-app';
const IMAGE = `${REGISTRY_US.host}/${REPOSITORY}:v1`;

describe('scenario 3: configure-helper', () => {
	const {env, dockerConfig} = makeHome('s3-helper');

	beforeAll(async () => {
		await resetStandIn();
		await createRepository(REPOSITORY);
		await makeImage(IMAGE, env);
		// A config a real user might have: keys ecr-setup does not manage, which docker and ecr-setup must keep.
		writeDockerConfig(dockerConfig, {
			auths: {'ghcr.io': {auth: Buffer.from('someone:ghp_notreal').toString('base64')}},
			experimental: 'enabled',
			detachKeys: 'ctrl-x,x',
		});
	});

	it('configures credHelpers for the registry, keeps unknown keys and writes a backup', async () => {
		const result = await ecrSetup(['configure-helper', '--registry', REGISTRY_US.host, '--yes'], {env});
		expect(result.code, describeRun(result)).toBe(0);
		const config = readDockerConfig(dockerConfig) as Record<string, unknown> & {credHelpers?: Record<string, string>};
		expect(config.credHelpers).toEqual({[REGISTRY_US.host]: 'ecr-login'});
		expect(config).toMatchObject({experimental: 'enabled', detachKeys: 'ctrl-x,x', auths: {'ghcr.io': {}}});
		expect(config.credsStore).toBeUndefined();
		const neighbours = readdirSync(path.dirname(dockerConfig)).filter(
			(name) => name !== 'config.json' && name.startsWith('config.json'),
		);
		expect(neighbours.length, `backup next to config.json: ${neighbours.join(', ')}`).toBeGreaterThanOrEqual(1);
	});

	it('docker push then works through the real docker-credential-ecr-login, with no login', async () => {
		const push = await docker(['push', IMAGE], {env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags(REPOSITORY)).toEqual(['v1']);
		const {calls} = await standInState();
		expect(calls.some((call) => call.operation === 'GetAuthorizationToken' && call.status === 200)).toBe(true);
		// No secret was written to config.json for this registry.
		const config = readDockerConfig(dockerConfig) as {auths?: Record<string, unknown>};
		expect(config.auths?.[REGISTRY_US.host]).toBeUndefined();
	});

	it('a second run says it is already configured and writes nothing', async () => {
		const before = readFileSync(dockerConfig);
		const files = readdirSync(path.dirname(dockerConfig)).sort();
		const result = await ecrSetup(['configure-helper', '--registry', REGISTRY_US.host, '--yes'], {env});
		expect(result.code, describeRun(result)).toBe(0);
		expect(output(result)).toMatch(/already configured/i);
		expect(readFileSync(dockerConfig).equals(before)).toBe(true);
		expect(readdirSync(path.dirname(dockerConfig)).sort()).toEqual(files);
	});
});
