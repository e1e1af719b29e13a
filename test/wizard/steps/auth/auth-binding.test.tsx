/**
 * The authentication step binds the registry to the identity step's profile: a real docker config directory and real
 * wrapper files in a temp dir (the binding machine), so what is asserted is what lands on disk.
 */
import {readFile, stat} from 'node:fs/promises';
import path from 'node:path';
import {cleanup} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {AuthStep} from '../../../../source/wizard/steps/auth/auth-step.js';
import {
	ACCOUNT,
	type BindingMachine,
	HOST,
	OTHER_ACCOUNT,
	bindingContext,
	createBindingMachine,
} from '../../../helpers/binding-machine.js';
import {ENTER, flat} from '../../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../../helpers/step-harness.js';

let machine: BindingMachine;

beforeEach(async () => {
	machine = await createBindingMachine();
});

afterEach(async () => {
	cleanup();
	await machine.cleanup();
});

function state(profile: string | undefined, account = ACCOUNT) {
	return stateAfterRepository({
		...(profile ? {profile} : {}),
		identity: {account, arn: `arn:aws:iam::${account}:user/dev`, kind: 'iam-user'},
		region: 'eu-west-1',
		registry: HOST,
	});
}

async function configJson(): Promise<{credHelpers?: Record<string, string>}> {
	return JSON.parse(await readFile(machine.configFile, 'utf8')) as {credHelpers?: Record<string, string>};
}

describe('authentication step: the profile the identity step used is bound', () => {
	it('shows the config diff and the wrapper, writes both, and verifies through the wrapper', async () => {
		const {ctx} = bindingContext(machine, {profile: 'prod'});
		const step = renderStep(AuthStep, {services: ctx.services, state: state('prod')});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ENTER);
		const shown = flat(await step.app.waitFor('Write these changes?'));
		expect(shown).toContain(`for ${HOST} with profile prod, whatever AWS variables the shell holds`);
		expect(shown).toContain('"ecr-login-prod"');
		const wrapper = path.join(machine.helperDir, 'docker-credential-ecr-login-prod');
		expect(shown).toContain(`New wrapper ${wrapper}`);
		expect(shown).toContain('AWS_PROFILE');
		await step.app.press('y');
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledTimes(1);
		});
		expect((await configJson()).credHelpers).toEqual({[HOST]: 'ecr-login-prod'});
		expect(await readFile(wrapper, 'utf8')).toContain(machine.helper);
		expect((await stat(wrapper)).mode & 0o777).toBe(0o755);
		expect(machine.gets).toEqual([[HOST, 'ecr-login-prod']]);
		expect(step.complete.mock.calls[0]![0]).toMatchObject({
			patch: {
				auth: {method: 'helper', verified: true, profile: 'prod'},
				changes: [
					{path: wrapper},
					{path: machine.configFile, description: `credHelpers["${HOST}"] = "ecr-login-prod"`},
				],
			},
			summary: `Authentication: credential helper for ${HOST} with profile prod, verified`,
		});
	});

	it('running it again changes nothing: the same bytes, no second backup, verified through the wrapper', async () => {
		const {ctx} = bindingContext(machine, {profile: 'prod'});
		const first = renderStep(AuthStep, {services: ctx.services, state: state('prod'), options: {yes: true}});
		await vi.waitFor(() => {
			expect(first.complete).toHaveBeenCalledTimes(1);
		});
		const before = await readFile(machine.configFile, 'utf8');
		const backups = await machine.backups();
		cleanup();
		const second = renderStep(AuthStep, {services: ctx.services, state: state('prod'), options: {yes: true}});
		await vi.waitFor(() => {
			expect(second.complete).toHaveBeenCalledTimes(1);
		});
		expect(flat(second.app.frame())).toContain(`already sends ${HOST} to ecr-login-prod: nothing to change`);
		expect(await readFile(machine.configFile, 'utf8')).toBe(before);
		expect(await machine.backups()).toEqual(backups);
		expect(second.complete.mock.calls[0]![0]).toMatchObject({patch: {auth: {profile: 'prod', verified: true}}});
	});

	it('a registry of another account: says a cross-account push needs the repository policy', async () => {
		const {ctx} = bindingContext(machine, {profile: 'prod'});
		const step = renderStep(AuthStep, {services: ctx.services, state: state('prod', OTHER_ACCOUNT)});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ENTER);
		const shown = flat(await step.app.waitFor('Write these changes?'));
		expect(shown).toContain(`Profile prod reaches account ${OTHER_ACCOUNT}, but ${HOST} belongs to account ${ACCOUNT}`);
	});

	it('no profile (keys in the environment): the plain helper, no wrapper', async () => {
		const {ctx} = bindingContext(machine);
		const step = renderStep(AuthStep, {services: ctx.services, state: state(undefined), options: {yes: true}});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledTimes(1);
		});
		expect((await configJson()).credHelpers).toEqual({[HOST]: 'ecr-login'});
		expect(machine.gets).toEqual([[HOST, undefined]]);
		expect(step.complete.mock.calls[0]![0].patch.auth).toEqual({method: 'helper', verified: true});
	});

	it('a profile the AWS files do not define: the plain helper, and the reason on screen', async () => {
		const {ctx} = bindingContext(machine, {profile: 'ghost'});
		const step = renderStep(AuthStep, {services: ctx.services, state: state('ghost')});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ENTER);
		const shown = flat(await step.app.waitFor('Write this change?'));
		expect(shown).toContain('Profile ghost is not in the AWS config files');
		expect(shown).not.toContain('wrapper');
	});

	it('a registry already bound: keeping it verifies through its wrapper and reports the profile', async () => {
		const {ctx} = bindingContext(machine, {profile: 'prod'});
		const first = renderStep(AuthStep, {services: ctx.services, state: state('prod'), options: {yes: true}});
		await vi.waitFor(() => {
			expect(first.complete).toHaveBeenCalledTimes(1);
		});
		cleanup();
		machine.gets.length = 0;
		const step = renderStep(AuthStep, {services: ctx.services, state: state(undefined)});
		const frame = flat(await step.app.waitFor('How should docker authenticate'));
		expect(frame).toContain('docker asks docker-credential-ecr-login with profile prod');
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledTimes(1);
		});
		expect(machine.gets).toEqual([[HOST, 'ecr-login-prod']]);
		expect(step.complete.mock.calls[0]![0].patch.auth).toEqual({method: 'unchanged', verified: true, profile: 'prod'});
	});
});
