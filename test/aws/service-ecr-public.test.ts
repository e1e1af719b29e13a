/** The AWS service's ECR Public calls, through the real SDK client against the AWS stand-in. */
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {createAwsService} from '../../source/aws/service.js';
import {
	awsEnv,
	DEFAULT_IDENTITY,
	type StandIn,
	type StandInOptions,
	startAwsStandIn,
} from '../helpers/aws-stand-in/index.js';

let standIn: StandIn | undefined;
afterEach(async () => {
	vi.unstubAllEnvs();
	await standIn?.close();
	standIn = undefined;
});

async function service(options: StandInOptions = {}) {
	standIn = await startAwsStandIn(options);
	const env = awsEnv(standIn.url);
	// The SDK's credential chain and endpoint settings read process.env itself.
	for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
	vi.stubEnv('AWS_PROFILE', '');
	return {aws: createAwsService({env, maxAttempts: 1}), standIn};
}

beforeEach(() => {
	vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});

describe('ECR Public through the AWS service', () => {
	it('a missing repository is null; created, it is described with its public URI', async () => {
		const {aws, standIn} = await service({publicAlias: 'my-team'});
		expect(await aws.describePublicRepository('tools')).toBeNull();
		const created = await aws.createPublicRepository('tools');
		expect(created).toMatchObject({
			name: 'tools',
			uri: 'public.ecr.aws/my-team/tools',
			registryId: DEFAULT_IDENTITY.account,
			arn: `arn:aws:ecr-public::${DEFAULT_IDENTITY.account}:repository/tools`,
		});
		expect(await aws.describePublicRepository('tools')).toEqual(created);
		// Every call went to ECR Public's one region.
		expect(new Set(standIn.requests.map((call) => `${call.service} ${call.region}`))).toEqual(
			new Set(['ecr-public us-east-1']),
		);
	});

	it('the registry and its primary alias; none before the first repository', async () => {
		const {aws} = await service();
		expect(await aws.describePublicRegistry()).toEqual({
			registryId: DEFAULT_IDENTITY.account,
			alias: undefined,
			verified: false,
		});
		const created = await aws.createPublicRepository('tools');
		const registry = await aws.describePublicRegistry();
		expect(registry?.alias).toMatch(/^a[0-9a-f]{7}$/);
		expect(created.uri).toBe(`public.ecr.aws/${registry?.alias}/tools`);
	});

	it('a repository that exists already, and a denied call, are explained errors', async () => {
		const {aws, standIn} = await service({publicAlias: 'my-team'});
		await aws.createPublicRepository('tools');
		await expect(aws.createPublicRepository('tools')).rejects.toMatchObject({kind: 'repository-exists'});
		standIn.model.denied.add('ecr-public:DescribeRepositories');
		await expect(aws.describePublicRepository('tools')).rejects.toMatchObject({
			kind: 'access-denied',
			message: expect.stringContaining('ecr-public:DescribeRepositories'),
		});
	});
});
