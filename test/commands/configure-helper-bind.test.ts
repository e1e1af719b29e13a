/**
 * `configure-helper --registry HOST --profile P` and `--unbind`, on real files (config.json, the wrapper) with fakes for
 * AWS and the helper's runs.
 */
import {readFile, readdir, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {configureHelperCommand} from '../../source/commands/configure-helper.js';
import {wrapperText} from '../../source/credential-helper/wrapper.js';
import {
	ACCOUNT,
	HOST,
	OTHER_ACCOUNT,
	bindingContext,
	createBindingMachine,
	type BindingMachine,
} from '../helpers/binding-machine.js';

const USER_CONFIG = '{\n\t"auths": {\n\t\t"ghcr.io": {}\n\t},\n\t"detachKeys": "ctrl-x,x"\n}\n';

let machine: BindingMachine;
const wrapperPath = () => path.join(machine.helperDir, 'docker-credential-ecr-login-prod');

beforeEach(async () => {
	machine = await createBindingMachine();
	await writeFile(machine.configFile, USER_CONFIG);
});

afterEach(async () => {
	await machine.cleanup();
});

describe('configure-helper --registry HOST --profile P', () => {
	it('names the wrapper in credHelpers, writes it next to the helper, shows both diffs and verifies it', async () => {
		const {ctx, io} = bindingContext(machine, {profile: 'prod'});
		const result = await configureHelperCommand.run(ctx);
		const config = JSON.parse(await readFile(machine.configFile, 'utf8')) as Record<string, unknown>;
		expect(config).toEqual({auths: {'ghcr.io': {}}, detachKeys: 'ctrl-x,x', credHelpers: {[HOST]: 'ecr-login-prod'}});
		const text = wrapperText('prod', machine.helper, 'sh');
		expect(await readFile(wrapperPath(), 'utf8')).toBe(text);
		expect((await stat(wrapperPath())).mode & 0o777).toBe(0o755);
		const out = io.stdout.join('\n');
		expect(out).toContain(`Profile prod reaches account ${ACCOUNT}.`);
		expect(out).toContain(`+\t\t"${HOST}": "ecr-login-prod"`);
		// The wrapper's full text, every line of it, is in the diff.
		for (const line of text.trimEnd().split('\n')) expect(out).toContain(`+${line}`);
		expect(out).toContain('New wrapper (next to docker-credential-ecr-login)');
		expect(machine.gets).toEqual([[HOST, 'ecr-login-prod']]);
		expect(await machine.backups()).toHaveLength(1);
		expect(result.json).toMatchObject({
			hosts: [HOST],
			profile: 'prod',
			account: ACCOUNT,
			wrapper: wrapperPath(),
			changed: true,
			written: true,
			verified: true,
		});
	});

	it('binding again changes nothing: config and wrapper byte for byte, no backup, no question', async () => {
		await configureHelperCommand.run(bindingContext(machine, {profile: 'prod'}).ctx);
		const config = await readFile(machine.configFile);
		const wrapper = await readFile(wrapperPath());
		const backups = await machine.backups();
		const {ctx, io} = bindingContext(machine, {profile: 'prod', interactive: true});
		const result = await configureHelperCommand.run(ctx);
		expect(io.stdout.join('\n')).toContain(`Already bound: ${HOST} uses profile prod through ${wrapperPath()}`);
		expect(io.questions).toEqual([]);
		expect((await readFile(machine.configFile)).equals(config)).toBe(true);
		expect((await readFile(wrapperPath())).equals(wrapper)).toBe(true);
		expect(await machine.backups()).toEqual(backups);
		expect(result.json).toMatchObject({changed: false, written: false});
	});

	it('refuses a profile that does not exist, listing those that do (exit 2), before asking AWS anything', async () => {
		const {ctx} = bindingContext(machine, {profile: 'staging'});
		await expect(configureHelperCommand.run(ctx)).rejects.toMatchObject({
			exitCode: 2,
			message: 'There is no AWS profile "staging".',
			hint: expect.stringContaining(': default, prod.'),
		});
		expect(machine.stsCalls).toEqual([]);
		expect(await readFile(machine.configFile, 'utf8')).toBe(USER_CONFIG);
	});

	it('refuses a profile name that cannot name a file, saying which character (exit 2)', async () => {
		machine.profiles.push({name: 'team a'});
		const {ctx} = bindingContext(machine, {profile: 'team a'});
		await expect(configureHelperCommand.run(ctx)).rejects.toMatchObject({
			exitCode: 2,
			message: expect.stringContaining('holds a space'),
		});
		expect(await readdir(machine.helperDir)).toEqual(['docker-credential-ecr-login']);
	});

	it('a cross-account binding: says so, names the repository policy, and asks (no: nothing written)', async () => {
		machine.accounts.set('prod', OTHER_ACCOUNT);
		const {ctx, io} = bindingContext(machine, {profile: 'prod', interactive: true, answers: [false]});
		await expect(configureHelperCommand.run(ctx)).rejects.toMatchObject({message: 'Nothing was bound.'});
		expect(io.stderr.join('\n')).toContain(`belongs to account ${ACCOUNT}`);
		expect(io.stderr.join('\n')).toContain('repository policy');
		expect(io.questions).toEqual([`Bind ${HOST} to profile prod all the same?`]);
		expect(await readFile(machine.configFile, 'utf8')).toBe(USER_CONFIG);
		expect(await readdir(machine.helperDir)).toEqual(['docker-credential-ecr-login']);

		const yes = bindingContext(machine, {profile: 'prod', interactive: true, answers: [true, true]});
		await configureHelperCommand.run(yes.ctx);
		expect(yes.io.questions).toHaveLength(2);
		expect(JSON.parse(await readFile(machine.configFile, 'utf8')).credHelpers).toEqual({[HOST]: 'ecr-login-prod'});
	});

	it('when STS cannot say which account, warns and asks (a CI run without --yes stops, writing nothing)', async () => {
		machine.accounts.set('prod', new Error('The SSO session associated with this profile has expired'));
		const {ctx, io} = bindingContext(machine, {profile: 'prod', yes: false});
		await expect(configureHelperCommand.run(ctx)).rejects.toMatchObject({exitCode: 2});
		expect(io.stderr.join('\n')).toContain('could not find out which AWS account profile prod reaches');
		expect(await readFile(machine.configFile, 'utf8')).toBe(USER_CONFIG);
	});

	it('with no writable directory on PATH: says which to add, exit 1, nothing half set up', async () => {
		machine.closed.add(machine.helperDir);
		machine.closed.add(machine.userBin);
		const {ctx} = bindingContext(machine, {profile: 'prod'});
		await expect(configureHelperCommand.run(ctx)).rejects.toMatchObject({
			exitCode: 1,
			hint: expect.stringContaining(`Add ${machine.userBin} to PATH`),
		});
		expect(await readFile(machine.configFile, 'utf8')).toBe(USER_CONFIG);
		expect(await machine.backups()).toEqual([]);
	});

	it('goes to ~/.local/bin when the helper’s directory is not writable', async () => {
		machine.closed.add(machine.helperDir);
		await configureHelperCommand.run(bindingContext(machine, {profile: 'prod'}).ctx);
		expect(await readFile(path.join(machine.userBin, 'docker-credential-ecr-login-prod'), 'utf8')).toContain(
			'AWS_PROFILE=prod',
		);
	});

	it('never overwrites a file of that name that ecr-setup did not write (exit 1, config untouched)', async () => {
		await writeFile(wrapperPath(), '#!/bin/sh\n# my own\n', {mode: 0o755});
		const {ctx} = bindingContext(machine, {profile: 'prod'});
		await expect(configureHelperCommand.run(ctx)).rejects.toMatchObject({
			exitCode: 1,
			message: expect.stringContaining('was not written by ecr-setup'),
		});
		expect(await readFile(wrapperPath(), 'utf8')).toBe('#!/bin/sh\n# my own\n');
		expect(await readFile(machine.configFile, 'utf8')).toBe(USER_CONFIG);
	});

	it('takes the new wrapper back when config.json cannot be written', async () => {
		const {ctx, io} = bindingContext(machine, {
			profile: 'prod',
			dockerConfig: (real) => ({
				...real,
				dir: real.dir,
				apply: async () => {
					throw new Error('ENOSPC: no space left on device');
				},
			}),
		});
		await expect(configureHelperCommand.run(ctx)).rejects.toThrow(/ENOSPC/);
		expect(io.stderr.join('\n')).toContain('taken back');
		expect(await readdir(machine.helperDir)).toEqual(['docker-credential-ecr-login']);
	});

	it('--dry-run shows the config diff and the wrapper and writes neither', async () => {
		const {ctx, io} = bindingContext(machine, {profile: 'prod', dryRun: true});
		const result = await configureHelperCommand.run(ctx);
		expect(io.stdout.join('\n')).toContain('+AWS_PROFILE=prod');
		expect(io.stdout.join('\n')).toContain('"ecr-login-prod"');
		expect(io.stdout.join('\n')).toContain('Dry run: nothing was written.');
		expect(await readFile(machine.configFile, 'utf8')).toBe(USER_CONFIG);
		expect(await readdir(machine.helperDir)).toEqual(['docker-credential-ecr-login']);
		expect(result.json).toMatchObject({written: false});
	});

	it('warns when the helper cannot use the profile: MFA, or an sso-session with a 0.6 helper', async () => {
		machine.profiles = [{name: 'prod', region: 'eu-west-1', ssoSession: 'corp', mfa: true}];
		machine.helperVersion = '0.6.4';
		const {ctx, io} = bindingContext(machine, {profile: 'prod'});
		await configureHelperCommand.run(ctx);
		const err = io.stderr.join('\n');
		expect(err).toContain('Warning: Profile prod asks for an MFA code');
		expect(err).toContain('Warning: docker-credential-ecr-login 0.6.4 stops with a panic');
	});

	it('without --profile, a bound host keeps its binding (and says how to unbind it)', async () => {
		await configureHelperCommand.run(bindingContext(machine, {profile: 'prod'}).ctx);
		const before = await readFile(machine.configFile);
		const {ctx, io} = bindingContext(machine);
		await configureHelperCommand.run(ctx);
		expect(io.stdout.join('\n')).toContain(
			`${HOST} is bound to profile prod (docker-credential-ecr-login-prod): left as it is.`,
		);
		expect((await readFile(machine.configFile)).equals(before)).toBe(true);
	});

	it('without --profile it still sets the plain helper, and never a wrapper', async () => {
		const {ctx} = bindingContext(machine);
		await configureHelperCommand.run(ctx);
		expect(JSON.parse(await readFile(machine.configFile, 'utf8')).credHelpers).toEqual({[HOST]: 'ecr-login'});
		expect(await readdir(machine.helperDir)).toEqual(['docker-credential-ecr-login']);
	});
});

describe('configure-helper --registry HOST --unbind', () => {
	const SECOND = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;

	it('puts the plain helper back; the wrapper goes once no host names it', async () => {
		await configureHelperCommand.run(bindingContext(machine, {profile: 'prod', flags: {registry: [HOST, SECOND]}}).ctx);
		const first = bindingContext(machine, {flags: {registry: [HOST], unbind: true}});
		await configureHelperCommand.run(first.ctx);
		expect(JSON.parse(await readFile(machine.configFile, 'utf8')).credHelpers).toEqual({
			[HOST]: 'ecr-login',
			[SECOND]: 'ecr-login-prod',
		});
		expect(await readFile(wrapperPath(), 'utf8')).toContain('AWS_PROFILE=prod');

		const second = bindingContext(machine, {flags: {registry: [SECOND], unbind: true}});
		const result = await configureHelperCommand.run(second.ctx);
		expect(second.io.stdout.join('\n')).toContain(`Removes ${wrapperPath()}`);
		expect(JSON.parse(await readFile(machine.configFile, 'utf8')).credHelpers).toEqual({
			[HOST]: 'ecr-login',
			[SECOND]: 'ecr-login',
		});
		expect(await readdir(machine.helperDir)).toEqual(['docker-credential-ecr-login']);
		expect(result.json).toMatchObject({unbound: [{host: SECOND, profile: 'prod'}], removed: [wrapperPath()]});
	});

	it('says so when the host is not bound, and changes nothing', async () => {
		const {ctx, io} = bindingContext(machine, {flags: {registry: [HOST], unbind: true}});
		const result = await configureHelperCommand.run(ctx);
		expect(io.stdout.join('\n')).toContain(`${HOST} is not bound to a profile: nothing to unbind.`);
		expect(await readFile(machine.configFile, 'utf8')).toBe(USER_CONFIG);
		expect(result.json).toMatchObject({changed: false});
	});

	it('leaves a wrapper of that name that ecr-setup did not write', async () => {
		await writeFile(machine.configFile, `{\n\t"credHelpers": {\n\t\t"${HOST}": "ecr-login-prod"\n\t}\n}\n`);
		await writeFile(wrapperPath(), '#!/bin/sh\n# mine\n', {mode: 0o755});
		const {ctx, io} = bindingContext(machine, {flags: {registry: [HOST], unbind: true}});
		await configureHelperCommand.run(ctx);
		expect(io.stderr.join('\n')).toContain(`${wrapperPath()} was not written by ecr-setup: it is left as it is.`);
		expect(await readFile(wrapperPath(), 'utf8')).toBe('#!/bin/sh\n# mine\n');
		expect(JSON.parse(await readFile(machine.configFile, 'utf8')).credHelpers).toEqual({[HOST]: 'ecr-login'});
	});
});
