/**
 * Scenario 10: a profile bound to a registry. Two profiles on disk, no AWS keys in the environment and an AWS_PROFILE that
 * names no profile at all (the shell of someone who works in another account): a plain credential helper cannot push;
 * after `configure-helper --registry HOST --profile beta` the same `docker push`, through the real helper, works. Then
 * `--all-profiles` binds the other region, and `--unbind` takes the binding back and removes the wrapper.
 *
 * Then two accounts: each account's registry accepts only its own account's token (the stand-in gives each account its
 * own), a profile for each is bound to its registry, and with no AWS variables at all `docker push` reaches both and the
 * doctor is green on both, with the bound profile.
 */
import {existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ACCOUNT, OWNER_ACCOUNT, REGISTRY_EU, REGISTRY_OWNER, REGISTRY_US} from './topology.js';
import {checkOf, describeChecks, type DoctorReport} from './doctor-report.js';
import {
	AWS_KEYS,
	CLEAN_PATH,
	createRepository,
	describeRun,
	docker,
	ecrSetup,
	makeHome,
	makeImage,
	OWNER_KEYS,
	output,
	parseJson,
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

describe('scenario 10: two accounts, each registry bound to the profile that reaches it', () => {
	const {home, env: base, dockerConfig} = makeHome('s10-accounts');
	const bin = path.join(home, 'bin');
	const env: Env = {...base, PATH: `${bin}:${CLEAN_PATH}`};
	for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
		delete env[name];
	// The registries keep their images across scenarios: a repository of its own.
	const ACCOUNTS_REPOSITORY = 'accounts-app';
	const IMAGE_OWNER = `${REGISTRY_OWNER.host}/${ACCOUNTS_REPOSITORY}:v2`;
	const IMAGE_DEV = `${REGISTRY_US.host}/${ACCOUNTS_REPOSITORY}:v2`;
	const strayBefore = strayWrappers();

	beforeAll(async () => {
		await resetStandIn();
		await createRepository(ACCOUNTS_REPOSITORY);
		await createRepository(ACCOUNTS_REPOSITORY, {registryId: OWNER_ACCOUNT});
		await makeImage(IMAGE_DEV, env);
		await makeImage(IMAGE_OWNER, env);
		mkdirSync(bin, {recursive: true});
		symlinkSync(MACHINE_HELPER, path.join(bin, 'docker-credential-ecr-login'));
		mkdirSync(path.join(home, '.aws'), {recursive: true, mode: 0o700});
		const keys = (pair: typeof AWS_KEYS) =>
			`aws_access_key_id = ${pair.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${pair.AWS_SECRET_ACCESS_KEY}\n`;
		writeFileSync(path.join(home, '.aws', 'credentials'), `[dev]\n${keys(AWS_KEYS)}\n[prod]\n${keys(OWNER_KEYS)}`, {
			mode: 0o600,
		});
		writeFileSync(
			path.join(home, '.aws', 'config'),
			'[profile dev]\nregion = us-east-1\n\n[profile prod]\nregion = us-east-1\n',
		);
	});

	afterAll(() => {
		expect(strayWrappers()).toEqual(strayBefore);
	});

	it('the second account’s registry refuses the first account’s token', async () => {
		// The plain helper with profile dev: a token of account 123456789012, which the other registry does not accept.
		writeDockerConfig(dockerConfig, {credHelpers: {[REGISTRY_OWNER.host]: 'ecr-login'}});
		const push = await docker(['push', IMAGE_OWNER], {env: {...env, AWS_PROFILE: 'dev'}});
		expect(push.code, describeRun(push)).not.toBe(0);
		expect(output(push)).toContain('is not authorized to perform: ecr:InitiateLayerUpload');
		expect(await registryTags(ACCOUNTS_REPOSITORY, REGISTRY_OWNER)).toEqual([]);
	});

	it('configure-helper binds each registry to its account’s profile, and docker pushes to both with no AWS variables', async () => {
		for (const [registry, profile, account] of [
			[REGISTRY_US, 'dev', ACCOUNT],
			[REGISTRY_OWNER, 'prod', OWNER_ACCOUNT],
		] as const) {
			const result = await ecrSetup(['configure-helper', '--registry', registry.host, '--profile', profile, '--yes'], {
				env,
			});
			expect(result.code, describeRun(result)).toBe(0);
			expect(output(result)).toContain(`Profile ${profile} reaches account ${account}.`);
		}
		expect((readDockerConfig(dockerConfig) as {credHelpers: unknown}).credHelpers).toEqual({
			[REGISTRY_US.host]: 'ecr-login-dev',
			[REGISTRY_OWNER.host]: 'ecr-login-prod',
		});
		for (const image of [IMAGE_DEV, IMAGE_OWNER]) {
			const push = await docker(['push', image], {env});
			expect(push.code, describeRun(push)).toBe(0);
		}
		expect(await registryTags(ACCOUNTS_REPOSITORY, REGISTRY_US)).toEqual(['v2']);
		expect(await registryTags(ACCOUNTS_REPOSITORY, REGISTRY_OWNER)).toEqual(['v2']);
	});

	it('the doctor is green on both registries, with the profile bound to each', async () => {
		for (const [registry, profile, image] of [
			[REGISTRY_US, 'dev', IMAGE_DEV],
			[REGISTRY_OWNER, 'prod', IMAGE_OWNER],
		] as const) {
			const result = await ecrSetup(
				['doctor', '--registry', registry.host, '--repository', ACCOUNTS_REPOSITORY, '--image', image, '--json'],
				{env},
			);
			const report = parseJson<DoctorReport>(result);
			expect(result.code, `${describeRun(result)}\n${describeChecks(report)}`).toBe(0);
			expect(report.summary.fail, describeChecks(report)).toBe(0);
			expect(checkOf(report, 'docker.binding').status).toBe('pass');
			expect(checkOf(report, 'docker.helper-works').status).toBe('pass');
			expect(result.stderr).toContain(`Using profile ${profile} for the AWS checks`);
		}
	});
});
