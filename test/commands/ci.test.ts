import {chmod, lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {parse} from 'yaml';
import {createCiCommand} from '../../source/commands/ci.js';
import type {CommandContext, GlobalOptions} from '../../source/commands/types.js';
import {UsageError} from '../../source/errors/user-errors.js';
import {generatePipeline} from '../../source/generators/ci.js';
import type {AwsService, RepositoryInfo} from '../../source/aws/types.js';
import type {ProcessRunner} from '../../source/process/types.js';
import {createFakeRunner} from '../helpers/fake-runner.js';
import {createFakeServices, createRecordingIo, type RecordingIo} from '../helpers/fake-services.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-central-1';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;

let dir: string;

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'ecr-setup-ci-'));
});

afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

function repository(name: string): RepositoryInfo {
	return {
		name,
		uri: `${REGISTRY}/${name}`,
		arn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
		registryId: ACCOUNT,
		region: REGION,
		imageTagMutability: 'MUTABLE',
		scanOnPush: false,
		encryptionType: 'AES256',
	};
}

type Setup = {
	runner?: Partial<ProcessRunner>;
	positionals?: string[];
	flags?: Record<string, string | boolean | undefined>;
	options?: Partial<GlobalOptions>;
	io?: RecordingIo;
	aws?: Partial<AwsService>;
};

function setup(options: Setup = {}) {
	const getCallerIdentity = vi.fn(async () => ({
		account: ACCOUNT,
		arn: `arn:aws:iam::${ACCOUNT}:user/dev`,
		userId: 'AIDA',
		kind: 'iam-user' as const,
	}));
	const services = createFakeServices({
		aws: {resolveRegion: async () => ({region: REGION, source: 'AWS_REGION'}), getCallerIdentity, ...options.aws},
		...(options.runner ? {runner: options.runner} : {}),
	});
	const io = options.io ?? createRecordingIo();
	const context: CommandContext = {
		services,
		io,
		options: {
			profile: undefined,
			region: undefined,
			config: undefined,
			json: false,
			yes: false,
			dryRun: false,
			color: false,
			verbose: false,
			...options.options,
		},
		flags: options.flags ?? {},
		positionals: options.positionals ?? ['github'],
		signal: new AbortController().signal,
	};
	return {context, io, getCallerIdentity, command: createCiCommand({cwd: () => dir})};
}

/** An io whose confirm also records what had been printed when the question came. */
function ioRecordingOrder(options: Parameters<typeof createRecordingIo>[0]) {
	const io = createRecordingIo(options);
	const printedBeforeQuestion: string[] = [];
	const confirm = io.confirm.bind(io);
	io.confirm = async (question, confirmOptions) => {
		printedBeforeQuestion.push([...io.stdout, ...io.stderr].join('\n'));
		return confirm(question, confirmOptions);
	};

	return {io, printedBeforeQuestion};
}

const expected = (
	kind: Parameters<typeof generatePipeline>[0],
	extra: Partial<Parameters<typeof generatePipeline>[1]> = {},
) =>
	generatePipeline(kind, {
		account: ACCOUNT,
		region: REGION,
		repository: 'web-app',
		registry: REGISTRY,
		auth: 'oidc',
		...extra,
	});

describe('ecr-setup ci', () => {
	it('--dry-run prints the pipeline with the real account, region and repository, and writes nothing', async () => {
		const {context, io, command} = setup({
			positionals: ['gitlab'],
			flags: {repository: 'web-app'},
			options: {dryRun: true},
		});
		const result = await command.run(context);
		const printed = io.stdout.join('\n');
		const pipeline = parse(printed);
		expect(pipeline.variables).toMatchObject({AWS_REGION: REGION, ECR_REGISTRY: REGISTRY, ECR_REPOSITORY: 'web-app'});
		expect(printed).toBe(expected('gitlab').content.trimEnd());
		expect(io.stderr.join('\n')).toContain('Dry run: .gitlab-ci.yml was not written.');
		expect(io.questions).toEqual([]);
		expect(await readdir(dir)).toEqual([]);
		expect(result.json).toMatchObject({path: '.gitlab-ci.yml', content: expected('gitlab').content, written: false});
	});

	it('creates the default path and its directories after consent, atomically', async () => {
		const {io, printedBeforeQuestion} = ioRecordingOrder({interactive: true, answers: [true]});
		const {context, command} = setup({
			flags: {repository: 'web-app', 'role-arn': `arn:aws:iam::${ACCOUNT}:role/gha`},
			io,
		});
		const result = await command.run(context);
		const path = join(dir, '.github/workflows/ecr-push.yml');
		expect(await readFile(path, 'utf8')).toBe(
			expected('github', {roleArn: `arn:aws:iam::${ACCOUNT}:role/gha`}).content,
		);
		expect(io.questions).toEqual(['Create .github/workflows/ecr-push.yml?']);
		// The whole new file was shown as a diff before the question.
		expect(printedBeforeQuestion[0]).toContain('+++ .github/workflows/ecr-push.yml');
		expect(printedBeforeQuestion[0]).toContain(`+          role-to-assume: arn:aws:iam::${ACCOUNT}:role/gha`);
		expect(await readdir(join(dir, '.github/workflows'))).toEqual(['ecr-push.yml']);
		expect(io.stdout.join('\n')).toContain('Wrote .github/workflows/ecr-push.yml.');
		expect(result.json).toMatchObject({path: '.github/workflows/ecr-push.yml', written: true});
	});

	it('refuses to write without --yes when nobody can be asked', async () => {
		const output = join(dir, 'ci', 'Jenkinsfile');
		const {context, command} = setup({positionals: ['jenkins'], flags: {repository: 'web-app', output}});
		const error = await command.run(context).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(UsageError);
		expect((error as UsageError).hint).toContain('--yes');
		expect(await readdir(dir)).toEqual([]);
	});

	it('writes with --yes when not interactive, and --json returns {path, content, written}', async () => {
		const output = join(dir, 'Jenkinsfile');
		const io = createRecordingIo({yes: true, json: true});
		const {context, command} = setup({
			positionals: ['jenkins'],
			flags: {repository: 'web-app', output},
			options: {json: true, yes: true},
			io,
		});
		const result = await command.run(context);
		const content = expected('jenkins', {auth: 'keys'}).content;
		expect(await readFile(output, 'utf8')).toBe(content);
		expect(result.json).toEqual({path: output, content, written: true, notes: expect.any(Array)});
		expect(io.stdout).toEqual([]);
	});

	it('leaves the file alone when the answer is no', async () => {
		const output = join(dir, 'bitbucket-pipelines.yml');
		const {context, io, command} = setup({
			positionals: ['bitbucket'],
			flags: {repository: 'web-app', output},
			io: createRecordingIo({interactive: true, answers: [false]}),
		});
		const result = await command.run(context);
		expect(io.questions).toHaveLength(1);
		expect(await readdir(dir)).toEqual([]);
		expect(result.json).toMatchObject({written: false});
	});

	it('shows a unified diff of an existing file before asking to overwrite it, and keeps its mode', async () => {
		const output = join(dir, '.gitlab-ci.yml');
		const old = expected('gitlab').content.replace('AWS_REGION: eu-central-1', 'AWS_REGION: us-east-1');
		await writeFile(output, old);
		await chmod(output, 0o640);
		const {io, printedBeforeQuestion} = ioRecordingOrder({interactive: true, answers: [true]});
		const {context, command} = setup({positionals: ['gitlab'], flags: {repository: 'web-app', output}, io});
		await command.run(context);
		expect(io.questions).toEqual([`Overwrite ${output} with these changes?`]);
		const shown = printedBeforeQuestion[0]!;
		expect(shown).toContain(`--- ${output}`);
		expect(shown).toMatch(/^@@ .* @@/m);
		expect(shown).toContain('-  AWS_REGION: us-east-1');
		expect(shown).toContain('+  AWS_REGION: eu-central-1');
		expect(await readFile(output, 'utf8')).toBe(expected('gitlab').content);
		expect((await stat(output)).mode & 0o777).toBe(0o640);
		expect(await readdir(dir)).toEqual(['.gitlab-ci.yml']);
	});

	it('writes through a symlink, a dangling one too, to the file it names, as docker writes config.json', async () => {
		await mkdir(join(dir, 'shared'));
		const output = join(dir, 'Jenkinsfile');
		await symlink(join('shared', 'Jenkinsfile'), output);
		const {context, command} = setup({
			positionals: ['jenkins'],
			flags: {repository: 'web-app', output},
			options: {yes: true},
			io: createRecordingIo({yes: true}),
		});
		await command.run(context);
		expect((await lstat(output)).isSymbolicLink()).toBe(true);
		expect(await readFile(join(dir, 'shared', 'Jenkinsfile'), 'utf8')).toBe(
			expected('jenkins', {auth: 'keys'}).content,
		);
		expect((await stat(join(dir, 'shared', 'Jenkinsfile'))).mode & 0o777).toBe(0o600);
		expect(await readdir(join(dir, 'shared'))).toEqual(['Jenkinsfile']);
	});

	it('never overwrites an existing file in a non-interactive run without --yes, even after showing the diff', async () => {
		const output = join(dir, '.circleci', 'config.yml');
		await mkdir(join(dir, '.circleci'));
		await writeFile(output, 'version: 2\n');
		const {context, io, command} = setup({positionals: ['circleci'], flags: {repository: 'web-app', output}});
		await expect(command.run(context)).rejects.toBeInstanceOf(UsageError);
		expect(io.stdout.join('\n')).toContain('-version: 2\n');
		expect(await readFile(output, 'utf8')).toBe('version: 2\n');
	});

	it('says there is nothing to change when the file already has the content', async () => {
		const output = join(dir, 'ci.yml');
		await writeFile(output, expected('gitlab').content);
		const {context, io, command} = setup({positionals: ['gitlab'], flags: {repository: 'web-app', output}});
		const result = await command.run(context);
		expect(io.questions).toEqual([]);
		expect(io.stdout.join('\n')).toContain('already has this content');
		expect(result.json).toMatchObject({written: false});
	});

	it('uses a placeholder role for GitHub OIDC and points at the trust policy command', async () => {
		const {context, io, command} = setup({flags: {repository: 'web-app'}, options: {dryRun: true}});
		await command.run(context);
		const workflow = parse(io.stdout.join('\n'));
		const configure = workflow.jobs.push.steps.find((step: {uses?: string}) =>
			step.uses?.includes('configure-aws-credentials'),
		);
		expect(configure.with['role-to-assume']).toBe(`arn:aws:iam::${ACCOUNT}:role/REPLACE-ME-ecr-setup-ci-role`);
		expect(io.stderr.join('\n')).toContain('ecr-setup policy --github-oidc OWNER/REPO');
	});

	it('names the GitHub repository of the origin remote in the trust-policy hint', async () => {
		const runner = createFakeRunner([
			{
				file: 'git',
				args: ['remote', 'get-url', 'origin'],
				result: {stdout: 'git@github.com:octo-org/web-app.git\n'},
				check: (runOptions) => expect(runOptions.cwd).toBe(dir),
			},
		]);
		const {context, io, command} = setup({
			flags: {repository: 'web-app', branch: 'trunk'},
			options: {dryRun: true},
			runner,
		});
		await command.run(context);
		expect(runner.remaining()).toEqual([]);
		expect(io.stderr.join('\n')).toContain('`ecr-setup policy --github-oidc octo-org/web-app --branch trunk`');
	});

	it('falls back to OWNER/REPO when origin is not on GitHub', async () => {
		const runner = createFakeRunner([
			{file: 'git', args: ['remote', 'get-url', 'origin'], result: {stdout: 'https://gitlab.com/octo/web-app.git\n'}},
		]);
		const {context, io, command} = setup({flags: {repository: 'web-app'}, options: {dryRun: true}, runner});
		await command.run(context);
		expect(io.stderr.join('\n')).toContain('`ecr-setup policy --github-oidc OWNER/REPO --branch main`');
	});

	it('passes --auth keys, --branch and --dockerfile through', async () => {
		const {context, io, command} = setup({
			flags: {repository: 'web-app', auth: 'keys', branch: 'release', dockerfile: 'build/Dockerfile'},
			options: {dryRun: true},
		});
		await command.run(context);
		const workflow = parse(io.stdout.join('\n'));
		expect(workflow.permissions).toEqual({contents: 'read'});
		expect(workflow.on.push.branches).toEqual(['release']);
		expect(workflow.env.DOCKERFILE).toBe('build/Dockerfile');
	});

	it('names --repository when it is missing and nobody can be asked, before any AWS call', async () => {
		const {context, command, getCallerIdentity} = setup({options: {dryRun: true}});
		const error = await command.run(context).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(UsageError);
		expect((error as UsageError).message).toContain('--repository');
		expect(getCallerIdentity).not.toHaveBeenCalled();
	});

	it('offers the region’s only repository in a terminal', async () => {
		const listRepositories = vi.fn(async () => [repository('only-app')]);
		const {context, io, command} = setup({
			options: {dryRun: true},
			io: createRecordingIo({interactive: true, answers: [true]}),
			aws: {listRepositories},
		});
		await command.run(context);
		expect(listRepositories).toHaveBeenCalledWith(REGION, expect.anything());
		expect(io.questions).toEqual([`Use the repository only-app (the only one in ${REGION})?`]);
		expect(parse(io.stdout.join('\n')).env.ECR_REPOSITORY).toBe('only-app');
	});

	it('lists the candidates when a terminal run has several repositories and no --repository', async () => {
		const {context, command} = setup({
			options: {dryRun: true},
			io: createRecordingIo({interactive: true}),
			aws: {listRepositories: async () => [repository('a-app'), repository('b-app')]},
		});
		const error = (await command.run(context).catch((caught: unknown) => caught)) as UsageError;
		expect(error).toBeInstanceOf(UsageError);
		expect(error.nextSteps).toEqual(['--repository a-app', '--repository b-app']);
	});

	it('rejects an unknown CI system, a bad --auth and a bad repository name with usage errors', async () => {
		const unknown = setup({positionals: ['travis'], flags: {repository: 'web-app'}});
		await expect(unknown.command.run(unknown.context)).rejects.toThrow(/not a CI system/);
		const none = setup({positionals: [], flags: {repository: 'web-app'}});
		await expect(none.command.run(none.context)).rejects.toBeInstanceOf(UsageError);
		const auth = setup({flags: {repository: 'web-app', auth: 'password'}});
		await expect(auth.command.run(auth.context)).rejects.toThrow(/--auth must be "oidc" or "keys"/);
		const name = setup({flags: {repository: 'Web-App'}});
		await expect(name.command.run(name.context)).rejects.toThrow(/lower case/);
		const jenkinsOidc = setup({
			positionals: ['jenkins'],
			flags: {repository: 'web-app', auth: 'oidc'},
			options: {dryRun: true},
		});
		await expect(jenkinsOidc.command.run(jenkinsOidc.context)).rejects.toThrow(/no built-in OIDC/);
	});

	it('fails naming --region when no region is set', async () => {
		const {context, command} = setup({
			flags: {repository: 'web-app'},
			aws: {resolveRegion: async () => ({region: undefined, source: 'none'})},
		});
		await expect(command.run(context)).rejects.toMatchObject({hint: expect.stringContaining('--region')});
	});
});

describe('ecr-setup ci: buildx builds', () => {
	it('--platform (a list), --provenance and --no-build-cache reach the generator', async () => {
		const {context, io, command} = setup({
			flags: {
				repository: 'web-app',
				platform: 'linux/amd64, linux/arm64',
				provenance: 'mode=max',
				'no-build-cache': true,
			},
			options: {dryRun: true},
		});
		await command.run(context);
		expect(io.stdout.join('\n')).toBe(
			expected('github', {
				build: {platforms: ['linux/amd64', 'linux/arm64'], provenance: 'mode=max', cache: false},
			}).content.trimEnd(),
		);
		expect(io.stdout.join('\n')).toContain('--platform linux/amd64,linux/arm64 --provenance=mode=max --tag');
	});

	it('--lambda alone builds linux/amd64 without provenance', async () => {
		const {context, io, command} = setup({flags: {repository: 'web-app', lambda: true}, options: {dryRun: true}});
		await command.run(context);
		expect(io.stdout.join('\n')).toContain('--platform linux/amd64 --provenance=false');
	});

	it('--no-build-cache without a buildx build is a usage error, before any AWS call', async () => {
		const {context, command, getCallerIdentity} = setup({flags: {repository: 'web-app', 'no-build-cache': true}});
		await expect(command.run(context)).rejects.toBeInstanceOf(UsageError);
		const bad = setup({flags: {repository: 'web-app', platform: 'amd64'}});
		await expect(bad.command.run(bad.context)).rejects.toMatchObject({code: 'usage.platform'});
		expect(getCallerIdentity).not.toHaveBeenCalled();
		expect(bad.getCallerIdentity).not.toHaveBeenCalled();
	});
});
