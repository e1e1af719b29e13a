import {
	CreateRepositoryCommand,
	DescribeImagesCommand,
	DescribeRepositoriesCommand,
	ECRClient,
	GetAuthorizationTokenCommand,
	GetRepositoryPolicyCommand,
	ImageNotFoundException,
	RepositoryNotFoundException,
	RepositoryPolicyNotFoundException,
	type Repository,
} from '@aws-sdk/client-ecr';
import {
	ECRPUBLICClient,
	GetAuthorizationTokenCommand as GetPublicAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr-public';
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts';
import {mockClient} from 'aws-sdk-client-mock';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {CancelledError} from '../../source/errors/user-errors.js';
import {COMMERCIAL_ECR_REGIONS} from '../../source/ecr/regions.js';
import {AwsError} from '../../source/aws/errors.js';
import {decodeAuthorizationData, identityKindFromArn} from '../../source/aws/answers.js';
import {createAwsService} from '../../source/aws/service.js';

const ACCOUNT = '123456789012';
const PASSWORD = 'eyJwYXlsb2FkIjoic2VjcmV0LXBheWxvYWQiLCJleHBpcmF0aW9uIjoxNzk1NzY2NDAwfQ==';
const NOW = new Date('2026-11-27T12:00:00Z');

const ecr = mockClient(ECRClient);
const sts = mockClient(STSClient);
const ecrPublic = mockClient(ECRPUBLICClient);

/** An env that never reaches the real ~/.aws of whoever runs the tests. */
const isolatedEnv = (extra: Record<string, string> = {}) => ({
	HOME: '/nonexistent-home',
	AWS_CONFIG_FILE: '/nonexistent/config',
	AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
	...extra,
});

const service = (extra: Record<string, string> = {}) => createAwsService({env: isolatedEnv(extra), now: () => NOW});

function repository(name: string, region = 'eu-west-1', extra: Partial<Repository> = {}): Repository {
	return {
		repositoryName: name,
		registryId: ACCOUNT,
		repositoryArn: `arn:aws:ecr:${region}:${ACCOUNT}:repository/${name}`,
		repositoryUri: `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${name}`,
		imageTagMutability: 'MUTABLE',
		imageScanningConfiguration: {scanOnPush: false},
		encryptionConfiguration: {encryptionType: 'AES256'},
		...extra,
	};
}

const notFound = (name: string, _region = 'eu-west-1') =>
	new RepositoryNotFoundException({
		message: `The repository with name '${name}' does not exist in the registry with id '${ACCOUNT}'`,
		$metadata: {httpStatusCode: 400, requestId: 'req-1'},
	});

beforeEach(() => {
	ecr.reset();
	sts.reset();
	ecrPublic.reset();
});

describe('identityKindFromArn', () => {
	it.each([
		['arn:aws:iam::123456789012:user/alice', 'iam-user'],
		['arn:aws:iam::123456789012:user/division/alice', 'iam-user'],
		['arn:aws:iam::123456789012:root', 'root'],
		[
			'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com',
			'sso',
		],
		['arn:aws:sts::123456789012:assumed-role/deploy-role/ci-session', 'assumed-role'],
		['arn:aws:sts::123456789012:federated-user/bob', 'federated'],
		['arn:aws-cn:iam::123456789012:user/li', 'iam-user'],
		['arn:aws:sts::123456789012:something-else/x', 'unknown'],
	] as const)('%s → %s', (arn, kind) => {
		expect(identityKindFromArn(arn)).toBe(kind);
	});
});

describe('getCallerIdentity', () => {
	it('returns the identity with its kind, calling STS in the resolved region', async () => {
		sts.on(GetCallerIdentityCommand).resolves({
			Account: ACCOUNT,
			Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Dev_abc/alice`,
			UserId: 'AROAEXAMPLE:alice',
		});
		const aws = createAwsService({region: 'eu-central-1', env: isolatedEnv()});
		const identity = await aws.getCallerIdentity();
		expect(identity).toEqual({
			account: ACCOUNT,
			arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Dev_abc/alice`,
			userId: 'AROAEXAMPLE:alice',
			kind: 'sso',
		});
		const client = sts.commandCalls(GetCallerIdentityCommand)[0]!.thisValue as STSClient;
		expect(await client.config.region()).toBe('eu-central-1');
	});

	it('refuses an answer without Account/Arn/UserId', async () => {
		sts.on(GetCallerIdentityCommand).resolves({Account: ACCOUNT});
		await expect(service().getCallerIdentity({region: 'us-east-1'})).rejects.toThrow(
			/Account, Arn or UserId is missing/,
		);
	});

	it('turns an SDK failure into an AwsError naming the kind', async () => {
		sts.on(GetCallerIdentityCommand).rejects(
			Object.assign(new Error('The security token included in the request is invalid.'), {
				name: 'InvalidClientTokenId',
				$metadata: {httpStatusCode: 403},
			}),
		);
		const error = await service()
			.getCallerIdentity({region: 'us-east-1'})
			.catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(AwsError);
		expect((error as AwsError).code).toBe('aws.invalid-credentials');
		expect((error as AwsError).message).toContain('sts:GetCallerIdentity');
	});

	it('passes the profile and the bounded retry settings to the client', async () => {
		sts
			.on(GetCallerIdentityCommand)
			.resolves({Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/a`, UserId: 'AIDA'});
		const aws = createAwsService({profile: 'dev', env: isolatedEnv()});
		expect(aws.profile).toBe('dev');
		await aws.getCallerIdentity({region: 'us-west-2'});
		const client = sts.commandCalls(GetCallerIdentityCommand)[0]!.thisValue as STSClient;
		expect(client.config.profile).toBe('dev');
		expect(await client.config.maxAttempts()).toBe(3);
		const retryMode: unknown = client.config.retryMode;
		expect(typeof retryMode === 'function' ? await (retryMode as () => Promise<string>)() : retryMode).toBe('standard');
	});

	it('says so when the selected profile is not defined anywhere', async () => {
		const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
			name: 'CredentialsProviderError',
			tryNextLink: false,
		});
		sts.on(GetCallerIdentityCommand).rejects(noCredentials);
		const error = (await createAwsService({profile: 'typo', env: isolatedEnv()})
			.getCallerIdentity({region: 'us-east-1'})
			.catch((error_: unknown) => error_)) as AwsError;
		expect(error.code).toBe('aws.no-credentials');
		expect(error.message).toBe('Profile typo is not defined in /nonexistent/config or /nonexistent/credentials.');
		expect(error.nextSteps).toContain('aws configure sso --profile typo');
		const generic = (await createAwsService({env: isolatedEnv()})
			.getCallerIdentity({region: 'us-east-1'})
			.catch((error_: unknown) => error_)) as AwsError;
		expect(generic.code).toBe('aws.no-credentials');
		expect(generic.message).toMatch(/^No AWS credentials were found/);
	});

	it('takes the profile from AWS_PROFILE when no flag is given', () => {
		expect(createAwsService({env: isolatedEnv({AWS_PROFILE: 'ci'})}).profile).toBe('ci');
		expect(createAwsService({env: isolatedEnv()}).profile).toBeUndefined();
	});
});

describe('the Node 20 warning of the SDK', () => {
	afterEach(() => {
		vi.unstubAllEnvs();
	});

	it('is switched off before the SDK is used, unless the user set it', async () => {
		ecr.on(DescribeRepositoriesCommand).resolves({repositories: []});
		vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', undefined);
		await service().listRepositories('eu-west-1');
		expect(process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']).toBe('true');
		vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'false');
		await service().listRepositories('eu-west-1');
		expect(process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']).toBe('false');
	});
});

describe('endpoints', () => {
	it('sends ECR calls to AWS_ENDPOINT_URL_ECR and STS calls to AWS_ENDPOINT_URL (service variable wins)', async () => {
		ecr.on(DescribeRepositoriesCommand).resolves({repositories: []});
		sts
			.on(GetCallerIdentityCommand)
			.resolves({Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/a`, UserId: 'AIDA'});
		const aws = service({
			AWS_ENDPOINT_URL: 'http://localhost:4566',
			AWS_ENDPOINT_URL_ECR: 'https://ecr.internal.example:8443',
		});
		await aws.listRepositories('eu-west-1');
		await aws.getCallerIdentity({region: 'eu-west-1'});
		const ecrClient = ecr.commandCalls(DescribeRepositoriesCommand)[0]!.thisValue as ECRClient;
		const stsClient = sts.commandCalls(GetCallerIdentityCommand)[0]!.thisValue as STSClient;
		const ecrEndpoint = await ecrClient.config.endpoint!();
		const stsEndpoint = await stsClient.config.endpoint!();
		expect(`${ecrEndpoint.protocol}//${ecrEndpoint.hostname}:${ecrEndpoint.port}`).toBe(
			'https://ecr.internal.example:8443',
		);
		expect(`${stsEndpoint.protocol}//${stsEndpoint.hostname}:${stsEndpoint.port}`).toBe('http://localhost:4566');
	});

	it('uses AWS_ENDPOINT_URL_ECR_PUBLIC for ECR Public, in us-east-1', async () => {
		ecrPublic.on(GetPublicAuthorizationTokenCommand).resolves({
			authorizationData: {
				authorizationToken: Buffer.from(`AWS:${PASSWORD}`).toString('base64'),
				expiresAt: new Date('2026-11-28T00:00:00Z'),
			},
		});
		await service({AWS_ENDPOINT_URL_ECR_PUBLIC: 'https://public.local:9443'}).getPublicAuthorizationToken();
		const client = ecrPublic.commandCalls(GetPublicAuthorizationTokenCommand)[0]!.thisValue as ECRPUBLICClient;
		expect((await client.config.endpoint!()).hostname).toBe('public.local');
		expect(await client.config.region()).toBe('us-east-1');
	});

	it('reuses one client per region', async () => {
		ecr.on(DescribeRepositoriesCommand).resolves({repositories: []});
		const aws = service();
		await aws.listRepositories('eu-west-1');
		await aws.describeRepository('eu-west-1', 'app');
		await aws.listRepositories('us-east-1');
		const clients = ecr.commandCalls(DescribeRepositoriesCommand).map((call) => call.thisValue);
		expect(clients[0]).toBe(clients[1]);
		expect(clients[2]).not.toBe(clients[0]);
	});
});

describe('listRegions', () => {
	it('lists the 34 commercial regions by default, and other partitions by name', () => {
		const aws = service();
		expect(aws.listRegions()).toEqual([...COMMERCIAL_ECR_REGIONS]);
		expect(aws.listRegions()).toHaveLength(34);
		expect(aws.listRegions('aws-cn')).toEqual(['cn-north-1', 'cn-northwest-1']);
	});
});

describe('listRepositories', () => {
	it('follows nextToken over every page (2,500 repositories in 3 pages), 1000 at a time, reporting each page', async () => {
		const all = Array.from({length: 2500}, (_, index) => repository(`team/app-${String(index).padStart(4, '0')}`));
		ecr
			.on(DescribeRepositoriesCommand, {nextToken: undefined})
			.resolves({repositories: all.slice(0, 1000), nextToken: 'page-2'})
			.on(DescribeRepositoriesCommand, {nextToken: 'page-2'})
			.resolves({repositories: all.slice(1000, 2000), nextToken: 'page-3'})
			.on(DescribeRepositoriesCommand, {nextToken: 'page-3'})
			.resolves({repositories: all.slice(2000)});
		const pages: number[] = [];
		const result = await service().listRepositories('eu-west-1', {onPage: (soFar) => pages.push(soFar.length)});
		expect(result).toHaveLength(2500);
		expect(result[2499]!.name).toBe('team/app-2499');
		expect(new Set(result.map((item) => item.name)).size).toBe(2500);
		expect(pages).toEqual([1000, 2000, 2500]);
		const calls = ecr.commandCalls(DescribeRepositoriesCommand).map((call) => call.args[0].input);
		expect(calls).toHaveLength(3);
		expect(calls.every((input) => input.maxResults === 1000)).toBe(true);
		expect(calls.map((input) => input.nextToken)).toEqual([undefined, 'page-2', 'page-3']);
	});

	it('maps each repository to RepositoryInfo', async () => {
		ecr.on(DescribeRepositoriesCommand).resolves({
			repositories: [
				repository('web', 'eu-west-1', {
					imageTagMutability: 'IMMUTABLE',
					imageScanningConfiguration: {scanOnPush: true},
					encryptionConfiguration: {encryptionType: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:1:key/x'},
					createdAt: new Date('2025-01-02T03:04:05Z'),
				}),
			],
		});
		expect(await service().listRepositories('eu-west-1')).toEqual([
			{
				name: 'web',
				uri: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/web`,
				arn: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/web`,
				registryId: ACCOUNT,
				region: 'eu-west-1',
				createdAt: new Date('2025-01-02T03:04:05Z'),
				imageTagMutability: 'IMMUTABLE',
				scanOnPush: true,
				encryptionType: 'KMS',
			},
		]);
	});

	it('passes registryId and stops with CancelledError when aborted between pages', async () => {
		const controller = new AbortController();
		ecr.on(DescribeRepositoriesCommand).callsFake(async () => {
			controller.abort();
			return {repositories: [repository('a')], nextToken: 'more'};
		});
		await expect(
			service().listRepositories('eu-west-1', {signal: controller.signal, registryId: '999999999999'}),
		).rejects.toBeInstanceOf(CancelledError);
		const calls = ecr.commandCalls(DescribeRepositoriesCommand);
		expect(calls).toHaveLength(1);
		expect(calls[0]!.args[0].input.registryId).toBe('999999999999');
	});

	it('classifies access denied, quoting the action', async () => {
		ecr
			.on(DescribeRepositoriesCommand)
			.rejects(
				Object.assign(
					new Error(
						`User: arn:aws:iam::${ACCOUNT}:user/alice is not authorized to perform: ecr:DescribeRepositories on resource: arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/* because no identity-based policy allows the ecr:DescribeRepositories action`,
					),
					{name: 'AccessDeniedException', $metadata: {httpStatusCode: 400}},
				),
			);
		const error = (await service()
			.listRepositories('eu-west-1')
			.catch((error_: unknown) => error_)) as AwsError;
		expect(error.code).toBe('aws.access-denied');
		expect(error.message).toContain('ecr:DescribeRepositories');
	});
});

describe('describeRepository', () => {
	it('returns the repository', async () => {
		ecr.on(DescribeRepositoriesCommand, {repositoryNames: ['web']}).resolves({repositories: [repository('web')]});
		const info = await service().describeRepository('eu-west-1', 'web');
		expect(info?.uri).toBe(`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/web`);
	});

	it('returns null on RepositoryNotFoundException', async () => {
		ecr.on(DescribeRepositoriesCommand).rejects(notFound('nope'));
		expect(await service().describeRepository('eu-west-1', 'nope')).toBeNull();
	});

	it('asks another registry when given its id', async () => {
		ecr
			.on(DescribeRepositoriesCommand)
			.resolves({repositories: [repository('shared', 'eu-west-1', {registryId: '210987654321'})]});
		await service().describeRepository('eu-west-1', 'shared', '210987654321');
		expect(ecr.commandCalls(DescribeRepositoriesCommand)[0]!.args[0].input).toEqual({
			repositoryNames: ['shared'],
			registryId: '210987654321',
		});
	});
});

describe('createRepository', () => {
	it('sends mutability, scan on push and KMS encryption', async () => {
		ecr.on(CreateRepositoryCommand).resolves({
			repository: repository('svc/api', 'us-east-2', {
				imageTagMutability: 'IMMUTABLE',
				imageScanningConfiguration: {scanOnPush: true},
				encryptionConfiguration: {encryptionType: 'KMS'},
			}),
		});
		const info = await service().createRepository('us-east-2', {
			name: 'svc/api',
			imageTagMutability: 'IMMUTABLE',
			scanOnPush: true,
			encryption: {type: 'KMS', kmsKey: 'alias/ecr'},
		});
		expect(ecr.commandCalls(CreateRepositoryCommand)[0]!.args[0].input).toEqual({
			repositoryName: 'svc/api',
			imageTagMutability: 'IMMUTABLE',
			imageScanningConfiguration: {scanOnPush: true},
			encryptionConfiguration: {encryptionType: 'KMS', kmsKey: 'alias/ecr'},
		});
		expect(info).toMatchObject({
			name: 'svc/api',
			region: 'us-east-2',
			imageTagMutability: 'IMMUTABLE',
			scanOnPush: true,
			encryptionType: 'KMS',
		});
	});

	it('sends AES256 without a key, and only what was asked', async () => {
		ecr.on(CreateRepositoryCommand).resolves({repository: repository('plain')});
		await service().createRepository('eu-west-1', {name: 'plain', encryption: {type: 'AES256'}});
		expect(ecr.commandCalls(CreateRepositoryCommand)[0]!.args[0].input).toEqual({
			repositoryName: 'plain',
			encryptionConfiguration: {encryptionType: 'AES256'},
		});
	});

	it('reports an existing repository as repository-exists', async () => {
		ecr.on(CreateRepositoryCommand).rejects(
			Object.assign(new Error(`The repository with name 'plain' already exists in the registry with id '${ACCOUNT}'`), {
				name: 'RepositoryAlreadyExistsException',
				$metadata: {httpStatusCode: 400},
			}),
		);
		const error = (await service()
			.createRepository('eu-west-1', {name: 'plain'})
			.catch((error_: unknown) => error_)) as AwsError;
		expect(error.kind).toBe('repository-exists');
		expect(error.message).toContain("'plain'");
	});
});

describe('describeImageTag', () => {
	it('returns the image carrying the tag', async () => {
		ecr.on(DescribeImagesCommand, {repositoryName: 'web', imageIds: [{imageTag: 'v1'}]}).resolves({
			imageDetails: [
				{
					imageDigest: 'sha256:abc',
					imageTags: ['v1', 'latest'],
					imagePushedAt: new Date('2026-11-01T00:00:00Z'),
					imageSizeInBytes: 1234,
				},
			],
		});
		expect(await service().describeImageTag('eu-west-1', 'web', 'v1')).toEqual({
			digest: 'sha256:abc',
			tags: ['v1', 'latest'],
			pushedAt: new Date('2026-11-01T00:00:00Z'),
			sizeBytes: 1234,
		});
	});

	it('returns null on ImageNotFoundException and on an empty answer', async () => {
		ecr
			.on(DescribeImagesCommand, {imageIds: [{imageTag: 'gone'}]})
			.rejects(
				new ImageNotFoundException({
					message:
						"The image with imageId {imageDigest:'null', imageTag:'gone'} does not exist within the repository with name 'web' in the registry with id '123456789012'",
					$metadata: {httpStatusCode: 400},
				}),
			)
			.on(DescribeImagesCommand, {imageIds: [{imageTag: 'empty'}]})
			.resolves({imageDetails: []});
		expect(await service().describeImageTag('eu-west-1', 'web', 'gone')).toBeNull();
		expect(await service().describeImageTag('eu-west-1', 'web', 'empty')).toBeNull();
	});

	it('still fails when the repository itself is missing', async () => {
		ecr.on(DescribeImagesCommand).rejects(notFound('web'));
		const error = (await service()
			.describeImageTag('eu-west-1', 'web', 'v1')
			.catch((error_: unknown) => error_)) as AwsError;
		expect(error.kind).toBe('repository-not-found');
		expect(error.message).toContain("'web'");
		expect(error.message).toContain('eu-west-1');
	});
});

describe('getRepositoryPolicy', () => {
	it('returns the policy text, or null without a policy', async () => {
		const policy = JSON.stringify({Version: '2012-10-17', Statement: []});
		ecr
			.on(GetRepositoryPolicyCommand, {repositoryName: 'with'})
			.resolves({policyText: policy})
			.on(GetRepositoryPolicyCommand, {repositoryName: 'without'})
			.rejects(
				new RepositoryPolicyNotFoundException({
					message:
						"Repository policy does not exist for the repository with name 'without' in the registry with id '123456789012'",
					$metadata: {httpStatusCode: 400},
				}),
			);
		expect(await service().getRepositoryPolicy('eu-west-1', 'with')).toBe(policy);
		expect(await service().getRepositoryPolicy('eu-west-1', 'without')).toBeNull();
	});
});

describe('getAuthorizationToken', () => {
	const token = Buffer.from(`AWS:${PASSWORD}`).toString('base64');

	it('decodes AWS:password into an AuthToken', async () => {
		ecr.on(GetAuthorizationTokenCommand).resolves({
			authorizationData: [
				{
					authorizationToken: token,
					expiresAt: new Date('2026-11-28T00:00:00Z'),
					proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
				},
			],
		});
		expect(await service().getAuthorizationToken('eu-west-1')).toEqual({
			username: 'AWS',
			password: PASSWORD,
			expiresAt: new Date('2026-11-28T00:00:00Z'),
			proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
			registry: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
		});
		expect(ecr.commandCalls(GetAuthorizationTokenCommand)[0]!.args[0].input).toEqual({});
	});

	it('asks for another account’s registry by id', async () => {
		ecr.on(GetAuthorizationTokenCommand).resolves({
			authorizationData: [
				{
					authorizationToken: token,
					expiresAt: NOW,
					proxyEndpoint: 'https://210987654321.dkr.ecr.eu-west-1.amazonaws.com',
				},
			],
		});
		const result = await service().getAuthorizationToken('eu-west-1', '210987654321');
		expect(result.registry).toBe('210987654321.dkr.ecr.eu-west-1.amazonaws.com');
		expect(ecr.commandCalls(GetAuthorizationTokenCommand)[0]!.args[0].input).toEqual({registryIds: ['210987654321']});
	});

	it.each([
		[{}, /no authorizationData/],
		[{authorizationData: []}, /no authorizationData/],
		[{authorizationData: [{proxyEndpoint: 'https://x'}]}, /authorization token is missing/],
		[
			{
				authorizationData: [
					{authorizationToken: Buffer.from('no-colon').toString('base64'), proxyEndpoint: 'https://x'},
				],
			},
			/not base64 of "user:password"/,
		],
		[
			{authorizationData: [{authorizationToken: Buffer.from('AWS:').toString('base64'), proxyEndpoint: 'https://x'}]},
			/empty password/,
		],
		[{authorizationData: [{authorizationToken: token}]}, /proxyEndpoint\) is missing/],
	])('refuses a malformed answer %#', async (answer, message) => {
		ecr.on(GetAuthorizationTokenCommand).resolves(answer);
		const error = (await service()
			.getAuthorizationToken('eu-west-1')
			.catch((error_: unknown) => error_)) as AwsError;
		expect(error).toBeInstanceOf(AwsError);
		expect(error.message).toMatch(message);
		expect(error.message).not.toContain(PASSWORD);
	});

	it('falls back to the password’s own expiry when expiresAt is absent', () => {
		const result = decodeAuthorizationData(
			{authorizationToken: token, proxyEndpoint: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/'},
			{now: NOW, operation: 'test'},
		);
		expect(result.expiresAt).toEqual(new Date(1_795_766_400 * 1000));
		expect(result.registry).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com');
	});

	it('reports throttling as throttled without the token in the message', async () => {
		ecr
			.on(GetAuthorizationTokenCommand)
			.rejects(
				Object.assign(new Error('Rate exceeded'), {name: 'ThrottlingException', $metadata: {httpStatusCode: 400}}),
			);
		const error = (await service()
			.getAuthorizationToken('eu-west-1')
			.catch((error_: unknown) => error_)) as AwsError;
		expect(error.code).toBe('aws.throttled');
	});
});

describe('getPublicAuthorizationToken', () => {
	it('asks ECR Public in us-east-1 and returns a token for public.ecr.aws', async () => {
		ecrPublic.on(GetPublicAuthorizationTokenCommand).resolves({
			authorizationData: {
				authorizationToken: Buffer.from(`AWS:${PASSWORD}`).toString('base64'),
				expiresAt: new Date('2026-11-28T00:00:00Z'),
			},
		});
		const result = await createAwsService({region: 'eu-west-1', env: isolatedEnv()}).getPublicAuthorizationToken();
		expect(result).toEqual({
			username: 'AWS',
			password: PASSWORD,
			expiresAt: new Date('2026-11-28T00:00:00Z'),
			proxyEndpoint: 'https://public.ecr.aws',
			registry: 'public.ecr.aws',
		});
		const client = ecrPublic.commandCalls(GetPublicAuthorizationTokenCommand)[0]!.thisValue as ECRPUBLICClient;
		expect(await client.config.region()).toBe('us-east-1');
	});

	it('refuses an answer without authorizationData', async () => {
		ecrPublic.on(GetPublicAuthorizationTokenCommand).resolves({});
		await expect(service().getPublicAuthorizationToken()).rejects.toThrow(/no authorizationData/);
	});
});

describe('findRepository', () => {
	const releases: Array<() => void> = [];
	afterEach(() => {
		for (const release of releases.splice(0)) release();
	});

	/** A region that answers only when the test ends (never within the time limit). */
	const hang = () =>
		new Promise<never>((_resolve, reject) => {
			releases.push(() => reject(new Error('released')));
		});

	function regionOf(call: {thisValue: unknown}): Promise<string> {
		return (call.thisValue as ECRClient).config.region();
	}

	it('finds the repository in the regions that have it, collects failures, never exceeds the concurrency', async () => {
		let active = 0;
		let peak = 0;
		ecr.on(DescribeRepositoriesCommand).callsFake(async (input, getClient) => {
			active++;
			peak = Math.max(peak, active);
			const region = await (getClient() as ECRClient).config.region();
			await new Promise((resolve) => setTimeout(resolve, 5));
			active--;
			if (region === 'eu-west-1' || region === 'ap-south-1')
				return {repositories: [repository(input.repositoryNames[0], region)]};
			if (region === 'me-south-1') {
				throw Object.assign(new Error('The security token included in the request is invalid'), {
					name: 'UnrecognizedClientException',
					$metadata: {httpStatusCode: 400},
				});
			}

			throw notFound(input.repositoryNames[0], region);
		});
		const result = await service().findRepository('web', {concurrency: 4, timeoutMs: 10_000});
		expect(result.found.map((item) => item.region)).toEqual(['ap-south-1', 'eu-west-1']);
		expect(result.found[0]!.uri).toBe(`${ACCOUNT}.dkr.ecr.ap-south-1.amazonaws.com/web`);
		expect(result.failed).toHaveLength(1);
		expect(result.failed[0]!.region).toBe('me-south-1');
		expect(result.failed[0]!.message).toMatch(/did not recognise the credentials/);
		expect(result.timedOut).toEqual([]);
		expect(peak).toBeGreaterThan(1);
		expect(peak).toBeLessThanOrEqual(4);
		const asked = await Promise.all(ecr.commandCalls(DescribeRepositoriesCommand).map(async (call) => regionOf(call)));
		expect(asked.sort()).toEqual([...COMMERCIAL_ECR_REGIONS].sort());
	});

	it('returns what answered within the time limit and names the rest as timed out', async () => {
		ecr.on(DescribeRepositoriesCommand).callsFake(async (input, getClient) => {
			const region = await (getClient() as ECRClient).config.region();
			if (region === 'us-east-1') return {repositories: [repository(input.repositoryNames[0], region)]};
			if (region === 'us-west-2') throw notFound(input.repositoryNames[0], region);
			return hang();
		});
		const result = await service().findRepository('web', {
			regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'sa-east-1'],
			concurrency: 2,
			timeoutMs: 150,
		});
		expect(result.found.map((item) => item.region)).toEqual(['us-east-1']);
		expect(result.failed).toEqual([]);
		expect(result.timedOut).toEqual(['eu-west-1', 'ap-southeast-2', 'sa-east-1']);
		// Two hanging regions hold both slots: the fifth region is never started.
		expect(ecr.commandCalls(DescribeRepositoriesCommand)).toHaveLength(4);
	});

	it('throws CancelledError when the caller aborts', async () => {
		ecr.on(DescribeRepositoriesCommand).callsFake(async () => hang());
		const controller = new AbortController();
		const search = service().findRepository('web', {
			regions: ['us-east-1', 'eu-west-1'],
			timeoutMs: 10_000,
			signal: controller.signal,
		});
		setTimeout(() => controller.abort(), 20);
		await expect(search).rejects.toBeInstanceOf(CancelledError);
	});
});
