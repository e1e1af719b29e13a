import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {
	ImageRefError,
	ecrRegistryOf,
	formatImageRef,
	parseImageRef,
	registryHostOf,
} from '../../source/ecr/image-ref.js';

describe('parseImageRef', () => {
	it.each([
		['my-app', {registry: undefined, repository: 'my-app', tag: undefined}],
		['my-app:latest', {registry: undefined, repository: 'my-app', tag: 'latest'}],
		['library/nginx:1.27', {registry: undefined, repository: 'library/nginx', tag: '1.27'}],
		['localhost:5000/app:v1', {registry: 'localhost:5000', repository: 'app', tag: 'v1'}],
		[
			'123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v2',
			{registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com', repository: 'team/app', tag: 'v2'},
		],
		[`app@sha256:${'a'.repeat(64)}`, {repository: 'app', digest: `sha256:${'a'.repeat(64)}`}],
	])('parses %s', (input, expected) => {
		expect(parseImageRef(input)).toMatchObject(expected);
	});

	it.each([
		['', 'empty'],
		['My-App', 'lower case'],
		['app:', 'not a valid tag'],
		['app:.x', 'not a valid tag'],
		['app@sha256:zz', 'digest'],
		['host.io/', 'no repository'],
	])('rejects %j saying what is wrong', (input, why) => {
		expect(() => parseImageRef(input)).toThrow(ImageRefError);
		expect(() => parseImageRef(input)).toThrow(why);
	});

	it.each([
		['nginx', 'docker.io'],
		['library/nginx:1.27', 'docker.io'],
		['index.docker.io/library/nginx', 'docker.io'],
		['localhost/app', 'localhost'],
		['localhost:5000/app', 'localhost:5000'],
		['Registry/app', 'Registry'],
		['ghcr.io/org/app', 'ghcr.io'],
	])('the registry host docker pulls %s from is %s', (input, host) => {
		expect(registryHostOf(parseImageRef(input))).toBe(host);
	});

	it('finds the ECR registry of a reference', () => {
		expect(ecrRegistryOf(parseImageRef('123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1'))).toMatchObject({
			region: 'eu-west-1',
		});
		expect(ecrRegistryOf(parseImageRef('app:1'))).toBeUndefined();
	});

	it('round-trips format → parse for generated references (a dotted first component is a host, as in docker)', () => {
		const component = fc.stringMatching(/^[a-z0-9]+([._-][a-z0-9]+)?$/);
		fc.assert(
			fc.property(
				fc.option(fc.constantFrom('123456789012.dkr.ecr.us-east-1.amazonaws.com', 'localhost:5000', 'public.ecr.aws'), {
					nil: undefined,
				}),
				fc.array(component, {minLength: 1, maxLength: 3}),
				fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), {nil: undefined}),
				(registry, parts, tag) => {
					// Docker reads a first component with a dot as a registry host, so a short name cannot start with one.
					fc.pre(registry !== undefined || !parts[0]!.includes('.'));
					const ref = {registry, repository: parts.join('/'), tag, digest: undefined};
					expect(parseImageRef(formatImageRef(ref))).toEqual(ref);
				},
			),
			{numRuns: 1000},
		);
	});
});
