import React from 'react';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {App, type WizardOutcome} from '../source/app.js';
import type {WizardOptions} from '../source/steps/types.js';
import {ENTER, flat, renderInk} from './helpers/render.js';
import {BACKUP_PATH, CONFIG_PATH, DIGEST, HOST, world} from './steps/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

function start(services: ReturnType<typeof world>['services'], options: Partial<WizardOptions> = {}) {
	const outcomes: WizardOutcome[] = [];
	const onOutcome = vi.fn((outcome: WizardOutcome) => {
		outcomes.push(outcome);
	});
	const app = renderInk(<App services={services} options={{yes: false, ...options}} onOutcome={onOutcome} />);
	return {app, outcomes, onOutcome};
}

describe('wizard: whole flows', () => {
	it('happy path with an existing repository: identity, region, repository, helper, image, push, done', async () => {
		const w = world();
		const {app, outcomes} = start(w.services);
		await app.waitFor('What would you like to do?');
		expect(app.frame()).toContain('docker 28.1.1 is installed');
		await app.press(ENTER);

		await app.waitFor('Filter regions');
		await app.waitFor('Scanned 3 regions: 1 with repositories');
		expect(app.frame()).toContain('› eu-west-1');
		expect(app.frame()).toContain('default, from AWS_REGION');
		await app.press(ENTER);

		await app.waitFor('2 in eu-west-1');
		await app.type('web');
		await app.waitFor('1 of 2 repositories');
		await app.press(ENTER);

		await app.waitFor('How should docker authenticate');
		expect(app.frame()).toContain('a push now fails with "no basic auth credentials"');
		await app.press(ENTER);
		await app.waitFor('Write this change?');
		expect(app.frame()).toContain(`"${HOST}": "ecr-login"`);
		await app.press('y');

		await app.waitFor('Which local image?');
		expect(app.frame()).toMatch(/› my-app:dev[\s\S]*old-thing:v1/);
		await app.press(ENTER);
		await app.waitFor('which tag?');
		expect(app.frame()).toContain('a1b2c3d  (git HEAD, short SHA)');
		await app.press(ENTER);

		const done = flat(await app.waitFor('Files changed'));
		expect(done).toContain(`Pushed ${HOST}/web:dev`);
		expect(done).toContain(DIGEST);
		expect(done).toContain(`${CONFIG_PATH}: credHelpers["${HOST}"] = "ecr-login" (backup: ${BACKUP_PATH})`);
		expect(done).toContain(`ecr-setup configure-helper --registry ${HOST} --yes`);
		expect(done).toContain('ecr-setup push my-app:dev --repository web --tag dev --region eu-west-1');
		expect(done).toContain('ecr-setup ci github');
		expect(done).toContain('ecr-setup policy');
		expect(w.dockerConfig.apply).toHaveBeenCalledTimes(1);
		expect(w.helper.get).toHaveBeenCalledWith(HOST);
		expect(w.docker.tag).toHaveBeenCalledWith('my-app:dev', `${HOST}/web:dev`);
		expect(w.docker.push).toHaveBeenCalledWith(`${HOST}/web:dev`, expect.objectContaining({signal: expect.any(AbortSignal)}));

		await app.press(ENTER);
		expect(outcomes).toEqual([{type: 'exit', exitCode: 0}]);
	});
});
