import {describe, expect, it} from 'vitest';
import {keepTaggedLifecyclePolicy} from '../../source/ecr/repository-settings.js';
import {
	describeLifecyclePolicy,
	describeTemplateSettings,
	existingTemplate,
	planCreationTemplate,
} from '../../source/ecr/template-plan.js';

describe('planning a create-on-push template', () => {
	it('the request carries exactly the settings, and the API input names them as ECR does', () => {
		const plan = planCreationTemplate({
			prefix: 'team/api',
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			exclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
			encryption: {type: 'KMS', kmsKey: 'alias/images'},
			keepImages: 20,
			description: '  Images of the API team ',
			customRoleArn: 'arn:aws:iam::123456789012:role/ecr-templates',
		});
		expect(plan.request).toEqual({
			prefix: 'team/api',
			appliedFor: ['CREATE_ON_PUSH'],
			description: 'Images of the API team',
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			exclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
			encryption: {type: 'KMS', kmsKey: 'alias/images'},
			lifecyclePolicy: keepTaggedLifecyclePolicy(20),
			customRoleArn: 'arn:aws:iam::123456789012:role/ecr-templates',
		});
		expect(plan.apiInput).toEqual({
			prefix: 'team/api',
			appliedFor: ['CREATE_ON_PUSH'],
			description: 'Images of the API team',
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			imageTagMutabilityExclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
			encryptionConfiguration: {encryptionType: 'KMS', kmsKey: 'alias/images'},
			lifecyclePolicy: keepTaggedLifecyclePolicy(20),
			customRoleArn: 'arn:aws:iam::123456789012:role/ecr-templates',
		});
		expect(plan.summary).toEqual([
			'the repository creation template "team/api" (team/api/…):',
			'  applied for:  CREATE_ON_PUSH',
			'  tags:         immutable tags except latest',
			'  encryption:   KMS (alias/images)',
			'  lifecycle:    keep the newest 20 tagged images',
			'  role:         arn:aws:iam::123456789012:role/ecr-templates',
			'  description:  Images of the API team',
		]);
	});

	it('the notes say who can now create repositories, what the pusher needs, and about the KMS role', () => {
		const root = planCreationTemplate({prefix: 'ROOT', imageTagMutability: 'MUTABLE'});
		expect(root.request).toEqual({prefix: 'ROOT', appliedFor: ['CREATE_ON_PUSH'], imageTagMutability: 'MUTABLE'});
		expect(root.notes[0]).toContain('any name no other template covers');
		expect(root.notes[1]).toContain('ecr:CreateRepository');
		expect(root.notes).toHaveLength(2);
		const kms = planCreationTemplate({prefix: 'team', imageTagMutability: 'MUTABLE', encryption: {type: 'KMS'}});
		expect(kms.notes[0]).toContain('a name under team/');
		expect(kms.notes[2]).toContain('--role ARN');
		expect(kms.summary).toContain('  encryption:   KMS (the AWS managed key aws/ecr)');
	});

	it('refuses what ECR would refuse', () => {
		expect(() => planCreationTemplate({prefix: 'Team', imageTagMutability: 'MUTABLE'})).toThrow(/neither ROOT/);
		expect(() => planCreationTemplate({prefix: 'team/', imageTagMutability: 'MUTABLE'})).toThrow(/neither ROOT/);
		expect(() =>
			planCreationTemplate({prefix: 'team', imageTagMutability: 'MUTABLE', description: 'x'.repeat(257)}),
		).toThrow(/at most 256/);
		expect(() => planCreationTemplate({prefix: 'team', imageTagMutability: 'MUTABLE', keepImages: 1.5})).toThrow(
			/--keep-images/,
		);
	});

	it('finds the template already holding the prefix', () => {
		const plan = planCreationTemplate({prefix: 'team', imageTagMutability: 'MUTABLE'});
		const other = {prefix: 'teamwork', appliedFor: ['CREATE_ON_PUSH' as const], resourceTagCount: 0};
		const same = {prefix: 'team', appliedFor: ['REPLICATION' as const], resourceTagCount: 0};
		expect(existingTemplate(plan, [other])).toBeUndefined();
		expect(existingTemplate(plan, [other, same])).toBe(same);
	});
});

describe('templates in words', () => {
	it('lifecycle policies: ecr-setup’s own shape, another shape, none, broken', () => {
		expect(describeLifecyclePolicy(keepTaggedLifecyclePolicy(7))).toBe('keep the newest 7 tagged images');
		expect(describeLifecyclePolicy(JSON.stringify({rules: [{selection: {tagStatus: 'any'}}, {}]}))).toBe(
			'a lifecycle policy of 2 rule(s)',
		);
		expect(describeLifecyclePolicy(undefined)).toBe('none (images are kept until deleted)');
		expect(describeLifecyclePolicy('{')).toBe('a lifecycle policy that is not valid JSON');
	});

	it('a template read back from ECR, with a policy, tags and defaults', () => {
		expect(
			describeTemplateSettings({
				appliedFor: ['PULL_THROUGH_CACHE'],
				repositoryPolicy: '{}',
				resourceTagCount: 2,
			}),
		).toEqual([
			'applied for:  PULL_THROUGH_CACHE',
			'tags:         mutable tags',
			'encryption:   AES256 (ECR’s default)',
			'lifecycle:    none (images are kept until deleted)',
			'policy:       a repository policy',
			'tagging:      2 resource tag(s) on each new repository',
		]);
	});
});
