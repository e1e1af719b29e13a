/**
 * The wizard's typed answers and its flags are validated before any side effect: random invalid repository names
 * (typed in the create field, or given as --repository) and tags (typed, or --tag) are refused on screen with the ECR
 * rule that failed; Enter does not move on; nothing is created, described, tagged or pushed.
 */
import fc from 'fast-check';
import {cleanup} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {validateRepositoryName, validateTag} from '../../../source/ecr/names.js';
import {ImageStep} from '../../../source/wizard/steps/image/image-step.js';
import {RepositoryStep} from '../../../source/wizard/steps/repository/repository-step.js';
import {ARROW_DOWN, BACKSPACE, ENTER, flat} from '../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../helpers/step-harness.js';
import {world} from '../../helpers/wizard-fixtures.js';
import {report} from '../../helpers/report.js';

afterEach(() => {
	cleanup();
});

const RUNS = 12;
const figures = {'typed names tried': 0, 'typed tags tried': 0, 'flag values tried': 0, 'side effects': 0};

/** Printable, no control characters (what a person can type), and invalid by the rule. */
const invalidName = fc
	.string({minLength: 1, maxLength: 24, unit: fc.constantFrom(...'abcXYZ019._-/:@ !#é'.split(''))})
	.filter((value) => value.trim() === value && !validateRepositoryName(value).ok && !value.startsWith(' '));
const invalidTag = fc
	.string({minLength: 1, maxLength: 20, unit: fc.constantFrom(...'abXY09._-:/@ +#é'.split(''))})
	.filter((value) => value.trim() === value && !validateTag(value).ok);

function sideEffects(w: ReturnType<typeof world>): number {
	return (
		vi.mocked(w.aws.createRepository).mock.calls.length +
		vi.mocked(w.docker.tag).mock.calls.length +
		vi.mocked(w.docker.push).mock.calls.length +
		vi.mocked(w.docker.login).mock.calls.length +
		vi.mocked(w.dockerConfig.apply).mock.calls.length
	);
}

describe('wizard answers', () => {
	it('a typed repository name that breaks a rule is refused with the rule; Enter creates nothing', async () => {
		await fc.assert(
			fc.asyncProperty(invalidName, async (name) => {
				figures['typed names tried']++;
				const w = world();
				const step = renderStep(RepositoryStep, {
					services: w.services,
					state: stateAfterRepository({repository: undefined}),
				});
				await step.app.waitFor('2 in eu-west-1');
				await step.app.press(ENTER);
				await step.app.waitFor('New repository name:');
				await step.app.type(name);
				const reason = (validateRepositoryName(name) as {reason: string}).reason;
				await step.app.waitFor(reason.slice(0, 30));
				await step.app.press(ENTER);
				await step.app.press(ENTER);
				expect(flat(step.app.frame())).toContain(flat(reason).slice(0, 30));
				expect(step.complete).not.toHaveBeenCalled();
				figures['side effects'] += sideEffects(w);
				expect(sideEffects(w)).toBe(0);
				cleanup();
			}),
			{numRuns: RUNS},
		);
	}, 120_000);

	it('a typed tag that breaks the docker grammar is refused with the rule; Enter does not move on', async () => {
		await fc.assert(
			fc.asyncProperty(invalidTag, async (tag) => {
				figures['typed tags tried']++;
				const w = world();
				const step = renderStep(ImageStep, {services: w.services, state: stateAfterRepository()});
				await step.app.waitFor('Which local image?');
				await step.app.press(ENTER);
				await step.app.waitFor('which tag?');
				for (let index = 0; index < 3; index++) await step.app.press(ARROW_DOWN);
				await step.app.press(ENTER);
				await step.app.waitFor('Tag: dev');
				for (let index = 0; index < 3; index++) await step.app.press(BACKSPACE);
				await step.app.type(tag);
				const reason = (validateTag(tag) as {reason: string}).reason;
				await step.app.waitFor(reason.slice(0, 24));
				await step.app.press(ENTER);
				expect(step.complete).not.toHaveBeenCalled();
				figures['side effects'] += sideEffects(w);
				expect(sideEffects(w)).toBe(0);
				cleanup();
			}),
			{numRuns: RUNS},
		);
	}, 120_000);

	it('--repository with an invalid name (also with --create-repository): the rule is shown, nothing is looked up or created', async () => {
		await fc.assert(
			fc.asyncProperty(invalidName, async (name) => {
				figures['flag values tried']++;
				const w = world();
				const step = renderStep(RepositoryStep, {
					services: w.services,
					state: stateAfterRepository({repository: undefined}),
					options: {repository: name, createRepository: true},
				});
				const reason = (validateRepositoryName(name) as {reason: string}).reason;
				await step.app.waitFor(reason.slice(0, 30));
				await step.app.press(ENTER);
				expect(w.aws.describeRepository).not.toHaveBeenCalled();
				expect(step.complete).not.toHaveBeenCalled();
				expect(sideEffects(w)).toBe(0);
				cleanup();
			}),
			{numRuns: RUNS},
		);
	}, 120_000);

	it('--tag with an invalid tag is not used: the tag field shows it with the rule', async () => {
		await fc.assert(
			fc.asyncProperty(invalidTag, async (tag) => {
				figures['flag values tried']++;
				const w = world();
				const step = renderStep(ImageStep, {
					services: w.services,
					state: stateAfterRepository(),
					options: {image: 'my-app:dev', tag},
				});
				const reason = (validateTag(tag) as {reason: string}).reason;
				await step.app.waitFor(reason.slice(0, 24));
				await step.app.press(ENTER);
				expect(step.complete).not.toHaveBeenCalled();
				expect(sideEffects(w)).toBe(0);
				cleanup();
			}),
			{numRuns: RUNS},
		);
		report('input validation: wizard answers', figures);
	}, 120_000);
});
