/**
 * The pull-through calls of the AWS service (real ECR and Secrets Manager SDK clients) against the AWS stand-in: what
 * ECR and Secrets Manager are sent, and their refusals (error names from the SDK models) as AwsErrors.
 */
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {AwsError} from '../../source/aws/errors.js';
import {createAwsService} from '../../source/aws/service.js';
import type {AwsService} from '../../source/aws/types.js';
import {awsEnv, type StandIn, startAwsStandIn} from '../helpers/aws-stand-in/index.js';

let standIn: StandIn;
let aws: AwsService;
const REGION = 'eu-west-1';
const credentials = {username: 'octo', accessToken: 'ghp_Example0Token1With2Digits'};

beforeEach(async () => {
	standIn = await startAwsStandIn();
	const env = awsEnv(standIn.url, {AWS_REGION: REGION});
	for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
	vi.stubEnv('AWS_PROFILE', '');
	aws = createAwsService({env, maxAttempts: 1});
});
afterEach(async () => {
	vi.unstubAllEnvs();
	await standIn.close();
});

async function awsCode(promise: Promise<unknown>): Promise<string | undefined> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(AwsError);
	return (error as AwsError).awsCode;
}

describe('Secrets Manager calls', () => {
	it('creates a secret holding username and accessToken, finds it by name, and replaces its value', async () => {
		const created = await aws.createUpstreamSecret(REGION, 'ecr-pullthroughcache/ghcr', credentials, 'for ghcr');
		expect(created.arn).toMatch(
			/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache\/ghcr-\w{6}$/,
		);
		const sent = standIn.requests.find((call) => call.operation === 'CreateSecret')!;
		expect(sent.service).toBe('secretsmanager');
		expect(JSON.parse(String(sent.input.SecretString))).toEqual(credentials);
		expect(await aws.describeSecret(REGION, 'ecr-pullthroughcache/ghcr')).toEqual(created);
		await aws.putUpstreamSecret(REGION, created.arn, {...credentials, accessToken: 'new'});
		expect(JSON.parse([...standIn.model.pullThrough.secrets.values()][0]!.value).accessToken).toBe('new');
	});

	it('a missing secret is null; a second secret of one name is ResourceExistsException', async () => {
		expect(await aws.describeSecret(REGION, 'ecr-pullthroughcache/none')).toBeNull();
		await aws.createUpstreamSecret(REGION, 'ecr-pullthroughcache/a', credentials, '');
		expect(await awsCode(aws.createUpstreamSecret(REGION, 'ecr-pullthroughcache/a', credentials, ''))).toBe(
			'ResourceExistsException',
		);
		expect(await awsCode(aws.putUpstreamSecret(REGION, 'ecr-pullthroughcache/none', credentials))).toBe(
			'ResourceNotFoundException',
		);
	});
});

describe('pull-through cache rules', () => {
	it('creates, describes and validates a rule; null when the prefix has none', async () => {
		expect(await aws.describePullThroughRule(REGION, 'quay')).toBeNull();
		const rule = await aws.createPullThroughRule(REGION, {
			prefix: 'quay',
			upstreamRegistry: 'quay',
			upstreamRegistryUrl: 'quay.io',
		});
		expect(rule).toEqual({
			prefix: 'quay',
			registryId: '123456789012',
			upstreamRegistry: 'quay',
			upstreamRegistryUrl: 'quay.io',
			credentialArn: undefined,
		});
		expect(await aws.describePullThroughRule(REGION, 'quay')).toEqual(rule);
		expect(await aws.validatePullThroughRule(REGION, 'quay')).toEqual({valid: true, failure: undefined});
	});

	it('refuses what ECR refuses', async () => {
		const secret = await aws.createUpstreamSecret(REGION, 'ecr-pullthroughcache/hub', credentials, '');
		const hub = {prefix: 'hub', upstreamRegistry: 'docker-hub', upstreamRegistryUrl: 'registry-1.docker.io'};
		expect(await awsCode(aws.createPullThroughRule(REGION, hub))).toBe('InvalidParameterException');
		expect(
			await awsCode(
				aws.createPullThroughRule(REGION, {...hub, upstreamRegistryUrl: 'docker.io', credentialArn: secret.arn}),
			),
		).toBe('UnsupportedUpstreamRegistryException');
		expect(
			await awsCode(
				aws.createPullThroughRule(REGION, {
					...hub,
					credentialArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/gone-abcdef',
				}),
			),
		).toBe('SecretNotFoundException');
		await aws.createPullThroughRule(REGION, {...hub, credentialArn: secret.arn});
		expect(await awsCode(aws.createPullThroughRule(REGION, {...hub, credentialArn: secret.arn}))).toBe(
			'PullThroughCacheRuleAlreadyExistsException',
		);
		expect(await awsCode(aws.validatePullThroughRule(REGION, 'nothing'))).toBe('PullThroughCacheRuleNotFoundException');
	});

	it('validation reports a refused token as ECR does: invalid, with the reason', async () => {
		standIn.model.pullThrough.refusedTokens.add(credentials.accessToken);
		const secret = await aws.createUpstreamSecret(REGION, 'ecr-pullthroughcache/ghcr', credentials, '');
		await aws.createPullThroughRule(REGION, {
			prefix: 'ghcr',
			upstreamRegistry: 'github-container-registry',
			upstreamRegistryUrl: 'ghcr.io',
			credentialArn: secret.arn,
		});
		expect(await aws.validatePullThroughRule(REGION, 'ghcr')).toEqual({
			valid: false,
			failure: expect.stringContaining('ghcr.io'),
		});
	});
});
