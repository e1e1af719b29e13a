/** docker's config.json as data, and the service that reads, plans, writes and restores it. */
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

export type ApplyResult = {
	path: string;
	backupPath: string | undefined;
	/** The file had changed since it was read, and the same changes were planned again on its new content. */
	replanned?: boolean;
};

export type ApplyOptions = {
	/**
	 * Nobody was shown this diff and asked (--yes, no terminal): when the file changed since it was read, plan the same
	 * changes again on its new content and write that. Without it a changed file is refused (what was shown is written).
	 */
	replanIfChanged?: boolean;
	/** Said once when another ecr-setup holds the file's lock and this write waits for it. */
	onWait?: (message: string) => void;
};

export interface DockerConfigService {
	/** The config directory in force. */
	readonly dir: string;
	/** Read and validate; throws ConfigError (file, line, column) when invalid. Missing file = empty config. */
	read(): Promise<LoadedConfig>;
	resolveStore(config: LoadedConfig, host: string): StoreResolution;
	plan(config: LoadedConfig, changes: ConfigChange[]): EditPlan;
	/** Backup, atomic write; throws ConfigChangedError when the file changed since it was read. */
	apply(config: LoadedConfig, plan: EditPlan, options?: ApplyOptions): Promise<ApplyResult>;
	listBackups(): Promise<Array<{path: string; createdAt: Date}>>;
	/** A backup's text (for the diff before a restore); throws a UserError when it cannot be read. */
	readBackup(backupPath: string): Promise<string>;
	/**
	 * Restore a backup (the newest when none is named); the current file is itself backed up first. With `shown` (the
	 * config.json text the person agreed to replace, '' for none), throws ConfigChangedError if the file is not that now.
	 */
	restore(backupPath?: string, options?: {shown?: string}): Promise<ApplyResult & {restoredFrom: string}>;
}
