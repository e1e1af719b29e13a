/** Build-side failures classified from podman's captured output and from the registry messages docker relays. */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {classifyPushFailure, pushErrorFromOutput} from '../../source/docker/push-errors.js';

const fixture = (name: string) =>
	readFileSync(new URL(`../fixtures/build-failures/${name}.txt`, import.meta.url), 'utf8');
const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

describe('a pull rate limit (toomanyrequests)', () => {
	it.each(['podman-pull-rate-limit', 'podman-build-rate-limit'])('%s: rate-limited, fixed by pull-through', (name) => {
		const failure = classifyPushFailure(fixture(name));
		expect(failure.kind).toBe('rate-limited');
		expect(failure.message).toMatch(/^Error: .*toomanyrequests/);
		expect(failure.registry).toBe('127.0.0.1:5999');
		const error = pushErrorFromOutput(fixture(name));
		expect(error.code).toBe('push.rate-limited');
		expect(error.nextSteps[0]).toBe('ecr-setup pull-through docker-hub --dockerfile Dockerfile');
	});

	it('BuildKit words it differently, and it is the same failure', () => {
		const line =
			'ERROR: failed to solve: node:22: failed to resolve source metadata for docker.io/library/node:22: failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/node/manifests/sha256:0123: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.';
		expect(classifyPushFailure(line)).toMatchObject({kind: 'rate-limited', registry: 'registry-1.docker.io'});
	});

	it('from ghcr.io the fix names the ghcr cache', () => {
		const line =
			'Error: initializing source docker://ghcr.io/acme/base:1: reading manifest 1 in ghcr.io/acme/base: toomanyrequests: retry later';
		expect(pushErrorFromOutput(line).nextSteps[0]).toBe('ecr-setup pull-through ghcr --dockerfile Dockerfile');
	});
});

describe('the other build-side failures', () => {
	it.each([
		['layer-too-large', 'blob upload invalid: Layer part size exceeds the maximum allowed size', /52,000 MiB/],
		['too-many-layers', 'failed to register layer: max depth exceeded', /fewer layers/],
		[
			'image-archived',
			`Error response from daemon: manifest for ${HOST}/app:v1 not found: manifest unknown: The image is archived`,
			/update-image-storage-class/,
		],
		[
			'public-token-stale',
			'Error response from daemon: pull access denied for public.ecr.aws/docker/library/node, 403 Forbidden',
			/docker logout public\.ecr\.aws/,
		],
		[
			'kms',
			`denied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:us-east-1:123456789012:key/1`,
			/kms:GenerateDataKey and kms:Decrypt/,
		],
		[
			'media-type',
			'The image manifest, config or layer media type for the source image is not supported.',
			/--provenance=false/,
		],
	])('%s', (kind, line, advice) => {
		const failure = classifyPushFailure(`The push refers to repository [${HOST}/app]\n${line}`);
		expect(failure.kind).toBe(kind);
		const error = pushErrorFromOutput(`The push refers to repository [${HOST}/app]\n${line}`);
		expect(`${error.hint} ${error.nextSteps.join(' ')}`).toMatch(advice);
	});

	it('a bare EOF without retries stays a network failure', () => {
		expect(classifyPushFailure(`The push refers to repository [${HOST}/app]\nEOF`).kind).toBe('network');
	});
});
