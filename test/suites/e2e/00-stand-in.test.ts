/**
 * The stack itself, checked by real clients before any scenario trusts it: the AWS CLI v2 parses the stand-in's STS and ECR
 * answers (and its errors), the real docker-credential-ecr-login gets a token from it that the real registry accepts, and
 * docker with no credentials fails exactly as with ECR.
 */
import {beforeEach, describe, expect, it} from 'vitest';
import {ACCOUNT, CALLER_ARN, REGISTRY_EU, REGISTRY_US} from './topology.js';
import {
	control,
	createRepository,
	currentToken,
	describeRun,
	docker,
	makeHome,
	makeImage,
	registryRequest,
	resetStandIn,
	run,
	standInState,
	type Env,
} from './harness.js';

const AWS = '/usr/bin/aws';

function aws(args: string[], env: Env) {
	return run(AWS, [...args, '--output', 'json'], {env, timeoutMs: 60_000});
}

describe('the AWS stand-in, as the real AWS CLI sees it', () => {
	beforeEach(async () => {
		await resetStandIn();
	});

	it('answers sts get-caller-identity (query protocol, XML)', async () => {
		const {env} = makeHome('aws-sts');
		const result = await aws(['sts', 'get-caller-identity'], env);
		expect(result.code, describeRun(result)).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({Account: ACCOUNT, Arn: CALLER_ARN});
		const {calls} = await standInState();
		expect(calls).toContainEqual(
			expect.objectContaining({service: 'sts', operation: 'GetCallerIdentity', status: 200}),
		);
	});

	it('answers ecr describe-repositories with the repositories of the signed region only', async () => {
		await createRepository('alpha');
		await createRepository('beta', {imageTagMutability: 'IMMUTABLE'});
		await createRepository('gamma', {region: 'eu-west-1'});
		const {env} = makeHome('aws-describe');
		const result = await aws(['ecr', 'describe-repositories', '--region', 'us-east-1'], env);
		expect(result.code, describeRun(result)).toBe(0);
		const repositories = (JSON.parse(result.stdout) as {repositories: Array<Record<string, unknown>>}).repositories;
		expect(repositories.map((repository) => repository.repositoryName)).toEqual(['alpha', 'beta']);
		expect(repositories[1]).toMatchObject({
			registryId: ACCOUNT,
			repositoryUri: `${REGISTRY_US.host}/beta`,
			repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/beta`,
			imageTagMutability: 'IMMUTABLE',
		});

		const europe = await aws(['ecr', 'describe-repositories', '--region', 'eu-west-1'], env);
		expect(europe.code, describeRun(europe)).toBe(0);
		expect(JSON.parse(europe.stdout)).toMatchObject({
			repositories: [{repositoryName: 'gamma', repositoryUri: `${REGISTRY_EU.host}/gamma`}],
		});
	});

	it('returns ECR error shapes the CLI understands', async () => {
		const {env} = makeHome('aws-errors');
		const missing = await aws(['ecr', 'describe-repositories', '--repository-names', 'nope'], env);
		expect(missing.code).not.toBe(0);
		expect(missing.stderr).toContain('RepositoryNotFoundException');
		expect(missing.stderr).toContain(
			`The repository with name 'nope' does not exist in the registry with id '${ACCOUNT}'`,
		);

		await createRepository('dup');
		const duplicate = await aws(['ecr', 'create-repository', '--repository-name', 'dup'], env);
		expect(duplicate.stderr).toContain('RepositoryAlreadyExistsException');

		const noImage = await aws(
			['ecr', 'describe-images', '--repository-name', 'dup', '--image-ids', 'imageTag=v9'],
			env,
		);
		expect(noImage.stderr).toContain('ImageNotFoundException');

		await control('POST', '/_control/deny', {action: 'ecr:GetAuthorizationToken'});
		const denied = await aws(['ecr', 'get-login-password'], env);
		expect(denied.code).not.toBe(0);
		expect(denied.stderr).toContain('AccessDeniedException');
		expect(denied.stderr).toContain('is not authorized to perform: ecr:GetAuthorizationToken');

		const unsigned = await aws(['sts', 'get-caller-identity', '--no-sign-request'], env);
		expect(unsigned.code).not.toBe(0);
		expect(unsigned.stderr).toMatch(/MissingAuthenticationToken/);
	});

	it('answers ECR Public in us-east-1 and expired session credentials as AWS does', async () => {
		const {env} = makeHome('aws-public');
		const publicToken = await aws(['ecr-public', 'get-login-password', '--region', 'us-east-1'], env);
		expect(publicToken.code, describeRun(publicToken)).toBe(0);
		expect(JSON.parse(Buffer.from(publicToken.stdout.trim(), 'base64').toString('utf8'))).toHaveProperty('expiration');

		await control('POST', '/_control/expired-credentials', {expired: true});
		const expired = await aws(['sts', 'get-caller-identity'], env);
		expect(expired.code).not.toBe(0);
		expect(expired.stderr).toContain('ExpiredToken');
		expect(expired.stderr).toContain('The security token included in the request is expired');
	});

	it('hands out an ECR-shaped token via get-login-password that the real registry accepts', async () => {
		const {env} = makeHome('aws-token');
		const result = await aws(['ecr', 'get-login-password', '--region', 'us-east-1'], env);
		expect(result.code, describeRun(result)).toBe(0);
		const password = result.stdout.trim();
		const payload = JSON.parse(Buffer.from(password, 'base64').toString('utf8')) as {expiration: number};
		expect(payload.expiration).toBeGreaterThan(Date.now() / 1000 + 11 * 60 * 60);
		expect((await currentToken('us-east-1')).password).toBe(password);

		// The registry's own htpasswd check, reached through the front with the token docker would send.
		const answer = await registryRequest(REGISTRY_US, 'GET', '/v2/');
		expect(answer.status).toBe(200);
	});
});

describe('the real credential helper and docker against the stack', () => {
	beforeEach(async () => {
		await resetStandIn();
	});

	it('docker-credential-ecr-login get returns the stand-in token', async () => {
		const {env} = makeHome('helper-get');
		const result = await run('docker-credential-ecr-login', ['get'], {
			env,
			input: `${REGISTRY_US.host}\n`,
			timeoutMs: 60_000,
		});
		expect(result.code, describeRun(result)).toBe(0);
		const credentials = JSON.parse(result.stdout) as {Username: string; Secret: string; ServerURL: string};
		expect(credentials.Username).toBe('AWS');
		expect(credentials.Secret).toBe((await currentToken('us-east-1')).password);
	});

	it('a docker push with no credentials prints exactly "no basic auth credentials"', async () => {
		await createRepository('stack-check');
		const {env} = makeHome('no-creds');
		const image = `${REGISTRY_US.host}/stack-check:latest`;
		await makeImage(image, env);
		const push = await docker(['push', image], {env});
		expect(push.code).not.toBe(0);
		expect(push.stderr.trim().split('\n').at(-1)).toBe('no basic auth credentials');
	});

	it('the registry front refuses a push to a repository that does not exist, as ECR does', async () => {
		const {env} = makeHome('name-unknown');
		const image = `${REGISTRY_US.host}/not-created:latest`;
		await makeImage(image, env);
		const {password} = await currentToken('us-east-1');
		const login = await docker(['login', '--username', 'AWS', '--password-stdin', REGISTRY_US.host], {
			env,
			input: password,
		});
		expect(login.code, describeRun(login)).toBe(0);
		const push = await docker(['push', image], {env});
		expect(push.code).not.toBe(0);
		expect(push.stderr).toContain(
			`name unknown: The repository with name 'not-created' does not exist in the registry with id '${ACCOUNT}'`,
		);
	});
});
