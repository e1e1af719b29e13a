/**
 * Scenario 2: `ecr-setup login`, then a plain `docker push` succeeds. While login runs, `ps -eo args` is sampled over and
 * over: the password (and the base64 token that carries it) must never appear in any process's argv.
 */
import {beforeAll, describe, expect, it} from 'vitest';
import {REGISTRY_US} from './topology.js';
import {
	createRepository,
	currentToken,
	describeRun,
	docker,
	ecrSetup,
	makeHome,
	makeImage,
	output,
	readDockerConfig,
	registryTags,
	resetStandIn,
	run,
	type Env,
} from './harness.js';

const REPOSITORY = 'login-app';
const IMAGE = `${REGISTRY_US.host}/${REPOSITORY}:v1`;

/** Samples every process's argv until stopped (bounded: at most 3000 samples). */
function sampleArgv(env: Env): {stop: () => Promise<string[]>} {
	const samples: string[] = [];
	let running = true;
	const loop = (async () => {
		while (running && samples.length < 3000) {
			const result = await run('ps', ['-eo', 'args'], {env, timeoutMs: 10_000});
			samples.push(result.stdout);
		}
	})();
	return {
		async stop() {
			running = false;
			await loop;
			return samples;
		},
	};
}

describe('scenario 2: ecr-setup login', () => {
	const {env, dockerConfig} = makeHome('s2-login');

	beforeAll(async () => {
		await resetStandIn();
		await createRepository(REPOSITORY);
		await makeImage(IMAGE, env);
	});

	it('logs docker in without the password ever appearing in a process argv, and docker push then works', async () => {
		const sampler = sampleArgv(env);
		const login = await ecrSetup(['login', '--registry', REGISTRY_US.host], {env});
		const samples = await sampler.stop();
		expect(login.code, describeRun(login)).toBe(0);

		const {password, authorizationToken} = await currentToken('us-east-1');
		// The sampler really watched the login run (so the test could have caught a leak).
		expect(samples.length).toBeGreaterThan(3);
		expect(samples.some((sample) => sample.includes('dist/cli.js login'))).toBe(true);
		for (const sample of samples) {
			expect(sample.includes(password), 'the ECR password appeared in a process argv').toBe(false);
			expect(sample.includes(authorizationToken), 'the base64 token appeared in a process argv').toBe(false);
			expect(sample.includes(password.slice(0, 72)), 'the first 72 characters of the password appeared in argv').toBe(
				false,
			);
		}
		// Nor in what the CLI printed.
		expect(output(login)).not.toContain(password.slice(0, 40));
		expect(output(login)).not.toContain(authorizationToken.slice(0, 40));

		// docker stored it the way `docker login --password-stdin` does with the file store.
		const config = readDockerConfig(dockerConfig) as {auths?: Record<string, {auth?: string}>};
		const stored = config.auths?.[REGISTRY_US.host]?.auth;
		expect(stored, JSON.stringify(Object.keys(config.auths ?? {}))).toBeDefined();
		expect(Buffer.from(stored!, 'base64').toString('utf8')).toBe(`AWS:${password}`);

		const push = await docker(['push', IMAGE], {env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(push.stdout).toMatch(/v1: digest: sha256:[0-9a-f]{64}/);
		expect(await registryTags(REPOSITORY)).toEqual(['v1']);
	});
});
