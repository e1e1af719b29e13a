/** `ecr-setup doctor`: JSON shape, exit codes, the checklist, and --fix on a broken machine. */
import {readdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {doctorCommand} from '../../source/commands/doctor.js';
import type {CommandContext, GlobalOptions, ParsedFlags} from '../../source/commands/types.js';
import {CHECK_IDS, type DoctorJson} from '../../source/doctor/types.js';
import {parseDockerConfig} from '../../source/docker-config/parse.js';
import {resolveStore} from '../../source/docker-config/stores.js';
import {UsageError} from '../../source/errors/user-errors.js';
import {createRecordingIo, type RecordingIo} from '../helpers/fake-services.js';
import {
	HELPER_SECRET,
	HOST,
	NOW,
	TOKEN_PASSWORD,
	WORKING_ECR_LOGIN,
	ecrAuth,
	makeMachine,
	repositoryInfo,
	type Machine,
	type MachineOptions,
} from '../helpers/doctor-machine.js';

let machine: Machine | undefined;
afterEach(async () => {
	await machine?.cleanup();
	machine = undefined;
});

const ecrLogin = {'docker-credential-ecr-login': WORKING_ECR_LOGIN};
const ANSI = /\u001B\[/;

function globalOptions(overrides: Partial<GlobalOptions> = {}): GlobalOptions {
	return {
		profile: undefined,
		region: undefined,
		config: undefined,
		json: false,
		yes: false,
		dryRun: false,
		color: false,
		verbose: false,
		...overrides,
	};
}

async function run(
	options: MachineOptions,
	flags: ParsedFlags,
	settings: {global?: Partial<GlobalOptions>; io?: RecordingIo} = {},
) {
	machine ??= await makeMachine(options);
	const global = globalOptions(settings.global);
	const io = settings.io ?? createRecordingIo({json: global.json, yes: global.yes});
	const context: CommandContext = {
		services: machine.services,
		options: global,
		flags,
		positionals: [],
		io,
		signal: new AbortController().signal,
	};
	const result = await doctorCommand.run(context);
	return {result, io, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n')};
}

async function backupsOf(dir: string): Promise<string[]> {
	return (await readdir(dir)).filter((name) => name !== 'config.json' && name.startsWith('config.json'));
}

describe('doctor --json', () => {
	it('prints exactly target, checks and summary, with every check id', async () => {
		const {result, stdout} = await run(
			{config: {credHelpers: {[HOST]: 'ecr-login'}}, binaries: ecrLogin},
			{registry: HOST, repository: 'my-app'},
			{global: {json: true}},
		);
		expect(stdout).toBe('');
		const json = result.json as DoctorJson;
		expect(Object.keys(json)).toEqual(['target', 'checks', 'summary']);
		expect(Object.keys(json.target)).toEqual(['registry', 'region', 'account', 'repository', 'image']);
		expect(json.target).toEqual({
			registry: HOST,
			region: 'eu-west-1',
			account: '123456789012',
			repository: 'my-app',
			image: null,
		});
		expect(json.checks.map((check) => check.id)).toEqual([...CHECK_IDS]);
		for (const check of json.checks) {
			expect(Object.keys(check)).toEqual(['id', 'status', 'title', 'detail', 'fix']);
			if (check.fix) expect(Object.keys(check.fix)).toEqual(['description', 'command']);
		}

		const conflict = json.checks.find((check) => check.id === 'docker.login-conflict')!;
		expect(conflict.fix).toEqual({
			description: `Skip \`docker login\` for ${HOST} (ecr-login fetches tokens itself), or set AWS_ECR_IGNORE_CREDS_STORAGE=true so that scripts running it succeed.`,
			command: 'export AWS_ECR_IGNORE_CREDS_STORAGE=true',
		});
		expect(json.checks.find((check) => check.id === 'docker.cli')!.fix).toBeNull();
		expect(json.summary).toEqual({pass: 21, warn: 1, fail: 0, skip: 3});
		expect(json.checks.filter((check) => check.status === 'skip').map((check) => check.id)).toEqual([
			'ecr.tag-immutable',
			'image.local',
			'image.tagged',
		]);
		expect(result.exitCode).toBe(0);
		expect(JSON.stringify(json)).not.toContain(HELPER_SECRET);
	});
});

describe('doctor exit codes and checklist', () => {
	it('exits 1 when a check fails and prints the fix and its exact command under it (plain ASCII without colour)', async () => {
		const {result, stdout} = await run({config: {auths: {}}, binaries: ecrLogin}, {registry: HOST});
		expect(result.exitCode).toBe(1);
		expect(stdout).not.toMatch(ANSI);
		const lines = stdout.split('\n');
		const index = lines.findIndex((line) => line.startsWith('[FAIL] docker.store'));
		expect(index).toBeGreaterThan(-1);
		expect(lines[index]).toContain('"no basic auth credentials"');
		expect(lines[index + 1]).toContain('Fix: Give docker a way to get ECR tokens.');
		expect(lines[index + 2]).toBe(`        $ ecr-setup configure-helper --registry ${HOST}`);
		expect(stdout).toContain('[ok]   docker.cli');
		expect(stdout).toContain('[skip] image.local');
		expect(stdout).toMatch(/\d+ passed, \d+ warnings?, 1 failed, \d+ skipped/);
		expect(stdout).toContain(`can be fixed for you: ecr-setup doctor --fix --registry ${HOST}`);
	});

	it('uses symbols and colour when the terminal has colour, and plain ASCII with NO_COLOR', async () => {
		const colourIo = {...createRecordingIo(), color: true};
		const coloured = await run({config: {auths: {}}, binaries: ecrLogin}, {registry: HOST}, {io: colourIo});
		expect(coloured.stdout).toMatch(ANSI);
		expect(coloured.stdout).toContain('✖');
		expect(coloured.stdout).toContain('✔');
		await machine!.cleanup();
		machine = undefined;
		const noColourIo = {...createRecordingIo(), color: true};
		const plain = await run(
			{config: {auths: {}}, binaries: ecrLogin, env: {NO_COLOR: '1'}},
			{registry: HOST},
			{io: noColourIo},
		);
		expect(plain.stdout).not.toMatch(ANSI);
		expect(plain.stdout).toContain('[FAIL] docker.store');
	});

	it('throws a usage error (exit 2) for a --registry that is not an ECR host', async () => {
		const attempt = run({config: {}}, {registry: 'registry.example.com'});
		await expect(attempt).rejects.toBeInstanceOf(UsageError);
		await expect(attempt).rejects.toMatchObject({exitCode: 2});
	});
});

describe('doctor --push-log', () => {
	const healthy = {config: {credHelpers: {[HOST]: 'ecr-login'}}, binaries: ecrLogin};
	const podmanLog = () =>
		readFile(new URL('../fixtures/build-failures/podman-build-rate-limit.txt', import.meta.url), 'utf8');

	it('names a pull rate limit from the build log first, offers the pull-through cache and exits 1 on a healthy machine', async () => {
		machine = await makeMachine(healthy);
		const log = path.join(machine.root, 'build.log');
		await writeFile(log, await podmanLog());
		const {result, stdout} = await run(healthy, {registry: HOST, 'push-log': log});
		const lines = stdout.split('\n');
		expect(lines[0]).toMatch(
			/^docker's output: A registry refused to serve more pulls \(rate limit\): Error: .*toomanyrequests/,
		);
		expect(lines).toContain('  $ ecr-setup pull-through docker-hub --dockerfile Dockerfile');
		expect(stdout).not.toMatch(/\[FAIL\]/);
		expect(result.exitCode).toBe(1);
	});

	it('reads the log from stdin with -, and --json carries the cause and its command', async () => {
		const io = createRecordingIo({json: true, stdin: await podmanLog()});
		const {result, stdout} = await run(healthy, {registry: HOST, 'push-log': '-'}, {global: {json: true}, io});
		expect(stdout).toBe('');
		const json = result.json as DoctorJson & {pushLog: unknown};
		expect(Object.keys(json)).toEqual(['target', 'checks', 'summary', 'pushLog']);
		expect(json.pushLog).toMatchObject({
			kind: 'rate-limited',
			fix: {command: 'ecr-setup pull-through docker-hub --dockerfile Dockerfile'},
		});
		expect(result.exitCode).toBe(1);
	});

	it('targets the registry and repository a push log names, and explains its failure above the checks', async () => {
		const log = [
			`The push refers to repository [${HOST}/my-app]`,
			'5f70bf18a086: Preparing',
			'no basic auth credentials',
		];
		const io = createRecordingIo({stdin: log.join('\n')});
		const {result, stdout} = await run({config: {auths: {}}, binaries: ecrLogin}, {'push-log': '-'}, {io});
		expect(stdout.split('\n')[0]).toBe(
			`docker's output: Docker sent no credentials to ${HOST} ("no basic auth credentials").`,
		);
		expect(stdout).toContain('[FAIL] docker.store');
		expect(result.exitCode).toBe(1);
		expect((result.json as DoctorJson).target).toMatchObject({registry: HOST, repository: 'my-app'});
	});

	it('a missing or empty log is a usage error', async () => {
		machine = await makeMachine(healthy);
		await expect(run(healthy, {registry: HOST, 'push-log': path.join(machine.root, 'none.log')})).rejects.toThrow(
			/There is no file .*none\.log/,
		);
		const io = createRecordingIo({stdin: '\n'});
		await expect(run(healthy, {registry: HOST, 'push-log': '-'}, {io})).rejects.toBeInstanceOf(UsageError);
	});
});

describe('doctor --fix', () => {
	const brokenConfig = (expiredAuth: string) => ({
		auths: {[`https://${HOST}/my-app`]: {auth: expiredAuth}},
		credsStore: 'desktop',
		experimental: 'enabled',
	});
	const otherRegion: MachineOptions['aws'] = {
		describeRepository: async (region: string, name: string) =>
			region === 'us-east-1' ? repositoryInfo(name, region) : null,
		findRepository: async (name: string) => ({found: [repositoryInfo(name, 'us-east-1')], failed: [], timedOut: []}),
	};

	it('on the broken machine of the issue: names each cause, and leaves a config docker accepts, with a backup', async () => {
		const expired = ecrAuth(new Date(NOW.getTime() - 5 * 3600_000));
		const options: MachineOptions = {config: brokenConfig(expired), binaries: ecrLogin, aws: otherRegion};
		machine = await makeMachine(options);
		const before = await machine.readConfig();

		const diagnosis = await run(options, {registry: HOST, repository: 'my-app'}, {global: {json: true}});
		const first = diagnosis.result.json as DoctorJson;
		const status = (report: DoctorJson, id: string) => report.checks.find((check) => check.id === id)!;
		expect(status(first, 'docker.store').status).toBe('fail');
		expect(status(first, 'docker.store').detail).toContain('credsStore "desktop" is left over from Docker Desktop');
		expect(status(first, 'docker.stored-token').status).toBe('warn');
		expect(status(first, 'docker.stored-token').detail).toContain(
			`auths["https://${HOST}/my-app"] expired 5 h 0 min ago`,
		);
		expect(status(first, 'ecr.repository').status).toBe('fail');
		expect(status(first, 'ecr.repository').detail).toContain('it exists in us-east-1');
		expect(await machine.readConfig()).toBe(before);

		const fixed = await run(options, {registry: HOST, repository: 'my-app', fix: true}, {global: {yes: true}});
		const after = await machine.readConfig();
		const data = parseDockerConfig(after, machine.configPath);
		expect(data).toEqual({auths: {}, experimental: 'enabled', credHelpers: {[HOST]: 'ecr-login'}});
		expect(resolveStore(data, HOST)).toEqual({kind: 'helper', helper: 'ecr-login', source: 'credHelpers', key: HOST});
		const backups = await backupsOf(machine.configDir);
		expect(backups).toHaveLength(1);
		expect(await readFile(path.join(machine.configDir, backups[0]!), 'utf8')).toBe(before);
		expect(fixed.stdout).toContain('-\t"credsStore": "desktop",');
		expect(fixed.stdout).toContain(`+\t\t"${HOST}": "ecr-login"`);
		expect(fixed.stdout).toContain('[done] config: Wrote');
		expect(fixed.io.questions).toEqual([
			'Remove credsStore "desktop" (it applies to every registry)?',
			`Write these changes to ${machine.configPath}? (a backup is kept)`,
		]);
		// Checked again: the store works now; the repository is still in another region (no safe automatic fix).
		expect(fixed.stdout).toMatch(/\[ok\] {3}docker\.store {2,}credHelpers\["/);
		expect(fixed.stdout).toMatch(/\[ok\] {3}docker\.helper-works/);
		expect(fixed.stdout).toMatch(/\[FAIL\] ecr\.repository/);
		expect(fixed.result.exitCode).toBe(1);
		expect(machine.calls.login).toEqual([]);
	});

	it('keeps a credsStore the user wants to keep, and still makes the host work through credHelpers', async () => {
		const options: MachineOptions = {config: {credsStore: 'desktop'}, binaries: ecrLogin};
		machine = await makeMachine(options);
		const io = createRecordingIo({interactive: true, answers: [false, true]});
		const fixed = await run(options, {registry: HOST, fix: true}, {io});
		expect(parseDockerConfig(await machine.readConfig(), machine.configPath)).toEqual({
			credsStore: 'desktop',
			credHelpers: {[HOST]: 'ecr-login'},
		});
		expect(fixed.stdout).toMatch(/\[ok\] {3}docker\.store/);
		expect(fixed.result.exitCode).toBe(0);
	});

	it('installs the missing helper before pointing docker at it', async () => {
		const options: MachineOptions = {
			config: {auths: {}},
			helper: {
				install: async () => {
					await machine!.addBinary('docker-credential-ecr-login', WORKING_ECR_LOGIN);
					return {name: 'ecr-login', path: path.join(machine!.bin, 'docker-credential-ecr-login'), version: '0.9.1'};
				},
			},
		};
		machine = await makeMachine(options);
		const fixed = await run(options, {registry: HOST, fix: true}, {global: {yes: true}});
		expect(fixed.io.questions[0]).toBe('Install docker-credential-ecr-login?');
		expect(fixed.stdout).toContain('$ sudo apt-get update && sudo apt-get install -y amazon-ecr-credential-helper');
		expect(parseDockerConfig(await machine.readConfig(), machine.configPath).credHelpers).toEqual({
			[HOST]: 'ecr-login',
		});
		expect(fixed.result.exitCode).toBe(0);
	});

	it('does not point docker at a helper that could not be installed; logs in with a fresh token instead', async () => {
		const options: MachineOptions = {
			config: {auths: {[HOST]: {auth: ecrAuth(new Date(NOW.getTime() - 3600_000))}}},
			helper: {installPlans: () => []},
			docker: {
				// What `docker login` does with the file store: auths[host].auth = base64(user:pass).
				login: async (registry: string, username: string, password: string) => {
					machine!.calls.login.push({registry, username, password});
					const data = JSON.parse(await machine!.readConfig()) as {auths?: Record<string, unknown>};
					data.auths = {...data.auths, [registry]: {auth: Buffer.from(`${username}:${password}`).toString('base64')}};
					await writeFile(machine!.configPath, JSON.stringify(data, null, '\t'));
					return {message: 'Login Succeeded'};
				},
			},
		};
		machine = await makeMachine(options);
		const fixed = await run(options, {registry: HOST, fix: true}, {global: {yes: true}});
		expect(machine.calls.login).toEqual([{registry: HOST, username: 'AWS', password: TOKEN_PASSWORD}]);
		expect(fixed.stdout).toContain('[done] login: Login Succeeded');
		expect(`${fixed.stdout}\n${fixed.stderr}`).not.toContain(TOKEN_PASSWORD);
		expect(fixed.stdout).toMatch(/\[ok\] {3}docker\.stored-token/);
		expect(fixed.result.exitCode).toBe(0);
	});

	it('tags the image with its full ECR URI', async () => {
		const tags = new Map<string, string[]>([['my-app:1.0', ['my-app:1.0']]]);
		const options: MachineOptions = {
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: ecrLogin,
			docker: {
				inspectImage: async (ref: string) =>
					tags.has(ref) ? {id: 'sha256:abcdef0123456789', repoTags: tags.get(ref)!, repoDigests: []} : null,
				tag: async (source: string, target: string) => {
					machine!.calls.tag.push([source, target]);
					tags.get(source)!.push(target);
				},
			},
		};
		machine = await makeMachine(options);
		const fixed = await run(options, {registry: HOST, image: 'my-app:1.0', fix: true}, {global: {yes: true}});
		expect(machine.calls.tag).toEqual([['my-app:1.0', `${HOST}/my-app:1.0`]]);
		expect(fixed.stdout).toContain(`[done] tag: Tagged my-app:1.0 as ${HOST}/my-app:1.0.`);
		expect(fixed.stdout).toMatch(/\[ok\] {3}image\.tagged/);
		expect(fixed.result.exitCode).toBe(0);
	});

	it('with --json, keeps stdout for the report of the second run and sends the diff to stderr', async () => {
		const options: MachineOptions = {config: {credsStore: 'desktop'}, binaries: ecrLogin};
		machine = await makeMachine(options);
		const fixed = await run(options, {registry: HOST, fix: true}, {global: {json: true, yes: true}});
		expect(fixed.stdout).toBe('');
		expect(fixed.stderr).toContain('-\t"credsStore": "desktop"');
		const json = fixed.result.json as DoctorJson;
		expect(json.checks.find((check) => check.id === 'docker.store')!.status).toBe('pass');
		expect(fixed.result.exitCode).toBe(0);
	});

	it('changes nothing with --dry-run', async () => {
		const options: MachineOptions = {config: {credsStore: 'desktop'}, binaries: ecrLogin};
		machine = await makeMachine(options);
		const before = await machine.readConfig();
		const dry = await run(options, {registry: HOST, fix: true}, {global: {dryRun: true}});
		expect(dry.stdout).toContain('+\t"credHelpers": {');
		expect(dry.stdout).toContain('Dry run: nothing was changed.');
		expect(await machine.readConfig()).toBe(before);
		expect(await backupsOf(machine.configDir)).toEqual([]);
		expect(dry.result.exitCode).toBe(1);
	});

	it('asks for --yes when there is no terminal to confirm in', async () => {
		const options: MachineOptions = {config: {auths: {}}, binaries: ecrLogin};
		machine = await makeMachine(options);
		const attempt = run(options, {registry: HOST, fix: true});
		await expect(attempt).rejects.toBeInstanceOf(UsageError);
		await expect(attempt).rejects.toThrow('there is no terminal to ask in');
	});
});

describe('doctor --registry HOST on a registry bound to a profile', () => {
	async function bound(env: Record<string, string | undefined> = {}) {
		const profiles: string[] = [];
		machine = await makeMachine({
			config: {credHelpers: {[HOST]: 'ecr-login-prod'}},
			binaries: ecrLogin,
			env,
			aws: {
				listProfiles: async () => [{name: 'prod', sso: false, mfa: false, source: 'config'}],
			},
		});
		const base = machine.services.aws;
		machine.services.aws = {
			...base,
			withProfile(profile: string) {
				profiles.push(profile);
				return {...base, profile};
			},
		};
		const plan = await machine.services.wrappers.plan('prod', path.join(machine.bin, 'docker-credential-ecr-login'));
		await machine.services.wrappers.apply(plan);
		return profiles;
	}

	it('with no AWS variables set: its AWS checks use the bound profile, and it says so', async () => {
		const profiles = await bound();
		const {result, stderr} = await run({}, {registry: HOST}, {global: {json: true}});
		expect(profiles).toEqual(['prod']);
		expect(stderr).toContain(`Using profile prod for the AWS checks: config.json binds ${HOST} to it`);
		expect((result.json as DoctorJson).summary.fail).toBe(0);
	});

	it('AWS_PROFILE set, or --profile given: the doctor checks what the shell would use', async () => {
		const profiles = await bound({AWS_PROFILE: 'dev'});
		const {stderr} = await run({}, {registry: HOST}, {global: {json: true}});
		expect(profiles).toEqual([]);
		expect(stderr).not.toContain('Using profile');
		const again = await run({}, {registry: HOST}, {global: {json: true, profile: 'dev'}});
		expect(again.stderr).not.toContain('Using profile');
	});
});
