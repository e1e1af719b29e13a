/**
 * Scenario 9: pushing to another account's repository, and repositories that a template creates on push.
 *
 * The developer (account 123456789012) pushes to a repository of account 210987654321: the registry refuses it with
 * ECR's resource-policy error, the developer's doctor names the cause and shows the statement the owner must add, the
 * owner (signing with its own keys) adds it with `doctor --allow-account … --fix --yes`, and the same push works. Then a
 * create-on-push template made with `ecr-setup template`: the doctor explains that a missing repository it covers will
 * be created, and a real push creates it with the template's settings.
 */
import {beforeAll, describe, expect, it} from 'vitest';
import {ACCOUNT, CALLER_ARN, OWNER_ACCOUNT, REGISTRY_OWNER, REGISTRY_US} from './topology.js';
import {
	createRepository,
	describeRun,
	docker,
	ecrSetup,
	makeHome,
	makeImage,
	OWNER_KEYS,
	output,
	parseJson,
	registryTags,
	resetStandIn,
	standInState,
	writeDockerConfig,
} from './harness.js';
import {checkOf, describeChecks, type DoctorReport} from './doctor-report.js';

const SHARED = 'shared/app';
const SHARED_ARN = `arn:aws:ecr:us-east-1:${OWNER_ACCOUNT}:repository/${SHARED}`;

describe('scenario 9: a push to another account’s repository', () => {
	const developer = makeHome('s9-developer');
	const owner = makeHome('s9-owner');
	const image = `${REGISTRY_OWNER.host}/${SHARED}:v1`;

	beforeAll(async () => {
		await resetStandIn();
		Object.assign(owner.env, OWNER_KEYS);
		await createRepository(SHARED, {registryId: OWNER_ACCOUNT});
		// Authentication is not what this scenario tests: docker gets its token from the real helper.
		writeDockerConfig(developer.dockerConfig, {credHelpers: {[REGISTRY_OWNER.host]: 'ecr-login'}});
		writeDockerConfig(owner.dockerConfig, {credHelpers: {[REGISTRY_OWNER.host]: 'ecr-login'}});
		await makeImage(image, developer.env);
	});

	it('is refused by the registry with ECR’s resource-policy error while the repository policy does not allow it', async () => {
		const push = await docker(['push', image], {env: developer.env});
		expect(push.code, describeRun(push)).not.toBe(0);
		expect(push.stderr).toContain(
			`denied: User: ${CALLER_ARN} is not authorized to perform: ecr:InitiateLayerUpload on resource: ${SHARED_ARN} because no resource-based policy allows the ecr:InitiateLayerUpload action`,
		);
		expect(await registryTags(SHARED, REGISTRY_OWNER)).toEqual([]);
	});

	it('the developer’s doctor names the cause and shows the statement the owner must add, which `policy` prints too', async () => {
		const result = await ecrSetup(
			['doctor', '--registry', REGISTRY_OWNER.host, '--repository', SHARED, '--image', image, '--json'],
			{env: developer.env},
		);
		const report = parseJson<DoctorReport>(result);
		expect(checkOf(report, 'ecr.cross-account').status, describeChecks(report)).toBe('warn');
		const policy = checkOf(report, 'ecr.repository-policy');
		// As ECR answers another account, the developer may not even read that policy: the doctor says what it must hold.
		expect(policy.status, describeChecks(report)).toBe('warn');
		expect(policy.detail).toContain(`Cannot read account ${OWNER_ACCOUNT}'s repository policy of "${SHARED}"`);
		expect(policy.fix?.description).toContain(`The owner of account ${OWNER_ACCOUNT} must add this statement`);
		expect(policy.fix?.command).toBe(
			`ecr-setup doctor --registry ${REGISTRY_OWNER.host} --repository ${SHARED} --allow-account ${ACCOUNT} --fix`,
		);

		const printed = await ecrSetup(['policy', '--repository', SHARED, '--allow-account', ACCOUNT, '--json'], {
			env: owner.env,
		});
		expect(printed.code, describeRun(printed)).toBe(0);
		const document = parseJson<{Statement: unknown[]}>(printed);
		expect(document.Statement).toEqual([
			{
				Sid: `AllowPushFrom${ACCOUNT}`,
				Effect: 'Allow',
				Principal: {AWS: `arn:aws:iam::${ACCOUNT}:root`},
				Action: expect.arrayContaining(['ecr:InitiateLayerUpload', 'ecr:PutImage']),
			},
		]);
		expect(policy.fix?.description).toContain(JSON.stringify(document.Statement[0]));
		// Printing changed nothing.
		expect((await standInState()).repositories.find((entry) => entry.repositoryName === SHARED)?.policy).toBeNull();
	});

	it('the owner adds it with doctor --fix --yes, and the same push then works', async () => {
		const fixed = await ecrSetup(
			[
				'doctor',
				'--registry',
				REGISTRY_OWNER.host,
				'--repository',
				SHARED,
				'--allow-account',
				ACCOUNT,
				'--fix',
				'--yes',
			],
			{env: owner.env},
		);
		expect(fixed.code, describeRun(fixed)).toBe(0);
		expect(fixed.stdout).toContain('[done] repository-policy: Set the repository policy of shared/app');
		expect(fixed.stdout).toMatch(/\[ok\] {3}ecr\.repository-policy +the repository policy allows account 123456789012/);
		const stored = (await standInState()).repositories.find((entry) => entry.repositoryName === SHARED)?.policy;
		expect(JSON.parse(stored ?? '{}').Statement).toEqual([expect.objectContaining({Sid: `AllowPushFrom${ACCOUNT}`})]);

		const push = await docker(['push', image], {env: developer.env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags(SHARED, REGISTRY_OWNER)).toEqual(['v1']);
	});
});

describe('scenario 9: a repository a create-on-push template creates', () => {
	const {env, dockerConfig} = makeHome('s9-template');

	beforeAll(async () => {
		await resetStandIn();
		writeDockerConfig(dockerConfig, {credHelpers: {[REGISTRY_US.host]: 'ecr-login'}});
	});

	it('`ecr-setup template` creates the template, lists it, and refuses the same prefix again', async () => {
		const created = await ecrSetup(['template', '--prefix', 'team', '--immutable', '--keep-images', '5', '--yes'], {
			env,
		});
		expect(created.code, describeRun(created)).toBe(0);
		expect(created.stdout).toContain('"imageTagMutability": "IMMUTABLE"');
		expect(created.stdout).toContain('Created the repository creation template "team" (team/…) in us-east-1.');
		const listed = parseJson<{templates: Array<{prefix: string; appliedFor: string[]}>}>(
			await ecrSetup(['template', '--list', '--json'], {env}),
		);
		expect(listed.templates).toEqual([expect.objectContaining({prefix: 'team', appliedFor: ['CREATE_ON_PUSH']})]);
		const again = await ecrSetup(['template', '--prefix', 'team', '--yes'], {env});
		expect(again.code, describeRun(again)).toBe(1);
		expect(output(again)).toContain('already exists in us-east-1; nothing was changed');
	});

	it('the doctor explains that a missing repository the template covers is created on push; a real push creates it', async () => {
		const doctor = await ecrSetup(
			['doctor', '--registry', REGISTRY_US.host, '--repository', 'team/new-app', '--json'],
			{
				env,
			},
		);
		const report = parseJson<DoctorReport>(doctor);
		const repository = checkOf(report, 'ecr.repository');
		expect(repository.status, describeChecks(report)).toBe('pass');
		expect(repository.detail).toContain(
			'the repository creation template "team" (team/…) creates it on the first push',
		);
		expect(repository.detail).toContain('ecr:CreateRepository');
		expect(doctor.code, describeRun(doctor)).toBe(0);

		const pushed = `${REGISTRY_US.host}/team/new-app:v1`;
		await makeImage(pushed, env);
		const push = await docker(['push', pushed], {env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags('team/new-app')).toEqual(['v1']);
		const state = await standInState();
		expect(state.repositories).toContainEqual(
			expect.objectContaining({repositoryName: 'team/new-app', imageTagMutability: 'IMMUTABLE'}),
		);
	});

	it('a missing repository no template covers still fails, saying so', async () => {
		const doctor = await ecrSetup(['doctor', '--registry', REGISTRY_US.host, '--repository', 'solo/app', '--json'], {
			env,
		});
		const report = parseJson<DoctorReport>(doctor);
		const repository = checkOf(report, 'ecr.repository');
		expect(repository.status, describeChecks(report)).toBe('fail');
		expect(repository.detail).toContain('no create-on-push repository creation template covers the name');
		expect(doctor.code).toBe(1);
	});
});
