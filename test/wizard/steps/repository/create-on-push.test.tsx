/** The repository step for a name that does not exist: what the repository creation templates say about it. */
import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {RepositoryStep} from '../../../../source/wizard/steps/repository/repository-step.js';
import {AwsError} from '../../../../source/aws/errors.js';
import type {CreationTemplate} from '../../../../source/ecr/creation-templates.js';
import {ARROW_DOWN, ENTER, ESCAPE, flat} from '../../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../../helpers/step-harness.js';
import {HOST, onPushRepository, world} from '../../../helpers/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

const before = () => stateAfterRepository({repository: undefined});

const TEAM_TEMPLATE: CreationTemplate = {
	prefix: 'team',
	appliedFor: ['CREATE_ON_PUSH'],
	imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
	exclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
	encryption: {type: 'AES256'},
	lifecyclePolicy: '{"rules":[]}',
	resourceTagCount: 2,
};

const REPLICATION_ONLY: CreationTemplate = {prefix: 'ROOT', appliedFor: ['REPLICATION'], resourceTagCount: 0};

describe('repository step: a name that does not exist, and the creation templates', () => {
	it('a covering create-on-push template is offered: its settings, the permissions, and the push creates it', async () => {
		const w = world({aws: {describeCreationTemplates: vi.fn(async () => [REPLICATION_ONLY, TEAM_TEMPLATE])}});
		const step = renderStep(RepositoryStep, {services: w.services, state: before()});
		await step.app.waitFor('2 in eu-west-1');
		await step.app.type('team/api');
		await step.app.waitFor('+ Create "team/api"');
		await step.app.press(ENTER);
		await step.app.waitFor('New repository name: team/api');
		await step.app.press(ENTER);
		const frame = flat(await step.app.waitFor('Create it now with my settings'));
		expect(frame).toContain(
			'The repository creation template "team" (team/…) creates team/api on the first push, with:',
		);
		expect(frame).toContain(
			'immutable tags except latest · AES-256 encryption · its lifecycle policy · 2 resource tags',
		);
		expect(frame).toContain('The identity that pushes needs ecr:CreateRepository and ecr:TagResource for that.');
		expect(frame).toContain('› Push and let the template team create it');
		await step.app.press(ENTER);
		expect(step.complete).toHaveBeenCalledWith({
			patch: {
				repository: {
					name: 'team/api',
					uri: `${HOST}/team/api`,
					registryId: '123456789012',
					region: 'eu-west-1',
					imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
					created: false,
					createOnPush: {prefix: 'team', actions: ['ecr:CreateRepository', 'ecr:TagResource']},
				},
				registry: HOST,
			},
			summary: `Repository: ${HOST}/team/api (ECR creates it on the first push, from the template team)`,
			interactive: true,
		});
		expect(w.aws.createRepository).not.toHaveBeenCalled();
		expect(w.aws.describeCreationTemplates).toHaveBeenCalledWith('eu-west-1', undefined, expect.anything());
	});

	it('"Create it now" instead goes on to the settings; Esc there comes back to the offer; templates are read once', async () => {
		const w = world({aws: {describeCreationTemplates: vi.fn(async () => [TEAM_TEMPLATE])}});
		const step = renderStep(RepositoryStep, {services: w.services, state: before(), options: {repository: 'team/api'}});
		const offer = flat(await step.app.waitFor('Create it now with my settings'));
		expect(offer).toContain('Repository team/api does not exist in eu-west-1 yet.');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await step.app.waitFor('Tag mutability for team/api');
		await step.app.press(ESCAPE);
		await step.app.waitFor('Push and let the template team create it');
		await step.app.press(ESCAPE);
		expect(step.back).toHaveBeenCalled();
		expect(w.aws.describeCreationTemplates).toHaveBeenCalledTimes(1);
	});

	it('after a push the template was to create failed as missing, the offer says so and starts on "Create it now"', async () => {
		const w = world({aws: {describeCreationTemplates: vi.fn(async () => [TEAM_TEMPLATE])}});
		const state = stateAfterRepository({
			repository: onPushRepository('team/api'),
			pushFailure: {kind: 'repository-missing', message: 'name unknown'},
		});
		const step = renderStep(RepositoryStep, {services: w.services, state, options: {repository: 'team/api'}});
		const frame = flat(await step.app.waitFor('Create it now with my settings'));
		expect(frame).toContain('The last push did not create team/api: the identity may lack ecr:CreateRepository');
		expect(frame).toContain('› Create it now with my settings');
	});

	it('no template covers the name (another prefix, or not for create-on-push): today’s create path', async () => {
		const w = world({
			aws: {describeCreationTemplates: vi.fn(async () => [REPLICATION_ONLY, TEAM_TEMPLATE])},
		});
		const step = renderStep(RepositoryStep, {services: w.services, state: before()});
		await step.app.waitFor('2 in eu-west-1');
		await step.app.type('teamwork');
		await step.app.press(ENTER);
		await step.app.waitFor('New repository name: teamwork');
		await step.app.press(ENTER);
		const frame = flat(await step.app.waitFor('Tag mutability for teamwork'));
		expect(frame).toContain('No repository creation template covers teamwork, so a push would not create it.');
		expect(frame).not.toContain('Push and let the template');
	});

	it('templates that cannot be read (access denied): the create path, with a note saying so', async () => {
		const w = world({
			aws: {
				describeCreationTemplates: vi.fn(async () => {
					throw new AwsError(
						'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecr:DescribeRepositoryCreationTemplates',
						{kind: 'access-denied'},
					);
				}),
			},
		});
		const step = renderStep(RepositoryStep, {services: w.services, state: before(), options: {repository: 'team/api'}});
		const frame = flat(await step.app.waitFor('Tag mutability for team/api'));
		expect(frame).toContain(
			'Repository team/api does not exist in eu-west-1. The repository creation templates could not be read (access denied to ecr:DescribeRepositoryCreationTemplates), so whether a push would create team/api is unknown: create it now.',
		);
		await step.app.press(ENTER);
		await step.app.waitFor('Scan images for vulnerabilities');
		await step.app.press(ENTER);
		await step.app.press('y');
		await vi.waitFor(() => {
			expect(w.aws.createRepository).toHaveBeenCalledWith('eu-west-1', {
				name: 'team/api',
				imageTagMutability: 'MUTABLE',
				scanOnPush: true,
			});
		});
	});

	it('a typed name the list holds is that repository, not a new one', async () => {
		const w = world();
		const step = renderStep(RepositoryStep, {services: w.services, state: before()});
		await step.app.waitFor('2 in eu-west-1');
		await step.app.press(ENTER);
		await step.app.waitFor('New repository name:');
		await step.app.type('web');
		await step.app.waitFor('✔ Valid');
		await step.app.press(ENTER);
		expect(step.complete).toHaveBeenCalledWith(expect.objectContaining({summary: `Repository: ${HOST}/web`}));
		expect(w.aws.describeCreationTemplates).not.toHaveBeenCalled();
	});
});
