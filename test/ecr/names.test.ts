import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {validateRepositoryName, validateTag} from '../../source/ecr/names.js';

// The rules as ECR documents them (repository names) and docker's tag grammar, used as the oracle for generated input.
const ECR_NAME = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
let inputsTried = 0;

describe('validateRepositoryName', () => {
	it.each(['my-app', 'team/my-app', 'a1', 'a__b', 'a---b', 'x.y_z/w'])('accepts %s', (name) => {
		expect(validateRepositoryName(name)).toEqual({ok: true});
	});

	it.each([
		['', 'empty'],
		['a', 'at least 2'],
		['My-App', 'lower case'],
		['my_-app', 'must start and end'],
		['-app', 'must start and end'],
		['team//app', '//'],
		['/app', 'start or end'],
		['app:1', '":"'],
		['123456789012.dkr.ecr.us-east-1.amazonaws.com/app', 'full image URI'],
		['public.ecr.aws/my-alias/app', 'full image URI'],
		['app!', '"!" is not allowed'],
		['a'.repeat(257), 'at most 256'],
	])('rejects %j and says why', (name, why) => {
		const result = validateRepositoryName(name);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.reason).toContain(why);
	});

	it('agrees with the ECR grammar on generated names, and every rejection has a reason', () => {
		const alphabet = fc.constantFrom(...'abz09._-/A'.split(''));
		fc.assert(
			fc.property(fc.string({unit: alphabet, minLength: 0, maxLength: 40}), (name) => {
				inputsTried++;
				const expected = name.length >= 2 && name.length <= 256 && ECR_NAME.test(name);
				const result = validateRepositoryName(name);
				expect(result.ok).toBe(expected);
				if (!result.ok) expect(result.reason.length).toBeGreaterThan(10);
			}),
			{numRuns: 3000},
		);
	});
});

describe('validateTag', () => {
	it.each(['latest', 'v1.2.3', '_x', 'A'.repeat(128), 'abc123-def'])('accepts %s', (tag) => {
		expect(validateTag(tag).ok).toBe(true);
	});

	it.each([
		['', 'empty'],
		['.hidden', 'must start'],
		['-x', 'must start'],
		['a'.repeat(129), 'at most 128'],
		['v1+build', '"+"'],
		['a/b', '"/"'],
	])('rejects %j and says why', (tag, why) => {
		const result = validateTag(tag);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.reason).toContain(why);
	});

	it('agrees with the docker tag grammar on generated tags', () => {
		const alphabet = fc.constantFrom(...'aZ09_.-+/:'.split(''));
		fc.assert(
			fc.property(fc.string({unit: alphabet, maxLength: 140}), (tag) => {
				inputsTried++;
				const result = validateTag(tag);
				expect(result.ok).toBe(DOCKER_TAG.test(tag));
				if (!result.ok) expect(result.reason).toMatch(/tag/i);
			}),
			{numRuns: 3000},
		);
		console.log(`validation property tests: ${inputsTried} inputs tried`);
	});
});
