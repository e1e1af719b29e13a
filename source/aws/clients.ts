/**
 * The SDK clients for STS, ECR, ECR Public and Secrets Manager: loaded on first use, so a command that never calls AWS never pays for the
 * SDK, and cached per region. Every client shares one HTTP handler (proxy, CA bundle, timeouts) and one credential
 * provider (the SDK's default chain for the selected profile), so a credential_process or SSO refresh runs once
 * however many regions are asked.
 */
import type {NodeHttpHandler} from '@smithy/node-http-handler';
import {debug, debugEnabled} from '../lib/log.js';
import {type AwsServiceName, configuredEndpoint, createAwsHttpHandler} from './http.js';
import {readProfile} from './profiles.js';
import type {Env} from './types.js';

type EcrSdk = typeof import('./sdk-ecr.js');
type EcrPublicSdk = typeof import('./sdk-ecr-public.js');
type StsSdk = typeof import('./sdk-sts.js');
type SecretsManagerSdk = typeof import('./sdk-secrets-manager.js');

/** ECR Public has one API endpoint, in us-east-1. */
export const ECR_PUBLIC_REGION = 'us-east-1';

export type AwsClientSettings = {
	env: Env;
	/** The profile for credentials and its ca_bundle; undefined is the default chain. */
	profile: string | undefined;
	/** Attempts per call, the SDK's standard retry mode. */
	maxAttempts: number;
	connectionTimeoutMs?: number | undefined;
	requestTimeoutMs?: number | undefined;
};

/** A client with the SDK module it came from, whose commands it sends. */
export type SdkClient<Sdk, Client> = {sdk: Sdk; client: Client};

export type AwsClients = {
	ecr(region: string): Promise<SdkClient<EcrSdk, InstanceType<EcrSdk['ECRClient']>>>;
	sts(region: string): Promise<SdkClient<StsSdk, InstanceType<StsSdk['STSClient']>>>;
	ecrPublic(): Promise<SdkClient<EcrPublicSdk, InstanceType<EcrPublicSdk['ECRPUBLICClient']>>>;
	secretsManager(
		region: string,
	): Promise<SdkClient<SecretsManagerSdk, InstanceType<SecretsManagerSdk['SecretsManagerClient']>>>;
	/** The shared HTTP handler, for the one request that is not an SDK command (the clock check). */
	handler(): Promise<NodeHttpHandler>;
};

const QUIET_LOGGER = {
	debug() {},
	info() {},
	warn() {},
	error() {},
};

export function disableNodeVersionWarning(): void {
	// The SDK prints a multi-line warning on Node 20 that garbles an Ink screen; it must be off before the SDK loads.
	process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}

/** The first call's promise, shared by every later call; a failure is forgotten so that the next call tries again. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
	let promise: Promise<T> | undefined;
	return () => {
		promise ??= load().catch((error: unknown) => {
			promise = undefined;
			throw error;
		});
		return promise;
	};
}

// Each client through its own sdk-*.ts entry point: the build puts those in the AWS vendor bundle, read on first use.
const loadSts = once(async () => {
	disableNodeVersionWarning();
	return import('./sdk-sts.js');
});
const loadEcr = once(async () => {
	disableNodeVersionWarning();
	return import('./sdk-ecr.js');
});
const loadEcrPublic = once(async () => {
	disableNodeVersionWarning();
	return import('./sdk-ecr-public.js');
});
const loadSecretsManager = once(async () => {
	disableNodeVersionWarning();
	return import('./sdk-secrets-manager.js');
});

type DebuggableClient = {
	middlewareStack: {
		add(
			middleware: (
				next: (args: unknown) => Promise<unknown>,
				context: {commandName?: string; clientName?: string},
			) => (args: unknown) => Promise<unknown>,
			options: {step: 'deserialize'; name: string; priority: 'high'},
		): void;
	};
};

/**
 * `--verbose`: one line per request attempt (inside the SDK's retry loop): operation, region, HTTP status, duration.
 * Only names and numbers are logged, never inputs or outputs (a GetAuthorizationToken answer is a secret).
 */
export function addDebugLog<T>(client: T, service: AwsServiceName, region: string): T {
	if (!debugEnabled()) return client;
	(client as unknown as DebuggableClient).middlewareStack.add(
		(next, context) => async (args) => {
			const start = Date.now();
			const operation = `${service}:${(context.commandName ?? 'call').replace(/Command$/, '')}`;
			try {
				const result = (await next(args)) as {response?: {statusCode?: number}};
				debug('aws', operation, {region, status: result.response?.statusCode, durationMs: Date.now() - start});
				return result;
			} catch (error) {
				const failure = error as {name?: string; code?: string; $metadata?: {httpStatusCode?: number}};
				debug('aws', operation, {
					region,
					status: failure.$metadata?.httpStatusCode ?? 'no response',
					error: failure.name === 'Error' ? (failure.code ?? failure.name) : failure.name,
					durationMs: Date.now() - start,
				});
				throw error;
			}
		},
		{step: 'deserialize', name: 'ecrSetupDebugLog', priority: 'high'},
	);
	return client;
}

export function createAwsClients(settings: AwsClientSettings): AwsClients {
	const {env, profile} = settings;

	const runtime = once(async () => {
		disableNodeVersionWarning();
		// The profile's ca_bundle applies like AWS_CA_BUNDLE (which wins); only read the files when it can matter.
		const profileCaBundle = env['AWS_CA_BUNDLE'] ? undefined : (await readProfile(profile, env))?.caBundle;
		const handler = await createAwsHttpHandler({
			env,
			...(profileCaBundle ? {profileCaBundle} : {}),
			...(settings.connectionTimeoutMs === undefined ? {} : {connectionTimeoutMs: settings.connectionTimeoutMs}),
			...(settings.requestTimeoutMs === undefined ? {} : {requestTimeoutMs: settings.requestTimeoutMs}),
		});
		const {defaultProvider} = await import('@aws-sdk/credential-provider-node');
		// One provider for every client; clientConfig gives the SSO and STS clients inside the chain the same
		// handler, so credential calls go through the proxy and trust the CA bundle too.
		const credentials = defaultProvider({
			...(profile ? {profile} : {}),
			clientConfig: {requestHandler: handler},
			logger: QUIET_LOGGER,
			// The SDK keeps the AWS files as it first read them for the whole process; the wizard writes profiles mid-run.
			ignoreCache: true,
		});
		return {handler, credentials};
	});

	async function clientConfig(service: AwsServiceName, region: string) {
		const {handler, credentials} = await runtime();
		const endpoint = configuredEndpoint(service, env);
		return {
			region,
			...(profile ? {profile} : {}),
			credentials,
			requestHandler: handler,
			maxAttempts: settings.maxAttempts,
			retryMode: 'standard',
			// The SDK reads AWS_ENDPOINT_URL* from process.env itself; passing them keeps an injected env authoritative.
			...(endpoint ? {endpoint: endpoint.url} : {}),
		};
	}

	type ClientConfig = Awaited<ReturnType<typeof clientConfig>>;

	/** One client per region for a service, built on first use; a failed build is forgotten so that the next call retries. */
	function perRegion<Sdk, Client>(
		service: AwsServiceName,
		load: () => Promise<Sdk>,
		make: (sdk: Sdk, config: ClientConfig) => Client,
	): (region: string) => Promise<SdkClient<Sdk, Client>> {
		const clients = new Map<string, Promise<SdkClient<Sdk, Client>>>();
		return (region) => {
			let client = clients.get(region);
			if (!client) {
				client = (async () => {
					const sdk = await load();
					return {sdk, client: addDebugLog(make(sdk, await clientConfig(service, region)), service, region)};
				})();
				clients.set(region, client);
				client.catch(() => clients.delete(region));
			}

			return client;
		};
	}

	const ecr = perRegion('ecr', loadEcr, (sdk, config) => new sdk.ECRClient(config));
	const sts = perRegion('sts', loadSts, (sdk, config) => new sdk.STSClient(config));
	const ecrPublic = perRegion('ecr-public', loadEcrPublic, (sdk, config) => new sdk.ECRPUBLICClient(config));
	const secretsManager = perRegion(
		'secretsmanager',
		loadSecretsManager,
		(sdk, config) => new sdk.SecretsManagerClient(config),
	);
	return {
		ecr,
		sts,
		secretsManager,
		ecrPublic: async () => ecrPublic(ECR_PUBLIC_REGION),
		handler: async () => (await runtime()).handler,
	};
}
