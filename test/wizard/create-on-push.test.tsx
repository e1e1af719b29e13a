/** The whole wizard for a repository that does not exist yet: a creation template creates it on the push. */
import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {App, type WizardOutcome} from '../../source/wizard/app.js';
import type {CreationTemplate} from '../../source/ecr/creation-templates.js';
import {ENTER, flat, renderInk} from '../helpers/render.js';
import {HOST, world} from '../helpers/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

const ROOT_TEMPLATE: CreationTemplate = {
	prefix: 'ROOT',
	appliedFor: ['CREATE_ON_PUSH'],
	imageTagMutability: 'IMMUTABLE',
	resourceTagCount: 0,
};

describe('wizard: create on push', () => {
	it('--repository that does not exist, a ROOT template: one Enter takes the template, the push creates it', async () => {
		const w = world({aws: {describeCreationTemplates: vi.fn(async () => [ROOT_TEMPLATE])}});
		const outcomes: WizardOutcome[] = [];
		const app = renderInk(
			<App
				services={w.services}
				options={{mode: 'push', region: 'eu-west-1', repository: 'fresh', image: 'my-app:dev', tag: 'v1', yes: true}}
				onOutcome={(outcome) => outcomes.push(outcome)}
			/>,
		);
		const offer = flat(await app.waitFor('Push and let the template ROOT create it'));
		expect(offer).toContain('The repository creation template ROOT (every name) creates fresh on the first push');
		expect(offer).toContain('needs ecr:CreateRepository for that');
		await app.press(ENTER);
		const done = flat(await app.waitFor('Files changed'));
		expect(done).toContain(`Pushed ${HOST}/fresh:v1`);
		expect(done).toContain('ECR created fresh on that push, from the repository creation template ROOT');
		expect(done).toContain(`$ ecr-setup push my-app:dev --repository fresh --tag v1 --region eu-west-1`);
		expect(done).toContain('A push to any new name creates its repository the same way');
		expect(done).toContain(`Repository: ${HOST}/fresh (ECR creates it on the first push, from the template ROOT)`);
		expect(w.aws.createRepository).not.toHaveBeenCalled();
		// Nothing was in the repository to collide with, so the immutable tag was not looked up.
		expect(w.aws.describeImageTag).not.toHaveBeenCalled();
		expect(w.docker.push).toHaveBeenCalledWith(`${HOST}/fresh:v1`, expect.anything());
		await app.press(ENTER);
		expect(outcomes).toEqual([{type: 'exit', exitCode: 0}]);
	});
});
