/** `configure-helper --all-profiles [--region R ...]` on real files, with a fake STS answer per profile. */
import {readFile, readdir, writeFile} from 'node:fs/promises';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {toUserError} from '../../source/aws/explain-error.js';
import {configureHelperCommand} from '../../source/commands/configure-helper.js';
import {
	ACCOUNT,
	OTHER_ACCOUNT,
	bindingContext,
	createBindingMachine,
	type BindingMachine,
} from '../helpers/binding-machine.js';

let machine: BindingMachine;
const host = (account: string, region: string) => `${account}.dkr.ecr.${region}.amazonaws.com`;

beforeEach(async () => {
	machine = await createBindingMachine();
	machine.profiles = [
		{name: 'default', region: 'us-east-1'},
		{name: 'admin', region: 'eu-west-1'},
		{name: 'other', region: 'eu-west-1'},
		{name: 'sso'},
	];
	machine.accounts = new Map<string, string | Error>([
		['default', ACCOUNT],
		['admin', ACCOUNT],
		['other', OTHER_ACCOUNT],
		[
			'sso',
			toUserError(
				Object.assign(
					new Error(
						'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.',
					),
					{name: 'CredentialsProviderError'},
				),
				{profile: 'sso'},
			),
		],
	]);
	await writeFile(machine.configFile, '{\n\t"credsStore": "desktop"\n}\n');
});

afterEach(async () => {
	await machine.cleanup();
});

async function credHelpers(): Promise<Record<string, string>> {
	return (JSON.parse(await readFile(machine.configFile, 'utf8')) as {credHelpers: Record<string, string>}).credHelpers;
}

describe('configure-helper --all-profiles', () => {
	it('binds each account’s registries to the first profile that reaches it; one table, one diff, one question', async () => {
		const {ctx, io} = bindingContext(machine, {flags: {'all-profiles': true}, interactive: true, answers: [true]});
		const result = await configureHelperCommand.run(ctx);
		expect(await credHelpers()).toEqual({
			[host(ACCOUNT, 'us-east-1')]: 'ecr-login-default',
			[host(ACCOUNT, 'eu-west-1')]: 'ecr-login-default',
			[host(OTHER_ACCOUNT, 'eu-west-1')]: 'ecr-login-other',
		});
		expect((await readdir(machine.helperDir)).sort()).toEqual([
			'docker-credential-ecr-login',
			'docker-credential-ecr-login-default',
			'docker-credential-ecr-login-other',
		]);
		expect(io.questions).toHaveLength(1);
		const out = io.stdout.join('\n');
		expect(out).toMatch(/account\s+profile\s+registries/);
		expect(out).toContain(`${ACCOUNT}   default (also reached by admin)`);
		expect(out).toContain(`${OTHER_ACCOUNT}   other`);
		// The failing profile is listed with its fix, and did not stop the others.
		const err = io.stderr.join('\n');
		expect(err).toContain('Not bound (1):');
		expect(err).toContain('sso: The SSO session of profile sso has expired');
		expect(err).toContain('→ aws sso login --profile sso');
		expect(result.exitCode ?? 0).toBe(0);
		// Each profile's STS call went to its own region.
		expect(machine.stsCalls).toEqual(
			expect.arrayContaining([
				{profile: 'default', region: 'us-east-1'},
				{profile: 'admin', region: 'eu-west-1'},
			]),
		);
		expect(machine.gets.map(([, name]) => name).sort()).toEqual(['ecr-login-default', 'ecr-login-other']);
	});

	it('a second run changes nothing and asks nothing', async () => {
		await configureHelperCommand.run(bindingContext(machine, {flags: {'all-profiles': true}}).ctx);
		const before = await readFile(machine.configFile);
		const backups = await machine.backups();
		const {ctx, io} = bindingContext(machine, {flags: {'all-profiles': true}, interactive: true});
		await configureHelperCommand.run(ctx);
		expect(io.stdout.join('\n')).toContain('Already bound');
		expect(io.questions).toEqual([]);
		expect((await readFile(machine.configFile)).equals(before)).toBe(true);
		expect(await machine.backups()).toEqual(backups);
	});

	it('binds in the regions given instead of the profiles’ own', async () => {
		const {ctx} = bindingContext(machine, {flags: {'all-profiles': true, region: ['ap-south-1', 'us-west-2']}});
		await configureHelperCommand.run(ctx);
		expect(Object.keys(await credHelpers()).sort()).toEqual(
			[
				host(ACCOUNT, 'ap-south-1'),
				host(ACCOUNT, 'us-west-2'),
				host(OTHER_ACCOUNT, 'ap-south-1'),
				host(OTHER_ACCOUNT, 'us-west-2'),
			].sort(),
		);
	});

	it('keeps a registry already bound to another profile of the same account', async () => {
		await writeFile(
			machine.configFile,
			`{\n\t"credHelpers": {\n\t\t"${host(ACCOUNT, 'eu-west-1')}": "ecr-login-admin"\n\t}\n}\n`,
		);
		await configureHelperCommand.run(bindingContext(machine, {flags: {'all-profiles': true}}).ctx);
		expect((await credHelpers())[host(ACCOUNT, 'eu-west-1')]).toBe('ecr-login-admin');
		expect((await credHelpers())[host(ACCOUNT, 'us-east-1')]).toBe('ecr-login-default');
	});

	it('a profile whose wrapper name is someone else’s file is listed, the others are bound', async () => {
		await writeFile(`${machine.helperDir}/docker-credential-ecr-login-other`, '#!/bin/sh\n', {mode: 0o755});
		const {ctx, io} = bindingContext(machine, {flags: {'all-profiles': true}});
		await configureHelperCommand.run(ctx);
		expect(io.stderr.join('\n')).toContain('other: ');
		expect(io.stderr.join('\n')).toContain('was not written by ecr-setup');
		expect(Object.values(await credHelpers())).toEqual(['ecr-login-default', 'ecr-login-default']);
	});

	it('exits 1 when no profile could be placed', async () => {
		machine.profiles = [{name: 'sso'}];
		const {ctx} = bindingContext(machine, {flags: {'all-profiles': true}});
		const result = await configureHelperCommand.run(ctx);
		expect(result.exitCode).toBe(1);
		expect(await readFile(machine.configFile, 'utf8')).toBe('{\n\t"credsStore": "desktop"\n}\n');
	});

	it('refuses --profile and --registry with it (exit 2)', async () => {
		await expect(
			configureHelperCommand.run(bindingContext(machine, {flags: {'all-profiles': true}, profile: 'prod'}).ctx),
		).rejects.toMatchObject({exitCode: 2});
		await expect(
			configureHelperCommand.run(bindingContext(machine, {flags: {'all-profiles': true, registry: ['x']}}).ctx),
		).rejects.toMatchObject({exitCode: 2});
	});
});
