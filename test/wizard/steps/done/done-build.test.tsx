/**
 * The Done step's build registries offer: a real Dockerfile (and compose file) in a temp working directory, a real docker
 * config and real wrapper files (the binding machine), so what is asserted is what the readers find and what lands on disk.
 */
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {Box} from 'ink';
import {cleanup} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ciFilesAt} from '../../../../source/wizard/steps/done/ci-offer.js';
import {CiFilesProvider, DoneStep} from '../../../../source/wizard/steps/done/done-step.js';
import {buildFilesIn, planBuildOffer} from '../../../../source/wizard/steps/done/build-offer.js';
import type {StepProps} from '../../../../source/wizard/steps/types.js';
import type {WizardState} from '../../../../source/wizard/state.js';
import {
	ACCOUNT,
	type BindingMachine,
	HOST,
	OTHER_ACCOUNT,
	bindingContext,
	createBindingMachine,
} from '../../../helpers/binding-machine.js';
import {ESCAPE, flat} from '../../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../../helpers/step-harness.js';

const BASE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
const OTHER = `${OTHER_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;

/** Multi-stage: an ARG default, a stage name, --platform, a digest, lowercase from, COPY --from, the push registry. */
const DOCKERFILE = [
	'# syntax=docker/dockerfile:1',
	`ARG BASE=${BASE}/base`,
	'FROM ${BASE}:22 AS build',
	'RUN make',
	`from --platform=linux/amd64 public.ecr.aws/docker/library/node:22@sha256:${'a'.repeat(64)} AS runtime`,
	`COPY --from=${OTHER}/tools:1 /bin/tool /bin/tool`,
	'COPY --from=build /out /app',
	`FROM ${HOST}/app:latest`,
	'',
].join('\n');

let machine: BindingMachine;
let directory: string;

beforeEach(async () => {
	machine = await createBindingMachine();
	directory = await mkdtemp(path.join(tmpdir(), 'ecr-setup-build-offer-'));
});

afterEach(async () => {
	cleanup();
	await machine.cleanup();
	await rm(directory, {recursive: true, force: true});
});

function doneState(profile?: string): WizardState {
	return stateAfterRepository({
		step: 'done',
		identity: {account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/dev`, kind: 'iam-user'},
		region: 'eu-west-1',
		registry: HOST,
		auth: {method: 'helper', verified: true, ...(profile ? {profile} : {})},
	});
}

function renderDone(state: WizardState, profile?: string) {
	const {ctx} = bindingContext(machine, profile ? {profile} : {});
	const Wrapped = (props: StepProps) => (
		<Box flexDirection="column" width={80}>
			<CiFilesProvider value={ciFilesAt(directory)}>
				<DoneStep {...props} />
			</CiFilesProvider>
		</Box>
	);
	return renderStep(Wrapped, {services: ctx.services, state});
}

async function credHelpers(): Promise<Record<string, string> | undefined> {
	return (JSON.parse(await readFile(machine.configFile, 'utf8')) as {credHelpers?: Record<string, string>}).credHelpers;
}

describe('done step: the registries a build in the working directory pulls from', () => {
	it('lists them; b shows the diff; y gives the wizard account’s registries the helper and leaves the other account’s', async () => {
		await writeFile(path.join(directory, 'Dockerfile'), DOCKERFILE);
		const step = renderDone(doneState());
		const summary = flat(await step.app.waitFor('b build registries'));
		expect(summary).toContain(
			'Dockerfile also pulls from 2 registries of this account and 1 of another account that docker has no helper for: b to set them up',
		);
		await step.app.press('b');
		const shown = flat(await step.app.waitFor('Write these changes?'));
		expect(shown).toContain(`${BASE}: add ecr-login (Dockerfile:3)`);
		expect(shown).toContain('public.ecr.aws: add ecr-login (Dockerfile:5)');
		expect(shown).toContain(`${OTHER}: account ${OTHER_ACCOUNT}, not the one signed in`);
		expect(shown).toContain('$ ecr-setup configure-helper --from-file Dockerfile');
		// The push registry is the authentication step's business, not this offer's.
		expect(shown).not.toContain(`${HOST}:`);
		expect(shown).toContain(`"${BASE}": "ecr-login"`);
		await step.app.press('y');
		const after = flat(await step.app.waitFor('Files changed'));
		expect(await credHelpers()).toEqual({[BASE]: 'ecr-login', 'public.ecr.aws': 'ecr-login'});
		expect(after).toContain(`credHelpers["${BASE}"] = "ecr-login"`);
		// Planned again after the write: only the other account's registry is left.
		expect(flat(await step.app.waitFor('b to set it up'))).toContain(
			'Dockerfile also pulls from 1 of another account that docker has no helper for: b to set it up',
		);
	});

	it('with the profile the wizard bound, the registries get its wrapper, and the command carries --profile', async () => {
		await writeFile(path.join(directory, 'Dockerfile'), DOCKERFILE);
		const step = renderDone(doneState('prod'), 'prod');
		await step.app.waitFor('b build registries');
		await step.app.press('b');
		const shown = flat(await step.app.waitFor('Write these changes?'));
		expect(shown).toContain('$ ecr-setup configure-helper --from-file Dockerfile --profile prod');
		expect(shown).toContain(`${BASE}: add ecr-login-prod`);
		await step.app.press('y');
		await step.app.waitFor('Files changed');
		await expectEventually(async () =>
			expect(await credHelpers()).toEqual({[BASE]: 'ecr-login-prod', 'public.ecr.aws': 'ecr-login-prod'}),
		);
		const wrapper = path.join(machine.helperDir, 'docker-credential-ecr-login-prod');
		expect(await readFile(wrapper, 'utf8')).toContain('AWS_PROFILE');
		expect((await stat(wrapper)).mode & 0o777).toBe(0o755);
	});

	it('n and Esc write nothing', async () => {
		await writeFile(path.join(directory, 'Dockerfile'), DOCKERFILE);
		await writeFile(machine.configFile, '{\n\t"auths": {}\n}\n');
		const before = await readFile(machine.configFile);
		const step = renderDone(doneState());
		await step.app.waitFor('b build registries');
		await step.app.press('b');
		await step.app.waitFor('Write these changes?');
		await step.app.press('n');
		await step.app.waitFor('b build registries');
		await step.app.press('b');
		await step.app.waitFor('Write these changes?');
		await step.app.press(ESCAPE);
		await step.app.waitFor('b build registries');
		expect((await readFile(machine.configFile)).equals(before)).toBe(true);
		expect(await machine.backups()).toEqual([]);
	});

	it('a registry docker already has a helper for is shown as such, and nothing is offered when all are set up', async () => {
		await writeFile(path.join(directory, 'Dockerfile'), `FROM ${BASE}/base:1\n`);
		await writeFile(machine.configFile, JSON.stringify({credHelpers: {[BASE]: 'ecr-login'}}));
		const step = renderDone(doneState());
		const summary = flat(await step.app.waitFor('docker has a helper for every ECR registry'));
		expect(summary).toContain('docker has a helper for every ECR registry Dockerfile pulls from');
	});

	it('a compose file’s images and its build’s Dockerfile are read; a broken compose file is reported, not fatal', async () => {
		await writeFile(
			path.join(directory, 'compose.yaml'),
			`services:\n  db:\n    image: ${BASE}/db:16\n  web:\n    build: .\n`,
		);
		await writeFile(path.join(directory, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/node:22\n');
		const {ctx} = bindingContext(machine);
		const offer = await planBuildOffer(ctx.services, doneState(), directory);
		expect(offer?.files).toEqual(['Dockerfile', 'compose.yaml']);
		expect(offer?.registries.map((registry) => [registry.host, registry.status])).toEqual([
			['public.ecr.aws', 'add'],
			[BASE, 'add'],
		]);

		await writeFile(path.join(directory, 'compose.yaml'), 'services: [unclosed\n');
		const step = renderDone(doneState());
		expect(flat(await step.app.waitFor('could not be read'))).toContain('The build files here could not be read');
	});

	it('no build file: no offer', async () => {
		expect(await buildFilesIn(directory)).toEqual([]);
		const {ctx} = bindingContext(machine);
		expect(await planBuildOffer(ctx.services, doneState(), directory)).toBeUndefined();
		const step = renderDone(doneState());
		const summary = flat(await step.app.waitFor('Files changed'));
		expect(summary).not.toContain('build registries');
	});
});

async function expectEventually(check: () => Promise<void>): Promise<void> {
	const deadline = Date.now() + 2000;
	for (;;) {
		try {
			await check();
			return;
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	}
}
