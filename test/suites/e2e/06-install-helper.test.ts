/**
 * Scenario 6: `ecr-setup install-helper --method apt` really installs docker-credential-ecr-login on a machine without it.
 * This changes the machine (apt-get remove, then the CLI's install): afterAll, and stack.sh's exit trap, put the package back
 * whatever happened.
 */
import {afterAll, describe, expect, it} from 'vitest';
import {REGISTRY_US} from './topology.js';
import {
	createRepository,
	describeRun,
	docker,
	ecrSetup,
	makeHome,
	makeImage,
	output,
	registryTags,
	resetStandIn,
	run,
	writeDockerConfig,
	type Env,
} from './harness.js';

const PACKAGE = 'amazon-ecr-credential-helper';

async function helperOnPath(env: Env): Promise<boolean> {
	const result = await run('bash', ['-c', 'command -v docker-credential-ecr-login'], {env});
	return result.code === 0;
}

function aptEnv(env: Env): Env {
	return {...env, DEBIAN_FRONTEND: 'noninteractive'};
}

describe('scenario 6: install-helper --method apt', () => {
	const {env, dockerConfig} = makeHome('s6-install');

	afterAll(async () => {
		if (!(await helperOnPath(env))) {
			await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', PACKAGE], {
				env: aptEnv(env),
				timeoutMs: 300_000,
			});
		}
	}, 320_000);

	it('--dry-run shows the exact apt command and installs nothing', async () => {
		const result = await ecrSetup(['install-helper', '--method', 'apt', '--dry-run'], {env});
		expect(result.code, describeRun(result)).toBe(0);
		expect(output(result)).toMatch(/apt-get install .*amazon-ecr-credential-helper/);
		expect(await helperOnPath(env)).toBe(true);
	});

	it('installs the helper on a machine without it, and docker push then works through it', async () => {
		const remove = await run('apt-get', ['remove', '-y', '-qq', PACKAGE], {env: aptEnv(env), timeoutMs: 120_000});
		expect(remove.code, describeRun(remove)).toBe(0);
		expect(await helperOnPath(env)).toBe(false);

		const result = await ecrSetup(['install-helper', '--method', 'apt', '--yes'], {env, timeoutMs: 300_000});
		expect(result.code, describeRun(result)).toBe(0);
		expect(await helperOnPath(env)).toBe(true);
		const status = await run('dpkg-query', ['-W', '-f=${Status}', PACKAGE], {env});
		expect(status.stdout).toBe('install ok installed');

		await resetStandIn();
		await createRepository('installed-app');
		const image = `${REGISTRY_US.host}/installed-app:v1`;
		await makeImage(image, env);
		writeDockerConfig(dockerConfig, {credHelpers: {[REGISTRY_US.host]: 'ecr-login'}});
		const push = await docker(['push', image], {env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags('installed-app')).toEqual(['v1']);
	}, 400_000);
});
