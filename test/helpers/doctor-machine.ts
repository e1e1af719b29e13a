/**
 * A machine for doctor tests: a real HOME, a real docker config directory with a real config.json, a PATH holding only
 * the fake binaries a test puts there (shell scripts), the real DockerConfigService, process runner and credential
 * helper service, and fake AWS and docker services (the network and daemon boundaries).
 */
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {createCredentialHelperService} from '../../source/credential-helper/service.js';
import {createDockerConfigService} from '../../source/docker-config/service.js';
import {createProcessRunner} from '../../source/process/runner.js';
import type {AuthToken, AwsService, RepositoryInfo} from '../../source/aws/types.js';
import type {CredentialHelperService} from '../../source/credential-helper/types.js';
import type {DockerService} from '../../source/docker/types.js';
import type {Services} from '../../source/services/types.js';
import {createFakeServices} from './fake-services.js';

export const ACCOUNT = '123456789012';
export const OTHER_ACCOUNT = '210987654321';
export const REGION = 'eu-west-1';
export const HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
export const NOW = new Date('2026-11-27T12:00:00Z');
/** What a fake helper returns as its secret; asserted never to appear in output. */
export const HELPER_SECRET = 'helper-secret-value-0123456789';
export const TOKEN_PASSWORD = 'ecr-token-password-9876543210';

/** An `auths[host].auth` value holding an ECR-shaped token that expires at `expiresAt`. */
export function ecrAuth(expiresAt: Date): string {
	const password = Buffer.from(
		JSON.stringify({
			payload: 'x',
			datakey: 'y',
			version: '2',
			type: 'DATA_KEY',
			expiration: Math.floor(expiresAt.getTime() / 1000),
		}),
	).toString('base64');
	return Buffer.from(`AWS:${password}`).toString('base64');
}

/** An error as the AWS SDK v3 raises it: name, message, $fault, $metadata. */
export function awsError(name: string, message: string, status = 400): Error {
	return Object.assign(new Error(message), {
		name,
		$fault: status >= 500 ? 'server' : 'client',
		$metadata: {httpStatusCode: status, requestId: 'req-1', attempts: 1},
	});
}

/** A Node network error as the SDK passes it through (no AWS response at all). */
export function networkError(code: string, host: string): Error {
	return Object.assign(new Error(`getaddrinfo ${code} ${host}`), {
		name: 'Error',
		code,
		errno: -3008,
		syscall: 'getaddrinfo',
		hostname: host,
	});
}

export function repositoryInfo(name: string, region = REGION, overrides: Partial<RepositoryInfo> = {}): RepositoryInfo {
	const registryId = overrides.registryId ?? ACCOUNT;
	return {
		name,
		uri: `${registryId}.dkr.ecr.${region}.amazonaws.com/${name}`,
		arn: `arn:aws:ecr:${region}:${registryId}:repository/${name}`,
		registryId,
		region,
		imageTagMutability: 'MUTABLE',
		scanOnPush: false,
		encryptionType: 'AES256',
		...overrides,
	};
}

export function tokenFor(host: string, expiresAt = new Date(NOW.getTime() + 12 * 3600_000)): AuthToken {
	return {username: 'AWS', password: TOKEN_PASSWORD, expiresAt, proxyEndpoint: `https://${host}`, registry: host};
}

/** A docker-credential-ecr-login that answers `get` like the real one when it works. */
export const WORKING_ECR_LOGIN = `#!/bin/sh
if [ "$1" = "get" ]; then
  read -r server
  printf '{"ServerURL":"%s","Username":"AWS","Secret":"${HELPER_SECRET}"}\\n' "$server"
  exit 0
fi
if [ "$1" = "version" ]; then echo "0.9.1"; exit 0; fi
echo "not implemented"
exit 1
`;

export type MachineOptions = {
	/** config.json content: an object (written as docker does, tab-indented) or raw text; undefined = no file. */
	config?: unknown;
	/** Fake binaries on PATH: name → script. */
	binaries?: Record<string, string>;
	env?: Record<string, string | undefined>;
	aws?: Partial<AwsService>;
	docker?: Partial<DockerService>;
	helper?: Partial<CredentialHelperService>;
};

export type Machine = {
	root: string;
	home: string;
	bin: string;
	configDir: string;
	configPath: string;
	env: Record<string, string | undefined>;
	services: Services;
	calls: {login: Array<{registry: string; username: string; password: string}>; tag: Array<[string, string]>};
	readConfig(): Promise<string>;
	addBinary(name: string, script: string): Promise<void>;
	cleanup(): Promise<void>;
};

export function healthyAws(overrides: Partial<AwsService> = {}): Partial<AwsService> {
	return {
		profile: undefined,
		resolveRegion: async () => ({region: REGION, source: 'AWS_REGION'}),
		listProfiles: async () => [],
		getCallerIdentity: async () => ({
			account: ACCOUNT,
			arn: `arn:aws:iam::${ACCOUNT}:user/dev`,
			userId: 'AIDAEXAMPLEUSERID',
			kind: 'iam-user',
		}),
		getServerClock: async () => ({server: NOW, local: NOW}),
		getAuthorizationToken: async (region: string, registryId?: string) =>
			tokenFor(`${registryId ?? ACCOUNT}.dkr.ecr.${region}.amazonaws.com`),
		describeRepository: async (region: string, name: string) => repositoryInfo(name, region),
		getRepositoryPolicy: async () => null,
		describeImageTag: async () => null,
		findRepository: async () => ({found: [], failed: [], timedOut: []}),
		describeCreationTemplates: async () => [],
		...overrides,
	};
}

export async function makeMachine(options: MachineOptions = {}): Promise<Machine> {
	const root = await mkdtemp(path.join(os.tmpdir(), 'ecr-doctor-'));
	const home = path.join(root, 'home');
	const bin = path.join(root, 'bin');
	const configDir = path.join(home, '.docker');
	await mkdir(home, {recursive: true});
	await mkdir(bin, {recursive: true});
	const configPath = path.join(configDir, 'config.json');
	if (options.config !== undefined) {
		await mkdir(configDir, {recursive: true, mode: 0o700});
		const text =
			typeof options.config === 'string' ? options.config : `${JSON.stringify(options.config, null, '\t')}\n`;
		await writeFile(configPath, text, {mode: 0o600});
	}

	const addBinary = async (name: string, script: string) => {
		const file = path.join(bin, name);
		await writeFile(file, script);
		await chmod(file, 0o755);
	};

	for (const [name, script] of Object.entries(options.binaries ?? {})) await addBinary(name, script);
	// Only the test's own binaries are on PATH: the machine's real helpers must not answer for it.
	const env: Record<string, string | undefined> = {PATH: bin, HOME: home, ...options.env};
	const runner = createProcessRunner();
	const helper = createCredentialHelperService({runner, env, home, platform: 'linux'});
	const calls: Machine['calls'] = {login: [], tag: []};
	const services = createFakeServices({
		aws: healthyAws(options.aws),
		docker: {
			cliVersion: async () => '28.3.3',
			daemonStatus: async () => ({ok: true, serverVersion: '28.3.3'}),
			inspectImage: async (ref: string) => ({
				id: 'sha256:0123456789abcdef0123456789abcdef',
				repoTags: [ref],
				repoDigests: [],
			}),
			login: async (registry: string, username: string, password: string) => {
				calls.login.push({registry, username, password});
				return {message: 'Login Succeeded'};
			},
			tag: async (source: string, target: string) => {
				calls.tag.push([source, target]);
			},
			...options.docker,
		},
		dockerConfig: createDockerConfigService({dir: configDir, env, now: () => NOW}),
		helper: {
			find: helper.find,
			get: helper.get,
			platform: async () => ({
				os: 'linux',
				arch: 'x64',
				isRoot: false,
				isWsl: false,
				distro: 'debian',
				distroVersion: '12',
				packageManagers: ['apt'],
				home,
			}),
			installPlans: () => [
				{
					method: 'apt',
					command: ['sudo', 'apt-get', 'install', '-y', 'amazon-ecr-credential-helper'],
					before: [['sudo', 'apt-get', 'update']],
					needsSudo: true,
					description: 'Install with apt',
				},
			],
			...options.helper,
		},
		runner,
		env,
		now: () => NOW,
	});
	return {
		root,
		home,
		bin,
		configDir,
		configPath,
		env,
		services,
		calls,
		readConfig: async () => readFile(configPath, 'utf8'),
		addBinary,
		cleanup: async () => rm(root, {recursive: true, force: true}),
	};
}
