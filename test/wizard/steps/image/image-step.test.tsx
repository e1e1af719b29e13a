import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {ImageStep} from '../../../../source/wizard/steps/image/image-step.js';
import {
	ageText,
	sortImagesNewestFirst,
	tagChoices,
	tagOfReference,
} from '../../../../source/wizard/steps/image/images.js';
import {ARROW_DOWN, BACKSPACE, ENTER, ESCAPE, flat} from '../../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../../helpers/step-harness.js';
import {ACCOUNT, HOST, REGION, world} from '../../../helpers/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

const immutable = () =>
	stateAfterRepository({
		repository: {
			name: 'web',
			uri: `${HOST}/web`,
			registryId: ACCOUNT,
			region: REGION,
			imageTagMutability: 'IMMUTABLE',
			created: false,
		},
	});

describe('image step', () => {
	it('newest image first; the tag defaults to the image tag, with the git short SHA offered', async () => {
		const w = world();
		const step = renderStep(ImageStep, {services: w.services, state: stateAfterRepository()});
		const list = await step.app.waitFor('Which local image?');
		expect(list).toMatch(/› my-app:dev {2}1 h ago · 120MB[\s\S]*old-thing:v1 {2}58 days ago · 80MB/);
		await step.app.press(ENTER);
		const tags = await step.app.waitFor('which tag?');
		expect(tags).toMatch(
			/› dev {2}\(the image's tag\)[\s\S]*a1b2c3d {2}\(git HEAD, short SHA\)[\s\S]*latest[\s\S]*Type another tag…/,
		);
		expect(w.runner.run).toHaveBeenCalledWith('git', ['rev-parse', '--short', 'HEAD'], expect.anything());
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith({
				patch: {image: {source: 'my-app:dev', tag: 'a1b2c3d'}},
				summary: `Image: my-app:dev → ${HOST}/web:a1b2c3d`,
				interactive: true,
			});
		});
	});

	it('outside a git repository no SHA is offered', async () => {
		const w = world({
			runner: {
				run: vi.fn(async () => ({
					exitCode: 128,
					stdout: '',
					stderr: 'fatal: not a git repository',
					notFound: false,
					timedOut: false,
				})),
			},
		});
		const step = renderStep(ImageStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('Which local image?');
		await step.app.press(ENTER);
		const tags = await step.app.waitFor('which tag?');
		expect(tags).not.toContain('git HEAD');
	});

	it('a typed image name that is not local can be used', async () => {
		const w = world();
		const step = renderStep(ImageStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('Which local image?');
		await step.app.type('ghcr.io/acme/tool:1.2');
		await step.app.waitFor('Use "ghcr.io/acme/tool:1.2"');
		await step.app.press(ENTER);
		const tags = await step.app.waitFor('which tag?');
		expect(tags).toContain("› 1.2  (the image's tag)");
	});

	it('a typed tag is validated as you type', async () => {
		const w = world();
		const step = renderStep(ImageStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('Which local image?');
		await step.app.press(ENTER);
		await step.app.waitFor('which tag?');
		for (let index = 0; index < 3; index++) await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await step.app.waitFor('Tag: dev');
		for (let index = 0; index < 3; index++) await step.app.press(BACKSPACE);
		await step.app.type('.bad');
		await step.app.waitFor('A tag must start with a letter, a digit or "_".');
		await step.app.press(ENTER);
		expect(step.complete).not.toHaveBeenCalled();
		for (let index = 0; index < 4; index++) await step.app.press(BACKSPACE);
		await step.app.type('v1.0');
		await step.app.waitFor(`✔ ${HOST}/web:v1.0`);
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({patch: {image: {source: 'my-app:dev', tag: 'v1.0'}}}),
			);
		});
	});

	it('warns before pushing a tag that already exists in an immutable repository', async () => {
		const w = world({
			aws: {
				describeImageTag: vi.fn(async (_region: string, _repository: string, tag: string) =>
					tag === 'dev'
						? {digest: 'sha256:abcdef0123456789abcdef', tags: ['dev'], pushedAt: new Date('2026-11-26T12:00:00Z')}
						: null,
				),
			},
		});
		const step = renderStep(ImageStep, {services: w.services, state: immutable()});
		await step.app.waitFor('Which local image?');
		await step.app.press(ENTER);
		await step.app.waitFor('which tag?');
		await step.app.press(ENTER);
		const warning = flat(await step.app.waitFor('already exists in web'));
		expect(warning).toContain('⚠ Tag dev already exists in web, and its tags are immutable.');
		expect(warning).toContain('pushed 24 h 0 min ago');
		expect(warning).toContain('the git short SHA a1b2c3d is a good one');
		expect(w.aws.describeImageTag).toHaveBeenCalledWith(REGION, 'web', 'dev', ACCOUNT);
		expect(step.complete).not.toHaveBeenCalled();
		await step.app.press(ENTER);
		await step.app.waitFor('which tag?');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({patch: {image: {source: 'my-app:dev', tag: 'a1b2c3d'}}}),
			);
		});
	});

	it('does not look the tag up in a mutable repository', async () => {
		const w = world();
		const step = renderStep(ImageStep, {
			services: w.services,
			state: stateAfterRepository(),
			options: {image: 'my-app:dev'},
		});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({patch: {image: {source: 'my-app:dev', tag: 'dev'}}, interactive: false}),
			);
		});
		expect(w.aws.describeImageTag).not.toHaveBeenCalled();
		expect(w.docker.listImages).not.toHaveBeenCalled();
	});

	it('does not look the tag up in an immutable repository ECR is yet to create on this push', async () => {
		const w = world();
		const state = immutable();
		const step = renderStep(ImageStep, {
			services: w.services,
			state: {
				...state,
				repository: {...state.repository!, createOnPush: {prefix: 'ROOT', actions: ['ecr:CreateRepository']}},
			},
			options: {image: 'my-app:dev'},
		});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({patch: {image: {source: 'my-app:dev', tag: 'dev'}}}),
			);
		});
		expect(w.aws.describeImageTag).not.toHaveBeenCalled();
	});

	it('honours the exclusions: a tag an IMMUTABLE_WITH_EXCLUSION repository lets move is not looked up', async () => {
		const w = world();
		const state = immutable();
		const step = renderStep(ImageStep, {
			services: w.services,
			state: {
				...state,
				repository: {
					...state.repository!,
					imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
					exclusionFilters: [{filterType: 'WILDCARD', filter: 'de*'}],
				},
			},
			options: {image: 'my-app:dev'},
		});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({patch: {image: {source: 'my-app:dev', tag: 'dev'}}}),
			);
		});
		expect(w.aws.describeImageTag).not.toHaveBeenCalled();
	});

	it('--image and --tag skip the step', async () => {
		const w = world();
		const step = renderStep(ImageStep, {
			services: w.services,
			state: immutable(),
			options: {image: 'my-app:dev', tag: 'v9'},
		});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({patch: {image: {source: 'my-app:dev', tag: 'v9'}}}),
			);
		});
	});

	it('Esc goes back from the list', async () => {
		const w = world();
		const step = renderStep(ImageStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('Which local image?');
		await step.app.press(ESCAPE);
		expect(step.back).toHaveBeenCalled();
	});
});

describe('image helpers', () => {
	it('sorts newest first, keeps undated ones after, drops dangling images', () => {
		const sorted = sortImagesNewestFirst([
			{repository: 'a', tag: '1', id: '1'},
			{repository: 'b', tag: '1', id: '2', createdAt: new Date('2026-01-01')},
			{repository: '<none>', tag: '<none>', id: '3', createdAt: new Date('2026-12-01')},
			{repository: 'c', tag: '1', id: '4', createdAt: new Date('2026-06-01')},
		]);
		expect(sorted.map((image) => image.repository)).toEqual(['c', 'b', 'a']);
	});

	it('reads the tag of a reference, not a registry port', () => {
		expect(tagOfReference('app:1.2')).toBe('1.2');
		expect(tagOfReference('localhost:5000/app')).toBeUndefined();
		expect(tagOfReference('localhost:5000/app:v1@sha256:abc')).toBe('v1');
	});

	it('says an age at list precision', () => {
		const now = new Date('2026-11-27T12:00:00Z');
		expect(ageText(new Date('2026-11-27T11:55:00Z'), now)).toBe('5 min ago');
		expect(ageText(new Date('2026-11-26T12:00:00Z'), now)).toBe('24 h ago');
		expect(ageText(new Date('2026-11-17T12:00:00Z'), now)).toBe('10 days ago');
		expect(ageText(new Date('2026-11-28T12:00:00Z'), now)).toBe('0 min ago');
	});

	it('offers each tag once', () => {
		expect(tagChoices('latest', 'abc1234').map((choice) => choice.tag)).toEqual(['latest', 'abc1234']);
		expect(tagChoices(undefined, undefined).map((choice) => choice.tag)).toEqual(['latest']);
	});
});
