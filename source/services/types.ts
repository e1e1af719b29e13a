/**
 * The shared service layer: every side effect of ecr-setup goes through one of these interfaces.
 * Commands, wizard steps and doctor checks receive a `Services` object; tests hand them fakes.
 */
import type {EngineConfigService} from './engine-config.js';

// ───────────────────────────── process runner (the one module that imports execa) ─────────────────────────────

export type RunOptions = {
	/** Written to the child's stdin, then stdin is closed. Secrets go here, never into args. */
	input?: string;
	env?: Record<string, string | undefined>;
	/** Extend process.env with env (default true). */
	extendEnv?: boolean;
	cwd?: string;
	timeoutMs?: number;
	signal?: AbortSignal;
};

export type RunResult = {
	exitCode: number;
	stdout: string;
	stderr: string;
	/** The executable was not found (ENOENT). exitCode is 127 then. */
	notFound: boolean;
	timedOut: boolean;
};

export type StreamOptions = RunOptions & {
	/** Called for each complete line the child prints (carriage-return redraws split too). */
	onLine: (line: string, stream: 'stdout' | 'stderr') => void;
};

export interface ProcessRunner {
	/** Run to completion; never throws for a non-zero exit (look at exitCode), throws CancelledError on abort. */
	run(file: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
	/** Like run, but hands every output line to onLine as it arrives. */
	stream(file: string, args: readonly string[], options: StreamOptions): Promise<RunResult>;
	/** Run with the terminal handed over (stdio inherit) — only while Ink is unmounted. */
	interactive(file: string, args: readonly string[], options?: Omit<RunOptions, 'input'>): Promise<{exitCode: number}>;
	/** Absolute path of an executable on PATH (honours PATHEXT on Windows), or null. */
	which(command: string, options?: {env?: Record<string, string | undefined>}): Promise<string | null>;
	/**
	 * Start loading what running a process needs, in the background: a command that will spawn after a network call
	 * calls this first, so the loading overlaps the wait. Optional; never throws.
	 */
	warm?(): void;
}

// ───────────────────────────── AWS ─────────────────────────────

export type IdentityKind = 'iam-user' | 'assumed-role' | 'sso' | 'root' | 'federated' | 'unknown';

export type CallerIdentity = {
	account: string;
	arn: string;
	userId: string;
	kind: IdentityKind;
};

export type AwsProfile = {
	name: string;
	region?: string;
	/** sso_session or sso_start_url present. */
	sso: boolean;
	ssoSession?: string;
	/** mfa_serial present: the credential helper cannot prompt for it. */
	mfa: boolean;
	/** Where it is defined. */
	source: 'config' | 'credentials' | 'both';
	/** ca_bundle from the profile, if any. */
	caBundle?: string;
};

export type RegionSource = 'flag' | 'AWS_REGION' | 'AWS_DEFAULT_REGION' | 'profile' | 'none';

export type ResolvedRegion = {region: string | undefined; source: RegionSource};

export type TagMutability = 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION';

export type RepositoryInfo = {
	name: string;
	/** <acct>.dkr.ecr.<region>.amazonaws.com/<name> */
	uri: string;
	arn: string;
	registryId: string;
	region: string;
	createdAt?: Date;
	imageTagMutability: TagMutability;
	scanOnPush: boolean;
	encryptionType: 'AES256' | 'KMS' | 'KMS_DSSE' | string;
};

export type CreateRepositoryInput = {
	name: string;
	imageTagMutability?: TagMutability;
	scanOnPush?: boolean;
	encryption?: {type: 'AES256'} | {type: 'KMS'; kmsKey?: string};
};

export type RemoteImage = {
	digest: string;
	tags: string[];
	pushedAt?: Date;
	sizeBytes?: number;
};

export type AuthToken = {
	username: string;
	/** Secret: never log, print or put on argv. */
	password: string;
	expiresAt: Date;
	/** https://<acct>.dkr.ecr.<region>.amazonaws.com, or https://public.ecr.aws */
	proxyEndpoint: string;
	/** proxyEndpoint without scheme: the docker registry host. */
	registry: string;
};

export type RepositorySearchResult = {
	found: RepositoryInfo[];
	/** Regions whose call failed, with the reason (e.g. opt-in region disabled, access denied). */
	failed: Array<{region: string; message: string}>;
	/** Regions not answered before the overall time limit. */
	timedOut: string[];
};

export type ListRepositoriesOptions = {
	signal?: AbortSignal;
	/** Called after each page with everything fetched so far. */
	onPage?: (soFar: RepositoryInfo[]) => void;
	registryId?: string;
};

/** An abort stops the request on the wire (the doctor's per-call limit, Ctrl-C), not only the wait for it. */
export type CallOptions = {signal?: AbortSignal};

export interface AwsService {
	/** The profile in use (flag > AWS_PROFILE > undefined = default chain). */
	readonly profile: string | undefined;
	/** The same service bound to another profile (the wizard's profile picker). Optional: without it the picker is not offered. */
	withProfile?(profile: string): AwsService;
	/** --region > AWS_REGION > AWS_DEFAULT_REGION > the profile's region. */
	resolveRegion(): Promise<ResolvedRegion>;
	listProfiles(): Promise<AwsProfile[]>;
	getCallerIdentity(options?: {region?: string; signal?: AbortSignal}): Promise<CallerIdentity>;
	/** ECR regions for a partition ('aws' = the 34 commercial regions). */
	listRegions(partition?: string): string[];
	listRepositories(region: string, options?: ListRepositoriesOptions): Promise<RepositoryInfo[]>;
	/** null when the repository does not exist. */
	describeRepository(
		region: string,
		name: string,
		registryId?: string,
		options?: CallOptions,
	): Promise<RepositoryInfo | null>;
	createRepository(region: string, input: CreateRepositoryInput): Promise<RepositoryInfo>;
	/** The image carrying this tag, or null. */
	describeImageTag(
		region: string,
		repository: string,
		tag: string,
		registryId?: string,
		options?: CallOptions,
	): Promise<RemoteImage | null>;
	/** Policy JSON text, or null when the repository has none. */
	getRepositoryPolicy(
		region: string,
		repository: string,
		registryId?: string,
		options?: CallOptions,
	): Promise<string | null>;
	getAuthorizationToken(region: string, registryId?: string, options?: CallOptions): Promise<AuthToken>;
	/** ECR Public: always us-east-1. */
	getPublicAuthorizationToken(): Promise<AuthToken>;
	/** Look for a repository by name in many regions at once, bounded concurrency and time. */
	findRepository(
		name: string,
		options?: {regions?: string[]; concurrency?: number; timeoutMs?: number; signal?: AbortSignal},
	): Promise<RepositorySearchResult>;
	/** The server's clock (from the HTTP Date header of a cheap call) next to ours, for skew checks. */
	getServerClock(region: string, options?: CallOptions): Promise<{server: Date; local: Date}>;
}

/** What went wrong with an AWS call, classified for explanations and doctor checks. */
export type AwsErrorKind =
	| 'no-credentials'
	| 'sso-expired'
	| 'invalid-credentials'
	| 'expired-credentials'
	| 'clock-skew'
	| 'access-denied'
	| 'repository-not-found'
	| 'repository-exists'
	| 'throttled'
	| 'network'
	| 'no-region'
	| 'region-disabled'
	| 'mfa-required'
	| 'kms'
	| 'unknown';

// ───────────────────────────── docker ─────────────────────────────

export type DaemonStatus =
	| {ok: true; serverVersion: string}
	| {ok: false; reason: 'cli-missing' | 'not-running' | 'permission' | 'unknown'; message: string};

export type LocalImage = {
	repository: string;
	tag: string;
	id: string;
	createdAt?: Date;
	/** As docker prints it, e.g. "12.3MB". */
	size?: string;
};

export type ImageInspect = {
	id: string;
	repoTags: string[];
	repoDigests: string[];
};

export type PushEvent =
	| {type: 'start'; repository: string}
	| {
			type: 'layer';
			id: string;
			status: 'preparing' | 'waiting' | 'pushing' | 'pushed' | 'exists' | 'mounted' | 'retrying';
			current?: number;
			total?: number;
			message?: string;
	  }
	| {type: 'digest'; tag: string; digest: string; size: number}
	| {type: 'error'; message: string};

export type PushResult = {digest: string; size: number; tag: string; layers: number};

export interface DockerService {
	/** Client version, or null when the docker CLI is not installed. */
	cliVersion(): Promise<string | null>;
	daemonStatus(): Promise<DaemonStatus>;
	listImages(): Promise<LocalImage[]>;
	inspectImage(ref: string): Promise<ImageInspect | null>;
	tag(source: string, target: string): Promise<void>;
	/** Streams progress; resolves with the digest; rejects with a PushError classifying the failure. */
	push(ref: string, options?: {onEvent?: (event: PushEvent) => void; signal?: AbortSignal}): Promise<PushResult>;
	/** Password goes to `--password-stdin`. */
	login(registry: string, username: string, password: string): Promise<{message: string}>;
	logout(registry: string): Promise<void>;
	/**
	 * The same service with more environment for docker, e.g. AWS_PROFILE for the credential helper docker runs (it
	 * inherits docker's environment). Optional: without it, docker runs with the shell's environment.
	 */
	withEnv?(env: Record<string, string | undefined>): DockerService;
}

// ───────────────────────────── docker config file ─────────────────────────────

export type DockerConfigData = {
	auths?: Record<string, {auth?: string; identitytoken?: string; [key: string]: unknown}>;
	credHelpers?: Record<string, string>;
	credsStore?: string;
	[key: string]: unknown;
};

export type LoadedConfig = {
	/** Directory (after --config > DOCKER_CONFIG > ~/.docker). */
	dir: string;
	/** dir/config.json as named (may be a symlink). */
	path: string;
	/** Where writes go: the symlink target, resolved. */
	realPath: string;
	exists: boolean;
	/** Exact bytes read ('' when missing). */
	text: string;
	data: DockerConfigData;
	/** File mode bits (e.g. 0o600), undefined when missing. */
	mode: number | undefined;
};

/** Which store docker will use for a host, exactly as docker/cli resolves it. */
export type StoreResolution =
	| {kind: 'helper'; helper: string; source: 'credHelpers' | 'credsStore' | 'platform-default'; key?: string}
	| {kind: 'file'; authKey: string | undefined; hasAuth: boolean}
	| {kind: 'env'; variable: 'DOCKER_AUTH_CONFIG'; authKey: string};

export type ConfigChange =
	| {type: 'set-cred-helper'; host: string; helper: string}
	| {type: 'remove-cred-helper'; host: string}
	| {type: 'set-creds-store'; helper: string}
	| {type: 'remove-creds-store'}
	| {type: 'remove-auth'; key: string};

export type EditPlan = {
	changed: boolean;
	/** The full new file text. */
	newText: string;
	/** Unified diff of old → new, with the file's path in the header. */
	diff: string;
	changes: ConfigChange[];
	/** The text the plan was made from; apply refuses if the file no longer has it. */
	baseText: string;
};

export type ApplyResult = {path: string; backupPath: string | undefined};

export interface DockerConfigService {
	/** The config directory in force. */
	readonly dir: string;
	/** Read and validate; throws ConfigError (file, line, column) when invalid. Missing file = empty config. */
	read(): Promise<LoadedConfig>;
	resolveStore(config: LoadedConfig, host: string): StoreResolution;
	plan(config: LoadedConfig, changes: ConfigChange[]): EditPlan;
	/** Backup, atomic write; throws ConfigChangedError when the file changed since it was read. */
	apply(config: LoadedConfig, plan: EditPlan): Promise<ApplyResult>;
	listBackups(): Promise<Array<{path: string; createdAt: Date}>>;
	/** A backup's text (for the diff before a restore); throws a UserError when it cannot be read. */
	readBackup(backupPath: string): Promise<string>;
	/**
	 * Restore a backup (the newest when none is named); the current file is itself backed up first. With `shown` (the
	 * config.json text the person agreed to replace, '' for none), throws ConfigChangedError if the file is not that now.
	 */
	restore(backupPath?: string, options?: {shown?: string}): Promise<ApplyResult & {restoredFrom: string}>;
}

// ───────────────────────────── credential helper ─────────────────────────────

export type InstallMethod = 'brew' | 'apt' | 'dnf' | 'yum' | 'apk' | 'go' | 'binary';

export type PlatformInfo = {
	os: 'linux' | 'darwin' | 'win32' | string;
	arch: string;
	isRoot: boolean;
	isWsl: boolean;
	/** Linux distribution id from /etc/os-release (debian, ubuntu, amzn, alpine, …). */
	distro?: string;
	distroVersion?: string;
	/** Package managers found on PATH. */
	packageManagers: InstallMethod[];
	home: string;
	/** Package managers found outside PATH (Homebrew at /opt/homebrew/bin/brew or /usr/local/bin/brew): plans run them by this path. */
	commandPaths?: Partial<Record<InstallMethod, string>>;
};

export type InstallPlan = {
	method: InstallMethod;
	/** argv as it will run (sudo prefixed when needed), shown to the user verbatim. */
	command: string[];
	/** Extra commands run first (e.g. apt-get update, amazon-linux-extras). */
	before: string[][];
	needsSudo: boolean;
	description: string;
	/** For 'binary': where it will be installed and whether that directory is on PATH. */
	target?: {path: string; onPath: boolean};
	/** For 'binary' (whose `command` is empty: nothing is spawned): the release file, its `.sha256`, and how to put the directory on PATH. */
	download?: {url: string; checksumUrl: string; version: string; pathAdvice?: string};
};

export type HelperInfo = {name: string; path: string; version?: string};

export type HelperGetResult =
	| {ok: true; username: string}
	| {ok: false; message: string /** Tail of the ecr-login log explaining the real reason. */; logExcerpt?: string};

export interface CredentialHelperService {
	/** Find docker-credential-<name> on PATH (default ecr-login), with its version. */
	find(name?: string): Promise<HelperInfo | null>;
	platform(): Promise<PlatformInfo>;
	/** Install options for this platform, best first. */
	installPlans(platform: PlatformInfo): InstallPlan[];
	/** Run a plan, streaming output lines; sudo plans need the terminal handed over by the caller. */
	install(plan: InstallPlan, options?: {onLine?: (line: string) => void; signal?: AbortSignal}): Promise<HelperInfo>;
	/**
	 * Run `docker-credential-<name> get` for host; the secret is read and dropped, never returned. An abort stops the
	 * helper (a hanging keychain prompt, say) and rejects with CancelledError.
	 */
	get(host: string, name?: string, options?: {signal?: AbortSignal}): Promise<HelperGetResult>;
	/** The same service with more environment for the helpers it runs (AWS_PROFILE). Optional, as for DockerService. */
	withEnv?(env: Record<string, string | undefined>): CredentialHelperService;
}

// ───────────────────────────── everything together ─────────────────────────────

export type Services = {
	aws: AwsService;
	docker: DockerService;
	dockerConfig: DockerConfigService;
	/** podman's and Finch's credential files (`configure-helper --engine podman|finch`). */
	engineConfig: EngineConfigService;
	helper: CredentialHelperService;
	runner: ProcessRunner;
	env: Record<string, string | undefined>;
	/** Injected so tests can move time. */
	now: () => Date;
};
