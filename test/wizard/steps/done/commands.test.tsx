/** The Done step's "the same, without the wizard" and "next": they follow how the repository came to be. */
import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Box} from 'ink';
import {DoneStep} from '../../../../source/wizard/steps/done/done-step.js';
import {creationFlags, equivalentCommands, nextStepsFor} from '../../../../source/wizard/steps/done/commands.js';
import type {ChosenRepository} from '../../../../source/wizard/state.js';
import type {StepProps} from '../../../../source/wizard/steps/types.js';
import {flat} from '../../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../../helpers/step-harness.js';
import {DIGEST, HOST, world} from '../../../helpers/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

const base: ChosenRepository = {
	name: 'team/api',
	uri: `${HOST}/team/api`,
	registryId: '123456789012',
	region: 'eu-west-1',
	imageTagMutability: 'MUTABLE',
	created: true,
};

function pushedWith(repository: ChosenRepository) {
	return stateAfterRepository({
		step: 'done',
		repository,
		auth: {method: 'helper', verified: true},
		image: {source: 'my-app:dev', tag: 'v1'},
		pushed: {uri: `${repository.uri}:v1`, digest: DIGEST},
	});
}

const CREATED: ChosenRepository = {
	...base,
	imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
	createdWith: {
		imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
		exclusions: ['latest', 'dev-*'],
		scanOnPush: true,
		keepImages: 30,
	},
};

const ON_PUSH: ChosenRepository = {
	...base,
	imageTagMutability: 'IMMUTABLE',
	createOnPush: {prefix: 'team', actions: ['ecr:CreateRepository', 'ecr:TagResource']},
};

describe('done: commands that do the same without the wizard', () => {
	it('a repository the wizard created: --create-repository with the settings it was created with', () => {
		expect(equivalentCommands(pushedWith(CREATED))).toEqual([
			`ecr-setup configure-helper --registry ${HOST} --yes`,
			"ecr-setup push my-app:dev --repository team/api --tag v1 --create-repository --immutable-except latest --immutable-except 'dev-*' --scan-on-push --keep-images 30 --region eu-west-1",
		]);
	});

	it('each setting has its flag; ECR’s defaults have none', () => {
		expect(creationFlags({imageTagMutability: 'MUTABLE', scanOnPush: false})).toEqual(['--create-repository']);
		expect(creationFlags({imageTagMutability: 'IMMUTABLE', scanOnPush: false, encryption: 'KMS'})).toEqual([
			'--create-repository',
			'--immutable',
			'--encryption',
			'KMS',
		]);
		expect(
			creationFlags({imageTagMutability: 'MUTABLE_WITH_EXCLUSION', exclusions: ['release-*'], scanOnPush: false}),
		).toEqual(['--create-repository', '--mutable-except', 'release-*']);
	});

	it('a repository a template created on the push: the plain push, which creates it the same way', () => {
		const state = pushedWith(ON_PUSH);
		expect(equivalentCommands(state)[1]).toBe(
			'ecr-setup push my-app:dev --repository team/api --tag v1 --region eu-west-1',
		);
		expect(nextStepsFor(state)).toContain(
			'A push to a new name under team/ creates its repository the same way; whoever pushes needs ecr:CreateRepository and ecr:TagResource',
		);
		const root = pushedWith({...ON_PUSH, createOnPush: {prefix: 'ROOT', actions: ['ecr:CreateRepository']}});
		expect(nextStepsFor(root)).toContain(
			'A push to any new name creates its repository the same way; whoever pushes needs ecr:CreateRepository',
		);
	});

	it('a repository that was there already: neither --create-repository nor a note about templates', () => {
		const state = pushedWith({...base, created: false});
		expect(equivalentCommands(state)[1]).toBe(
			'ecr-setup push my-app:dev --repository team/api --tag v1 --region eu-west-1',
		);
		expect(nextStepsFor(state).some((line) => line.includes('creates its repository'))).toBe(false);
	});

	it('the Done screen shows them, and says ECR created the repository from the template', async () => {
		const Wrapped = (props: StepProps) => (
			<Box flexDirection="column" width={80}>
				<DoneStep {...props} />
			</Box>
		);
		const created = renderStep(Wrapped, {services: world().services, state: pushedWith(CREATED)});
		const frame = flat(await created.app.waitFor('The same, without the wizard'));
		expect(frame).toContain('--create-repository --immutable-except latest --immutable-except');
		expect(frame).toContain('--keep-images 30');
		expect(frame).not.toContain('from the repository creation template');
		created.app.unmount();

		const onPush = renderStep(Wrapped, {services: world().services, state: pushedWith(ON_PUSH)});
		const screen = flat(await onPush.app.waitFor('The same, without the wizard'));
		expect(screen).toContain('ℹ ECR created team/api on that push, from the repository creation template team');
		expect(screen).toContain('$ ecr-setup push my-app:dev --repository team/api --tag v1 --region eu-west-1');
		expect(screen).not.toContain('--create-repository');
	});
});
