/**
 * Scenario 8: a repository that does not exist yet. With a repository creation template applied for CREATE_ON_PUSH that
 * covers the name, `ecr-setup push` pushes and the registry front (as ECR) creates the repository with the template's
 * settings; without one it is refused as before; `--create-repository` with settings flags creates the repository with
 * exactly those settings, and the registry then enforces them. And `push --public` to public.ecr.aws: a repository
 * created in ECR Public, the image under the registry's alias, docker's credentials from a login or the real helper.
 */
import {beforeAll, describe, expect, it} from 'vitest';
import {REGISTRY_PUBLIC, REGISTRY_US} from './topology.js';
import {
	control,
	createTemplate,
	describeRun,
	ecrSetup,
	makeHome,
	makeImage,
	output,
	parseJson,
	readDockerConfig,
	registryDigest,
	registryTags,
	resetStandIn,
	standInState,
	writeDockerConfig,
} from './harness.js';

const repositoryNamed = async (name: string) =>
	(await standInState()).repositories.find((repository) => repository.repositoryName === name);

const writesTo = (state: Awaited<ReturnType<typeof standInState>>, name: string) =>
	state.registryRequests.filter(
		(request) => request.path.startsWith(`/v2/${name}/`) && request.method !== 'GET' && request.method !== 'HEAD',
	);

describe('scenario 8: create on push and repository settings', () => {
	const {env, dockerConfig} = makeHome('s8-create-on-push');

	beforeAll(async () => {
		await resetStandIn();
		// Authentication is not what this scenario tests: docker gets credentials from the real helper.
		writeDockerConfig(dockerConfig, {credHelpers: {[REGISTRY_US.host]: 'ecr-login'}});
		await makeImage('cop-app:latest', env);
		await makeImage('cop-app:next', env);
	});

	it('without a template, a missing repository is refused as before and nothing reaches the registry', async () => {
		const result = await ecrSetup(['push', 'cop-app:latest', '--repository', 'team/api', '--tag', 'v1'], {env});
		expect(result.code, describeRun(result)).toBe(1);
		expect(output(result)).toContain('no repository creation template applied for create on push covers that name');
		expect(output(result)).toContain('--create-repository');
		expect(await repositoryNamed('team/api')).toBeUndefined();
		expect((await standInState()).registryRequests.filter((request) => request.path.includes('/team/api/'))).toEqual(
			[],
		);
	});

	it('a CREATE_ON_PUSH template covering the name: the push succeeds and ECR creates the repository from it', async () => {
		await createTemplate({
			prefix: 'team',
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			imageTagMutabilityExclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
		});
		const result = await ecrSetup(['push', 'cop-app:latest', '--repository', 'team/api', '--tag', 'v1', '--json'], {
			env,
		});
		expect(result.code, describeRun(result)).toBe(0);
		const document = parseJson<{image: string; digest: string; createdRepository: boolean; createdOnPush: unknown}>(
			result,
		);
		expect(document).toMatchObject({
			image: `${REGISTRY_US.host}/team/api:v1`,
			createdRepository: false,
			createdOnPush: {template: 'team', requiredActions: ['ecr:CreateRepository']},
		});
		expect(await repositoryNamed('team/api')).toMatchObject({
			region: 'us-east-1',
			createdBy: 'team',
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			imageTagMutabilityExclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
		});
		expect(await registryTags('team/api')).toEqual(['v1']);
		expect(document.digest).toBe(await registryDigest('team/api', 'v1'));
		const state = await standInState();
		// ECR made it on the push, not ecr-setup through the API.
		expect(state.calls.filter((call) => call.operation === 'CreateRepository')).toEqual([]);
		expect(state.registryRequests.some((request) => request.note === 'created on push by template team')).toBe(true);
	});

	it('the text output names the template and what the pushing identity needs; a name it does not cover is refused', async () => {
		const pushed = await ecrSetup(['push', 'cop-app:next', '--repository', 'team/worker', '--tag', 'v1'], {env});
		expect(pushed.code, describeRun(pushed)).toBe(0);
		expect(pushed.stdout).toContain(
			'ECR will create it on push from the repository creation template "team" (team/…), with the template\'s settings (immutable tags except latest, AES256 encryption)',
		);
		expect(pushed.stdout).toContain('The pushing identity needs ecr:CreateRepository');
		expect(await registryTags('team/worker')).toEqual(['v1']);

		const refused = await ecrSetup(['push', 'cop-app:next', '--repository', 'teamwork/api', '--tag', 'v1'], {env});
		expect(refused.code, describeRun(refused)).toBe(1);
		expect(output(refused)).toContain('no repository creation template applied for create on push covers that name');
		expect(await repositoryNamed('teamwork/api')).toBeUndefined();
	});

	it('without ecr:CreateRepository the push a template would create fails, and says why', async () => {
		await control('POST', '/_control/deny', {action: 'ecr:CreateRepository'});
		try {
			const result = await ecrSetup(['push', 'cop-app:next', '--repository', 'team/denied', '--tag', 'v1'], {env});
			expect(result.code, describeRun(result)).toBe(1);
			expect(output(result)).toContain('may not call ecr:CreateRepository on the repository team/denied');
			expect(output(result)).toMatch(/creation template has ECR create it on push/);
			expect(await repositoryNamed('team/denied')).toBeUndefined();
		} finally {
			await control('POST', '/_control/allow', {action: 'ecr:CreateRepository'});
		}
	});

	it('--create-repository with settings flags creates the repository with exactly those settings', async () => {
		const result = await ecrSetup(
			[
				'push',
				'cop-app:latest',
				'--repository',
				'settings-app',
				'--tag',
				'v1',
				'--create-repository',
				'--immutable-except',
				'latest',
				'--keep-images',
				'5',
				'--scan-on-push',
			],
			{env},
		);
		expect(result.code, describeRun(result)).toBe(0);
		expect(result.stdout).toContain(
			`Created repository ${REGISTRY_US.host}/settings-app (immutable tags except latest, scan on push, keeps 5 tagged images).`,
		);
		const repository = await repositoryNamed('settings-app');
		expect(repository).toMatchObject({
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			imageTagMutabilityExclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
			imageScanningConfiguration: {scanOnPush: true},
			createdBy: null,
		});
		const policy = JSON.parse(repository?.lifecyclePolicy ?? 'null') as {
			rules: Array<{selection: Record<string, unknown>; action: {type: string}}>;
		};
		expect(policy.rules).toEqual([
			expect.objectContaining({
				selection: {tagStatus: 'tagged', tagPatternList: ['*'], countType: 'imageCountMoreThan', countNumber: 5},
				action: {type: 'expire'},
			}),
		]);
		expect(await registryTags('settings-app')).toEqual(['v1']);
	});

	it('there, latest stays movable and an existing v1 is refused before any write reaches the registry', async () => {
		const first = await ecrSetup(['push', 'cop-app:latest', '--repository', 'settings-app', '--tag', 'latest'], {env});
		expect(first.code, describeRun(first)).toBe(0);
		const before = await registryDigest('settings-app', 'latest');
		const moved = await ecrSetup(['push', 'cop-app:next', '--repository', 'settings-app', '--tag', 'latest'], {env});
		expect(moved.code, describeRun(moved)).toBe(0);
		expect(await registryDigest('settings-app', 'latest')).not.toBe(before);

		const writesBefore = writesTo(await standInState(), 'settings-app').length;
		const refused = await ecrSetup(['push', 'cop-app:next', '--repository', 'settings-app', '--tag', 'v1'], {env});
		expect(refused.code, describeRun(refused)).toBe(1);
		expect(output(refused)).toMatch(/"v1" already exists in settings-app.*immutable/);
		expect(writesTo(await standInState(), 'settings-app')).toHaveLength(writesBefore);
	});
});

describe('scenario 8, ECR Public: ecr-setup push --public', () => {
	const {env, dockerConfig} = makeHome('s8-public');

	beforeAll(async () => {
		await resetStandIn();
		await makeImage('pub-tool:latest', env);
	});

	it('a missing public repository is refused without --create-repository, and nothing reaches public.ecr.aws', async () => {
		const result = await ecrSetup(['push', 'pub-tool:latest', '--public', '--repository', 'pub-tool'], {env});
		expect(result.code, describeRun(result)).toBe(1);
		expect(output(result)).toContain('ECR Public never creates one on push');
		const state = await standInState();
		expect(state.publicRepositories).toEqual([]);
		expect(state.registryRequests.filter((request) => request.host === REGISTRY_PUBLIC.host)).toEqual([]);
	});

	it('creates the repository, logs docker in with ECR Public’s token and pushes under the registry’s alias', async () => {
		const result = await ecrSetup(
			['push', 'pub-tool:latest', '--public', '--repository', 'pub-tool', '--create-repository', '--json'],
			{env},
		);
		expect(result.code, describeRun(result)).toBe(0);
		const state = await standInState();
		expect(state.publicRepositories).toEqual(['pub-tool']);
		const alias = state.publicAlias;
		expect(alias).toMatch(/^a[0-9a-f]{7}$/);
		const document = parseJson<{image: string; digest: string; alias: string; loggedIn: boolean}>(result);
		expect(document).toMatchObject({image: `public.ecr.aws/${alias}/pub-tool:latest`, alias, loggedIn: true});
		expect(await registryTags(`${alias}/pub-tool`, REGISTRY_PUBLIC)).toEqual(['latest']);
		expect(document.digest).toBe(await registryDigest(`${alias}/pub-tool`, 'latest', REGISTRY_PUBLIC));
		// docker login stored ECR Public's token (there is no credential store in this home).
		expect(Object.keys((readDockerConfig(dockerConfig).auths ?? {}) as object)).toEqual(['public.ecr.aws']);
		// ECR Public's one region, whatever the region in force.
		expect(new Set(state.calls.filter((call) => call.service === 'ecr-public').map((call) => call.region))).toEqual(
			new Set(['us-east-1']),
		);
	});

	it('where docker is configured for the helper, the push goes through the real docker-credential-ecr-login', async () => {
		const helped = makeHome('s8-public-helper');
		writeDockerConfig(helped.dockerConfig, {credHelpers: {[REGISTRY_PUBLIC.host]: 'ecr-login'}});
		await makeImage('pub-tool:next', helped.env);
		const tokensBefore = (await standInState()).calls.filter(
			(call) => call.service === 'ecr-public' && call.operation === 'GetAuthorizationToken',
		).length;
		const result = await ecrSetup(['push', 'pub-tool:next', '--public', '--repository', 'pub-tool', '--tag', 'v2'], {
			env: helped.env,
		});
		expect(result.code, describeRun(result)).toBe(0);
		expect(result.stderr).toContain(
			'docker gets tokens for public.ecr.aws from docker-credential-ecr-login (credHelpers).',
		);
		const state = await standInState();
		expect(await registryTags(`${state.publicAlias}/pub-tool`, REGISTRY_PUBLIC)).toEqual(['latest', 'v2']);
		expect(readDockerConfig(helped.dockerConfig)).toEqual({credHelpers: {[REGISTRY_PUBLIC.host]: 'ecr-login'}});
		// The helper, not ecr-setup, asked ECR Public for the token docker used.
		expect(
			state.calls.filter((call) => call.service === 'ecr-public' && call.operation === 'GetAuthorizationToken').length,
		).toBeGreaterThan(tokensBefore);
	});
});
