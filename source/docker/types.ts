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

/** What a push sends: one image manifest, or an image index with its platforms and attestation manifests. */
export type ImageShape = {
	kind: 'index' | 'manifest';
	/** The runnable platforms (`linux/amd64`, `linux/arm64/v8`), as far as the output names them. */
	platforms: string[];
	/** Attestation manifests (provenance, SBOM) in the index. */
	attestations: number;
	/** False for an index whose entries the output does not list (the docker CLI's inspect shows only its descriptor). */
	listed: boolean;
};

export type ImageInspect = {
	id: string;
	repoTags: string[];
	repoDigests: string[];
	/** What a push of it sends (an index or one manifest, its platforms), when the inspect output says. */
	shape?: ImageShape;
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

export type PushOptions = {onEvent?: (event: PushEvent) => void; signal?: AbortSignal; platform?: string};

export type PushResult = {digest: string; size: number; tag: string; layers: number};

export interface DockerService {
	/** Client version, or null when the docker CLI is not installed. */
	cliVersion(): Promise<string | null>;
	daemonStatus(): Promise<DaemonStatus>;
	listImages(): Promise<LocalImage[]>;
	inspectImage(ref: string): Promise<ImageInspect | null>;
	tag(source: string, target: string): Promise<void>;
	/**
	 * Streams progress; resolves with the digest; rejects with a PushError classifying the failure. `platform` pushes
	 * that platform's manifest alone (`docker push --platform`), where pushPlatformSupport says the engine can.
	 */
	push(ref: string, options?: PushOptions): Promise<PushResult>;
	/** Whether `docker push --platform` works here (the CLI and the engine speak API 1.46); absent means no. */
	pushPlatformSupport?(): Promise<boolean>;
	/** Password goes to `--password-stdin`. */
	login(registry: string, username: string, password: string): Promise<{message: string}>;
	logout(registry: string): Promise<void>;
	/**
	 * The same service with more environment for docker, e.g. AWS_PROFILE for the credential helper docker runs (it
	 * inherits docker's environment). Optional: without it, docker runs with the shell's environment.
	 */
	withEnv?(env: Record<string, string | undefined>): DockerService;
}
