/**
 * One snapshot of everything the checks look at, gathered through the services. Local facts and network calls run
 * in parallel; each network call has its own time limit inside an overall one, and a call that runs out of time is
 * recorded as a timeout (the checks say so) rather than failing the run.
 */
import {constants as fsConstants} from 'node:fs';
import {access, stat} from 'node:fs/promises';
import {lookup as dnsLookup} from 'node:dns/promises';
import os from 'node:os';
import path from 'node:path';
import {COMMERCIAL_ECR_REGIONS, PARTITION_REGIONS, partitionOfRegion} from '../ecr/regions.js';
import {errorMessage} from '../errors/user-errors.js';
import {pathExists} from '../files/exists.js';
import {containsAuth, platformDefaultStore, resolveStore} from '../docker-config/stores.js';
import type {
	AwsProfile,
	CallerIdentity,
	RemoteImage,
	RepositoryInfo,
	RepositorySearchResult,
	ResolvedRegion,
} from '../aws/types.js';
import type {CreationTemplate} from '../ecr/creation-templates.js';
import type {HelperGetResult, InstallPlan} from '../credential-helper/types.js';
import type {LoadedConfig, StoreResolution} from '../docker-config/types.js';
import type {DaemonStatus, ImageInspect} from '../docker/types.js';
import type {Services} from '../services/types.js';
import {Deadline, gather, notRun, outcomeValue, type Outcome} from './outcome.js';
import {parseTargetInput, pusherOf, resolveTarget, type Pusher, type ResolvedTarget} from './target.js';
import {describeNetworkSettings, endpointUrl, type NetworkSettings} from '../aws/http.js';
import type {DoctorOptions, DoctorTargetInput} from './types.js';

export const DEFAULT_TOTAL_TIMEOUT_MS = 15_000;
export const DEFAULT_CALL_TIMEOUT_MS = 8000;

export type ConfigFact =
	| {state: 'ok'; config: LoadedConfig}
	| {state: 'error'; file: string; line: number | undefined; column: number | undefined; message: string};

export type DoctorFacts = {
	target: ResolvedTarget;
	/** undefined when the caller is unknown and the input names nobody. */
	pusher: Pusher | undefined;
	now: Date;
	env: Record<string, string | undefined>;
	/** process.platform (linux, darwin, win32): fix commands depend on it. */
	platform: string;
	docker: {
		cli: Outcome<string | null>;
		daemon: Outcome<DaemonStatus>;
	};
	config: ConfigFact;
	/** The config directory and whether docker can write there (it writes a temp file, then renames). */
	configDir: {path: string; writable: boolean; problem: string | undefined};
	/** The store docker uses for the host (resolved on an empty config when config.json is invalid, as docker does). */
	store: StoreResolution | undefined;
	/** `docker-credential-<name>` (and `pass`) → absolute path or null: every binary a check needs. */
	binaries: Record<string, string | null>;
	/** The password store of the `pass` helper: where its .gpg-id should be and whether it is there. */
	passStore: {dir: string; initialised: boolean} | undefined;
	/** `docker-credential-<helper> get <host>`, when the store is a helper whose binary exists. */
	helperGet: Outcome<HelperGetResult>;
	/** The first install plan for docker-credential-ecr-login when it is missing (for the fix command). */
	installPlan: InstallPlan | undefined;
	aws: {
		profileName: string | undefined;
		profile: AwsProfile | undefined;
		region: ResolvedRegion;
		identity: Outcome<CallerIdentity>;
		clock: Outcome<{server: Date; local: Date}>;
		/** GetAuthorizationToken: only what is safe to keep (never the password). */
		token: Outcome<{registry: string; expiresAt: Date}>;
		repository: Outcome<RepositoryInfo | null>;
		/** Other regions searched when the repository is missing here. */
		search: Outcome<RepositorySearchResult>;
		/** The registry's repository creation templates, read when the repository is missing (one may create it on push). */
		templates: Outcome<CreationTemplate[]>;
		policy: Outcome<string | null>;
		tagImage: Outcome<RemoteImage | null>;
	};
	image: {
		/** The image as given. */
		local: Outcome<ImageInspect | null>;
	};
	network: {
		settings: NetworkSettings;
		/** DNS answers for the hosts involved, looked up only when a call failed on the network. */
		lookups: Record<string, Outcome<string[]>>;
		/** The host the ECR API calls go to. */
		apiHost: string | undefined;
		/** The URL the ECR API calls go to. */
		apiUrl: string | undefined;
	};
	/** The bounds in force, for messages. */
	timeouts: {totalMs: number; callMs: number};
};

function configErrorFact(error: unknown, fallbackFile: string): ConfigFact {
	const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
	const file =
		typeof record['file'] === 'string'
			? record['file']
			: typeof record['path'] === 'string'
				? record['path']
				: fallbackFile;
	const line = typeof record['line'] === 'number' ? record['line'] : undefined;
	const column = typeof record['column'] === 'number' ? record['column'] : undefined;
	return {state: 'error', file, line, column, message: errorMessage(error)};
}

/** What docker reads when config.json is broken: nothing (it warns and carries on with an empty config). */
function emptyConfig(dir: string): LoadedConfig {
	const file = path.join(dir, 'config.json');
	return {dir, path: file, realPath: file, exists: false, text: '', data: {}, mode: undefined};
}

async function writableDir(dir: string): Promise<{writable: boolean; problem: string | undefined}> {
	// Docker creates the directory when missing (MkdirAll), so what matters is the nearest directory that exists.
	let current = dir;
	for (;;) {
		try {
			const info = await stat(current);
			if (!info.isDirectory()) return {writable: false, problem: `${current} is not a directory`};
			await access(current, fsConstants.W_OK);
			return {writable: true, problem: undefined};
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'ENOENT') {
				const parent = path.dirname(current);
				if (parent === current) return {writable: false, problem: `no part of ${dir} exists`};
				current = parent;
				continue;
			}

			if (code === 'ENOTDIR') return {writable: false, problem: `a part of ${dir} is a file, not a directory`};
			if (code === 'EACCES' || code === 'EPERM')
				return {writable: false, problem: `${current} is not writable by you (${code})`};
			return {writable: false, problem: `${current}: ${errorMessage(error)}`};
		}
	}
}

/** The URLs the doctor's calls go to: STS, the ECR API (honouring AWS_ENDPOINT_URL*), and the registry itself. */
export function endpointsOf(
	region: string | undefined,
	host: string | undefined,
	env: Record<string, string | undefined>,
): {
	sts: string | undefined;
	ecr: string | undefined;
	registry: string | undefined;
} {
	return {
		sts: region ? endpointUrl('sts', region, env) : undefined,
		ecr: region ? endpointUrl(host === 'public.ecr.aws' ? 'ecr-public' : 'ecr', region, env) : undefined,
		registry: host ? `https://${host}` : undefined,
	};
}

function hostOfUrl(url: string | undefined): string | undefined {
	if (!url) return undefined;
	try {
		return new URL(url).hostname;
	} catch {
		return undefined;
	}
}

/**
 * The store docker uses, through the service; plus docker's platform default (DetectDefaultStore), which applies only
 * when the file names no store at all and whose binary must be on PATH — looked up here, then handed to resolveStore.
 */
async function resolveStoreAsDocker(
	services: Services,
	config: LoadedConfig,
	host: string,
	platform: string,
): Promise<StoreResolution> {
	const resolved = services.dockerConfig.resolveStore(config, host);
	if (resolved.kind !== 'file' || containsAuth(config.data)) return resolved;
	const which = async (name: string) => services.runner.which(name, {env: services.env}).catch(() => null);
	const platformDefault = platformDefaultStore(platform, Boolean(await which('pass')));
	if (!platformDefault || !(await which(`docker-credential-${platformDefault}`))) return resolved;
	return resolveStore(config.data, host, services.env, {platformDefault});
}

function isNetworkProblem(outcome: Outcome<unknown>): boolean {
	return outcome.state === 'timeout' || (outcome.state === 'error' && outcome.error.kind === 'network');
}

export async function gatherFacts(
	services: Services,
	input: DoctorTargetInput,
	options: DoctorOptions = {},
): Promise<DoctorFacts> {
	const totalMs = options.timeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
	const callMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
	const deadline = new Deadline(totalMs, callMs, options.signal);
	const {env} = services;
	const parsed = parseTargetInput(input);

	// Phase 1: everything that does not need the target, and the caller's identity (which may decide the target).
	const identityRegion = parsed.registry?.kind === 'private' ? parsed.registry.region : undefined;
	const region = await services.aws.resolveRegion().catch((): ResolvedRegion => ({region: undefined, source: 'none'}));
	const identityCallRegion = identityRegion ?? region.region;
	const [cli, daemon, config, profiles, identity] = await Promise.all([
		gather(deadline, async () => services.docker.cliVersion()),
		gather(deadline, async () => services.docker.daemonStatus()),
		services.dockerConfig.read().then(
			(loaded): ConfigFact => ({state: 'ok', config: loaded}),
			(error: unknown) => configErrorFact(error, path.join(services.dockerConfig.dir, 'config.json')),
		),
		services.aws.listProfiles().catch((): AwsProfile[] => []),
		gather(deadline, async (signal) =>
			services.aws.getCallerIdentity({...(identityCallRegion ? {region: identityCallRegion} : {}), signal}),
		),
	]);

	const target = resolveTarget(parsed, region.region, outcomeValue(identity)?.account);
	const pusher = pusherOf(input, target.region, outcomeValue(identity));
	const host = target.host;
	const configDirPath = config.state === 'ok' ? config.config.dir : services.dockerConfig.dir;
	const platform = options.platform ?? process.platform;
	const effectiveConfig = config.state === 'ok' ? config.config : emptyConfig(configDirPath);
	const store = host ? await resolveStoreAsDocker(services, effectiveConfig, host, platform) : undefined;
	// The profile ecr-setup's own calls use (--profile, else AWS_PROFILE); the SDK ignores AWS_DEFAULT_PROFILE, so must we.
	const profileName = services.aws.profile;
	const profile = profiles.find((entry) => entry.name === (profileName ?? 'default'));

	// Binaries the checks need to know about.
	const wanted = new Set<string>(['docker-credential-ecr-login']);
	if (store?.kind === 'helper') {
		wanted.add(`docker-credential-${store.helper}`);
		if (store.helper === 'pass') wanted.add('pass');
	}

	const binaryEntries = await Promise.all(
		[...wanted].map(async (name) => [name, await services.runner.which(name, {env}).catch(() => null)] as const),
	);
	const binaries = Object.fromEntries(binaryEntries) as Record<string, string | null>;

	let passStore: DoctorFacts['passStore'];
	if (store?.kind === 'helper' && store.helper === 'pass') {
		const dir = env['PASSWORD_STORE_DIR'] || path.join(env['HOME'] || os.homedir(), '.password-store');
		passStore = {dir, initialised: await pathExists(path.join(dir, '.gpg-id'))};
	}

	const identityOk = identity.state === 'ok';
	const awsReason = identityOk ? '' : 'the AWS identity could not be established';
	const repositoryUsable = Boolean(target.repository && !target.repositoryProblem);
	const isPrivate = target.registry?.kind === 'private';
	const registryId = target.account;
	const helperBinary = store?.kind === 'helper' ? binaries[`docker-credential-${store.helper}`] : null;
	const helperRunnable =
		store?.kind === 'helper' && helperBinary && !(store.helper === 'pass' && passStore && !passStore.initialised);

	// Phase 2: the calls about the target, all at once.
	const [configDir, helperGet, installPlan, clock, token, repository, policy, tagImage, local] = await Promise.all([
		writableDir(configDirPath),
		helperRunnable && host && store?.kind === 'helper'
			? gather(deadline, async (signal) => services.helper.get(host, store.helper, {signal}))
			: Promise.resolve(notRun<HelperGetResult>('no credential helper to run')),
		binaries['docker-credential-ecr-login']
			? Promise.resolve(undefined)
			: services.helper
					.platform()
					.then((platform) => services.helper.installPlans(platform)[0])
					.catch(() => undefined),
		target.region && identity.state !== 'error'
			? gather(deadline, async (signal) => services.aws.getServerClock(target.region!, {signal}))
			: Promise.resolve(notRun<{server: Date; local: Date}>(target.region ? awsReason : 'no region')),
		identityOk && host && target.region
			? gather(deadline, async (signal) => {
					const fetched =
						target.registry?.kind === 'public'
							? await services.aws.getPublicAuthorizationToken()
							: await services.aws.getAuthorizationToken(target.region!, registryId, {signal});
					return {registry: fetched.registry, expiresAt: fetched.expiresAt};
				})
			: Promise.resolve(notRun<{registry: string; expiresAt: Date}>(awsReason || 'no registry')),
		identityOk && isPrivate && repositoryUsable
			? gather(deadline, async (signal) =>
					services.aws.describeRepository(target.region!, target.repository!, registryId, {signal}),
				)
			: Promise.resolve(notRun<RepositoryInfo | null>(awsReason || 'no repository to look up')),
		identityOk && isPrivate && repositoryUsable
			? gather(deadline, async (signal) =>
					services.aws.getRepositoryPolicy(target.region!, target.repository!, registryId, {signal}),
				)
			: Promise.resolve(notRun<string | null>(awsReason || 'no repository to look up')),
		identityOk && isPrivate && repositoryUsable && target.tag
			? gather(deadline, async (signal) =>
					services.aws.describeImageTag(target.region!, target.repository!, target.tag!, registryId, {signal}),
				)
			: Promise.resolve(notRun<RemoteImage | null>(awsReason || 'no tag to look up')),
		target.image && outcomeValue(daemon)?.ok
			? gather(deadline, async () => services.docker.inspectImage(target.image!))
			: Promise.resolve(
					notRun<ImageInspect | null>(target.image ? 'the docker daemon is not reachable' : 'no image given'),
				),
	]);

	// Phase 3: the repository is missing here. Will a create-on-push template create it, and where does it exist? Other
	// regions are searched only in the caller's own account.
	let search: Outcome<RepositorySearchResult> = notRun('the repository was not looked for elsewhere');
	let templates: Outcome<CreationTemplate[]> = notRun('the repository was not missing');
	const caller = outcomeValue(identity);
	const missing = repository.state === 'ok' && repository.value === null && target.region && target.repository;
	if (missing) {
		const region = target.region!;
		const partition = partitionOfRegion(region);
		const regions = (PARTITION_REGIONS[partition] ?? COMMERCIAL_ECR_REGIONS).filter((entry) => entry !== region);
		const limit = deadline.budget();
		const own = caller?.account === target.account;
		[templates, search] = await Promise.all([
			// DescribeRepositoryCreationTemplates has no registry parameter: it reads the caller's own registry only.
			own
				? gather(deadline, async (signal) => services.aws.describeCreationTemplates(region, undefined, {signal}))
				: Promise.resolve(
						notRun<CreationTemplate[]>(
							`the templates of account ${target.account} cannot be read from another account`,
						),
					),
			own
				? gather(deadline, async (signal) =>
						services.aws.findRepository(target.repository!, {regions, signal, timeoutMs: Math.max(1, limit - 250)}),
					)
				: Promise.resolve(search),
		]);
	}

	// Network: name resolution, only for the hosts whose calls failed on the network.
	const endpoints = endpointsOf(target.region, host, env);
	const urls = [endpoints.sts, endpoints.ecr, endpoints.registry].filter((url): url is string => Boolean(url));
	const settings = describeNetworkSettings(env, {
		...(target.region ? {region: target.region} : {}),
		...(urls.length > 0 ? {urls} : {}),
		...(profile?.caBundle ? {profileCaBundle: profile.caBundle} : {}),
	});
	const apiHost = hostOfUrl(endpoints.ecr);
	const lookups: Record<string, Outcome<string[]>> = {};
	const awsCalls = [identity, clock, token, repository, policy, tagImage, templates];
	if (
		awsCalls.some(isNetworkProblem) ||
		(helperGet.state === 'ok' &&
			!helperGet.value.ok &&
			/dial tcp|i\/o timeout|no such host/i.test(helperGet.value.logExcerpt ?? ''))
	) {
		const lookup =
			options.lookup ?? (async (name: string) => (await dnsLookup(name, {all: true})).map((entry) => entry.address));
		const hosts = [...new Set([apiHost, host].filter((entry): entry is string => Boolean(entry)))];
		const answers = await Promise.all(
			hosts.map(async (name) => [name, await gather(deadline, async () => lookup(name))] as const),
		);
		for (const [name, answer] of answers) lookups[name] = answer;
	}

	return {
		target,
		pusher,
		now: services.now(),
		env,
		platform,
		docker: {cli, daemon},
		config,
		configDir: {path: configDirPath, ...configDir},
		store,
		binaries,
		passStore,
		helperGet,
		installPlan,
		aws: {profileName, profile, region, identity, clock, token, repository, search, templates, policy, tagImage},
		image: {local},
		network: {settings, lookups, apiHost, apiUrl: endpoints.ecr},
		timeouts: {totalMs, callMs},
	};
}
