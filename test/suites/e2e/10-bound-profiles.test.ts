/**
 * Scenario 10: a profile bound to a registry. Two profiles on disk, no AWS keys in the environment and an AWS_PROFILE that
 * names no profile at all (the shell of someone who works in another account): a plain credential helper cannot push;
 * after `configure-helper --registry HOST --profile beta` the same `docker push`, through the real helper, works. Then
 * `--all-profiles` binds the other region, and `--unbind` takes the binding back and removes the wrapper.
 */
import {existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {REGISTRY_EU, REGISTRY_US} from './topology.js';
import {
	AWS_KEYS,
	CLEAN_PATH,
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
	writeDockerConfig,
	type Env,
} from './harness.js';

const REPOSITORY = 'bound-app';
const IMAGE_US = `${REGISTRY_US.host}/${REPOSITORY}:v1`;
const IMAGE_EU = `${REGISTRY_EU.host}/${REPOSITORY}:v1`;
const MACHINE_HELPER = '/usr/bin/docker-credential-ecr-login';

/** Wrappers of this scenario anywhere on the machine's own PATH would outlive it. */
function strayWrappers(): string[] {
	return CLEAN_PATH.split(':').flatMap((dir) => {
		try {
			return readdirSync(dir)
				.filter((name) => name.startsWith('docker-credential-ecr-login-'))
				.map((name) => path.join(dir, name));
		} catch {
			return [];
		}
	});
}

describe('scenario 10: a profile bound to each registry', () => {
	const {home, env: base, dockerConfig} = makeHome('s10-bound');
	const bin = path.join(home, 'bin');
	// The helper is found in the scenario's own bin directory (a link to the machine's), so the wrapper goes there too
	// and never into the machine's /usr/bin.
	const env: Env = {...base, PATH: `${bin}:${CLEAN_PATH}`, AWS_PROFILE: 'nowhere'};
	delete env['AWS_ACCESS_KEY_ID'];
	delete env['AWS_SECRET_ACCESS_KEY'];
	const wrapper = path.join(bin, 'docker-credential-ecr-login-beta');
	const strayBefore = strayWrappers();

	beforeAll(async () => {
		await resetStandIn();
		await createRepository(REPOSITORY);
		await createRepository(REPOSITORY, {region: 'eu-west-1'});
		await makeImage(IMAGE_US, env);
		await makeImage(IMAGE_EU, env);
		mkdirSync(bin, {recursive: true});
		symlinkSync(MACHINE_HELPER, path.join(bin, 'docker-credential-ecr-login'));
		mkdirSync(path.join(home, '.aws'), {recursive: true, mode: 0o700});
		const keys = `aws_access_key_id = ${AWS_KEYS.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${AWS_KEYS.AWS_SECRET_ACCESS_KEY}\n`;
		writeFileSync(path.join(home, '.aws', 'credentials'), `[alpha]\n${keys}\n[beta]\n${keys}`, {mode: 0o600});
		writeFileSync(
			path.join(home, '.aws', 'config'),
			'[profile alpha]\nregion = eu-west-1\n\n[profile beta]\nregion = us-east-1\n',
		);
	});

	afterAll(() => {
		expect(strayWrappers()).toEqual(strayBefore);
	});

	it('with the plain helper, this shell’s AWS_PROFILE breaks the push', async () => {
		writeDockerConfig(dockerConfig, {credHelpers: {[REGISTRY_US.host]: 'ecr-login'}});
		const push = await docker(['push', IMAGE_US], {env});
		expect(push.code, describeRun(push)).not.toBe(0);
		expect(output(push)).toContain('no basic auth credentials');
	});

	it('configure-helper --profile beta writes the wrapper next to the helper and binds the host to it', async () => {
		const result = await ecrSetup(['configure-helper', '--registry', REGISTRY_US.host, '--profile', 'beta', '--yes'], {
			env,
		});
		expect(result.code, describeRun(result)).toBe(0);
		expect(output(result)).toContain('Profile beta reaches account 123456789012.');
		expect(output(result)).toContain(
			`Verified: docker-credential-ecr-login-beta returned credentials for ${REGISTRY_US.host}`,
		);
		expect((readDockerConfig(dockerConfig) as {credHelpers: unknown}).credHelpers).toEqual({
			[REGISTRY_US.host]: 'ecr-login-beta',
		});
		expect(readFileSync(wrapper, 'utf8')).toContain('AWS_PROFILE=beta');
		expect(lstatSync(wrapper).mode & 0o777).toBe(0o755);
	});

	it('the same docker push then works through the real helper, with profile beta', async () => {
		const push = await docker(['push', IMAGE_US], {env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags(REPOSITORY)).toEqual(['v1']);
	});

	it('binding again changes nothing', async () => {
		const config = readFileSync(dockerConfig);
		const text = readFileSync(wrapper);
		const result = await ecrSetup(['configure-helper', '--registry', REGISTRY_US.host, '--profile', 'beta', '--yes'], {
			env,
		});
		expect(result.code, describeRun(result)).toBe(0);
		expect(output(result)).toContain('Already bound');
		expect(readFileSync(dockerConfig).equals(config)).toBe(true);
		expect(readFileSync(wrapper).equals(text)).toBe(true);
	});

	it('--all-profiles binds the other region to alpha and keeps beta’s binding; a push there works', async () => {
		const result = await ecrSetup(['configure-helper', '--all-profiles', '--yes'], {env});
		expect(result.code, describeRun(result)).toBe(0);
		expect((readDockerConfig(dockerConfig) as {credHelpers: unknown}).credHelpers).toEqual({
			[REGISTRY_US.host]: 'ecr-login-beta',
			[REGISTRY_EU.host]: 'ecr-login-alpha',
		});
		const push = await docker(['push', IMAGE_EU], {env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags(REPOSITORY, REGISTRY_EU)).toEqual(['v1']);
	});

	it('--unbind puts the plain helper back and removes the wrapper', async () => {
		const result = await ecrSetup(['configure-helper', '--registry', REGISTRY_US.host, '--unbind', '--yes'], {env});
		expect(result.code, describeRun(result)).toBe(0);
		expect(
			(readDockerConfig(dockerConfig) as {credHelpers: Record<string, string>}).credHelpers[REGISTRY_US.host],
		).toBe('ecr-login');
		expect(existsSync(wrapper)).toBe(false);
		expect(existsSync(path.join(bin, 'docker-credential-ecr-login-alpha'))).toBe(true);
	});
});
