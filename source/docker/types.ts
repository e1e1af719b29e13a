/** The docker CLI as ecr-setup drives it: daemon checks, images, tag, push, login. */
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
	| {type: 'error'; message: string}
	/** Sent first when docker runs without a terminal, so it prints no byte counts: why, for the screen. */
	| {type: 'bytes-unavailable'; reason: string};

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
