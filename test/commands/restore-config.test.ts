/** `restore-config` undoes a binding: config.json from the backup, and the wrappers the backup no longer names go. */
import {readFile, readdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {configureHelperCommand} from '../../source/commands/configure-helper.js';
import {restoreConfigCommand} from '../../source/commands/restore-config.js';
import {HOST, bindingContext, createBindingMachine, type BindingMachine} from '../helpers/binding-machine.js';

const USER_CONFIG = '{\n\t"detachKeys": "ctrl-x,x"\n}\n';

let machine: BindingMachine;

beforeEach(async () => {
	machine = await createBindingMachine();
	await writeFile(machine.configFile, USER_CONFIG);
});

afterEach(async () => {
	await machine.cleanup();
});

describe('restore-config after a binding', () => {
	it('puts config.json back and removes the wrapper ecr-setup wrote for it', async () => {
		await configureHelperCommand.run(bindingContext(machine, {profile: 'prod'}).ctx);
		const {ctx, io} = bindingContext(machine, {flags: {}});
		const result = await restoreConfigCommand.run(ctx);
		expect(await readFile(machine.configFile, 'utf8')).toBe(USER_CONFIG);
		expect(await readdir(machine.helperDir)).toEqual(['docker-credential-ecr-login']);
		const wrapper = path.join(machine.helperDir, 'docker-credential-ecr-login-prod');
		expect(io.stdout.join('\n')).toContain(
			`Removes ${wrapper} (profile prod’s wrapper, which the backup does not name).`,
		);
		expect(result.json).toMatchObject({restored: true, removedWrappers: [wrapper]});
	});

	it('--dry-run names the wrapper it would remove and removes nothing', async () => {
		await configureHelperCommand.run(bindingContext(machine, {profile: 'prod'}).ctx);
		const {ctx, io} = bindingContext(machine, {flags: {}, dryRun: true});
		await restoreConfigCommand.run(ctx);
		expect(io.stdout.join('\n')).toContain('Removes ');
		expect((await readdir(machine.helperDir)).sort()).toEqual([
			'docker-credential-ecr-login',
			'docker-credential-ecr-login-prod',
		]);
	});

	it('keeps a wrapper another host still names, and one ecr-setup did not write', async () => {
		const other = path.join(machine.helperDir, 'docker-credential-ecr-login-dev');
		await writeFile(other, '#!/bin/sh\n# mine\n', {mode: 0o755});
		await writeFile(machine.configFile, `{\n\t"credHelpers": {\n\t\t"${HOST}": "ecr-login-dev"\n\t}\n}\n`);
		await configureHelperCommand.run(bindingContext(machine, {profile: 'prod'}).ctx);
		const {ctx, io} = bindingContext(machine, {flags: {}});
		await restoreConfigCommand.run(ctx);
		// The backup (before the binding) names ecr-login-dev: the file stays, and it is said that it is not ecr-setup's.
		expect(await readFile(other, 'utf8')).toBe('#!/bin/sh\n# mine\n');
		expect(io.stderr.join('\n')).toContain('the backup binds registries to profile dev');
		expect((await readdir(machine.helperDir)).sort()).toEqual([
			'docker-credential-ecr-login',
			'docker-credential-ecr-login-dev',
		]);
	});

	it('restoring a backup that binds a profile says when its wrapper is gone', async () => {
		await configureHelperCommand.run(bindingContext(machine, {profile: 'prod'}).ctx);
		await configureHelperCommand.run(bindingContext(machine, {flags: {registry: [HOST], unbind: true}}).ctx);
		const backups = await machine.backups();
		const bound = path.join(machine.configDir, backups.at(-1)!);
		expect(await readFile(bound, 'utf8')).toContain('ecr-login-prod');
		const {ctx, io} = bindingContext(machine, {flags: {}});
		await restoreConfigCommand.run({...ctx, positionals: [bound]});
		expect(await readFile(machine.configFile, 'utf8')).toContain('ecr-login-prod');
		expect(io.stderr.join('\n')).toContain(
			'`ecr-setup configure-helper --registry HOST --profile prod` writes it again',
		);
	});
});
