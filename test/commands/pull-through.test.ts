/**
 * `ecr-setup pull-through` through the real AWS service (ECR and Secrets Manager SDK clients) against the AWS stand-in:
 * the secret holds what ECR reads, the rule names it, a second run reuses both and asks nothing, a missing token
 * without a terminal is a usage error before anything is created, and the token is in no output.
 */
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {createAwsService} from '../../source/aws/service.js';
import type {AwsService} from '../../source/aws/types.js';
import {pullThroughCommand} from '../../source/commands/pull-through.js';
import type {CommandContext, GlobalOptions, ParsedFlags} from '../../source/commands/types.js';
import {UsageError, UserError} from '../../source/errors/user-errors.js';
import {awsEnv, type StandIn, startAwsStandIn} from '../helpers/aws-stand-in/index.js';
import {createFakeServices, createRecordingIo, type RecordingIo} from '../helpers/fake-services.js';

const TOKEN = 'dckr_pat_Zq8mW2vN5xR7tY1uB4cE6gH9jK0';
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

let standIn: StandIn;
let dir: string;
beforeEach(async () => {
	standIn = await startAwsStandIn();
	dir = await mkdtemp(join(tmpdir(), 'ecr-setup-pull-through-'));
});
afterEach(async () => {
	vi.unstubAllEnvs();
	await standIn.close();
	await rm(dir, {recursive: true, force: true});
});

function realAws(): AwsService {
	const env = awsEnv(standIn.url, {AWS_REGION: 'eu-west-1'});
	for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
	vi.stubEnv('AWS_PROFILE', '');
	return createAwsService({env, maxAttempts: 1});
}

async function run(
	positionals: string[],
	flags: ParsedFlags,
	settings: {global?: Partial<GlobalOptions>; io?: RecordingIo} = {},
) {
	const options: GlobalOptions = {
		profile: undefined,
		region: undefined,
		config: undefined,
		json: false,
		yes: false,
		dryRun: false,
		color: false,
		verbose: false,
		...settings.global,
	};
	const io = settings.io ?? createRecordingIo({json: options.json, yes: options.yes});
	const context: CommandContext = {
		services: createFakeServices({aws: realAws()}),
		options,
		flags,
		positionals,
		io,
		signal: new AbortController().signal,
	};
	const result = await pullThroughCommand.run(context);
	return {result, io, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n')};
}

const writes = () =>
	standIn.requests.filter((call) =>
		['CreateSecret', 'PutSecretValue', 'CreatePullThroughCacheRule', 'CreateRepositoryCreationTemplate'].includes(
			call.operation,
		),
	);
const secrets = () => [...standIn.model.pullThrough.secrets.values()];
const rules = () => [...standIn.model.pullThrough.rules.values()];

describe('ecr-setup pull-through docker-hub', () => {
	it('creates the secret ECR reads, then the rule naming it, validates it, and offers a template', async () => {
		const io = createRecordingIo({stdin: `${TOKEN}\n`, yes: true});
		const {stdout, stderr, result} = await run(['docker-hub'], {username: 'octo', 'password-stdin': true}, {io});
		const [secret] = secrets();
		expect(secret?.name).toBe('ecr-pullthroughcache/docker-hub');
		expect(JSON.parse(secret!.value)).toEqual({username: 'octo', accessToken: TOKEN});
		expect(rules()).toEqual([
			expect.objectContaining({
				ecrRepositoryPrefix: 'docker-hub',
				upstreamRegistry: 'docker-hub',
				upstreamRegistryUrl: 'registry-1.docker.io',
				credentialArn: secret!.arn,
			}),
		]);
		expect(standIn.count('ValidatePullThroughCacheRule')).toBe(1);
		const [template] = standIn.model.templatesOf('eu-west-1', '123456789012');
		expect(template).toMatchObject({prefix: 'docker-hub', appliedFor: ['PULL_THROUGH_CACHE']});
		expect(io.questions).toEqual(['Go ahead?', 'Create this template in eu-west-1?']);
		expect(stdout).toContain(`docker pull ${HOST}/docker-hub/library/alpine:latest`);
		expect(`${stdout}\n${stderr}\n${JSON.stringify(result.json)}`).not.toContain(TOKEN);
		expect(result.json).toMatchObject({secret: {created: true}, rule: {created: true}, validation: {valid: true}});
	});

	it('run again: reuses the rule and its secret and asks nothing, not even for the token', async () => {
		await run(
			['docker-hub'],
			{username: 'octo', 'password-stdin': true, 'no-template': true},
			{
				io: createRecordingIo({stdin: TOKEN, yes: true}),
			},
		);
		const before = writes().length;
		// No terminal, no token, no --yes: nothing is needed any more.
		const io = createRecordingIo();
		const {stdout, result} = await run(['docker-hub'], {'no-template': true}, {io});
		expect(writes()).toHaveLength(before);
		expect(io.questions).toEqual([]);
		expect(stdout).toContain('exists in eu-west-1: reusing it');
		expect(stdout).toContain(`Reusing the secret ${secrets()[0]!.arn}`);
		expect(result.json).toMatchObject({rule: {created: false}, secret: {created: false, updated: false}});
	});

	it('a secret left by an earlier run that stopped before the rule is reused, not asked for again', async () => {
		standIn.model.pullThrough.addSecret({
			region: 'eu-west-1',
			account: '123456789012',
			name: 'ecr-pullthroughcache/docker-hub',
			value: JSON.stringify({username: 'octo', accessToken: TOKEN}),
		});
		const io = createRecordingIo({yes: true});
		await run(['docker-hub'], {'no-template': true}, {io});
		expect(standIn.count('CreateSecret')).toBe(0);
		expect(rules()[0]?.credentialArn).toBe(secrets()[0]!.arn);
	});

	it('without a terminal and without --password-stdin: a usage error naming the flag, nothing created', async () => {
		const attempt = run(['docker-hub'], {username: 'octo'}, {global: {yes: true}});
		await expect(attempt).rejects.toBeInstanceOf(UsageError);
		await expect(run(['docker-hub'], {username: 'octo'}, {global: {yes: true}})).rejects.toThrow(/--password-stdin/);
		await expect(run(['docker-hub'], {'password-stdin': true}, {global: {yes: true}})).rejects.toThrow(/--username/);
		expect(writes()).toEqual([]);
	});

	it('asks for the user name and the token (hidden) at a terminal', async () => {
		const io = createRecordingIo({interactive: true, lines: ['octo', TOKEN], answers: [true, false]});
		const {stdout} = await run(['ghcr'], {}, {io});
		expect(io.questions).toEqual([
			'GitHub Container Registry user name: ',
			'GitHub Container Registry token for octo (not shown): ',
			'Go ahead?',
			'Create this template in eu-west-1?',
		]);
		expect(rules()[0]).toMatchObject({ecrRepositoryPrefix: 'ghcr', upstreamRegistryUrl: 'ghcr.io'});
		expect(stdout).not.toContain(TOKEN);
	});

	it('--update-token puts a new token in the existing secret', async () => {
		await run(
			['docker-hub'],
			{username: 'octo', 'password-stdin': true, 'no-template': true},
			{
				io: createRecordingIo({stdin: TOKEN, yes: true}),
			},
		);
		await run(
			['docker-hub'],
			{username: 'octo', 'password-stdin': true, 'update-token': true, 'no-template': true},
			{
				io: createRecordingIo({stdin: 'dckr_pat_new', yes: true}),
			},
		);
		expect(JSON.parse(secrets()[0]!.value)).toEqual({username: 'octo', accessToken: 'dckr_pat_new'});
		expect(secrets()).toHaveLength(1);
		expect(rules()).toHaveLength(1);
	});

	it('a token the upstream refuses: the validation failure, with the way to a new token', async () => {
		standIn.model.pullThrough.refusedTokens.add(TOKEN);
		const attempt = run(
			['docker-hub'],
			{username: 'octo', 'password-stdin': true},
			{
				io: createRecordingIo({stdin: TOKEN, yes: true}),
			},
		);
		await expect(attempt).rejects.toBeInstanceOf(UserError);
		await expect(attempt).rejects.toMatchObject({
			code: 'pull-through.invalid',
			nextSteps: expect.arrayContaining([expect.stringContaining('--update-token')]),
		});
	});

	it('--dry-run creates nothing and still shows what a Dockerfile would become', async () => {
		const path = join(dir, 'Dockerfile');
		await writeFile(path, 'FROM node:22\n');
		const {stdout} = await run(
			['docker-hub'],
			{username: 'octo', 'password-stdin': true, dockerfile: [path]},
			{
				global: {dryRun: true},
				io: createRecordingIo({stdin: TOKEN}),
			},
		);
		expect(stdout).toContain('Dry run: nothing was created.');
		expect(stdout).toContain(`+FROM ${HOST}/docker-hub/library/node:22`);
		expect(writes()).toEqual([]);
		expect(await readFile(path, 'utf8')).toBe('FROM node:22\n');
		expect(await readdir(dir)).toEqual(['Dockerfile']);
	});
});

describe('ecr-setup pull-through: the other upstreams and bad input', () => {
	it('ecr-public needs no secret', async () => {
		await run(['ecr-public'], {'no-template': true}, {global: {yes: true}});
		expect(secrets()).toEqual([]);
		expect(rules()[0]).toMatchObject({upstreamRegistry: 'ecr-public', upstreamRegistryUrl: 'public.ecr.aws'});
		expect(rules()[0]?.credentialArn).toBeUndefined();
	});

	it('a prefix taken by another upstream is refused, nothing changed', async () => {
		await run(['quay'], {prefix: 'cache', 'no-template': true}, {global: {yes: true}});
		await expect(run(['k8s'], {prefix: 'cache'}, {global: {yes: true}})).rejects.toMatchObject({
			code: 'pull-through.prefix-taken',
		});
		expect(rules()).toHaveLength(1);
	});

	it.each([
		[[], {}, /Which upstream/],
		[['dockerhub'], {}, /cannot cache "dockerhub"/],
		[['docker-hub'], {prefix: 'A'}, /--prefix A/],
		[['docker-hub'], {prefix: 'x'.repeat(31)}, /2 to 30/],
		[['docker-hub'], {prefix: 'ROOT'}, /ROOT/],
		[['azure'], {}, /--upstream-url/],
		[['azure'], {'upstream-url': 'x.example.com'}, /azurecr\.io/],
		[['quay'], {username: 'me'}, /needs no credentials/],
		[['quay'], {dockerfile: ['/nonexistent/Dockerfile']}, /no such file/],
	] as const)('%j %j is a usage error before any AWS call', async (positionals, flags, message) => {
		await expect(run([...positionals], {...flags} as ParsedFlags, {global: {yes: true}})).rejects.toThrow(message);
		expect(standIn.requests).toEqual([]);
	});
});

describe('ecr-setup pull-through --dockerfile', () => {
	it('rewrites the FROM lines after the diff, keeps a backup and leaves other registries alone', async () => {
		const path = join(dir, 'Dockerfile');
		const before = 'FROM node:22 AS build\nFROM ghcr.io/acme/base:1\nFROM build\n';
		await writeFile(path, before);
		const {stdout} = await run(['ecr-public'], {dockerfile: [path], 'no-template': true}, {global: {yes: true}});
		expect(await readFile(path, 'utf8')).toBe(before);
		expect(stdout).toContain('no FROM line pulls from Amazon ECR Public');

		const io = createRecordingIo({stdin: TOKEN, yes: true});
		const second = await run(
			['docker-hub'],
			{username: 'octo', 'password-stdin': true, dockerfile: [path], 'no-template': true},
			{io},
		);
		const after = await readFile(path, 'utf8');
		expect(after).toBe(`FROM ${HOST}/docker-hub/library/node:22 AS build\nFROM ghcr.io/acme/base:1\nFROM build\n`);
		expect(second.stdout).toContain(`+FROM ${HOST}/docker-hub/library/node:22 AS build`);
		expect(io.questions).toContain(`Point 1 FROM line of ${path} at the cache?`);
		const backups = (await readdir(dir)).filter((name) => name.startsWith('Dockerfile.ecr-setup-backup-'));
		expect(backups).toHaveLength(1);
		expect(await readFile(join(dir, backups[0]!), 'utf8')).toBe(before);
	});

	it('a no leaves the file as it was; --dry-run shows the diff and writes nothing', async () => {
		const path = join(dir, 'Dockerfile');
		await writeFile(path, 'FROM alpine:3.20\n');
		await run(
			['docker-hub'],
			{username: 'octo', 'password-stdin': true, dockerfile: [path], 'no-template': true},
			{
				io: createRecordingIo({stdin: TOKEN, interactive: true, answers: [true, false]}),
			},
		);
		expect(await readFile(path, 'utf8')).toBe('FROM alpine:3.20\n');
		const {stdout} = await run(['docker-hub'], {dockerfile: [path]}, {global: {dryRun: true}});
		expect(stdout).toContain(`+FROM ${HOST}/docker-hub/library/alpine:3.20`);
		expect(await readFile(path, 'utf8')).toBe('FROM alpine:3.20\n');
		expect(await readdir(dir)).toEqual(['Dockerfile']);
	});

	it('a Dockerfile docker would refuse is refused before anything is created', async () => {
		const path = join(dir, 'Dockerfile');
		await writeFile(path, 'FROM node:22\nFRM x\n');
		await expect(run(['quay'], {dockerfile: [path]}, {global: {yes: true}})).rejects.toThrow(
			/Dockerfile:2: unknown instruction/,
		);
		expect(writes()).toEqual([]);
	});
});
