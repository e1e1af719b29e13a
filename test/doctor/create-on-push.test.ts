/**
 * ecr.repository when the repository is missing and a create-on-push repository creation template may create it: the
 * templates are read with the doctor's time limit and signal, and the check says which template, what the pusher needs,
 * or that it cannot tell.
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {CreationTemplate} from '../../source/ecr/creation-templates.js';
import {runDoctor} from '../../source/doctor/run-doctor.js';
import type {CheckId, CheckResult, DoctorOptions, DoctorReport, DoctorTargetInput} from '../../source/doctor/types.js';
import type {AwsService} from '../../source/aws/types.js';
import {
	ACCOUNT,
	HOST,
	OTHER_ACCOUNT,
	WORKING_ECR_LOGIN,
	awsError,
	makeMachine,
	repositoryInfo,
	type Machine,
} from '../helpers/doctor-machine.js';

let machine: Machine | undefined;
afterEach(async () => {
	await machine?.cleanup();
	machine = undefined;
});

function template(prefix: string, overrides: Partial<CreationTemplate> = {}): CreationTemplate {
	return {prefix, appliedFor: ['CREATE_ON_PUSH'], resourceTagCount: 0, ...overrides};
}

async function doctor(
	aws: Partial<AwsService>,
	input: DoctorTargetInput & {registry: string} = {registry: HOST, repository: 'team/api'},
	options: DoctorOptions = {},
): Promise<DoctorReport> {
	machine = await makeMachine({
		config: {credHelpers: {[input.registry]: 'ecr-login'}},
		binaries: {'docker-credential-ecr-login': WORKING_ECR_LOGIN},
		aws: {
			describeRepository: async () => null,
			getRepositoryPolicy: async () => Promise.reject(awsError('RepositoryNotFoundException', 'does not exist')),
			...aws,
		},
	});
	return runDoctor(machine.services, input, {platform: 'linux', ...options});
}

function check(report: DoctorReport, id: CheckId): CheckResult {
	return report.checks.find((entry) => entry.id === id)!;
}

describe('ecr.repository: a missing repository and create on push', () => {
	it('passes when a create-on-push template covers the name, naming the template and the actions the pusher needs', async () => {
		const asked: Array<{region: string; registryId: string | undefined; signal: AbortSignal | undefined}> = [];
		const report = await doctor({
			describeCreationTemplates: async (region, registryId, options) => {
				asked.push({region, registryId, signal: options?.signal});
				return [
					template('ROOT'),
					template('team', {
						imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
						exclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
					}),
				];
			},
		});
		const repository = check(report, 'ecr.repository');
		expect(repository.status).toBe('pass');
		expect(repository.detail).toBe(
			`"team/api" does not exist in eu-west-1 (account ${ACCOUNT}) yet; the repository creation template "team" (team/…) creates it on the first push (immutable tags except latest, AES256 encryption), and the pushing identity needs ecr:CreateRepository on it besides the push actions (ecr-setup policy --repository team/api --push --create-on-push)`,
		);
		expect(repository.detail).not.toMatch(/never creates/);
		expect(asked).toEqual([{region: 'eu-west-1', registryId: undefined, signal: expect.any(AbortSignal)}]);
		// Nothing to read yet: the template decides the new repository's policy and tags.
		expect(check(report, 'ecr.repository-policy')).toMatchObject({
			status: 'skip',
			detail: 'skipped: the repository does not exist yet',
		});
		expect(report.summary.fail).toBe(0);
	});

	it('names ecr:TagResource too when the template tags what it creates; ROOT covers a name nothing else does', async () => {
		const report = await doctor(
			{describeCreationTemplates: async () => [template('ROOT', {resourceTagCount: 1}), template('other')]},
			{registry: HOST, repository: 'web'},
		);
		const repository = check(report, 'ecr.repository');
		expect(repository.status).toBe('pass');
		expect(repository.detail).toContain('the repository creation template ROOT (every name) creates it');
		expect(repository.detail).toContain('needs ecr:CreateRepository and ecr:TagResource on it');
	});

	it('fails when no create-on-push template covers the name (another prefix, or a template for other uses)', async () => {
		const report = await doctor({
			describeCreationTemplates: async () => [
				template('teamwork'),
				template('team', {appliedFor: ['PULL_THROUGH_CACHE']}),
			],
		});
		const repository = check(report, 'ecr.repository');
		expect(repository.status).toBe('fail');
		expect(repository.detail).toBe(
			`"team/api" does not exist in eu-west-1 (account ${ACCOUNT}) nor in any other region of your account. docker push answers "name unknown": no create-on-push repository creation template covers the name.`,
		);
		expect(repository.fix).toEqual({
			description:
				'Create the repository in eu-west-1, or a create-on-push template that covers it (ecr-setup template --prefix team).',
			command: 'aws ecr create-repository --repository-name team/api --region eu-west-1',
		});
	});

	it('warns that it cannot tell when the templates may not be read', async () => {
		const report = await doctor({
			describeCreationTemplates: async () =>
				Promise.reject(
					awsError(
						'AccessDeniedException',
						`User: arn:aws:iam::${ACCOUNT}:user/dev is not authorized to perform: ecr:DescribeRepositoryCreationTemplates`,
					),
				),
		});
		const repository = check(report, 'ecr.repository');
		expect(repository.status).toBe('warn');
		expect(repository.detail).toContain(
			'Whether a create-on-push template creates it on the first push cannot be told',
		);
		expect(repository.detail).toContain('AccessDeniedException');
		expect(repository.fix?.description).toContain('Allowing ecr:DescribeRepositoryCreationTemplates');
		expect(repository.fix?.command).toBe('aws ecr create-repository --repository-name team/api --region eu-west-1');
	});

	it('a templates call that outlives its time limit is aborted and reported as such', async () => {
		let aborted = false;
		const report = await doctor(
			{
				describeCreationTemplates: async (_region, _registryId, options) =>
					new Promise((_resolve, reject) => {
						options?.signal?.addEventListener('abort', () => {
							aborted = true;
							reject(new Error('aborted'));
						});
					}),
			},
			{registry: HOST, repository: 'team/api'},
			{callTimeoutMs: 60, lookup: async () => ['52.0.0.1']},
		);
		expect(aborted).toBe(true);
		const repository = check(report, 'ecr.repository');
		expect(repository.status).toBe('warn');
		expect(repository.detail).toContain('ecr:DescribeRepositoryCreationTemplates timed out after 60 ms');
	});

	it('warns when a template would create a second repository here while the name exists in another region', async () => {
		const report = await doctor(
			{
				describeCreationTemplates: async () => [template('ROOT')],
				findRepository: async (name: string) => ({
					found: [repositoryInfo(name, 'us-east-1')],
					failed: [],
					timedOut: [],
				}),
			},
			{registry: HOST, repository: 'web', image: 'web:1.0'},
		);
		const repository = check(report, 'ecr.repository');
		expect(repository.status).toBe('warn');
		expect(repository.detail).toContain('but it exists in us-east-1');
		expect(repository.detail).toContain('a push here makes a second one');
		expect(repository.fix?.command).toBe(`docker tag web:1.0 ${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/web:1.0`);
	});

	it('reads no templates for another account’s registry (the call reads only the caller’s own), and says so', async () => {
		const registry = `${OTHER_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
		let asked = 0;
		const report = await doctor(
			{
				describeCreationTemplates: async () => {
					asked++;
					return [template('ROOT')];
				},
			},
			{registry, repository: 'shared'},
		);
		expect(asked).toBe(0);
		const repository = check(report, 'ecr.repository');
		expect(repository.status).toBe('fail');
		expect(repository.detail).toContain('unless a create-on-push repository creation template covers the name');
	});

	it('does not read the templates when the repository exists', async () => {
		let asked = 0;
		const report = await doctor({
			describeRepository: async (region: string, name: string) => repositoryInfo(name, region),
			getRepositoryPolicy: async () => null,
			describeCreationTemplates: async () => {
				asked++;
				return [];
			},
		});
		expect(check(report, 'ecr.repository').status).toBe('pass');
		expect(asked).toBe(0);
	});
});
