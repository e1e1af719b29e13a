import {describe, expect, it} from 'vitest';
import {UsageError} from '../../source/errors/user-errors.js';
import {
	describeTagMutability,
	encryptionFromFlags,
	exclusionFilterProblem,
	keepTaggedLifecyclePolicy,
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
