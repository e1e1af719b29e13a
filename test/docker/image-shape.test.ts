/** What a push sends, read from captured inspect and manifest-list output (test/fixtures/image-shapes/README.md). */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {
	describeShape,
	lambdaPlatform,
	lambdaProblem,
	planLambdaPush,
	pushPlatformSupported,
	shapeOfInspect,
	shapeOfManifest,
} from '../../source/docker/image-shape.js';
import type {ImageShape} from '../../source/docker/types.js';
import {parseVersionJson} from '../../source/docker/output.js';

const shapes = (name: string) => readFileSync(new URL(`../fixtures/image-shapes/${name}`, import.meta.url), 'utf8');
const version = () => readFileSync(new URL('../fixtures/docker-push/version-ok.txt', import.meta.url), 'utf8');

describe('shapeOfInspect', () => {
	it('a single-platform image (podman image inspect) is one manifest for its platform; Lambda takes it', () => {
		const shape = shapeOfInspect(JSON.parse(shapes('podman-image-inspect.json')));
		expect(shape).toEqual({kind: 'manifest', platforms: ['linux/amd64'], attestations: 0, listed: true});
		expect(describeShape(shape!)).toBe('one image manifest (linux/amd64)');
		expect(lambdaProblem(shape!)).toBeUndefined();
	});

	it('podman inspects a manifest list by name as the image for this machine', () => {
		expect(shapeOfInspect(JSON.parse(shapes('podman-image-inspect-of-list.json')))).toMatchObject({
			kind: 'manifest',
			platforms: ['linux/amd64'],
		});
	});

	it('the containerd image store with the engine manifest list: platforms and attestation manifests apart', () => {
		const shape = shapeOfInspect(JSON.parse(shapes('docker-containerd-inspect.json')));
		expect(shape).toEqual({kind: 'index', platforms: ['linux/amd64'], attestations: 1, listed: true});
		expect(describeShape(shape!)).toBe(
			'an image index: linux/amd64 and 1 attestation manifest (unknown/unknown: provenance or SBOM)',
		);
		expect(lambdaProblem(shape!)).toMatch(/^Lambda takes a single image manifest, and this is an image index/);
		expect(lambdaPlatform(shape!)).toBe('linux/amd64');
	});

	it('what the docker CLI prints there (the Descriptor, no Manifests) is an index whose entries are not listed', () => {
		const [entry] = JSON.parse(shapes('docker-containerd-inspect.json')) as Array<Record<string, unknown>>;
		delete entry!['Manifests'];
		const shape = shapeOfInspect([entry]);
		expect(shape).toEqual({kind: 'index', platforms: ['linux/amd64'], attestations: 0, listed: false});
		expect(describeShape(shape!)).toMatch(
			/^an image index \(docker image inspect does not list its entries; linux\/amd64/,
		);
		expect(lambdaProblem(shape!)).toBeDefined();
	});

	it('an entry naming no platform says nothing', () => {
		expect(shapeOfInspect([{Id: 'sha256:1'}])).toBeUndefined();
		expect(shapeOfInspect('not json')).toBeUndefined();
	});
});

describe('shapeOfManifest', () => {
	it('a BuildKit index (imagetools inspect --raw): two platforms, one provenance attestation each', () => {
		const shape = shapeOfManifest(shapes('buildkit-index.json'));
		expect(shape).toEqual({kind: 'index', platforms: ['linux/amd64', 'linux/arm64'], attestations: 2, listed: true});
		expect(describeShape(shape!)).toBe(
			'an image index: linux/amd64, linux/arm64 and 2 attestation manifests (unknown/unknown: provenance or SBOM)',
		);
	});

	it('a podman manifest list keeps the variant; Lambda gets the arm64 image when there is no amd64 one', () => {
		const shape = shapeOfManifest(shapes('podman-manifest-inspect.json'));
		expect(shape).toEqual({kind: 'index', platforms: ['linux/amd64', 'linux/arm64/v8'], attestations: 0, listed: true});
		expect(lambdaPlatform({...shape!, platforms: ['linux/arm64/v8', 'linux/s390x']})).toBe('linux/arm64/v8');
		expect(lambdaPlatform({...shape!, platforms: ['linux/s390x']})).toBeUndefined();
	});

	it('a single manifest, and text that is neither', () => {
		expect(shapeOfManifest('{"schemaVersion":2,"config":{},"layers":[]}')).toMatchObject({kind: 'manifest'});
		expect(shapeOfManifest('{"hello":1}')).toBeUndefined();
		expect(shapeOfManifest('<html>')).toBeUndefined();
	});
});

describe('pushPlatformSupported', () => {
	it('docker 28.2 against engine 28.2 (API 1.50) can push one platform', () => {
		expect(pushPlatformSupported(parseVersionJson(version()))).toBe(true);
	});

	it('the same CLI against an engine of API 1.41 (docker 20.10) cannot, nor podman (no ApiVersion)', () => {
		const old = parseVersionJson(version().replaceAll('"ApiVersion":"1.50"', '"ApiVersion":"1.41"'));
		expect(pushPlatformSupported(old)).toBe(false);
		expect(pushPlatformSupported({Client: {Version: '4.3.1'}, Server: null})).toBe(false);
		expect(pushPlatformSupported(undefined)).toBe(false);
	});
});

describe('planLambdaPush', () => {
	const index = (platforms: string[]): ImageShape => ({kind: 'index', platforms, attestations: 2, listed: true});
	const never = async () => {
		throw new Error('asked whether docker push --platform works');
	};

	it('one manifest goes as it is, without asking the engine', async () => {
		expect(
			await planLambdaPush('a:1', {kind: 'manifest', platforms: ['linux/amd64'], attestations: 0, listed: true}, never),
		).toEqual({action: 'as-is'});
		expect(await planLambdaPush('a:1', undefined, never)).toEqual({action: 'unknown'});
	});

	it('an index: linux/amd64 first, then linux/arm64, where docker push --platform works', async () => {
		const works = async () => true;
		expect(await planLambdaPush('a:1', index(['linux/arm64', 'linux/amd64']), works)).toMatchObject({
			action: 'one-platform',
			platform: 'linux/amd64',
		});
		expect(await planLambdaPush('a:1', index(['linux/arm64/v8']), works)).toMatchObject({
			action: 'one-platform',
			platform: 'linux/arm64/v8',
		});
	});

	it('no platform Lambda runs: the linux/amd64 build, and the engine is not asked', async () => {
		const plan = await planLambdaPush('a:1', index(['linux/s390x']), never);
		expect(plan).toMatchObject({
			action: 'rebuild',
			build: 'docker buildx build --platform linux/amd64 --provenance=false -t a:1 --load .',
		});
		expect(plan.action === 'rebuild' && plan.reason).toContain('with no linux/amd64 or linux/arm64 image');
	});

	it('docker push --platform does not work: the build of the platform it would have pushed', async () => {
		const plan = await planLambdaPush('a:1', index(['linux/arm64']), async () => false);
		expect(plan).toMatchObject({
			action: 'rebuild',
			build: 'docker buildx build --platform linux/arm64 --provenance=false -t a:1 --load .',
		});
		expect(plan.action === 'rebuild' && plan.reason).toContain('this docker cannot push one platform of it');
	});
});
