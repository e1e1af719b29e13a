/**
 * `configure-helper --from-file` across accounts, on real files (a Dockerfile, config.json, the wrappers) with fakes for
 * STS per profile and the helper's runs: a registry of another account than the shell's is bound to a profile that
 * reaches it; one no profile reaches keeps the plain helper and is named with what to do.
 */
import {readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {configureHelperCommand} from '../../source/commands/configure-helper.js';
import {
	ACCOUNT,
	type BindingMachine,
	HOST,
	OTHER_ACCOUNT,
	bindingContext,
	createBindingMachine,
} from '../helpers/binding-machine.js';

const OTHER = `${OTHER_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
const DOCKERFILE = [
	`ARG TOOLS=${OTHER}/tools:1`,
	`FROM ${HOST}/base:22 AS build`,
	'FROM ${TOOLS} AS tools',
	'FROM public.ecr.aws/docker/library/alpine:3.20',
	'COPY --from=build /out /app',
	'',
].join('\n');

let machine: BindingMachine;
let dockerfile: string;

beforeEach(async () => {
	machine = await createBindingMachine();
	dockerfile = path.join(machine.root, 'Dockerfile');
	await writeFile(dockerfile, DOCKERFILE);
	machine.accounts.set('default', ACCOUNT);
	machine.accounts.set('prod', OTHER_ACCOUNT);
});

afterEach(async () => {
	await machine.cleanup();
});

async function credHelpers(): Promise<Record<string, string> | undefined> {
	return (JSON.parse(await readFile(machine.configFile, 'utf8')) as {credHelpers?: Record<string, string>}).credHelpers;
}

function run() {
	const {ctx, io} = bindingContext(machine, {flags: {'from-file': [dockerfile]}});
	return {io, result: configureHelperCommand.run(ctx)};
}

describe('configure-helper --from-file with registries of several accounts', () => {
	it('binds the other account’s registry to the profile that reaches it; the shell’s account and ECR Public stay plain', async () => {
		const {io, result} = run();
		const done = await result;
		expect(done.exitCode ?? 0).toBe(0);
		expect(await credHelpers()).toEqual({
			[HOST]: 'ecr-login',
			[OTHER]: 'ecr-login-prod',
			'public.ecr.aws': 'ecr-login',
		});
		const wrapper = path.join(machine.helperDir, 'docker-credential-ecr-login-prod');
		expect(await readFile(wrapper, 'utf8')).toContain('AWS_PROFILE=prod');
		expect(io.stdout.join('\n')).toContain(`${OTHER}: account ${OTHER_ACCOUNT}, reached by profile prod: bound to it.`);
		// One question for the config change and the wrapper together, and each helper asked once.
		expect(machine.gets).toEqual([
			[HOST, 'ecr-login'],
			[OTHER, 'ecr-login-prod'],
		]);
		expect(done.json).toMatchObject({
			account: ACCOUNT,
			bindings: [{host: OTHER, account: OTHER_ACCOUNT, profile: 'prod'}],
			written: true,
			verified: true,
		});
	});

	it('run again, it changes nothing: config and wrapper byte for byte', async () => {
		await run().result;
		const config = await readFile(machine.configFile);
		const second = run();
		const done = await second.result;
		expect(done.json).toMatchObject({changed: false, written: false});
		expect(second.io.stdout.join('\n')).toContain('Nothing to change.');
		expect((await readFile(machine.configFile)).equals(config)).toBe(true);
		expect(await machine.backups()).toHaveLength(0);
	});

	it('an account no profile reaches keeps the plain helper, and the note says how to bind one', async () => {
		machine.accounts.set('prod', ACCOUNT);
		const {io, result} = run();
		const done = await result;
		expect(done.exitCode ?? 0).toBe(0);
		expect(await credHelpers()).toEqual({[HOST]: 'ecr-login', [OTHER]: 'ecr-login', 'public.ecr.aws': 'ecr-login'});
		const err = io.stderr.join('\n');
		expect(err).toContain(`Note: no profile reaches account ${OTHER_ACCOUNT} (${OTHER}): it gets the plain helper`);
		expect(err).toContain(`ecr-setup configure-helper --registry ${OTHER} --profile P`);
	});

	it('when the shell has no credentials, each registry a profile reaches is bound to it', async () => {
		machine.accounts.set('default', new Error('Could not load credentials from any providers'));
		machine.accounts.set('dev', ACCOUNT);
		machine.profiles.push({name: 'dev', region: 'eu-west-1'});
		const done = await run().result;
		expect(done.exitCode ?? 0).toBe(0);
		expect(await credHelpers()).toEqual({
			[HOST]: 'ecr-login-dev',
			[OTHER]: 'ecr-login-prod',
			'public.ecr.aws': 'ecr-login',
		});
	});

	it('with no AWS profiles at all, every registry gets the plain helper and STS is not asked', async () => {
		machine.profiles.length = 0;
		const done = await run().result;
		expect(done.exitCode ?? 0).toBe(0);
		expect(await credHelpers()).toEqual({[HOST]: 'ecr-login', [OTHER]: 'ecr-login', 'public.ecr.aws': 'ecr-login'});
		expect(machine.stsCalls).toEqual([]);
	});
});
