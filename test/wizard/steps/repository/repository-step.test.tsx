import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {RepositoryStep} from '../../../../source/wizard/steps/repository/repository-step.js';
import {AwsError} from '../../../../source/aws/errors.js';
import type {RepositoryInfo} from '../../../../source/aws/types.js';
import {BACKSPACE, ENTER, ESCAPE, flat} from '../../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../../helpers/step-harness.js';
import {HOST, repository, world} from '../../../helpers/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

const before = () => stateAfterRepository({repository: undefined});

describe('repository step', () => {
	it('lists page by page, filters thousands as you type, and draws only a window of rows', async () => {
		const all = Array.from({length: 2500}, (_, index) => repository(`svc-${String(index).padStart(4, '0')}`));
		let releaseSecondPage!: () => void;
		const w = world({
			aws: {
				listRepositories: vi.fn(async (_region: string, options?: {onPage?: (soFar: RepositoryInfo[]) => void}) => {
					options?.onPage?.(all.slice(0, 1000));
					await new Promise<void>((resolve) => {
						releaseSecondPage = resolve;
					});
					options?.onPage?.(all);
					return all;
				}),
			},
		});
		const step = renderStep(RepositoryStep, {services: w.services, state: before()});
		await step.app.waitFor('Loading repositories… 1000 so far');
		releaseSecondPage();
		const frame = await step.app.waitFor('2500 in eu-west-1');
		expect(frame.split('\n').filter((line) => line.includes('svc-')).length).toBeLessThanOrEqual(8);
		await step.app.type('svc-24');
		const filtered = await step.app.waitFor('100 of 2500 repositories');
		expect(filtered).toContain('› svc-2400');
		await step.app.press(ENTER);
		expect(step.complete).toHaveBeenCalledWith({
			patch: {
				repository: {
					name: 'svc-2400',
					uri: `${HOST}/svc-2400`,
					registryId: '123456789012',
					region: 'eu-west-1',
					imageTagMutability: 'MUTABLE',
					created: false,
				},
				registry: HOST,
			},
			summary: `Repository: ${HOST}/svc-2400`,
			interactive: true,
		});
	});

	it('validates the new name as you type, with the ECR rule that failed', async () => {
		const w = world();
		const step = renderStep(RepositoryStep, {services: w.services, state: before()});
		await step.app.waitFor('2 in eu-west-1');
		await step.app.press(ENTER);
		await step.app.waitFor('New repository name:');
		await step.app.type('a');
		await step.app.waitFor('at least 2 characters');
		await step.app.type('b-');
		await step.app.waitFor('must start and end with a letter or digit');
		await step.app.press(BACKSPACE);
		await step.app.type('/c');
		const valid = await step.app.waitFor('✔ Valid');
		expect(flat(valid)).toContain(`The image URI will be ${HOST}/ab/c`);
		await step.app.press(ESCAPE);
		await step.app.waitFor('Filter repositories');
	});

	it('--repository that exists is used without a key', async () => {
		const w = world();
		const step = renderStep(RepositoryStep, {services: w.services, state: before(), options: {repository: 'api'}});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({summary: `Repository: ${HOST}/api`, interactive: false}),
			);
		});
		expect(w.aws.listRepositories).not.toHaveBeenCalled();
	});

	it('--repository that is missing and no template covers: says a push would not create it, offers to create it', async () => {
		const w = world();
		const step = renderStep(RepositoryStep, {services: w.services, state: before(), options: {repository: 'fresh'}});
		const frame = flat(await step.app.waitFor('Tag mutability for fresh'));
		expect(frame).toContain(
			'Repository fresh does not exist in eu-west-1. No repository creation template covers fresh, so a push would not create it.',
		);
		await step.app.press(ENTER);
		await step.app.press(ENTER);
		await step.app.waitFor('Create this repository?');
		await step.app.press('y');
		await vi.waitFor(() => {
			expect(w.aws.createRepository).toHaveBeenCalledWith('eu-west-1', {
				name: 'fresh',
				imageTagMutability: 'MUTABLE',
				scanOnPush: true,
			});
		});
	});

	it('a create that races another creator uses the existing repository', async () => {
		const w = world({
			aws: {
				createRepository: vi.fn(async () => {
					throw new AwsError('exists', {kind: 'repository-exists'});
				}),
			},
		});
		vi.mocked(w.aws.describeRepository).mockResolvedValueOnce(repository('api'));
		const step = renderStep(RepositoryStep, {
			services: w.services,
			state: before(),
			options: {repository: 'api', createRepository: true},
		});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(expect.objectContaining({summary: `Repository: ${HOST}/api`}));
		});
	});

	it('explains a failed listing and retries on Enter', async () => {
		const w = world();
		vi.mocked(w.aws.listRepositories).mockRejectedValueOnce(
			new AwsError('User is not authorized to perform: ecr:DescribeRepositories', {kind: 'access-denied'}),
		);
		const step = renderStep(RepositoryStep, {services: w.services, state: before()});
		const frame = flat(await step.app.waitFor('Access denied'));
		expect(frame).toContain('ecr:DescribeRepositories');
		await step.app.press(ENTER);
		await step.app.waitFor('2 in eu-west-1');
	});

	it('Esc after a failed listing leaves the step (to choose another region)', async () => {
		const w = world();
		vi.mocked(w.aws.listRepositories).mockRejectedValueOnce(
			new AwsError('The security token included in the request is invalid', {kind: 'invalid-credentials'}),
		);
		const step = renderStep(RepositoryStep, {services: w.services, state: before()});
		await step.app.waitFor('AWS rejected the credentials');
		await step.app.press(ESCAPE);
		expect(step.back).toHaveBeenCalled();
	});
});
