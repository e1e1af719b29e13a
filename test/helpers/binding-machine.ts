/**
 * A machine for the profile-binding commands: a real docker config directory and real wrapper files in a temp dir, a
 * fake docker-credential-ecr-login on a PATH of its own, and strict fakes for AWS (per profile) and the helper's runs.
 */
import {chmod, mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {CommandContext} from '../../source/commands/types.js';
import type {AwsService, CallerIdentity} from '../../source/aws/types.js';
import type {DirProbe} from '../../source/credential-helper/wrapper-dir.js';
import {createWrapperService, probeDirectory} from '../../source/credential-helper/wrapper-service.js';
import {createDockerConfigService} from '../../source/docker-config/service.js';
import type {DockerConfigService} from '../../source/docker-config/types.js';
import {createFakeServices, createRecordingIo, type RecordingIo} from './fake-services.js';

export const ACCOUNT = '123456789012';
export const OTHER_ACCOUNT = '210987654321';
export const HOST = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;

export type BindingMachine = {
	root: string;
	configDir: string;
	configFile: string;
	helperDir: string;
	helper: string;
	home: string;
	userBin: string;
	/** Directories the wrapper service must take as not writable (the suite may run as root). */
	closed: Set<string>;
	/** Each profile's answer to GetCallerIdentity: an account, or the error the AWS service throws. */
	accounts: Map<string, string | Error>;
	/** Profiles the AWS config files define, in listProfiles order (with their region). */
	profiles: Array<{name: string; region?: string; ssoSession?: string; mfa?: boolean}>;
	/** What `helper.find` reports as the real helper's version. */
	helperVersion: string;
	/** (host, helper name) of each run of the helper's `get`. */
	gets: Array<[string, string | undefined]>;
	stsCalls: Array<{profile: string; region: string | undefined}>;
	backups(): Promise<string[]>;
	cleanup(): Promise<void>;
};

export async function createBindingMachine(): Promise<BindingMachine> {
	const root = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-bind-'));
	const configDir = path.join(root, 'home', '.docker');
	const helperDir = path.join(root, 'usr local', 'bin');
	const home = path.join(root, 'home');
	await mkdir(configDir, {recursive: true});
	await mkdir(helperDir, {recursive: true});
	const helper = path.join(helperDir, 'docker-credential-ecr-login');
	await writeFile(helper, '#!/bin/sh\nexit 0\n');
	await chmod(helper, 0o755);
	return {
		root,
		configDir,
		configFile: path.join(configDir, 'config.json'),
		helperDir,
		helper,
		home,
		userBin: path.join(home, '.local', 'bin'),
		closed: new Set(),
		accounts: new Map([['prod', ACCOUNT]]),
		profiles: [
			{name: 'default', region: 'us-east-1'},
			{name: 'prod', region: 'eu-west-1'},
		],
		helperVersion: '0.9.0',
		gets: [],
		stsCalls: [],
		backups: async () => (await readdir(configDir)).filter((name) => name.includes('.ecr-setup-backup-')).sort(),
		cleanup: () => rm(root, {recursive: true, force: true}),
	};
}

function identity(account: string, profile: string): CallerIdentity {
	return {account, arn: `arn:aws:iam::${account}:user/${profile}`, userId: 'AIDAEXAMPLE', kind: 'iam-user'};
}

export function bindingContext(
	machine: BindingMachine,
	options: {
		flags?: Record<string, unknown>;
		profile?: string;
		yes?: boolean;
		interactive?: boolean;
		answers?: boolean[];
		dryRun?: boolean;
		dockerConfig?: (real: DockerConfigService) => DockerConfigService;
		aws?: Partial<AwsService>;
	} = {},
): {ctx: CommandContext; io: RecordingIo} {
	const env = {PATH: `${machine.helperDir}:${machine.userBin}:/usr/bin:/bin`, HOME: machine.home};
	const realConfig = createDockerConfigService({dir: machine.configDir, env, platformDefault: null});
	const serviceFor = (profile: string): AwsService =>
		({
			profile,
			async getCallerIdentity(call: {region?: string} = {}) {
				machine.stsCalls.push({profile, region: call.region});
				const answer = machine.accounts.get(profile);
				if (answer === undefined) throw new Error(`no STS answer scripted for ${profile}`);
				if (answer instanceof Error) throw answer;
				return identity(answer, profile);
			},
		}) as AwsService;
	const services = createFakeServices({
		env,
		dockerConfig: options.dockerConfig ? options.dockerConfig(realConfig) : realConfig,
		wrappers: createWrapperService({
			env,
			platform: 'linux',
			home: machine.home,
			probe: async (dir): Promise<DirProbe> =>
				machine.closed.has(dir) ? {exists: true, writable: false, worldWritable: false} : probeDirectory(dir),
		}),
		runner: {which: async (command: string) => (command === 'docker' ? '/usr/bin/docker' : null)},
		helper: {
			find: async () => ({name: 'ecr-login', path: machine.helper, version: machine.helperVersion}),
			get: async (host: string, name?: string) => {
				machine.gets.push([host, name]);
				return {ok: true, username: 'AWS'};
			},
		},
		aws: {
			profile: options.profile,
			listProfiles: async () =>
				machine.profiles.map((profile) => ({
					name: profile.name,
					...(profile.region ? {region: profile.region} : {}),
					sso: profile.ssoSession !== undefined,
					...(profile.ssoSession ? {ssoSession: profile.ssoSession} : {}),
					mfa: profile.mfa ?? false,
					source: 'config' as const,
				})),
			withProfile: serviceFor,
			getCallerIdentity: async (call = {}) => serviceFor(options.profile ?? 'default').getCallerIdentity(call),
			resolveRegion: async () => ({region: 'eu-west-1', source: 'AWS_REGION' as const}),
			...options.aws,
		},
	});
	const io = createRecordingIo({
		yes: options.yes ?? !options.interactive,
		interactive: options.interactive ?? false,
		answers: options.answers ?? [],
	});
	const ctx = {
		services,
		io,
		options: {
			profile: options.profile,
			region: undefined,
			config: machine.configDir,
			json: false,
			yes: options.yes ?? !options.interactive,
			dryRun: options.dryRun ?? false,
			color: false,
			verbose: false,
		},
		flags: options.flags ?? {registry: [HOST]},
		positionals: [],
		signal: new AbortController().signal,
	} as CommandContext;
	return {ctx, io};
}
