/**
 * A scripted world for wizard tests: one account, a few regions, a couple of repositories and local images, at the
 * service boundary (createFakeServices). Each test overrides what its story needs; every call is recorded by vi.fn.
 */
import {vi} from 'vitest';
import type {AuthToken, RepositoryInfo} from '../../source/aws/types.js';
import type {CreationTemplate} from '../../source/ecr/creation-templates.js';
import type {ChosenRepository} from '../../source/wizard/state.js';
import type {DockerConfigData, EditPlan, LoadedConfig, StoreResolution} from '../../source/docker-config/types.js';
import type {LocalImage, PushEvent} from '../../source/docker/types.js';
import type {Services} from '../../source/services/types.js';
import {createFakeServices, type FakeServiceParts} from './fake-services.js';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
export const PASSWORD = 'eyJwYXlsb2FkIjoiU0VDUkVULVBBU1NXT1JELTQyIn0-very-secret';
export const CONFIG_PATH = '/home/dev/.docker/config.json';
export const BACKUP_PATH = '/home/dev/.docker/config.json.ecr-setup-20261127T120000Z.bak';
export const DIGEST = 'sha256:4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b';

export function repository(name: string, overrides: Partial<RepositoryInfo> = {}): RepositoryInfo {
	return {
		name,
		uri: `${HOST}/${name}`,
		arn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
		registryId: ACCOUNT,
		region: REGION,
		imageTagMutability: 'MUTABLE',
		scanOnPush: false,
		encryptionType: 'AES256',
		...overrides,
	};
}

/** A repository the wizard has left for ECR to create on the first push, from the template `prefix`. */
export function onPushRepository(
	name: string,
	overrides: Partial<ChosenRepository> = {},
	prefix = name.split('/')[0]!,
): ChosenRepository {
	return {
		name,
		uri: `${HOST}/${name}`,
		registryId: ACCOUNT,
		region: REGION,
		imageTagMutability: 'MUTABLE',
		created: false,
		createOnPush: {prefix, actions: ['ecr:CreateRepository']},
		...overrides,
	};
}

export function loadedConfig(data: DockerConfigData = {}, exists = true): LoadedConfig {
	const text = exists ? JSON.stringify(data, null, '\t') : '';
	return {
		dir: '/home/dev/.docker',
		path: CONFIG_PATH,
		realPath: CONFIG_PATH,
		exists,
		text,
		data,
		mode: exists ? 0o600 : undefined,
	};
}

export const HELPER_DIFF = [
	`--- ${CONFIG_PATH}`,
	`+++ ${CONFIG_PATH}`,
	'@@ -1,3 +1,6 @@',
	' {',
	'-\t"auths": {}',
	'+\t"auths": {},',
	'+\t"credHelpers": {',
	`+\t\t"${HOST}": "ecr-login"`,
	'+\t}',
	' }',
].join('\n');

export function helperPlan(config: LoadedConfig): EditPlan {
	return {
		changed: true,
		newText: '{"auths":{},"credHelpers":{}}',
		diff: HELPER_DIFF,
		changes: [{type: 'set-cred-helper', host: HOST, helper: 'ecr-login'}],
		baseText: config.text,
	};
}

export const IMAGES: LocalImage[] = [
	{repository: 'old-thing', tag: 'v1', id: 'sha256:111', createdAt: new Date('2026-10-01T00:00:00Z'), size: '80MB'},
	{repository: 'my-app', tag: 'dev', id: 'sha256:222', createdAt: new Date('2026-11-27T11:00:00Z'), size: '120MB'},
];

export const PUSH_EVENTS: PushEvent[] = [
	{type: 'start', repository: `${HOST}/web`},
	{type: 'layer', id: 'aaaaaaaaaaaa', status: 'preparing'},
	{type: 'layer', id: 'bbbbbbbbbbbb', status: 'exists'},
	{type: 'layer', id: 'aaaaaaaaaaaa', status: 'pushing', current: 5_000_000, total: 20_000_000},
	{type: 'layer', id: 'aaaaaaaaaaaa', status: 'pushed'},
	{type: 'digest', tag: 'dev', digest: DIGEST, size: 1234},
];

export function token(): AuthToken {
	return {
		username: 'AWS',
		password: PASSWORD,
		expiresAt: new Date('2026-11-28T00:00:00Z'),
		proxyEndpoint: `https://${HOST}`,
		registry: HOST,
	};
}

/** The usual world; `parts` replaces whole methods. */
export function world(
	parts: FakeServiceParts = {},
	options: {repositories?: RepositoryInfo[]; resolution?: StoreResolution} = {},
) {
	const repositories = options.repositories ?? [repository('api'), repository('web')];
	const config = loadedConfig({auths: {}});
	const aws = {
		profile: undefined,
		resolveRegion: vi.fn(async () => ({region: REGION, source: 'AWS_REGION' as const})),
		listProfiles: vi.fn(async () => []),
		getCallerIdentity: vi.fn(async () => ({
			account: ACCOUNT,
			arn: `arn:aws:iam::${ACCOUNT}:user/dev`,
			userId: 'AIDEXAMPLE',
			kind: 'iam-user' as const,
		})),
		listRegions: vi.fn(() => ['eu-west-1', 'us-east-1', 'us-west-2']),
		listRepositories: vi.fn(async (region: string, listOptions?: {onPage?: (soFar: RepositoryInfo[]) => void}) => {
			const found = region === REGION ? repositories : [];
			if (found.length > 0) listOptions?.onPage?.(found);
			return found;
		}),
		describeRepository: vi.fn(
			async (_region: string, name: string) => repositories.find((item) => item.name === name) ?? null,
		),
		createRepository: vi.fn(
			async (
				_region: string,
				input: {name: string; imageTagMutability?: RepositoryInfo['imageTagMutability']; scanOnPush?: boolean},
			) =>
				repository(input.name, {
					imageTagMutability: input.imageTagMutability ?? 'MUTABLE',
					scanOnPush: input.scanOnPush ?? false,
				}),
		),
		// No repository creation templates: a name that does not exist is created by the wizard, not on push.
		describeCreationTemplates: vi.fn(async (): Promise<CreationTemplate[]> => []),
		describeImageTag: vi.fn(async () => null),
		getAuthorizationToken: vi.fn(async () => token()),
		...parts.aws,
	};
	const docker = {
		cliVersion: vi.fn(async () => '28.1.1'),
		daemonStatus: vi.fn(async () => ({ok: true as const, serverVersion: '28.1.1'})),
		listImages: vi.fn(async () => IMAGES),
		// Each local image is one linux/amd64 image manifest, as the classic image store has it.
		inspectImage: vi.fn(async (ref: string) => ({
			id: `sha256:${'0'.repeat(64)}`,
			repoTags: [ref],
			repoDigests: [],
			shape: {kind: 'manifest' as const, platforms: ['linux/amd64'], attestations: 0, listed: true},
		})),
		tag: vi.fn(async () => undefined),
		push: vi.fn(async (_ref: string, pushOptions?: {onEvent?: (event: PushEvent) => void}) => {
			for (const event of PUSH_EVENTS) pushOptions?.onEvent?.(event);
			return {digest: DIGEST, size: 1234, tag: 'dev', layers: 2};
		}),
		login: vi.fn(async () => ({message: 'Login Succeeded'})),
		...parts.docker,
	};
	const dockerConfig = {
		dir: '/home/dev/.docker',
		read: vi.fn(async () => config),
		resolveStore: vi.fn(
			(): StoreResolution => options.resolution ?? {kind: 'file', authKey: undefined, hasAuth: false},
		),
		plan: vi.fn((loaded: LoadedConfig) => helperPlan(loaded)),
		apply: vi.fn(async () => ({path: CONFIG_PATH, backupPath: BACKUP_PATH})),
		...parts.dockerConfig,
	};
	const helper = {
		find: vi.fn(async () => ({
			name: 'docker-credential-ecr-login',
			path: '/usr/bin/docker-credential-ecr-login',
			version: '0.9.1',
		})),
		get: vi.fn(async () => ({ok: true as const, username: 'AWS'})),
		...parts.helper,
	};
	const runner = {
		run: vi.fn(async (file: string) => {
			if (file === 'git') return {exitCode: 0, stdout: 'a1b2c3d\n', stderr: '', notFound: false, timedOut: false};
			throw new Error(`unscripted ${file}`);
		}),
		...parts.runner,
	};
	const services: Services = createFakeServices({
		aws,
		docker,
		dockerConfig,
		helper,
		runner,
		...(parts.signIn ? {signIn: parts.signIn} : {}),
		env: parts.env ?? {NO_COLOR: '1'},
		now: parts.now ?? (() => new Date('2026-11-27T12:00:00Z')),
	});
	return {services, aws, docker, dockerConfig, helper, runner, config};
}
