/**
 * `sudo ecr-setup configure-helper`: the config this run edits is not the one docker reads when the user runs it, so the
 * command says which file each way of running docker reads (real files; fake processes).
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {configureHelperCommand} from '../../../source/commands/configure-helper.js';
import type {CommandContext} from '../../../source/commands/types.js';
import {createDockerConfigService} from '../../../source/docker-config/service.js';
import {createFakeServices, createRecordingIo} from '../../helpers/fake-services.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
// A name no test machine's own user has, so "this run is not the invoking user" holds everywhere.
const INVOKER = 'dev-jane-e2e';

let dir: string;

beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-sudo-'));
});

afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

function context(env: Record<string, string>) {
	const services = createFakeServices({
		dockerConfig: createDockerConfigService({dir}),
		env,
		runner: {which: async (command: string) => (command === 'docker' ? '/usr/bin/docker' : null)},
		helper: {find: async () => null},
	});
	const io = createRecordingIo({yes: true});
	const ctx = {
		services,
		io,
		options: {
			profile: undefined,
			region: undefined,
			config: dir,
			json: false,
			yes: true,
			dryRun: false,
			color: false,
			verbose: false,
		},
		flags: {registry: [HOST]},
		positionals: [],
		signal: new AbortController().signal,
	} as CommandContext;
	return {ctx, io};
}

describe('configure-helper under sudo', () => {
	it('names the file this run edits, the one `sudo docker` reads and the one the user’s docker reads; still writes', async () => {
		const {ctx, io} = context({SUDO_USER: INVOKER});
		await configureHelperCommand.run(ctx);
		const notes = io.stderr.join('\n');
		expect(notes).toContain(`runs under sudo (SUDO_USER=${INVOKER}) and edits ${path.join(dir, 'config.json')}`);
		expect(notes).toContain('`sudo docker` reads /root/.docker/config.json');
		expect(notes).toContain(`docker run as ${INVOKER} reads /home/${INVOKER}/.docker/config.json`);
		expect(notes).toContain(`--config /home/${INVOKER}/.docker`);
		expect(notes).toMatch(/helper runs as root|docker-credential-ecr-login runs as root/);
		expect(JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'))).toEqual({
			credHelpers: {[HOST]: 'ecr-login'},
		});
	});

	it('says nothing about sudo when SUDO_USER is not set', async () => {
		const {ctx, io} = context({});
		await configureHelperCommand.run(ctx);
		expect(io.stderr.join('\n')).not.toMatch(/sudo/i);
	});
});
