/**
 * `configure-helper --from-file`: the ECR registries of real build files become credHelpers entries through the real
 * DockerConfigService (a temporary directory); AWS is not faked, so any AWS call would fail the test.
 */
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {main} from '../../source/cli.js';
import {configureHelperCommand} from '../../source/commands/configure-helper.js';
import type {CommandContext, ParsedFlags} from '../../source/commands/types.js';
import {createDockerConfigService} from '../../source/docker-config/service.js';
import {BuildFileError} from '../../source/docker/build-files.js';
import {streams} from '../helpers/cli-streams.js';
import {createFakeServices, createRecordingIo} from '../helpers/fake-services.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'build-files');
const US = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const EU = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const MUMBAI = '210987654321.dkr.ecr.ap-south-1.amazonaws.com';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-from-file-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

function context(flags: ParsedFlags, options: {dryRun?: boolean; helper?: boolean} = {}) {
	const dockerConfig = createDockerConfigService({dir, now: () => new Date('2026-11-27T21:00:00Z')});
	const get = vi.fn(async (_host: string) => ({ok: true as const, username: 'AWS'}));
	const services = createFakeServices({
		dockerConfig,
		env: {HOME: dir},
		runner: {which: async (command: string) => (command === 'docker' ? '/usr/bin/docker' : null)},
		// Without `helper`, the strict fake throws on any use: a run that configures nothing must not look for it.
		...(options.helper === false
			? {}
			: {
					helper: {
						find: async () => ({name: 'ecr-login', path: '/usr/bin/docker-credential-ecr-login', version: '0.9.0'}),
						get,
					},
				}),
	});
	const io = createRecordingIo({yes: true});
	const ctx = {
		services,
		io,
		options: {
			profile: undefined,
			region: undefined,
			config: dir,
			engine: 'docker',
			json: false,
			yes: true,
			dryRun: options.dryRun ?? false,
			color: false,
			verbose: false,
		},
		flags,
		positionals: [],
		signal: new AbortController().signal,
	} as CommandContext;
	return {ctx, io, get};
}

const fixture = (name: string) => path.join(FIXTURES, name);
const credHelpers = async () =>
	(JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as {credHelpers?: Record<string, string>})
		.credHelpers;

describe('configure-helper --from-file', () => {
	it('configures every ECR registry a compose project pulls from, and lists the others it leaves alone', async () => {
		const {ctx, io, get} = context({'from-file': [fixture('compose-shop/compose.yaml')]});
		const result = await configureHelperCommand.run(ctx);
		expect(await credHelpers()).toEqual({[US]: 'ecr-login', 'public.ecr.aws': 'ecr-login', [EU]: 'ecr-login'});
		expect(get.mock.calls.map(([host]) => host)).toEqual([US, 'public.ecr.aws', EU]);
		const out = io.stdout.join('\n');
		expect(out).toContain(`ECR  ${EU}  (${fixture('compose-shop/api/Dockerfile.prod')}:3)`);
		expect(out).toMatch(/Not ECR, left alone: docker\.io \(.*compose\.yaml:23, .*web\/Dockerfile:1\), ghcr\.io \(/);
		expect(result.json).toMatchObject({
			hosts: [US, 'public.ecr.aws', EU],
			changed: true,
			written: true,
			buildFiles: {
				files: [
					fixture('compose-shop/compose.yaml'),
					fixture('compose-shop/api/Dockerfile.prod'),
					fixture('compose-shop/web/Dockerfile'),
				],
				other: [{host: 'docker.io'}, {host: 'ghcr.io'}],
			},
		});
	});

	it('adds --registry and --public to the files’ registries, each once, and says so when run again', async () => {
		const flags = {
			'from-file': [fixture('digests.Dockerfile'), fixture('lowercase.Dockerfile')],
			registry: [EU, US],
			public: true,
		};
		await configureHelperCommand.run(context(flags).ctx);
		expect(Object.keys((await credHelpers()) ?? {})).toEqual([MUMBAI, EU, US, 'public.ecr.aws']);
		const again = context(flags);
		expect(await configureHelperCommand.run(again.ctx)).toMatchObject({json: {changed: false, written: false}});
		expect(again.io.stdout.join('\n')).toMatch(/Already configured/);
	});

	it('notes the references whose registry depends on a variable the files do not set', async () => {
		const {ctx, io} = context({'from-file': [fixture('unresolved.Dockerfile')]}, {dryRun: true});
		await configureHelperCommand.run(ctx);
		const err = io.stderr.join('\n');
		expect(err).toContain(
			`Note: ${fixture('unresolved.Dockerfile')}:3: the registry of \${BASE_REGISTRY}/base/python:3.12 depends on BASE_REGISTRY`,
		);
		expect(err).toContain('depends on PORT');
		// A dry run shows the change and writes nothing.
		expect(io.stdout.join('\n')).toContain(`"${US}": "ecr-login"`);
		expect(await readdir(dir)).toEqual([]);
	});

	it('configures nothing (and looks for no helper) when the files name no ECR registry', async () => {
		const {ctx, io} = context({'from-file': [fixture('go-multistage.Dockerfile')]}, {helper: false});
		const result = await configureHelperCommand.run(ctx);
		expect(io.stdout.join('\n')).toContain('Not ECR, left alone: docker.io (');
		expect(io.stdout.at(-1)).toBe(`No ECR registry in ${fixture('go-multistage.Dockerfile')}: nothing to configure.`);
		expect(result.json).toMatchObject({hosts: [], changed: false, written: false});
		expect(await readdir(dir)).toEqual([]);
	});

	it('refuses a malformed file before anything is written, naming the file and the line', async () => {
		await writeFile(path.join(dir, 'config.json'), '{"auths": {}}\n');
		const broken = path.join(dir, 'Dockerfile');
		await writeFile(broken, `FROM ${US}/base:1\nRUN <<EOF\necho never ends\n`);
		const {ctx} = context({'from-file': [fixture('digests.Dockerfile'), broken]});
		const error = await configureHelperCommand.run(ctx).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(BuildFileError);
		expect((error as BuildFileError).message).toBe(`${broken}:2: unterminated heredoc: no line "EOF" ends it.`);
		expect((error as BuildFileError).exitCode).toBe(1);
		expect(await readFile(path.join(dir, 'config.json'), 'utf8')).toBe('{"auths": {}}\n');
		expect((await readdir(dir)).sort()).toEqual(['Dockerfile', 'config.json']);
	});
});

describe('ecr-setup configure-helper --from-file (the CLI)', () => {
	it('exits 1 on a file that is not there, saying which, and writes nothing', async () => {
		const s = streams();
		const missing = path.join(dir, 'Dockerfile.prod');
		const args = ['configure-helper', '--from-file', missing, '--config', dir, '--yes'];
		expect(await main(args, s.io, {PATH: '', HOME: dir})).toBe(1);
		expect(s.err.join('')).toContain(`${missing}: there is no such file.`);
		expect(await readdir(dir)).toEqual([]);
	});

	it('prints one JSON document with what the files name', async () => {
		const s = streams();
		const args = [
			'configure-helper',
			'--from-file',
			fixture('compose-remote.yaml'),
			'--config',
			dir,
			'--yes',
			'--json',
		];
		expect(await main(args, s.io, {PATH: '', HOME: dir})).toBe(0);
		const document = JSON.parse(s.out.join('')) as {hosts: string[]; buildFiles: {skipped: Array<{service: string}>}};
		expect(document.hosts).toEqual([MUMBAI]);
		expect(document.buildFiles.skipped.map((build) => build.service)).toEqual(['svc', 'tool']);
	});

	it('describes --from-file in its help', async () => {
		const s = streams();
		expect(await main(['configure-helper', '--help'], s.io, {})).toBe(0);
		expect(s.out.join('')).toMatch(/--from-file FILE\s+Configure every ECR registry a Dockerfile/);
		expect(s.out.join('')).toContain('it leaves alone');
	});
});
