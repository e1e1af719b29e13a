/**
 * The image step asks where an image index runs: as it is for ECS, EKS and docker, one platform alone (or the build that
 * makes one manifest) for Lambda. The shapes come from the fixtures in test/fixtures/image-shapes, read by the same
 * parser `docker image inspect` output goes through.
 */
import {readFileSync} from 'node:fs';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Box} from 'ink';
import type {StepProps} from '../../../../source/wizard/steps/types.js';
import {shapeOfManifest} from '../../../../source/docker/image-shape.js';
import type {ImageShape} from '../../../../source/docker/types.js';
import {ImageStep} from '../../../../source/wizard/steps/image/image-step.js';
import {ARROW_DOWN, ENTER, ESCAPE, flat} from '../../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../../helpers/step-harness.js';
import {HOST, world} from '../../../helpers/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

const fixture = (name: string) =>
	readFileSync(new URL(`../../../fixtures/image-shapes/${name}`, import.meta.url), 'utf8');
/** BuildKit's two-platform index with a provenance attestation for each platform. */
const BUILDKIT_INDEX = shapeOfManifest(fixture('buildkit-index.json'))!;
/** podman's manifest list of linux/amd64 and linux/arm64/v8. */
const PODMAN_LIST = shapeOfManifest(fixture('podman-manifest-inspect.json'))!;

function worldWith(shape: ImageShape, pushPlatform: boolean) {
	return world({
		docker: {
			inspectImage: vi.fn(async (ref: string) => ({id: 'sha256:1', repoTags: [ref], repoDigests: [], shape})),
			pushPlatformSupport: vi.fn(async () => pushPlatform),
		},
	});
}

/** The step with --image and --lambda given (and --yes when `yes`). */
function withLambda(w: ReturnType<typeof world>, image = 'my-app:dev', yes = false) {
	return renderStep(ImageStep, {
		services: w.services,
		state: stateAfterRepository(),
		options: {image, lambda: true, ...(yes ? {yes} : {})},
	});
}

/** From the list to the question: the newest image, its own tag. */
async function toTheQuestion(step: ReturnType<typeof renderStep>): Promise<string> {
	await step.app.waitFor('Which local image?');
	await step.app.press(ENTER);
	await step.app.waitFor('which tag?');
	await step.app.press(ENTER);
	return step.app.waitFor('Where will it run?');
}

describe('image step: where the image runs', () => {
	it('the fixtures are what the question is about: BuildKit index with attestations, podman list without', () => {
		expect(BUILDKIT_INDEX).toEqual({
			kind: 'index',
			platforms: ['linux/amd64', 'linux/arm64'],
			attestations: 2,
			listed: true,
		});
		expect(PODMAN_LIST).toMatchObject({kind: 'index', platforms: ['linux/amd64', 'linux/arm64/v8'], attestations: 0});
	});

	it('an index: says what a push sends and asks; "as it is" pushes the whole index', async () => {
		const w = worldWith(BUILDKIT_INDEX, true);
		const step = renderStep(ImageStep, {services: w.services, state: stateAfterRepository()});
		const question = flat(await toTheQuestion(step));
		expect(question).toContain(
			'my-app:dev is an image index: linux/amd64, linux/arm64 and 2 attestation manifests (unknown/unknown: provenance or SBOM).',
		);
		expect(question).toMatch(/› ECS, EKS, App Runner or docker run: push it as it is[\s\S]*AWS Lambda/);
		expect(w.docker.inspectImage).toHaveBeenCalledWith('my-app:dev');
		expect(w.docker.pushPlatformSupport).not.toHaveBeenCalled();
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith({
				patch: {image: {source: 'my-app:dev', tag: 'dev'}},
				summary: `Image: my-app:dev → ${HOST}/web:dev`,
				interactive: true,
			});
		});
	});

	it('Lambda, where docker push --platform works: warns, offers linux/amd64 alone, and records it', async () => {
		const w = worldWith(BUILDKIT_INDEX, true);
		const step = renderStep(ImageStep, {services: w.services, state: stateAfterRepository()});
		await toTheQuestion(step);
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		const offer = flat(await step.app.waitFor('Push only linux/amd64'));
		expect(offer).toContain('⚠ Lambda takes a single image manifest');
		expect(offer).toContain('The linux/amd64 manifest can go alone: the index and its attestations stay behind.');
		expect(offer).toMatch(
			/› Push only linux\/amd64 \(docker push --platform\), which Lambda takes[\s\S]*Choose another image[\s\S]*Quit/,
		);
		expect(offer).toContain('docker buildx build --platform linux/amd64 --provenance=false -t my-app:dev --load .');
		expect(step.complete).not.toHaveBeenCalled();
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith({
				patch: {image: {source: 'my-app:dev', tag: 'dev', lambda: true, platform: 'linux/amd64'}},
				summary: `Image: my-app:dev → ${HOST}/web:dev (linux/amd64 alone, for Lambda)`,
				interactive: true,
			});
		});
	});

	it('--lambda --yes: one platform is taken without a question', async () => {
		const w = worldWith(PODMAN_LIST, true);
		const step = withLambda(w, 'my-app:dev', true);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith({
				patch: {image: {source: 'my-app:dev', tag: 'dev', lambda: true, platform: 'linux/amd64'}},
				summary: `Image: my-app:dev → ${HOST}/web:dev (linux/amd64 alone, for Lambda)`,
				interactive: false,
			});
		});
		expect(step.app.lastFrame()).not.toContain('Where will it run?');
	});

	it('--lambda and an arm64-only index: linux/arm64 goes alone', async () => {
		const w = worldWith({kind: 'index', platforms: ['linux/arm64'], attestations: 1, listed: true}, true);
		const step = withLambda(w, 'fn:1', true);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({patch: {image: {source: 'fn:1', tag: '1', lambda: true, platform: 'linux/arm64'}}}),
			);
		});
	});

	it('--lambda where docker push --platform does not work: the reason and the build, no push offered; quit exits 1', async () => {
		const w = worldWith(BUILDKIT_INDEX, false);
		const step = withLambda(w, 'my-app:dev', true);
		const frame = flat(await step.app.waitFor('Quit, and build one image manifest first'));
		expect(frame).toContain(
			'✖ Lambda would refuse my-app:dev: it is an image index, and this docker cannot push one platform of it',
		);
		expect(frame).toContain('docker buildx build --platform linux/amd64 --provenance=false -t my-app:dev --load .');
		expect(frame).not.toContain('Push only');
		// --image was given: there is no list to choose another image from.
		expect(frame).not.toContain('Choose another image');
		expect(w.docker.pushPlatformSupport).toHaveBeenCalled();
		await step.app.press(ENTER);
		expect(step.exit).toHaveBeenCalledWith(1);
		expect(step.complete).not.toHaveBeenCalled();
	});

	it('--lambda and an index of no platform Lambda runs: the amd64 build, even where one platform could go', async () => {
		const w = worldWith(
			{kind: 'index', platforms: ['linux/s390x', 'linux/ppc64le'], attestations: 0, listed: true},
			true,
		);
		const step = withLambda(w);
		const frame = flat(await step.app.waitFor('Quit, and build'));
		expect(frame).toContain('with no linux/amd64 or linux/arm64 image');
		expect(frame).toContain('--platform linux/amd64 --provenance=false');
		expect(frame).not.toContain('Push only');
	});

	it('--lambda and one image manifest: taken as it is, and said so', async () => {
		const w = world();
		const step = withLambda(w);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith({
				patch: {image: {source: 'my-app:dev', tag: 'dev', lambda: true}},
				summary: `Image: my-app:dev → ${HOST}/web:dev (one image manifest, which Lambda takes)`,
				interactive: false,
			});
		});
	});

	it('an inspect that fails does not stop the wizard: for Lambda it says it could not tell', async () => {
		const w = world({
			docker: {
				inspectImage: vi.fn(async () => {
					throw new Error('Cannot connect to the Docker daemon');
				}),
			},
		});
		const step = withLambda(w);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({
					patch: {image: {source: 'my-app:dev', tag: 'dev', lambda: true}},
					summary: expect.stringContaining('docker did not say whether it is one image manifest'),
				}),
			);
		});
	});

	it('Esc on the question goes back to the tags; "Choose another image" back to the list', async () => {
		const w = worldWith(BUILDKIT_INDEX, true);
		const step = renderStep(ImageStep, {services: w.services, state: stateAfterRepository()});
		await toTheQuestion(step);
		await step.app.press(ESCAPE);
		await step.app.waitFor('which tag?');
		await step.app.press(ENTER);
		await step.app.waitFor('Where will it run?');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await step.app.waitFor('Push only linux/amd64');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await step.app.waitFor('Which local image?');
		expect(step.complete).not.toHaveBeenCalled();
		expect(step.back).not.toHaveBeenCalled();
	});

	it('fits 80 columns', async () => {
		const w = worldWith(BUILDKIT_INDEX, false);
		// The wizard draws steps in a box at most 80 columns wide.
		const Boxed = (props: StepProps) => (
			<Box flexDirection="column" width={80}>
				<ImageStep {...props} />
			</Box>
		);
		const step = renderStep(Boxed, {
			services: w.services,
			state: stateAfterRepository(),
			options: {image: 'my-app:dev', lambda: true},
		});
		const frame = await step.app.waitFor('Quit, and build');
		expect(flat(frame)).toContain(
			'docker buildx build --platform linux/amd64 --provenance=false -t my-app:dev --load .',
		);
		for (const line of frame.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
	});
});
