/** The credential helpers docker runs (docker-credential-<name>): finding, installing and asking them. */
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
	/**
	 * For 'binary' (whose `command` is empty: nothing is spawned): the release file, its `.sha256`, how to put the
	 * directory on PATH, and the sum ecr-setup ships for this version and platform (absent: unverified, needs consent).
	 */
	download?: {
		url: string;
		checksumUrl: string;
		version: string;
		releasePlatform?: string;
		pathAdvice?: string;
		known?: {sha256: string; source: string};
	};
};

export type HelperInfo = {name: string; path: string; version?: string};

/** A Go panic of a helper, read for what it means; its stack is never kept. */
export type HelperPanic = {
	/** The panic's message (or `a Go panic`), redacted; no stack frames. */
	line: string;
	/** The panic of releases before sso-session support on a profile that uses an [sso-session] section. */
	ssoSession: boolean;
	profile?: string;
};

export type HelperGetResult =
	| {ok: true; username: string /** What the ecr-login log gained during this run. */; logExcerpt?: string}
	| {
			ok: false;
			/** What the helper said, without secrets and never a Go stack (a panic is its first line). */
			message: string;
			/** Tail of the ecr-login log explaining the real reason. */
			logExcerpt?: string;
			/** The helper crashed with a Go panic. */
			panic?: HelperPanic;
	  };

export interface CredentialHelperService {
	/** Find docker-credential-<name> on PATH (default ecr-login), with its version. */
	find(name?: string): Promise<HelperInfo | null>;
	platform(): Promise<PlatformInfo>;
	/** Install options for this platform, best first; `version` picks the release of the binary method. */
	installPlans(platform: PlatformInfo, options?: {version?: string}): InstallPlan[];
	/**
	 * Run a plan, streaming output lines; sudo plans need the terminal handed over by the caller. A binary whose sum is
	 * not in ecr-setup's table is refused unless `allowUnverified`.
	 */
	install(
		plan: InstallPlan,
		options?: {onLine?: (line: string) => void; signal?: AbortSignal; allowUnverified?: boolean},
	): Promise<HelperInfo>;
	/**
	 * Run `docker-credential-<name> get` for host; the secret is read and dropped, never returned. An abort stops the
	 * helper (a hanging keychain prompt, say) and rejects with CancelledError.
	 */
	get(host: string, name?: string, options?: {signal?: AbortSignal}): Promise<HelperGetResult>;
	/** The same service with more environment for the helpers it runs (AWS_PROFILE). Optional, as for DockerService. */
	withEnv?(env: Record<string, string | undefined>): CredentialHelperService;
}
