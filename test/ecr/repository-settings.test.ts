import {describe, expect, it} from 'vitest';
import {UsageError} from '../../source/errors/user-errors.js';
import {
	describeRepositorySettings,
	describeTagMutability,
	encryptionFromFlags,
	exclusionFilterProblem,
	keepTaggedLifecyclePolicy,
	keptTaggedImages,
	tagIsImmutable,
	tagMutabilityFromFlags,
} from '../../source/ecr/repository-settings.js';

describe('tag mutability from the flags', () => {
	it('mutable by default, immutable with --immutable', () => {
		expect(tagMutabilityFromFlags({})).toEqual({imageTagMutability: 'MUTABLE'});
		expect(tagMutabilityFromFlags({immutable: true})).toEqual({imageTagMutability: 'IMMUTABLE'});
	});

	it('--immutable-except: immutable but for the patterns (with or without --immutable)', () => {
		const expected = {
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			exclusionFilters: [
				{filterType: 'WILDCARD', filter: 'latest'},
				{filterType: 'WILDCARD', filter: 'dev-*'},
			],
		};
		expect(tagMutabilityFromFlags({immutableExcept: ['latest', 'dev-*']})).toEqual(expected);
		expect(tagMutabilityFromFlags({immutable: true, immutableExcept: ['latest', 'dev-*', 'latest']})).toEqual(expected);
	});

	it('--mutable-except: mutable but for the patterns', () => {
		expect(tagMutabilityFromFlags({mutableExcept: ['v*']})).toEqual({
			imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
			exclusionFilters: [{filterType: 'WILDCARD', filter: 'v*'}],
		});
	});

	it.each([
		[{immutableExcept: ['a', 'b', 'c', 'd', 'e', 'f']}, 'at most 5'],
		[{immutableExcept: ['a'], mutableExcept: ['b']}, 'not both'],
		[{immutable: true, mutableExcept: ['b']}, 'does not go with --immutable'],
		[{immutableExcept: ['bad tag']}, 'a character ECR does not take'],
		[{mutableExcept: ['x'.repeat(129)]}, 'at most 128'],
	])('refuses %j', (flags, message) => {
		expect(() => tagMutabilityFromFlags(flags)).toThrow(UsageError);
		expect(() => tagMutabilityFromFlags(flags)).toThrow(message);
	});

	it('filters ECR takes', () => {
		for (const filter of ['latest', 'dev-*', '*', 'v1.2_rc-*']) expect(exclusionFilterProblem(filter)).toBeUndefined();
		expect(exclusionFilterProblem('')).toBeDefined();
		expect(exclusionFilterProblem('a/b')).toBeDefined();
	});

	it('describes itself', () => {
		expect(describeTagMutability('IMMUTABLE_WITH_EXCLUSION', [{filterType: 'WILDCARD', filter: 'latest'}])).toBe(
			'immutable tags except latest',
		);
		expect(describeTagMutability('MUTABLE')).toBe('mutable tags');
	});
});

describe('encryption from the flags', () => {
	it.each([
		[undefined, undefined, undefined],
		['AES256', undefined, {type: 'AES256'}],
		['kms', undefined, {type: 'KMS'}],
		[
			'KMS',
			'arn:aws:kms:eu-west-1:123456789012:key/abc',
			{type: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/abc'},
		],
		[undefined, 'alias/mine', {type: 'KMS', kmsKey: 'alias/mine'}],
	])('%s %s', (type, key, expected) => {
		expect(encryptionFromFlags(type, key)).toEqual(expected);
	});

	it('refuses a key with AES256 and an unknown type', () => {
		expect(() => encryptionFromFlags('AES256', 'alias/x')).toThrow(UsageError);
		expect(() => encryptionFromFlags('DES', undefined)).toThrow('not AES256 or KMS');
	});
});

describe('the lifecycle policy', () => {
	it('counts tagged images only, so the untagged children of a multi-arch index are never expired by it', () => {
		const policy = JSON.parse(keepTaggedLifecyclePolicy(30)) as {rules: Array<{selection: Record<string, unknown>}>};
		expect(policy.rules).toHaveLength(1);
		expect(policy.rules[0]!.selection).toEqual({
			tagStatus: 'tagged',
			tagPatternList: ['*'],
			countType: 'imageCountMoreThan',
			countNumber: 30,
		});
		expect(JSON.stringify(policy)).not.toMatch(/untagged"|"any"/);
	});

	it('refuses counts ECR would not take', () => {
		for (const keep of [0, -1, 1.5, 10_001]) expect(() => keepTaggedLifecyclePolicy(keep)).toThrow(UsageError);
	});
});

describe('whether a tag is immutable', () => {
	const filters = (...patterns: string[]) => patterns.map((filter) => ({filterType: 'WILDCARD' as const, filter}));

	it.each([
		['v1', 'MUTABLE', [], false],
		['v1', 'IMMUTABLE', [], true],
		['latest', 'IMMUTABLE_WITH_EXCLUSION', ['latest'], false],
		['v1', 'IMMUTABLE_WITH_EXCLUSION', ['latest'], true],
		['dev-42', 'IMMUTABLE_WITH_EXCLUSION', ['dev-*'], false],
		['dev', 'IMMUTABLE_WITH_EXCLUSION', ['dev-*'], true],
		['xlatest', 'IMMUTABLE_WITH_EXCLUSION', ['latest'], true],
		['v1.2', 'MUTABLE_WITH_EXCLUSION', ['v*'], true],
		['v1x2', 'MUTABLE_WITH_EXCLUSION', ['v1.2'], false],
		['main', 'MUTABLE_WITH_EXCLUSION', ['v*'], false],
		['anything', 'MUTABLE_WITH_EXCLUSION', ['*'], true],
	] as const)('%s in %s %j: %s', (tag, mutability, patterns, immutable) => {
		expect(tagIsImmutable(tag, mutability, filters(...patterns))).toBe(immutable);
	});
});

describe('repository settings in a phrase', () => {
	it('names each setting that was asked for', () => {
		expect(
			describeRepositorySettings({
				imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
				exclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
				scanOnPush: true,
				encryption: {type: 'KMS', kmsKey: 'alias/x'},
				lifecyclePolicy: keepTaggedLifecyclePolicy(30),
			}),
		).toBe('immutable tags except latest, scan on push, KMS alias/x, keeps 30 tagged images');
		expect(describeRepositorySettings({})).toBe('mutable tags');
		expect(describeRepositorySettings({encryption: {type: 'KMS'}, lifecyclePolicy: keepTaggedLifecyclePolicy(1)})).toBe(
			'mutable tags, KMS (the AWS managed key), keeps 1 tagged image',
		);
		expect(describeRepositorySettings({encryption: {type: 'AES256'}, lifecyclePolicy: '{"rules":[]}'})).toBe(
			'mutable tags, AES256 encryption, a lifecycle policy',
		);
	});

	it('reads the count back only from a keep-tagged policy', () => {
		expect(keptTaggedImages(keepTaggedLifecyclePolicy(12))).toBe(12);
		const untagged = JSON.parse(keepTaggedLifecyclePolicy(12)) as {rules: Array<{selection: {tagStatus: string}}>};
		untagged.rules[0]!.selection.tagStatus = 'any';
		expect(keptTaggedImages(JSON.stringify(untagged))).toBeUndefined();
		expect(keptTaggedImages('not json')).toBeUndefined();
	});
});
