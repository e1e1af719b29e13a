/**
 * Scenario 4: `ecr-setup push`. A missing repository is created only on request (with no create-on-push template, ECR does
 * not create one on push; scenario 8 has templates) and the image lands in the registry under its full URI; a tag that
 * already exists in an immutable repository is refused before a single byte is pushed.
 */
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
	registryDigest,
	registryTags,
	resetStandIn,
	standInState,
	writeDockerConfig,
} from './harness.js';

describe('scenario 4: ecr-setup push', () => {
	const {env, dockerConfig} = makeHome('s4-push');

	beforeAll(async () => {
		await resetStandIn();
		// Authentication is not what this scenario tests: docker gets credentials from the real helper.
		writeDockerConfig(dockerConfig, {credHelpers: {[REGISTRY_US.host]: 'ecr-login'}});
		await makeImage('my-app:latest', env);
		await makeImage('my-app:next', env);
	});

	it('refuses to push to a missing repository unless asked to create it, naming the flag', async () => {
		const result = await ecrSetup(['push', 'my-app:latest', '--repository', 'created-app', '--tag', 'v1'], {env});
		expect(result.code, describeRun(result)).not.toBe(0);
		expect(output(result)).toContain('--create-repository');
		const state = await standInState();
		expect(state.repositories.map((repository) => repository.repositoryName)).not.toContain('created-app');
		expect(state.registryRequests.filter((request) => request.path.includes('/created-app/'))).toEqual([]);
	});

	it('creates the repository on request, pushes, and prints the URI and the digest the registry holds', async () => {
		const result = await ecrSetup(
			['push', 'my-app:latest', '--repository', 'created-app', '--tag', 'v1', '--create-repository'],
			{env},
		);
		expect(result.code, describeRun(result)).toBe(0);
		const state = await standInState();
		expect(state.repositories).toContainEqual(
			expect.objectContaining({repositoryName: 'created-app', region: 'us-east-1'}),
		);
		expect(await registryTags('created-app')).toEqual(['v1']);
		const digest = await registryDigest('created-app', 'v1');
		expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
		expect(result.stdout).toContain(`${REGISTRY_US.host}/created-app:v1`);
		expect(result.stdout).toContain(digest!);
	});

	it('--json prints one document with the pushed image and digest', async () => {
		const result = await ecrSetup(['push', 'my-app:next', '--repository', 'created-app', '--tag', 'v2', '--json'], {
			env,
		});
		expect(result.code, describeRun(result)).toBe(0);
		const document = JSON.parse(result.stdout) as {image: string; digest: string};
		expect(document.image).toBe(`${REGISTRY_US.host}/created-app:v2`);
		expect(document.digest).toBe(await registryDigest('created-app', 'v2'));
		expect(await registryTags('created-app')).toEqual(['v1', 'v2']);
	});

	it('refuses an existing tag in an immutable repository before pushing anything', async () => {
		await createRepository('frozen-app', {imageTagMutability: 'IMMUTABLE'});
		const first = `${REGISTRY_US.host}/frozen-app:v1`;
		await makeImage(first, env);
		const push = await docker(['push', first], {env});
		expect(push.code, describeRun(push)).toBe(0);
		const digestBefore = await registryDigest('frozen-app', 'v1');
		const requestsBefore = (await standInState()).registryRequests.length;

		const result = await ecrSetup(['push', 'my-app:next', '--repository', 'frozen-app', '--tag', 'v1'], {env});
		expect(result.code, describeRun(result)).toBe(1);
		expect(output(result)).toMatch(/immutable/i);
		expect(await registryDigest('frozen-app', 'v1')).toBe(digestBefore);
		// Not one request reached the registry for it: the refusal came before the push, from DescribeImages.
		const after = (await standInState()).registryRequests.slice(requestsBefore);
		expect(
			after.filter(
				(request) => request.path.includes('/frozen-app/') && request.method !== 'GET' && request.method !== 'HEAD',
			),
		).toEqual([]);
		expect((await standInState()).calls.some((call) => call.operation === 'DescribeImages')).toBe(true);
	});

	it('the registry itself refuses to overwrite an immutable tag, as ECR does (the stand-in front)', async () => {
		const second = `${REGISTRY_US.host}/frozen-app:v1`;
		await makeImage(second, env);
		const push = await docker(['push', second], {env});
		expect(push.code).not.toBe(0);
		expect(push.stderr).toContain(
			"tag invalid: The image tag 'v1' already exists in the 'frozen-app' repository and cannot be overwritten because the repository is immutable.",
		);
	});
});
