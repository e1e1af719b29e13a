/**
 * Repository creation through the real AWS service against the AWS stand-in: creation templates (create, page through,
 * read back), repository settings at creation (tag mutability exclusions, a lifecycle policy) and repository policies.
 */
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {createAwsService} from '../../source/aws/service.js';
import {keepTaggedLifecyclePolicy} from '../../source/ecr/repository-settings.js';
import {awsEnv, type StandIn, startAwsStandIn} from '../helpers/aws-stand-in/index.js';

let standIn: StandIn;
beforeEach(async () => {
	standIn = await startAwsStandIn();
});
afterEach(async () => {
	vi.unstubAllEnvs();
	await standIn.close();
});

function service() {
	const env = awsEnv(standIn.url);
	// The SDK's credential chain and endpoint settings read process.env itself.
	for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
	vi.stubEnv('AWS_PROFILE', '');
	return createAwsService({env, maxAttempts: 1});
}

describe('repository creation templates', () => {
	it('creates templates and reads every one back, across pages', async () => {
		const aws = service();
		await aws.createCreationTemplate('eu-west-1', {prefix: 'ROOT', appliedFor: ['CREATE_ON_PUSH']});
		await aws.createCreationTemplate('eu-west-1', {
			prefix: 'team',
			appliedFor: ['CREATE_ON_PUSH', 'REPLICATION'],
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			exclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
			encryption: {type: 'KMS', kmsKey: 'alias/images'},
			lifecyclePolicy: keepTaggedLifecyclePolicy(10),
		});
		await aws.createCreationTemplate('eu-west-1', {prefix: 'other', appliedFor: ['PULL_THROUGH_CACHE']});
		const templates = await aws.describeCreationTemplates('eu-west-1');
		expect(templates.map((template) => template.prefix)).toEqual(['ROOT', 'team', 'other']);
		expect(standIn.count('DescribeRepositoryCreationTemplates')).toBe(2);
		expect(templates[1]).toMatchObject({
			appliedFor: ['CREATE_ON_PUSH', 'REPLICATION'],
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			exclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
			encryption: {type: 'KMS', kmsKey: 'alias/images'},
			resourceTagCount: 0,
		});
		expect(await aws.describeCreationTemplates('us-east-1')).toEqual([]);
	});

	it('a second template with the same prefix is refused as ECR refuses it', async () => {
		const aws = service();
		await aws.createCreationTemplate('eu-west-1', {prefix: 'ROOT', appliedFor: ['CREATE_ON_PUSH']});
		await expect(
			aws.createCreationTemplate('eu-west-1', {prefix: 'ROOT', appliedFor: ['CREATE_ON_PUSH']}),
		).rejects.toThrow(/already exists/);
	});

	it('access denied to the templates is an access-denied error, not "no templates"', async () => {
		standIn.model.denied.add('ecr:DescribeRepositoryCreationTemplates');
		await expect(service().describeCreationTemplates('eu-west-1')).rejects.toMatchObject({kind: 'access-denied'});
	});
});

describe('repository settings at creation', () => {
	it('tag mutability with exclusions, scan on push, and a lifecycle policy put right after', async () => {
		const aws = service();
		const created = await aws.createRepository('eu-west-1', {
			name: 'web',
			imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
			exclusionFilters: [{filterType: 'WILDCARD', filter: 'v*'}],
			scanOnPush: true,
			lifecyclePolicy: keepTaggedLifecyclePolicy(5),
		});
		expect(created).toMatchObject({
			name: 'web',
			imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
			exclusionFilters: [{filterType: 'WILDCARD', filter: 'v*'}],
			scanOnPush: true,
		});
		expect((await aws.describeRepository('eu-west-1', 'web'))?.exclusionFilters).toEqual([
			{filterType: 'WILDCARD', filter: 'v*'},
		]);
		const stored = standIn.model.findRepository('eu-west-1', standIn.model.identity.account, 'web');
		expect(stored?.exclusionFilters).toEqual([{filterType: 'WILDCARD', filter: 'v*'}]);
		expect(JSON.parse(stored?.lifecyclePolicy ?? '{}').rules[0].selection.tagStatus).toBe('tagged');
		expect(standIn.count('PutLifecyclePolicy')).toBe(1);
	});

	it('sets a repository policy', async () => {
		const aws = service();
		await aws.createRepository('eu-west-1', {name: 'shared'});
		const policy = JSON.stringify({Version: '2012-10-17', Statement: []});
		await aws.setRepositoryPolicy('eu-west-1', 'shared', policy);
		expect(await aws.getRepositoryPolicy('eu-west-1', 'shared')).toBe(policy);
	});
});
