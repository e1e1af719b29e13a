/** The settings a new repository is created with: the screens, and the rules behind them. */
import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {RepositoryStep} from '../../../../source/wizard/steps/repository/repository-step.js';
import {
	createdWith,
	createInput,
	draftSettings,
	templateSettings,
	mutabilityNote,
	newDraft,
	parseKeepImages,
	parsePatterns,
} from '../../../../source/wizard/steps/repository/settings.js';
import {ARROW_DOWN, BACKSPACE, ENTER, ESCAPE, flat} from '../../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../../helpers/step-harness.js';
import {HOST, world} from '../../../helpers/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

const before = () => stateAfterRepository({repository: undefined});

describe('repository step: the settings a new repository is created with', () => {
	it('immutable except typed patterns (checked by ECR’s rules), scan off, keep 30 tagged images, KMS', async () => {
		const w = world();
		const step = renderStep(RepositoryStep, {services: w.services, state: before(), options: {repository: 'fresh'}});
		await step.app.waitFor('Tag mutability for fresh');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await step.app.waitFor('Tags that stay mutable:');
		await step.app.type('latest, dev-*, a/b');
		await step.app.waitFor('"a/b" has a character ECR does not take in a tag filter');
		await step.app.press(ENTER);
		expect(step.app.frame()).toContain('Tags that stay mutable'); // Enter does nothing while a pattern is refused.
		for (let index = 0; index < 5; index++) await step.app.press(BACKSPACE);
		await step.app.type(',1,2,3,4');
		await step.app.waitFor('ECR takes at most 5 tag patterns (this is 6).');
		for (let index = 0; index < 6; index++) await step.app.press(BACKSPACE);
		await step.app.waitFor((frame) => frame.includes('✔ Valid: immutable tags except latest, dev-*, 1\n'));
		await step.app.press(ENTER);
		await step.app.waitFor('Scan images for vulnerabilities');
		await step.app.press('n');
		let confirm = flat(await step.app.waitFor('Create this repository?'));
		expect(confirm).toContain(
			`Create ${HOST}/fresh immutable tags except latest, dev-*, 1 · scan on push off · AES-256 encryption · keeps every image`,
		);
		await step.app.press('k');
		const lifecycle = flat(await step.app.waitFor('Keep the newest N tagged images:'));
		expect(lifecycle).toContain('It counts tagged images only: ECR lists each platform of a multi-arch image');
		await step.app.type('0');
		await step.app.waitFor('A whole number from 1 to 10000');
		await step.app.press(BACKSPACE);
		await step.app.type('30');
		await step.app.press(ENTER);
		await step.app.waitFor('Create this repository?');
		await step.app.press('e');
		confirm = flat(await step.app.waitFor('KMS encryption (AWS managed key)'));
		expect(confirm).toContain(
			'scan on push off · KMS encryption (AWS managed key) · keeps the newest 30 tagged images',
		);
		await step.app.press('y');
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalled();
		});
		const input = vi.mocked(w.aws.createRepository).mock.calls[0]![1];
		expect(input).toEqual({
			name: 'fresh',
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			exclusionFilters: [
				{filterType: 'WILDCARD', filter: 'latest'},
				{filterType: 'WILDCARD', filter: 'dev-*'},
				{filterType: 'WILDCARD', filter: '1'},
			],
			scanOnPush: false,
			encryption: {type: 'KMS'},
			lifecyclePolicy: expect.any(String),
		});
		expect(JSON.parse(input.lifecyclePolicy!).rules[0].selection).toEqual({
			tagStatus: 'tagged',
			tagPatternList: ['*'],
			countType: 'imageCountMoreThan',
			countNumber: 30,
		});
		const payload = step.complete.mock.calls[0]![0];
		expect(payload.patch.repository.createdWith).toEqual({
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			exclusions: ['latest', 'dev-*', '1'],
			scanOnPush: false,
			keepImages: 30,
			encryption: 'KMS',
		});
		expect(payload.summary).toBe(`Repository: ${HOST}/fresh (created, immutable tags except latest, dev-*, 1)`);
	});

	it('mutable except patterns; Esc walks back through the screens', async () => {
		const w = world();
		const step = renderStep(RepositoryStep, {services: w.services, state: before(), options: {repository: 'fresh'}});
		await step.app.waitFor('Tag mutability for fresh');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ARROW_DOWN);
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await step.app.waitFor('Tags that are immutable:');
		await step.app.type('release-*');
		await step.app.press(ENTER);
		await step.app.waitFor('Scan images for vulnerabilities');
		await step.app.press(ESCAPE);
		await step.app.waitFor('Tags that are immutable: release-*');
		await step.app.press(ENTER);
		await step.app.press(ENTER);
		const confirm = flat(await step.app.waitFor('Create this repository?'));
		expect(confirm).toContain('mutable tags except release-* · scan on push on');
		await step.app.press('y');
		await vi.waitFor(() => {
			expect(w.aws.createRepository).toHaveBeenCalledWith('eu-west-1', {
				name: 'fresh',
				imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
				exclusionFilters: [{filterType: 'WILDCARD', filter: 'release-*'}],
				scanOnPush: true,
			});
		});
	});
});

describe('new repository settings, as rules', () => {
	it('patterns: comma-separated, trimmed, de-duplicated, at most five, each by ECR’s filter rule', () => {
		expect(parsePatterns(' latest ,dev-*,, latest')).toEqual({ok: true, value: ['latest', 'dev-*']});
		expect(parsePatterns(' , ')).toEqual({ok: false, reason: 'Give at least one tag pattern, e.g. latest or dev-*.'});
		expect(parsePatterns('a,b,c,d,e,f')).toEqual({ok: false, reason: 'ECR takes at most 5 tag patterns (this is 6).'});
		expect(parsePatterns('v1 beta')).toMatchObject({ok: false, reason: expect.stringContaining('"v1 beta"')});
		expect(parsePatterns('x'.repeat(129))).toMatchObject({ok: false, reason: expect.stringContaining('128')});
	});

	it('keep images: empty keeps every image; else a whole number from 1 to 10000', () => {
		expect(parseKeepImages('  ')).toEqual({ok: true, value: undefined});
		expect(parseKeepImages('30')).toEqual({ok: true, value: 30});
		for (const refused of ['0', '10001', '2.5', '-3', 'ten']) expect(parseKeepImages(refused).ok).toBe(false);
	});

	it('what is sent leaves ECR’s defaults out; patterns go only with the *_WITH_EXCLUSION kinds', () => {
		expect(createInput(newDraft('app'))).toEqual({name: 'app', imageTagMutability: 'MUTABLE', scanOnPush: true});
		// Patterns typed and then a plain mutability chosen: nothing of them is sent.
		expect(createInput({...newDraft('app'), mutability: 'IMMUTABLE', patterns: 'latest'})).toEqual({
			name: 'app',
			imageTagMutability: 'IMMUTABLE',
			scanOnPush: true,
		});
		expect(createdWith({...newDraft('app'), mutability: 'IMMUTABLE', patterns: 'latest'})).toEqual({
			imageTagMutability: 'IMMUTABLE',
			scanOnPush: true,
		});
		expect(draftSettings({...newDraft('app'), keepImages: 5})).toEqual([
			'mutable tags',
			'scan on push on',
			'AES-256 encryption',
			'keeps the newest 5 tagged images',
		]);
	});

	it('a template’s settings, as the offer lists them', () => {
		expect(templateSettings({prefix: 'ROOT', appliedFor: ['CREATE_ON_PUSH'], resourceTagCount: 0})).toEqual([
			'mutable tags',
			'AES-256 encryption',
			'no lifecycle policy',
		]);
		expect(
			templateSettings({
				prefix: 'team',
				appliedFor: ['CREATE_ON_PUSH'],
				imageTagMutability: 'IMMUTABLE',
				encryption: {type: 'KMS', kmsKey: 'arn:aws:kms:eu-west-1:123456789012:key/1'},
				repositoryPolicy: '{}',
				resourceTagCount: 1,
			}),
		).toEqual(['immutable tags', 'KMS encryption', 'no lifecycle policy', 'its repository policy', '1 resource tag']);
	});

	it('list notes for existing repositories: their exception patterns are not known, only that there are some', () => {
		expect(mutabilityNote('IMMUTABLE_WITH_EXCLUSION')).toBe('immutable tags, with exceptions');
		expect(mutabilityNote('MUTABLE')).toBe('mutable tags');
	});
});
