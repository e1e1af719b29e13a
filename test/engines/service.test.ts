import {lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {parse as parseYaml} from 'yaml';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {configureHelperCommand} from '../../source/commands/configure-helper.js';
import type {CommandContext} from '../../source/commands/types.js';
import {ConfigChangedError, ConfigError} from '../../source/docker-config/errors.js';
import {createEngineConfigService, createEngineDockerService, planFinchYaml} from '../../source/engines/service.js';
import {resolveWritePath} from '../../source/files/atomic-file.js';
import {createFakeRunner} from '../helpers/fake-runner.js';
import {createFakeServices, createRecordingIo} from '../helpers/fake-services.js';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const PUBLIC = 'public.ecr.aws';
const NOW = new Date('2026-11-27T21:00:00.000Z');

let home: string;

beforeEach(async () => {
	home = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-engine-'));
});

afterEach(async () => {
	await rm(home, {recursive: true, force: true});
});

async function backupsIn(dir: string): Promise<string[]> {
	return (await readdir(dir)).filter((name) => name.includes('.ecr-setup-backup-'));
}

describe('podman auth file', () => {
	it('targets ~/.config/containers/auth.json on Linux (the runtime one is emptied at reboot) and creates it 0600', async () => {
		const service = createEngineConfigService({
			os: 'linux',
			env: {XDG_RUNTIME_DIR: path.join(home, 'run')},
			home,
			uid: 1000,
			now: () => NOW,
		});
		const [target] = service.targets('podman');
		expect(target).toMatchObject({
			engine: 'podman',
			role: 'podman-auth',
			format: 'json',
			path: path.join(home, '.config', 'containers', 'auth.json'),
		});
		expect(target!.why).toMatch(/reboot/);

		const config = await service.read(target!);
		expect(config.exists).toBe(false);
		const plan = await service.planHelper(target!, config, [HOST, PUBLIC]);
		expect(plan.changed).toBe(true);
		expect(plan.diff).toContain(`+\t\t"${HOST}": "ecr-login"`);
		const applied = await service.apply(config, plan);
		expect(applied.backupPath).toBeUndefined();

		const written = JSON.parse(await readFile(target!.path, 'utf8')) as {credHelpers: Record<string, string>};
		expect(written.credHelpers).toEqual({[HOST]: 'ecr-login', [PUBLIC]: 'ecr-login'});
		expect((await stat(target!.path)).mode & 0o777).toBe(0o600);
		expect((await stat(path.dirname(target!.path))).mode & 0o777).toBe(0o700);

		// Second run: nothing to change.
		const again = await service.read(target!);
		expect((await service.planHelper(target!, again, [HOST, PUBLIC])).changed).toBe(false);
	});

	it('keeps podman login entries and unknown keys, writes a backup, keeps the mode', async () => {
		const file = path.join(home, 'auth file with spaces.json');
		const original =
			'{\n  "auths": {\n    "quay.io": {\n      "auth": "dXNlcjpwYXNz"\n    }\n  },\n  "x-podman-note": true\n}\n';
		await writeFile(file, original, {mode: 0o640});
		const service = createEngineConfigService({
			os: 'linux',
			env: {REGISTRY_AUTH_FILE: file},
			home,
			uid: 1000,
			now: () => NOW,
		});
		const [target] = service.targets('podman');
		expect(target!.path).toBe(file);
		const config = await service.read(target!);
		const plan = await service.planHelper(target!, config, [HOST]);
		const applied = await service.apply(config, plan);

		const written = await readFile(file, 'utf8');
		const data = JSON.parse(written) as Record<string, unknown>;
		expect(data['auths']).toEqual({'quay.io': {auth: 'dXNlcjpwYXNz'}});
		expect(data['x-podman-note']).toBe(true);
		expect(data['credHelpers']).toEqual({[HOST]: 'ecr-login'});
		// The file's own two-space style is kept for the inserted lines.
		expect(written).toContain(`  "credHelpers": {\n    "${HOST}": "ecr-login"\n  }`);
		expect((await stat(file)).mode & 0o777).toBe(0o640);
		expect(applied.backupPath).toBeDefined();
		expect(await readFile(applied.backupPath!, 'utf8')).toBe(original);
		expect(await backupsIn(home)).toHaveLength(1);
	});

	it('writes through a symlink to its target', async () => {
		const real = path.join(home, 'real', 'auth.json');
		await mkdir(path.dirname(real), {recursive: true});
		await writeFile(real, '{}\n');
		const link = path.join(home, 'link.json');
		await symlink(real, link);
		const service = createEngineConfigService({os: 'linux', env: {REGISTRY_AUTH_FILE: link}, home, now: () => NOW});
		const [target] = service.targets('podman');
		const config = await service.read(target!);
		expect(config.realPath).toBe(await resolveWritePath(real));
		await service.apply(config, await service.planHelper(target!, config, [HOST]));
		expect((await lstat(link)).isSymbolicLink()).toBe(true);
		expect(JSON.parse(await readFile(real, 'utf8'))).toEqual({credHelpers: {[HOST]: 'ecr-login'}});
	});

	it('refuses to write when the file changed after it was read (podman login meanwhile)', async () => {
		const file = path.join(home, 'auth.json');
		await writeFile(file, '{}\n');
		const service = createEngineConfigService({os: 'linux', env: {REGISTRY_AUTH_FILE: file}, home, now: () => NOW});
		const [target] = service.targets('podman');
		const config = await service.read(target!);
		const plan = await service.planHelper(target!, config, [HOST]);
		await writeFile(file, '{"auths": {"quay.io": {"auth": "dXNlcjpwYXNz"}}}\n');
		await expect(service.apply(config, plan)).rejects.toBeInstanceOf(ConfigChangedError);
		expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({auths: {'quay.io': {auth: 'dXNlcjpwYXNz'}}});
		expect(await backupsIn(home)).toEqual([]);
	});

	it('rejects an auth file that is not JSON, naming the line', async () => {
		const file = path.join(home, 'auth.json');
		await writeFile(file, '{\n  "auths": {},\n}\n');
		const service = createEngineConfigService({os: 'linux', env: {REGISTRY_AUTH_FILE: file}, home});
		const error = await service.read(service.targets('podman')[0]!).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(ConfigError);
		expect((error as ConfigError).line).toBe(2); // the trailing comma
	});
});

const FINCH_YAML = `# cpus: the amount of vCPU to dedicate to the virtual machine. (required)
cpus: 4

# memory: the amount of memory to dedicate to the virtual machine. (required)
memory: 4GiB

# additional_directories: the work directories that are not supported by default.
additional_directories:
  # the path should be either absolute or relative to the home directory of the current user.
  - path: /Volumes/src

vmType: "vz"
rosetta: true
`;

describe('Finch', () => {
	it('targets ~/.finch/finch.yaml then ~/.finch/config.json', () => {
		const service = createEngineConfigService({os: 'darwin', env: {}, home});
		expect(service.targets('finch').map((target) => [target.role, target.path, target.format])).toEqual([
			['finch-yaml', path.join(home, '.finch', 'finch.yaml'), 'yaml'],
			['finch-config', path.join(home, '.finch', 'config.json'), 'json'],
		]);
	});

	it('adds creds_helpers: [ecr-login] to finch.yaml, keeping every comment and key; then credHelpers to config.json', async () => {
		await mkdir(path.join(home, '.finch'));
		const yamlFile = path.join(home, '.finch', 'finch.yaml');
		await writeFile(yamlFile, FINCH_YAML);
		await writeFile(path.join(home, '.finch', 'config.json'), '{\n\t"credsStore": "ecr-login"\n}\n');
		const service = createEngineConfigService({os: 'darwin', env: {}, home, now: () => NOW});
		const [yamlTarget, jsonTarget] = service.targets('finch');

		const yamlConfig = await service.read(yamlTarget!);
		const yamlPlan = await service.planHelper(yamlTarget!, yamlConfig, [HOST]);
		expect(yamlPlan.diff).toContain('+creds_helpers:');
		expect(yamlPlan.diff).toContain('+  - ecr-login');
		const yamlApplied = await service.apply(yamlConfig, yamlPlan);
		const written = await readFile(yamlFile, 'utf8');
		// Everything that was there is still there, byte for byte, and only creds_helpers was added.
		expect(written.startsWith(FINCH_YAML)).toBe(true);
		expect(written.slice(FINCH_YAML.length)).toBe('creds_helpers:\n  - ecr-login\n');
		expect(parseYaml(written)).toMatchObject({
			cpus: 4,
			memory: '4GiB',
			vmType: 'vz',
			rosetta: true,
			creds_helpers: ['ecr-login'],
		});
		expect(await readFile(yamlApplied.backupPath!, 'utf8')).toBe(FINCH_YAML);

		const jsonConfig = await service.read(jsonTarget!);
		await service.apply(jsonConfig, await service.planHelper(jsonTarget!, jsonConfig, [HOST]));
		expect(JSON.parse(await readFile(jsonTarget!.path, 'utf8'))).toEqual({
			credsStore: 'ecr-login',
			credHelpers: {[HOST]: 'ecr-login'},
		});

		// Both already done: no change, no new backup.
		expect((await service.planHelper(yamlTarget!, await service.read(yamlTarget!), [HOST])).changed).toBe(false);
		expect((await service.planHelper(jsonTarget!, await service.read(jsonTarget!), [HOST])).changed).toBe(false);
	});

	it.each([
		['creds_helpers:\n  - osxkeychain\n', ['osxkeychain', 'ecr-login']],
		['creds_helpers: [osxkeychain]\ncpus: 2\n', ['osxkeychain', 'ecr-login']],
		['creds_helpers:\n', ['ecr-login']],
		['', ['ecr-login']],
	])('finch.yaml %j gets ecr-login added to its list', async (text, expected) => {
		const plan = await planFinchYaml({path: '/x/finch.yaml', text});
		expect(plan.changed).toBe(true);
		expect((parseYaml(plan.newText) as {creds_helpers: string[]}).creds_helpers).toEqual(expected);
	});

	it('refuses a finch.yaml that is not YAML or whose creds_helpers is not a list', async () => {
		const bad = await planFinchYaml({path: '/x/finch.yaml', text: 'cpus: 4\nmemory: [4GiB\n'}).catch(
			(error: unknown) => error,
		);
		expect(bad).toBeInstanceOf(ConfigError);
		expect((bad as ConfigError).message).toMatch(/\/x\/finch\.yaml/);
		await expect(planFinchYaml({path: '/x/finch.yaml', text: 'creds_helpers: ecr-login\n'})).rejects.toThrow(
			/must be a list/,
		);
		await expect(planFinchYaml({path: '/x/finch.yaml', text: '- a\n- b\n'})).rejects.toThrow(/mapping/);
	});

	it('Windows keeps Finch under %LOCALAPPDATA%', () => {
		const service = createEngineConfigService({
			os: 'win32',
			env: {LOCALAPPDATA: 'C:\\Users\\Jane Doe\\AppData\\Local'},
			home: 'C:\\Users\\Jane Doe',
		});
		expect(service.targets('finch')[0]!.path).toBe('C:\\Users\\Jane Doe\\AppData\\Local\\.finch\\finch.yaml');
	});
});

describe('configure-helper --engine podman|finch (real files, fake processes)', () => {
	function context(
		options: {
			flags?: Record<string, unknown>;
			env?: Record<string, string>;
			found?: Record<string, string | null>;
			dryRun?: boolean;
		} = {},
	) {
		const which = async (command: string) => options.found?.[command] ?? null;
		const env = {HOME: home, XDG_RUNTIME_DIR: path.join(home, 'run'), ...options.env};
		const services = createFakeServices({
			env,
			// The real service, on the temp home's files.
			engineConfig: createEngineConfigService({env}),
			runner: {which},
			helper: {find: async () => ({name: 'ecr-login', path: '/usr/bin/docker-credential-ecr-login'})},
		});
		const io = createRecordingIo({yes: true});
		const ctx = {
			services,
			io,
			options: {
				profile: undefined,
				region: undefined,
				config: undefined,
				json: false,
				yes: true,
				dryRun: options.dryRun ?? false,
				color: false,
				verbose: false,
			},
			flags: {registry: [HOST], ...options.flags},
			positionals: [],
			signal: new AbortController().signal,
		} as CommandContext;
		return {ctx, io};
	}

	it('--engine podman writes credHelpers to ~/.config/containers/auth.json and names a podman login that would win', async () => {
		await mkdir(path.join(home, 'run', 'containers'), {recursive: true});
		await writeFile(
			path.join(home, 'run', 'containers', 'auth.json'),
			JSON.stringify({auths: {[HOST]: {auth: 'QVdTOnRva2Vu'}}}),
		);
		const {ctx, io} = context({flags: {engine: 'podman'}, found: {podman: '/usr/bin/podman'}});
		const result = await configureHelperCommand.run(ctx);
		const file = path.join(home, '.config', 'containers', 'auth.json');
		expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({credHelpers: {[HOST]: 'ecr-login'}});
		expect(result.json).toMatchObject({
			engine: 'podman',
			hosts: [HOST],
			changed: true,
			written: true,
			files: [{path: file, changed: true, written: true}],
		});
		const out = io.stdout.join('\n');
		expect(out).toContain(`+\t\t"${HOST}": "ecr-login"`);
		expect(out).toContain(`holds a podman login for ${HOST}`);
		expect(io.questions).toEqual([`Write these changes to ${file}?`]);

		// Again: already configured, nothing asked.
		const again = context({flags: {engine: 'podman'}, found: {podman: '/usr/bin/podman'}});
		expect((await configureHelperCommand.run(again.ctx)).json).toMatchObject({changed: false, written: false});
		expect(again.io.questions).toEqual([]);
	});

	it('without --engine, podman is used when docker is not on PATH', async () => {
		const {ctx} = context({found: {docker: null, podman: '/usr/bin/podman'}});
		expect((await configureHelperCommand.run(ctx)).json).toMatchObject({engine: 'podman', written: true});
	});

	it('--engine finch --dry-run shows both diffs and writes nothing', async () => {
		const {ctx, io} = context({flags: {engine: 'finch'}, found: {finch: '/usr/local/bin/finch'}, dryRun: true});
		const result = await configureHelperCommand.run(ctx);
		expect(result.json).toMatchObject({engine: 'finch', changed: true, written: false});
		const out = io.stdout.join('\n');
		expect(out).toContain('+creds_helpers:');
		expect(out).toContain(`"${HOST}": "ecr-login"`);
		expect(out).toContain('Dry run: nothing was written.');
		expect(await readdir(home)).not.toContain('.finch');
	});

	it('--engine finch writes finch.yaml and config.json and says to restart the VM', async () => {
		const {ctx, io} = context({flags: {engine: 'finch'}, found: {finch: '/usr/local/bin/finch'}});
		await configureHelperCommand.run(ctx);
		expect(parseYaml(await readFile(path.join(home, '.finch', 'finch.yaml'), 'utf8'))).toEqual({
			creds_helpers: ['ecr-login'],
		});
		expect(JSON.parse(await readFile(path.join(home, '.finch', 'config.json'), 'utf8'))).toEqual({
			credHelpers: {[HOST]: 'ecr-login'},
		});
		expect(io.stdout.join('\n')).toContain('finch vm stop && finch vm start');
	});

	it('an unknown engine is a usage error', async () => {
		const {ctx} = context({flags: {engine: 'rkt'}});
		await expect(configureHelperCommand.run(ctx)).rejects.toThrow(/not a container engine/);
	});
});

describe('the engine’s CLI runs images (createEngineDockerService)', () => {
	// `podman image ls --format json` as podman 4/5 prints it: one array, full ids, Unix times, sizes in bytes.
	const PODMAN_IMAGES = JSON.stringify(
		[
			{
				Id: 'a'.repeat(64),
				Names: ['localhost/my-app:1.2', 'localhost/my-app:latest'],
				Created: 1764270000,
				Size: 7801289,
			},
			{Id: 'b'.repeat(64), Names: ['docker.io/library/alpine:3.20'], Created: 1764200000, Size: 8_830_000},
			{Id: 'c'.repeat(64), Names: null, Created: 1764100000, Size: 1000},
		],
		null,
		4,
	);

	it('without --engine it runs podman when docker is not on PATH, and reads podman’s image list', async () => {
		const runner = createFakeRunner(
			[{file: 'podman', args: ['image', 'ls', '--format', 'json'], result: {stdout: PODMAN_IMAGES}}],
			{
				path: {docker: null, podman: '/usr/bin/podman'},
			},
		);
		const docker = createEngineDockerService({runner, env: {}, configDir: '/ignored/for/podman'});
		expect(await docker.listImages()).toEqual([
			{
				repository: 'localhost/my-app',
				tag: '1.2',
				id: 'aaaaaaaaaaaa',
				createdAt: new Date(1764270000 * 1000),
				size: '7.8MB',
			},
			{
				repository: 'localhost/my-app',
				tag: 'latest',
				id: 'aaaaaaaaaaaa',
				createdAt: new Date(1764270000 * 1000),
				size: '7.8MB',
			},
			{
				repository: 'docker.io/library/alpine',
				tag: '3.20',
				id: 'bbbbbbbbbbbb',
				createdAt: new Date(1764200000 * 1000),
				size: '8.83MB',
			},
		]);
		expect(runner.remaining()).toEqual([]);
	});

	it('podman login gets the password on stdin only, and no --config', async () => {
		const runner = createFakeRunner([
			{
				file: 'podman',
				args: ['login', '--username', 'AWS', '--password-stdin', HOST],
				result: {stdout: 'Login Succeeded!\n'},
				check: (options) => expect(options.input).toBe('s3cret-token'),
			},
		]);
		const docker = createEngineDockerService({runner, env: {}, configDir: '/cfg', engine: 'podman'});
		expect(await docker.login(HOST, 'AWS', 's3cret-token')).toEqual({message: 'Login Succeeded!'});
		expect(runner.calls.flatMap((call) => call.args)).not.toContain('s3cret-token');
	});

	it('docker stays docker (with --config) when it is on PATH; the lookup happens once', async () => {
		const runner = createFakeRunner(
			[
				{file: 'docker', args: ['--config', '/cfg', 'logout', HOST]},
				{file: 'docker', args: ['--config', '/cfg', 'tag', 'a', 'b']},
			],
			{path: {docker: '/usr/bin/docker', podman: '/usr/bin/podman'}},
		);
		let lookups = 0;
		const counting = {
			...runner,
			which: async (command: string) => {
				lookups++;
				return runner.which(command);
			},
		};
		const docker = createEngineDockerService({runner: counting, env: {}, configDir: '/cfg'});
		await docker.logout(HOST);
		await docker.tag('a', 'b');
		expect(lookups).toBe(1);
		expect(runner.remaining()).toEqual([]);
	});
});

describe('podman has no daemon', () => {
	it('daemonStatus is ok when podman’s version JSON has only a Client (as podman 4.3 prints it)', async () => {
		const stdout =
			'{"Client":{"APIVersion":"4.3.1","Version":"4.3.1","GoVersion":"go1.19.8","OsArch":"linux/amd64","Os":"linux"}}\n';
		const runner = createFakeRunner([{file: 'podman', args: ['version', '--format', 'json'], result: {stdout}}]);
		expect(await createEngineDockerService({runner, env: {}, engine: 'podman'}).daemonStatus()).toEqual({
			ok: true,
			serverVersion: '4.3.1',
		});
		// docker without a Server section is still a daemon problem.
		const dockerRunner = createFakeRunner([
			{
				file: 'docker',
				args: ['version', '--format', 'json'],
				result: {
					exitCode: 1,
					stdout: '{"Client":{"Version":"28.2.2"},"Server":null}',
					stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
				},
			},
		]);
		expect(
			await createEngineDockerService({runner: dockerRunner, env: {}, engine: 'docker'}).daemonStatus(),
		).toMatchObject({ok: false, reason: 'not-running'});
	});
});
