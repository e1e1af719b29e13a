/**
 * `ecr-setup push --public` through the real AWS service against the in-process AWS stand-in (ECR Public's registry,
 * repositories and token); docker and its config are fakes, at the process boundary.
 */
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {pushCommand} from '../../source/commands/push.js';
import type {CommandContext} from '../../source/commands/types.js';
import {createAwsService} from '../../source/aws/service.js';
import type {LoadedConfig, StoreResolution} from '../../source/docker-config/types.js';
import {awsEnv, type StandIn, type StandInOptions, startAwsStandIn} from '../helpers/aws-stand-in/index.js';
import {createFakeServices, createRecordingIo} from '../helpers/fake-services.js';

const config: LoadedConfig = {
	dir: '/c',
	path: '/c/config.json',
	realPath: '/c/config.json',
	exists: false,
	text: '',
	data: {},
	mode: undefined,
};

let standIn: StandIn | undefined;
beforeEach(() => {
	vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(async () => {
	vi.unstubAllEnvs();
	await standIn?.close();
	standIn = undefined;
});

async function setup(
	options: {
		standIn?: StandInOptions;
		repositories?: string[];
		flags?: Record<string, unknown>;
		store?: StoreResolution;
		dryRun?: boolean;
		region?: string;
	} = {},
) {
	standIn = await startAwsStandIn(options.standIn);
	for (const name of options.repositories ?? []) standIn.model.createPublicRepository(name);
	const env = awsEnv(standIn.url);
	for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
	vi.stubEnv('AWS_PROFILE', '');
	const docker: string[] = [];
	const logins: Array<{registry: string; username: string; password: string}> = [];
	const services = createFakeServices({
		aws: createAwsService({env, maxAttempts: 1}),
		docker: {
			inspectImage: async () => ({id: 'sha256:abc', repoTags: ['my-tool:v1'], repoDigests: []}),
			tag: async (source, target) => {
				docker.push(`tag ${source} ${target}`);
			},
			push: async (ref) => {
				docker.push(`push ${ref}`);
				return {digest: 'sha256:feed', size: 528, tag: 'v1', layers: 1};
			},
			login: async (registry, username, password) => {
				logins.push({registry, username, password});
				return {message: 'Login Succeeded'};
			},
		},
		dockerConfig: {
			read: async () => config,
			resolveStore: () => options.store ?? {kind: 'file', authKey: undefined, hasAuth: false},
		},
	});
	const io = createRecordingIo();
	const ctx = {
		services,
		io,
		options: {
			json: false,
			yes: false,
			dryRun: options.dryRun ?? false,
			color: false,
			verbose: false,
			region: options.region,
		},
		flags: {repository: 'my-tool', public: true, ...options.flags},
		positionals: ['my-tool:v1'],
		signal: new AbortController().signal,
	} as unknown as CommandContext;
	return {ctx, io, docker, logins, standIn};
}

const everything = (io: {stdout: string[]; stderr: string[]}) => [...io.stdout, ...io.stderr].join('\n');

describe('push --public', () => {
	it('creates the repository, logs docker in with ECR Public’s token and pushes to public.ecr.aws/<alias>/<name>', async () => {
		const {ctx, io, docker, logins, standIn} = await setup({flags: {'create-repository': true}});
		const result = await pushCommand.run(ctx);
		const alias = standIn.model.publicAlias;
		expect(alias).toMatch(/^a[0-9a-f]{7}$/);
		expect(standIn.model.publicRepositories.has('my-tool')).toBe(true);
		const target = `public.ecr.aws/${alias}/my-tool:v1`;
		expect(docker).toEqual([`tag my-tool:v1 ${target}`, `push ${target}`]);
		expect(logins).toEqual([{registry: 'public.ecr.aws', username: 'AWS', password: expect.any(String)}]);
		const password = logins[0]!.password;
		expect(everything(io)).not.toContain(password);
		expect(JSON.stringify(result.json)).not.toContain(password);
		expect(io.stdout).toEqual([
			`Created public repository public.ecr.aws/${alias}/my-tool.`,
			expect.stringMatching(/^Logged in to public\.ecr\.aws\. The token expires /),
			`Pushed ${target}`,
			'Digest sha256:feed',
		]);
		expect(result.json).toMatchObject({
			image: target,
			registry: 'public.ecr.aws',
			alias,
			public: true,
			createdRepository: true,
			loggedIn: true,
		});
		// ECR Public only, in its one region: nothing was asked of private ECR.
		expect(standIn.requests.map((call) => `${call.service} ${call.region} ${call.operation}`)).toEqual([
			'ecr-public us-east-1 DescribeRepositories',
			'ecr-public us-east-1 CreateRepository',
			'ecr-public us-east-1 DescribeRegistries',
			'ecr-public us-east-1 GetAuthorizationToken',
		]);
	});

	it('the primary alias names the image; where the helper serves public.ecr.aws, docker is not logged in', async () => {
		const {ctx, io, docker, logins, standIn} = await setup({
			standIn: {publicAlias: 'my-team'},
			repositories: ['my-tool'],
			store: {kind: 'helper', helper: 'ecr-login', source: 'credHelpers', key: 'public.ecr.aws'},
			region: 'eu-west-1',
		});
		const result = await pushCommand.run(ctx);
		expect(docker).toEqual([
			'tag my-tool:v1 public.ecr.aws/my-team/my-tool:v1',
			'push public.ecr.aws/my-team/my-tool:v1',
		]);
		expect(logins).toEqual([]);
		expect(standIn.count('GetAuthorizationToken')).toBe(0);
		expect(io.stderr).toContain(
			'docker gets tokens for public.ecr.aws from docker-credential-ecr-login (credHelpers).',
		);
		expect(io.stderr).toContain("Note: ECR Public's API is in us-east-1 only; --region eu-west-1 is not used.");
		expect(result.json).toMatchObject({alias: 'my-team', createdRepository: false, loggedIn: false});
	});

	it('a missing repository is refused without --create-repository: ECR Public never creates one on push', async () => {
		const {ctx, docker, standIn} = await setup({standIn: {publicAlias: 'my-team'}});
		await expect(pushCommand.run(ctx)).rejects.toMatchObject({
			code: 'ecr.repository',
			exitCode: 1,
			message:
				'Repository "my-tool" does not exist in your ECR Public registry, and ECR Public never creates one on push.',
			hint: expect.stringContaining('--create-repository'),
		});
		expect(standIn.count('CreateRepository')).toBe(0);
		expect(docker).toEqual([]);
	});

	it('private repository settings are refused with --public, before any call', async () => {
		const {ctx, standIn} = await setup({flags: {'create-repository': true, immutable: true, 'keep-images': '3'}});
		await expect(pushCommand.run(ctx)).rejects.toMatchObject({
			exitCode: 2,
			message: '--immutable, --keep-images do not go with --public.',
		});
		expect(standIn.requests).toEqual([]);
	});

	it('a dry run creates nothing and logs nothing in', async () => {
		const create = await setup({flags: {'create-repository': true}, dryRun: true});
		const planned = await pushCommand.run(create.ctx);
		expect(create.io.stdout).toEqual([
			'Dry run: would create the public repository my-tool, tag my-tool:v1 and push it.',
		]);
		expect(planned.json).toMatchObject({dryRun: true, public: true});
		expect(create.standIn.count('CreateRepository')).toBe(0);
		await create.standIn.close();

		const existing = await setup({standIn: {publicAlias: 'my-team'}, repositories: ['my-tool'], dryRun: true});
		await pushCommand.run(existing.ctx);
		expect(existing.io.stdout).toEqual([
			expect.stringMatching(/^Dry run: would log docker in to public\.ecr\.aws \(token valid /),
			'Dry run: would tag my-tool:v1 as public.ecr.aws/my-team/my-tool:v1 and push it.',
		]);
		expect(existing.logins).toEqual([]);
		expect(existing.docker).toEqual([]);
	});

	it('a token ECR Public refuses stops the push before docker is touched', async () => {
		const {ctx, docker, logins, standIn} = await setup({standIn: {publicAlias: 'my-team'}, repositories: ['my-tool']});
		standIn.model.denied.add('sts:GetServiceBearerToken');
		await expect(pushCommand.run(ctx)).rejects.toMatchObject({
			kind: 'access-denied',
			message: expect.stringContaining('sts:GetServiceBearerToken'),
		});
		expect(logins).toEqual([]);
		expect(docker).toEqual([]);
	});
});
