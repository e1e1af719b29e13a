/**
 * The AWS stand-in as the real SDK clients see it: STS over the query protocol, ECR and ECR Public over JSON 1.1, their
 * error shapes, paging, the checks made before any operation, and the fault layer in front of the model.
 */
import {
	CreateRepositoryCommand,
	DescribeImagesCommand,
	DescribeRepositoriesCommand,
	ECRClient,
	GetAuthorizationTokenCommand,
	GetRepositoryPolicyCommand,
	paginateDescribeRepositories,
	SetRepositoryPolicyCommand,
} from '@aws-sdk/client-ecr';
import {
	CreateRepositoryCommand as CreatePublicRepositoryCommand,
	DescribeRegistriesCommand,
	DescribeRepositoriesCommand as DescribePublicRepositoriesCommand,
	ECRPUBLICClient,
	GetAuthorizationTokenCommand as PublicTokenCommand,
} from '@aws-sdk/client-ecr-public';
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {DEFAULT_IDENTITY, type StandIn, type StandInOptions, startAwsStandIn, stsError} from './aws-stand-in/index.js';
import {evaluateRepositoryPolicy} from './aws-stand-in/resource-policy.js';

const credentials = {accessKeyId: 'AKIASTANDINTEST00001', secretAccessKey: 'stand-in-test-secret-not-real'};
let standIns: StandIn[];

beforeEach(() => {
	standIns = [];
	vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});

afterEach(async () => {
	vi.unstubAllEnvs();
	await Promise.all(standIns.map(async (standIn) => standIn.close()));
});

async function start(options: StandInOptions = {}): Promise<StandIn> {
	const standIn = await startAwsStandIn(options);
	standIns.push(standIn);
	return standIn;
}

const clientOptions = (standIn: StandIn, region = 'eu-west-1') => ({
	region,
	endpoint: standIn.url,
	credentials,
	maxAttempts: 1,
});

async function failure(promise: Promise<unknown>): Promise<Error & {$metadata?: {httpStatusCode?: number}}> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown as Error,
	);
	if (!error) throw new Error('expected the call to fail');
	return error;
}

describe('the model, through the real SDK clients', () => {
	it('STS GetCallerIdentity (query protocol, XML) answers the configured identity', async () => {
		const standIn = await start({identity: {arn: 'arn:aws:iam::123456789012:user/someone'}});
		const sts = new STSClient(clientOptions(standIn));
		const identity = await sts.send(new GetCallerIdentityCommand({}));
		expect(identity).toMatchObject({
			Account: DEFAULT_IDENTITY.account,
			Arn: 'arn:aws:iam::123456789012:user/someone',
			UserId: DEFAULT_IDENTITY.userId,
		});
		expect(standIn.requests).toMatchObject([
			{service: 'sts', operation: 'GetCallerIdentity', region: 'eu-west-1', status: 200},
		]);
	});

	it('DescribeRepositories pages through the signed region only, in name order, at most pageLimit a page', async () => {
		const names = Array.from({length: 250}, (_, index) => `team/app-${String(index).padStart(3, '0')}`);
		const standIn = await start({
			pageLimit: 100,
			repositories: [
				...[...names].reverse().map((name) => ({name, region: 'eu-west-1'})),
				{name: 'elsewhere', region: 'us-east-1'},
			],
		});
		const ecr = new ECRClient(clientOptions(standIn));
		const seen: string[] = [];
		let pages = 0;
		for await (const page of paginateDescribeRepositories({client: ecr}, {maxResults: 1000})) {
			pages++;
			seen.push(...(page.repositories ?? []).map((repository) => repository.repositoryName!));
		}
		expect(pages).toBe(3);
		expect(seen).toEqual(names);
		const [first] = (await ecr.send(new DescribeRepositoriesCommand({repositoryNames: ['team/app-007']})))
			.repositories!;
		expect(first).toMatchObject({
			repositoryUri: `${DEFAULT_IDENTITY.account}.dkr.ecr.eu-west-1.amazonaws.com/team/app-007`,
			repositoryArn: `arn:aws:ecr:eu-west-1:${DEFAULT_IDENTITY.account}:repository/team/app-007`,
			imageTagMutability: 'MUTABLE',
		});
	});

	it("answers ECR's errors by name (JSON 1.1 __type), and a repository once created is there", async () => {
		const standIn = await start();
		const ecr = new ECRClient(clientOptions(standIn));
		const missing = await failure(ecr.send(new DescribeRepositoriesCommand({repositoryNames: ['nope']})));
		expect(missing.name).toBe('RepositoryNotFoundException');
		expect(missing.message).toBe(
			`The repository with name 'nope' does not exist in the registry with id '${DEFAULT_IDENTITY.account}'`,
		);
		await ecr.send(new CreateRepositoryCommand({repositoryName: 'web', imageTagMutability: 'IMMUTABLE'}));
		const again = await failure(ecr.send(new CreateRepositoryCommand({repositoryName: 'web'})));
		expect(again.name).toBe('RepositoryAlreadyExistsException');
		const invalid = await failure(ecr.send(new CreateRepositoryCommand({repositoryName: 'Web'})));
		expect(invalid.name).toBe('InvalidParameterException');
		expect(standIn.model.findRepository('eu-west-1', DEFAULT_IDENTITY.account, 'web')?.imageTagMutability).toBe(
			'IMMUTABLE',
		);
	});

	it('a denied action is AccessDeniedException in IAM wording; expired credentials are ExpiredToken', async () => {
		const standIn = await start();
		const ecr = new ECRClient(clientOptions(standIn));
		standIn.model.denied.add('ecr:GetAuthorizationToken');
		const denied = await failure(ecr.send(new GetAuthorizationTokenCommand({})));
		expect(denied.name).toBe('AccessDeniedException');
		expect(denied.message).toBe(
			`User: ${DEFAULT_IDENTITY.arn} is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action`,
		);
		standIn.model.denied.clear();
		const {authorizationData} = await ecr.send(new GetAuthorizationTokenCommand({}));
		const password = Buffer.from(authorizationData![0]!.authorizationToken!, 'base64').toString().slice('AWS:'.length);
		expect(password).toBe((await standIn.model.currentToken('eu-west-1')).password);
		expect(JSON.parse(Buffer.from(password, 'base64').toString()).expiration).toBeGreaterThan(Date.now() / 1000);

		standIn.model.expiredCredentials = true;
		const expired = await failure(new STSClient(clientOptions(standIn)).send(new GetCallerIdentityCommand({})));
		expect(expired.name).toBe('ExpiredToken');
		expect((await failure(ecr.send(new DescribeRepositoriesCommand({})))).name).toBe('ExpiredTokenException');
	});

	it('ECR Public hands out tokens in us-east-1 only', async () => {
		const standIn = await start();
		const east = new ECRPUBLICClient(clientOptions(standIn, 'us-east-1'));
		const {authorizationData} = await east.send(new PublicTokenCommand({}));
		expect(authorizationData?.authorizationToken).toMatch(/^[A-Za-z0-9+/]+=*$/);
		const west = new ECRPUBLICClient(clientOptions(standIn, 'us-west-2'));
		const error = await failure(west.send(new PublicTokenCommand({})));
		expect(error.name).toBe('InvalidParameterException');
		expect(error.message).toBe('GetAuthorizationToken command is only supported in us-east-1.');
	});

	it('ECR Public: the registry gets its default alias with its first repository, and URIs carry it', async () => {
		const standIn = await start();
		const ecrPublic = new ECRPUBLICClient(clientOptions(standIn, 'us-east-1'));
		const before = await ecrPublic.send(new DescribeRegistriesCommand({}));
		expect(before.registries).toEqual([
			expect.objectContaining({registryId: DEFAULT_IDENTITY.account, verified: false, aliases: []}),
		]);
		const missing = await failure(ecrPublic.send(new DescribePublicRepositoriesCommand({repositoryNames: ['tools']})));
		expect(missing.name).toBe('RepositoryNotFoundException');
		expect(missing.message).toBe(
			`The repository with name 'tools' does not exist in the registry with id '${DEFAULT_IDENTITY.account}'`,
		);

		const created = await ecrPublic.send(new CreatePublicRepositoryCommand({repositoryName: 'tools'}));
		const after = await ecrPublic.send(new DescribeRegistriesCommand({}));
		const alias = after.registries?.[0]?.aliases?.[0];
		expect(alias).toMatchObject({status: 'ACTIVE', primaryRegistryAlias: true, defaultRegistryAlias: true});
		expect(after.registries?.[0]?.registryUri).toBe(`public.ecr.aws/${alias?.name}`);
		expect(created.repository).toMatchObject({
			repositoryName: 'tools',
			registryId: DEFAULT_IDENTITY.account,
			repositoryArn: `arn:aws:ecr-public::${DEFAULT_IDENTITY.account}:repository/tools`,
			repositoryUri: `public.ecr.aws/${alias?.name}/tools`,
		});
		expect(created.repository?.createdAt).toBeInstanceOf(Date);
		const described = await ecrPublic.send(new DescribePublicRepositoriesCommand({repositoryNames: ['tools']}));
		expect(described.repositories).toEqual([created.repository]);

		const again = await failure(ecrPublic.send(new CreatePublicRepositoryCommand({repositoryName: 'tools'})));
		expect(again.name).toBe('RepositoryAlreadyExistsException');
		// Public repositories are not private ones.
		const ecr = new ECRClient(clientOptions(standIn, 'us-east-1'));
		expect((await failure(ecr.send(new DescribeRepositoriesCommand({repositoryNames: ['tools']})))).name).toBe(
			'RepositoryNotFoundException',
		);
	});

	it('ECR Public: a seeded alias, denied actions and another registry are refused as ECR Public refuses them', async () => {
		const standIn = await start({publicAlias: 'my-team'});
		const ecrPublic = new ECRPUBLICClient(clientOptions(standIn, 'us-east-1'));
		const registries = await ecrPublic.send(new DescribeRegistriesCommand({}));
		expect(registries.registries?.[0]?.aliases?.map((alias) => alias.name)).toEqual(['my-team']);
		standIn.model.denied.add('ecr-public:CreateRepository');
		const denied = await failure(ecrPublic.send(new CreatePublicRepositoryCommand({repositoryName: 'tools'})));
		expect(denied.name).toBe('AccessDeniedException');
		expect(denied.message).toContain('ecr-public:CreateRepository');
		const other = await failure(
			ecrPublic.send(new DescribePublicRepositoriesCommand({registryId: '210987654321', repositoryNames: ['tools']})),
		);
		expect(other.name).toBe('RegistryNotFoundException');
	});

	it('a region the stand-in does not know is refused, as AWS refuses a disabled one', async () => {
		const standIn = await start({regions: ['eu-west-1']});
		const error = await failure(
			new STSClient(clientOptions(standIn, 'ap-east-2')).send(new GetCallerIdentityCommand({})),
		);
		expect(error.name).toBe('UnrecognizedClientException');
	});
});

describe('two accounts: identities by access key, and repository policies across accounts', () => {
	const owner = {
		accessKeyId: 'AKIASTANDINOWNER0001',
		account: '210987654321',
		arn: 'arn:aws:iam::210987654321:user/owner',
		userId: 'AIDAOWNER',
	};
	const ownerCredentials = {accessKeyId: owner.accessKeyId, secretAccessKey: 'owner-secret-not-real'};
	const allowPush = {
		Sid: 'AllowPush',
		Effect: 'Allow',
		Principal: {AWS: `arn:aws:iam::${DEFAULT_IDENTITY.account}:root`},
		Action: ['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:DescribeRepositories'],
	};

	async function twoAccounts() {
		const standIn = await start({
			identities: [owner],
			repositories: [{name: 'shared/app', region: 'eu-west-1', registryId: owner.account}],
		});
		return {
			standIn,
			pusher: new ECRClient(clientOptions(standIn)),
			owner: new ECRClient({...clientOptions(standIn), credentials: ownerCredentials}),
		};
	}

	it('a request signed with another identity’s key acts as that identity', async () => {
		const standIn = await start({identities: [owner]});
		const as = (credentials: typeof ownerCredentials) =>
			new STSClient({...clientOptions(standIn), credentials}).send(new GetCallerIdentityCommand({}));
		expect(await as(ownerCredentials)).toMatchObject({Account: owner.account, Arn: owner.arn});
		expect(await as(credentials)).toMatchObject({Account: DEFAULT_IDENTITY.account, Arn: DEFAULT_IDENTITY.arn});
	});

	it('another account’s repository is refused in ECR’s words until its policy allows the caller', async () => {
		const {standIn, pusher, owner: ownerClient} = await twoAccounts();
		const input = {registryId: owner.account, repositoryName: 'shared/app'};
		const refused = await failure(
			pusher.send(new DescribeRepositoriesCommand({...input, repositoryNames: ['shared/app']})),
		);
		expect(refused.name).toBe('AccessDeniedException');
		expect(refused.message).toBe(
			`User: ${DEFAULT_IDENTITY.arn} is not authorized to perform: ecr:DescribeRepositories on resource: arn:aws:ecr:eu-west-1:${owner.account}:repository/shared/app because no resource-based policy allows the ecr:DescribeRepositories action`,
		);
		expect((await failure(pusher.send(new GetRepositoryPolicyCommand(input)))).message).toContain(
			'because no resource-based policy allows the ecr:GetRepositoryPolicy action',
		);
		// Another account's registry lists nothing the caller may not describe.
		expect((await pusher.send(new DescribeRepositoriesCommand({registryId: owner.account}))).repositories).toEqual([]);
		// Nor may the pusher set the policy itself.
		const policyText = JSON.stringify({Version: '2012-10-17', Statement: [allowPush]});
		expect((await failure(pusher.send(new SetRepositoryPolicyCommand({...input, policyText})))).name).toBe(
			'AccessDeniedException',
		);

		await ownerClient.send(new SetRepositoryPolicyCommand({repositoryName: 'shared/app', policyText}));
		const [described] = (
			await pusher.send(new DescribeRepositoriesCommand({...input, repositoryNames: ['shared/app']}))
		).repositories!;
		expect(described?.repositoryArn).toBe(`arn:aws:ecr:eu-west-1:${owner.account}:repository/shared/app`);
		// Only what the policy names: DescribeImages is still refused.
		expect((await failure(pusher.send(new DescribeImagesCommand(input)))).message).toContain('ecr:DescribeImages');
		expect(standIn.model.findRepository('eu-west-1', owner.account, 'shared/app')?.policy).toBe(policyText);
	});

	it('an explicit Deny in the policy beats an Allow, in ECR’s words', async () => {
		const {pusher, owner: ownerClient} = await twoAccounts();
		const policyText = JSON.stringify({
			Statement: [allowPush, {Effect: 'Deny', Principal: '*', Action: 'ecr:Describe*'}],
		});
		await ownerClient.send(new SetRepositoryPolicyCommand({repositoryName: 'shared/app', policyText}));
		const refused = await failure(
			pusher.send(new DescribeRepositoriesCommand({registryId: owner.account, repositoryNames: ['shared/app']})),
		);
		expect(refused.message).toContain('with an explicit deny in a resource-based policy');
	});

	it('each identity gets a registry password of its own, so a registry front can tell who pushes', async () => {
		const {standIn, pusher, owner: ownerClient} = await twoAccounts();
		const passwordOf = async (client: ECRClient) => {
			const {authorizationData} = await client.send(new GetAuthorizationTokenCommand({}));
			return Buffer.from(authorizationData![0]!.authorizationToken!, 'base64').toString().slice('AWS:'.length);
		};
		const mine = await passwordOf(pusher);
		const theirs = await passwordOf(ownerClient);
		expect(theirs).not.toBe(mine);
		expect(await passwordOf(ownerClient)).toBe(theirs);
		const token = await standIn.model.currentToken('eu-west-1');
		// The registry behind is handed the region's one password, whoever holds the token.
		expect(standIn.model.passwordHolder('eu-west-1', mine)).toEqual({
			identity: DEFAULT_IDENTITY,
			registryPassword: token.password,
		});
		expect(standIn.model.passwordHolder('eu-west-1', theirs)).toMatchObject({
			identity: {account: owner.account, arn: owner.arn},
			registryPassword: token.password,
		});
		expect(standIn.model.passwordHolder('us-east-1', theirs)).toBeUndefined();
		// A new token ends every password of the old one.
		await standIn.model.rotateToken('eu-west-1');
		expect(standIn.model.passwordHolder('eu-west-1', theirs)).toBeUndefined();
		expect(standIn.model.passwordHolder('eu-west-1', mine)).toBeUndefined();
	});

	it('no repository is created in another account’s registry', async () => {
		const {pusher} = await twoAccounts();
		const created = await failure(
			pusher.send(new CreateRepositoryCommand({registryId: owner.account, repositoryName: 'x1'})),
		);
		expect(created.message).toContain('no resource-based policy allows the ecr:CreateRepository action');
	});
});

describe('the stand-in’s repository policy reader', () => {
	const caller = {account: '123456789012', arn: 'arn:aws:iam::123456789012:user/dev', userId: 'AIDA'};
	const role = {
		account: '123456789012',
		arn: 'arn:aws:sts::123456789012:assumed-role/ci-pusher/session-1',
		userId: 'AROA',
	};
	const policy = (...statements: unknown[]) => JSON.stringify({Version: '2012-10-17', Statement: statements});
	const allow = (principal: unknown, action: unknown = 'ecr:PutImage') => ({
		Effect: 'Allow',
		Principal: principal,
		Action: action,
	});

	it.each([
		['*', caller],
		[{AWS: '*'}, caller],
		[{AWS: '123456789012'}, caller],
		[{AWS: 'arn:aws:iam::123456789012:root'}, caller],
		[{AWS: ['arn:aws:iam::999999999999:root', 'arn:aws:iam::123456789012:user/dev']}, caller],
		[{AWS: 'arn:aws:iam::123456789012:role/deploy/ci-pusher'}, role],
	])('an Allow naming %o allows', (principal, who) => {
		expect(evaluateRepositoryPolicy(policy(allow(principal)), who, 'ecr:PutImage')).toBe('allow');
	});

	it('other principals, other actions, NotPrincipal, no policy and broken JSON do not', () => {
		expect(evaluateRepositoryPolicy(policy(allow({AWS: '999999999999'})), caller, 'ecr:PutImage')).toBe('none');
		expect(
			evaluateRepositoryPolicy(policy(allow({AWS: 'arn:aws:iam::123456789012:role/other'})), role, 'ecr:PutImage'),
		).toBe('none');
		expect(evaluateRepositoryPolicy(policy(allow('*', 'ecr:BatchGetImage')), caller, 'ecr:PutImage')).toBe('none');
		expect(
			evaluateRepositoryPolicy(
				policy({Effect: 'Allow', NotPrincipal: {AWS: '9'}, Action: '*'}),
				caller,
				'ecr:PutImage',
			),
		).toBe('none');
		expect(evaluateRepositoryPolicy(undefined, caller, 'ecr:PutImage')).toBe('none');
		expect(evaluateRepositoryPolicy('{', caller, 'ecr:PutImage')).toBe('none');
	});

	it('wildcard actions match case-insensitively, and a Deny wins wherever it stands', () => {
		expect(evaluateRepositoryPolicy(policy(allow('*', 'ECR:*')), caller, 'ecr:InitiateLayerUpload')).toBe('allow');
		expect(evaluateRepositoryPolicy(policy(allow('*', 'ecr:*Layer*')), caller, 'ecr:UploadLayerPart')).toBe('allow');
		const deny = {Effect: 'Deny', Principal: '*', Action: 'ecr:PutImage'};
		expect(evaluateRepositoryPolicy(policy(deny, allow('*', '*')), caller, 'ecr:PutImage')).toBe('deny');
		expect(evaluateRepositoryPolicy(policy(allow('*', '*'), deny), caller, 'ecr:PutImage')).toBe('deny');
	});
});

describe('what the SDK never sends', () => {
	it('an unsigned request: MissingAuthenticationToken (STS XML) or ...Exception (JSON 1.1)', async () => {
		const standIn = await start();
		const sts = await fetch(standIn.url, {
			method: 'POST',
			headers: {'content-type': 'application/x-www-form-urlencoded'},
			body: 'Action=GetCallerIdentity&Version=2011-06-15',
		});
		expect(sts.status).toBe(403);
		expect(await sts.text()).toMatch(/<ErrorResponse [^>]*>[\s\S]*<Code>MissingAuthenticationToken<\/Code>/);
		const ecr = await fetch(standIn.url, {
			method: 'POST',
			headers: {'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories'},
			body: '{}',
		});
		expect(ecr.status).toBe(403);
		expect(await ecr.json()).toMatchObject({__type: 'MissingAuthenticationTokenException'});
	});

	it('an operation no table holds (even one named like an Object method) is UnknownOperationException', async () => {
		const standIn = await start();
		const signature = `AWS4-HMAC-SHA256 Credential=AKIASTANDINTEST00001/20261127/eu-west-1/ecr/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`;
		for (const operation of ['toString', 'NoSuchOperation']) {
			const response = await fetch(standIn.url, {
				method: 'POST',
				headers: {'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${operation}`, authorization: signature},
				body: '{}',
			});
			expect(response.status).toBe(400);
			expect(await response.json()).toEqual({
				__type: 'UnknownOperationException',
				message: `Unknown operation ${operation}`,
			});
		}
	});

	it('listens on loopback only', async () => {
		await expect(startAwsStandIn({host: '0.0.0.0'})).rejects.toThrow(/loopback only/);
	});
});

describe('the fault layer', () => {
	it('answers what it chooses and leaves the rest to the model', async () => {
		const standIn = await start({
			answer: (request, attempt) =>
				request.operation === 'GetCallerIdentity' && attempt === 1
					? stsError(400, 'Throttling', 'Rate exceeded')
					: undefined,
		});
		const sts = new STSClient({...clientOptions(standIn), maxAttempts: 2});
		expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(DEFAULT_IDENTITY.account);
		expect(standIn.requests.map((request) => request.status)).toEqual([400, 200]);
		expect(standIn.count('GetCallerIdentity')).toBe(2);
	});

	it("'reset' drops the connection and 'hang' never answers", async () => {
		const standIn = await start({
			answer: (request) => (request.operation === 'GetCallerIdentity' ? 'reset' : 'hang'),
		});
		const reset = await failure(new STSClient(clientOptions(standIn)).send(new GetCallerIdentityCommand({})));
		expect(reset.$metadata?.httpStatusCode).toBeUndefined();
		const held = new ECRClient(clientOptions(standIn)).send(new DescribeRepositoriesCommand({}), {
			abortSignal: AbortSignal.timeout(500),
		});
		expect((await failure(held)).name).toMatch(/Abort/);
		expect(standIn.requests.map((request) => [request.operation, request.status])).toEqual([
			['GetCallerIdentity', undefined],
			['DescribeRepositories', undefined],
		]);
	});
});
