/**
 * The real AwsService: SDK v3 clients for STS, ECR and ECR Public, loaded on first use (start-up speed, issue 7)
 * and cached per region. Every client shares one HTTP handler (proxy, CA bundle, timeouts) and one credential
 * provider (the SDK's default chain for the selected profile), so a credential_process or SSO refresh runs once
 * however many regions are asked.
 */
import type {ECRClient} from '@aws-sdk/client-ecr';
import type {ECRPUBLICClient} from '@aws-sdk/client-ecr-public';
import type {STSClient} from '@aws-sdk/client-sts';
import type {NodeHttpHandler} from '@smithy/node-http-handler';
import {CancelledError, isUserError} from '../errors/user-errors.js';
import {debug, debugEnabled, registerSecret} from '../lib/log.js';
import {COMMERCIAL_ECR_REGIONS, PARTITION_REGIONS, partitionOfRegion} from '../ecr/regions.js';
import {PUBLIC_REGISTRY_HOST, privateRegistryHost} from '../ecr/hosts.js';
import {decodeBasicAuth, ecrPasswordExpiry} from '../ecr/token.js';
import {AwsError} from './errors.js';
import {type AwsErrorContext, toUserError} from './explain-error.js';
import {type AwsServiceName, configuredEndpoint, createAwsHttpHandler, describeProxyFor, endpointUrl} from './http.js';
import {awsConfigFiles, listProfiles, readProfile, selectedProfile} from './profiles.js';
import {resolveRegion} from './region.js';
import type {
	AuthToken,
	AwsService,
	CallerIdentity,
	CreateRepositoryInput,
	IdentityKind,
	ListRepositoriesOptions,
	RemoteImage,
	RepositoryInfo,
	RepositorySearchResult,
	TagMutability,
} from './types.js';

type Env = Record<string, string | undefined>;

export type AwsServiceOptions = {
	/** --profile (AWS_PROFILE when absent). */
	profile?: string | undefined;
	/** --region. */
	region?: string | undefined;
	env?: Env;
	now?: () => Date;
	/** Attempts per call, the SDK's standard retry mode (default 3). */
	maxAttempts?: number;
	connectionTimeoutMs?: number;
	requestTimeoutMs?: number;
};

export const DEFAULT_FIND_CONCURRENCY = 6;
export const DEFAULT_FIND_TIMEOUT_MS = 8000;

/** What an ARN from GetCallerIdentity says about who is calling. */
export function identityKindFromArn(arn: string): IdentityKind {
	const resource = arn.split(':').slice(5).join(':');
	if (resource === 'root') return 'root';
	if (resource.startsWith('user/')) return 'iam-user';
	if (resource.startsWith('federated-user/')) return 'federated';
	if (resource.startsWith('assumed-role/')) {
		// IAM Identity Center roles are named AWSReservedSSO_<permission set>_<hash>, possibly under a path.
		const role = resource.split('/')[1] ?? '';
		return role.startsWith('AWSReservedSSO_') ? 'sso' : 'assumed-role';
	}

	return 'unknown';
}

const QUIET_LOGGER = {
	debug() {},
	info() {},
	warn() {},
	error() {},
};

function disableNodeVersionWarning(): void {
	// The SDK prints a multi-line warning on Node 20 that garbles an Ink screen; it must be off before the SDK loads.
	process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}

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

/** The SDK's send/handle option for a signal, when there is one. */
function abortWith(signal: AbortSignal | undefined): {abortSignal?: AbortSignal} {
	return signal ? {abortSignal: signal} : {};
}

function hasName(error: unknown, ...names: string[]): boolean {
	const name = typeof error === 'object' && error !== null ? (error as {name?: unknown}).name : undefined;
	return typeof name === 'string' && names.includes(name);
}

type SdkRepository = {
	repositoryArn?: string;
	registryId?: string;
	repositoryName?: string;
	repositoryUri?: string;
	createdAt?: Date;
	imageTagMutability?: string;
	imageScanningConfiguration?: {scanOnPush?: boolean};
	encryptionConfiguration?: {encryptionType?: string};
};

export function toRepositoryInfo(repository: SdkRepository, region: string): RepositoryInfo | undefined {
	const name = repository.repositoryName;
	if (!name) return undefined;
	const registryId = repository.registryId ?? repository.repositoryArn?.split(':')[4] ?? '';
	return {
		name,
		uri: repository.repositoryUri ?? `${privateRegistryHost(registryId, region)}/${name}`,
		arn: repository.repositoryArn ?? '',
		registryId,
		region,
		...(repository.createdAt ? {createdAt: repository.createdAt} : {}),
		imageTagMutability: (repository.imageTagMutability ?? 'MUTABLE') as TagMutability,
		scanOnPush: repository.imageScanningConfiguration?.scanOnPush ?? false,
		encryptionType: repository.encryptionConfiguration?.encryptionType ?? 'AES256',
	};
}

/** An ECR authorizationData entry → AuthToken, checked the way aws-actions/amazon-ecr-login checks it. */
export function decodeAuthorizationData(
	data: {authorizationToken?: string; expiresAt?: Date; proxyEndpoint?: string} | undefined,
	options: {proxyEndpoint?: string; now: Date; operation: string},
): AuthToken {
	const invalid = (detail: string) =>
		new AwsError(`${options.operation} returned an unusable answer: ${detail}.`, {
			kind: 'unknown',
			hint: 'Try again; if it keeps happening, check that AWS_ENDPOINT_URL* (if set) points at a real ECR endpoint.',
		});
	if (!data) throw invalid('no authorizationData');
	if (!data.authorizationToken) throw invalid('the authorization token is missing');
	const decoded = decodeBasicAuth(data.authorizationToken);
	if (!decoded) throw invalid('the authorization token is not base64 of "user:password"');
	if (!decoded.password) throw invalid('the authorization token has an empty password');
	registerSecret(decoded.password);
	registerSecret(data.authorizationToken);
	const proxyEndpoint = (data.proxyEndpoint ?? options.proxyEndpoint)?.replace(/\/+$/, '');
	if (!proxyEndpoint) throw invalid('the registry endpoint (proxyEndpoint) is missing');
	// ECR always sends expiresAt (12 hours); without it, read the password's own expiry, else assume the documented 12 h.
	const expiresAt =
		data.expiresAt ?? ecrPasswordExpiry(decoded.password) ?? new Date(options.now.getTime() + 12 * 60 * 60 * 1000);
	return {
		username: decoded.username,
		password: decoded.password,
		expiresAt,
		proxyEndpoint: proxyEndpoint.includes('://') ? proxyEndpoint : `https://${proxyEndpoint}`,
		registry: proxyEndpoint.replace(/^[a-z]+:\/\//i, ''),
	};
}

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
function addDebugLog<T>(client: T, service: AwsServiceName, region: string): T {
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

export function createAwsService(
	options: AwsServiceOptions = {},
	family: Map<string, AwsService> = new Map(),
): AwsService {
	const env = options.env ?? process.env;
	const now = options.now ?? (() => new Date());
	const profile = selectedProfile(options.profile, env);
	const maxAttempts = options.maxAttempts ?? 3;

	const runtime = once(async () => {
		disableNodeVersionWarning();
		// The profile's ca_bundle applies like AWS_CA_BUNDLE (which wins); only read the files when it can matter.
		const profileCaBundle = env['AWS_CA_BUNDLE'] ? undefined : (await readProfile(profile, env))?.caBundle;
		const handler = await createAwsHttpHandler({
			env,
			...(profileCaBundle ? {profileCaBundle} : {}),
			...(options.connectionTimeoutMs === undefined ? {} : {connectionTimeoutMs: options.connectionTimeoutMs}),
			...(options.requestTimeoutMs === undefined ? {} : {requestTimeoutMs: options.requestTimeoutMs}),
		});
		const {defaultProvider} = await import('@aws-sdk/credential-provider-node');
		// One provider for every client; clientConfig gives the SSO and STS clients inside the chain the same
		// handler, so credential calls go through the proxy and trust the CA bundle too.
		const credentials = defaultProvider({
			...(profile ? {profile} : {}),
			clientConfig: {requestHandler: handler},
			logger: QUIET_LOGGER,
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
			maxAttempts,
			retryMode: 'standard',
			// The SDK reads AWS_ENDPOINT_URL* from process.env itself; passing them keeps an injected env authoritative.
			...(endpoint ? {endpoint: endpoint.url} : {}),
		};
	}

	const ecrClients = new Map<string, Promise<ECRClient>>();
	const stsClients = new Map<string, Promise<STSClient>>();
	let publicClient: Promise<ECRPUBLICClient> | undefined;

	function ecr(region: string): Promise<ECRClient> {
		let client = ecrClients.get(region);
		if (!client) {
			client = (async () =>
				addDebugLog(new (await loadEcr()).ECRClient(await clientConfig('ecr', region)), 'ecr', region))();
			ecrClients.set(region, client);
			client.catch(() => ecrClients.delete(region));
		}

		return client;
	}

	function sts(region: string): Promise<STSClient> {
		let client = stsClients.get(region);
		if (!client) {
			client = (async () =>
				addDebugLog(new (await loadSts()).STSClient(await clientConfig('sts', region)), 'sts', region))();
			stsClients.set(region, client);
			client.catch(() => stsClients.delete(region));
		}

		return client;
	}

	function ecrPublic(): Promise<ECRPUBLICClient> {
		publicClient ??= (async () =>
			addDebugLog(
				new (await loadEcrPublic()).ECRPUBLICClient(await clientConfig('ecr-public', 'us-east-1')),
				'ecr-public',
				'us-east-1',
			))();
		publicClient.catch(() => {
			publicClient = undefined;
		});
		return publicClient;
	}

	function errorContext(service: AwsServiceName, region: string, extra: AwsErrorContext): AwsErrorContext {
		const endpoint = endpointUrl(service, region, env);
		const proxy = describeProxyFor(endpoint, env);
		return {region, endpoint, ...(proxy ? {proxy} : {}), ...(profile ? {profile} : {}), ...extra};
	}

	/** Run one AWS call: cancellation becomes CancelledError, anything else an AwsError with context. */
	async function call<T>(
		service: AwsServiceName,
		region: string,
		context: AwsErrorContext,
		signal: AbortSignal | undefined,
		run: () => Promise<T>,
	): Promise<T> {
		if (signal?.aborted) throw new CancelledError();
		try {
			return await run();
		} catch (error) {
			// Whatever an aborted call fails with (AbortError, a socket reset), the user cancelled it.
			if (error instanceof CancelledError || signal?.aborted) throw new CancelledError();
			// Already explained (a CA bundle that cannot be read, an unusable answer): keep its code and hint.
			if (isUserError(error)) throw error;
			const explained = toUserError(error, errorContext(service, region, context));
			debug('aws', `${context.operation ?? 'call'} failed`, {region, kind: explained.kind, code: explained.awsCode});
			if (explained.kind === 'no-credentials' && profile) throw (await missingProfileError(explained)) ?? explained;
			throw explained;
		}
	}

	/** "Could not load credentials" for a profile that is not defined anywhere is really a typo or a missing file. */
	async function missingProfileError(original: AwsError): Promise<AwsError | undefined> {
		if (!profile) return undefined;
		const known = await listProfiles(env).catch(() => undefined);
		if (!known || known.some((item) => item.name === profile)) return undefined;
		const files = awsConfigFiles(env);
		const names = known.map((item) => item.name);
		return new AwsError(`Profile ${profile} is not defined in ${files.configPath} or ${files.credentialsPath}.`, {
			kind: 'no-credentials',
			hint:
				names.length > 0
					? `Known profiles: ${names.join(', ')}. Pass one of them with --profile (or AWS_PROFILE), or create ${profile}.`
					: `No profiles are defined yet: create ${profile} with \`aws configure --profile ${profile}\` or \`aws configure sso --profile ${profile}\`.`,
			nextSteps: [
				`aws configure --profile ${profile}`,
				`aws configure sso --profile ${profile}`,
				'aws configure list-profiles',
			],
			cause: original.cause,
			...(original.awsCode ? {awsCode: original.awsCode} : {}),
		});
	}

	async function describeRepositoryRaw(
		region: string,
		name: string,
		registryId: string | undefined,
		signal: AbortSignal | undefined,
	): Promise<RepositoryInfo | null> {
		const {DescribeRepositoriesCommand} = await loadEcr();
		const client = await ecr(region);
		try {
			const output = await client.send(
				new DescribeRepositoriesCommand({repositoryNames: [name], ...(registryId ? {registryId} : {})}),
				signal ? {abortSignal: signal} : {},
			);
			const repository = output.repositories?.[0];
			return repository ? (toRepositoryInfo(repository, region) ?? null) : null;
		} catch (error) {
			if (hasName(error, 'RepositoryNotFoundException')) return null;
			throw error;
		}
	}

	const service: AwsService = {
		profile,

		// One service per profile for the whole run (the wizard's identity step and the steps after it ask for the same
		// one): its credentials, connections and clients are set up once.
		withProfile(name: string) {
			if (name === profile) return service;
			let bound = family.get(name);
			if (!bound) {
				bound = createAwsService({...options, profile: name}, family);
				family.set(name, bound);
			}

			return bound;
		},

		async resolveRegion() {
			return resolveRegion({flag: options.region, profile, env});
		},

		async listProfiles() {
			return listProfiles(env);
		},

		async getCallerIdentity(callOptions = {}) {
			const region = callOptions.region ?? (await service.resolveRegion()).region ?? 'us-east-1';
			return call('sts', region, {operation: 'sts:GetCallerIdentity'}, callOptions.signal, async () => {
				const {GetCallerIdentityCommand} = await loadSts();
				const client = await sts(region);
				const output = await client.send(
					new GetCallerIdentityCommand({}),
					callOptions.signal ? {abortSignal: callOptions.signal} : {},
				);
				if (!output.Account || !output.Arn || !output.UserId) {
					throw new AwsError('sts:GetCallerIdentity returned an unusable answer: Account, Arn or UserId is missing.', {
						kind: 'unknown',
						hint: 'If AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_STS is set, check that it points at a real STS endpoint.',
					});
				}

				const identity: CallerIdentity = {
					account: output.Account,
					arn: output.Arn,
					userId: output.UserId,
					kind: identityKindFromArn(output.Arn),
				};
				return identity;
			});
		},

		listRegions(partition = 'aws') {
			return [...(PARTITION_REGIONS[partition] ?? COMMERCIAL_ECR_REGIONS)];
		},

		async listRepositories(region, listOptions: ListRepositoriesOptions = {}) {
			const {signal, onPage, registryId} = listOptions;
			return call(
				'ecr',
				region,
				{operation: 'ecr:DescribeRepositories', ...(registryId ? {registryId} : {})},
				signal,
				async () => {
					const {DescribeRepositoriesCommand} = await loadEcr();
					const client = await ecr(region);
					const repositories: RepositoryInfo[] = [];
					let nextToken: string | undefined;
					do {
						if (signal?.aborted) throw new CancelledError();
						const output = await client.send(
							new DescribeRepositoriesCommand({
								maxResults: 1000,
								...(registryId ? {registryId} : {}),
								...(nextToken ? {nextToken} : {}),
							}),
							signal ? {abortSignal: signal} : {},
						);
						for (const repository of output.repositories ?? []) {
							const info = toRepositoryInfo(repository, region);
							if (info) repositories.push(info);
						}

						onPage?.([...repositories]);
						nextToken = output.nextToken || undefined;
					} while (nextToken);

					return repositories;
				},
			);
		},

		async describeRepository(region, name, registryId, callOptions = {}) {
			return call(
				'ecr',
				region,
				{operation: 'ecr:DescribeRepositories', repository: name, ...(registryId ? {registryId} : {})},
				callOptions.signal,
				async () => describeRepositoryRaw(region, name, registryId, callOptions.signal),
			);
		},

		async createRepository(region, input: CreateRepositoryInput) {
			return call('ecr', region, {operation: 'ecr:CreateRepository', repository: input.name}, undefined, async () => {
				const {CreateRepositoryCommand} = await loadEcr();
				const client = await ecr(region);
				const encryption = input.encryption;
				const output = await client.send(
					new CreateRepositoryCommand({
						repositoryName: input.name,
						...(input.imageTagMutability ? {imageTagMutability: input.imageTagMutability} : {}),
						...(input.scanOnPush === undefined ? {} : {imageScanningConfiguration: {scanOnPush: input.scanOnPush}}),
						...(encryption
							? {
									encryptionConfiguration: {
										encryptionType: encryption.type,
										...(encryption.type === 'KMS' && encryption.kmsKey ? {kmsKey: encryption.kmsKey} : {}),
									},
								}
							: {}),
					}),
				);
				const info = output.repository ? toRepositoryInfo(output.repository, region) : undefined;
				if (!info) {
					throw new AwsError(`ecr:CreateRepository returned no repository for '${input.name}'.`, {
						kind: 'unknown',
						hint: 'Check with `aws ecr describe-repositories` whether it was created.',
					});
				}

				return info;
			});
		},

		async describeImageTag(region, repository, tag, registryId, callOptions = {}): Promise<RemoteImage | null> {
			return call(
				'ecr',
				region,
				{operation: 'ecr:DescribeImages', repository, ...(registryId ? {registryId} : {})},
				callOptions.signal,
				async () => {
					const {DescribeImagesCommand} = await loadEcr();
					const client = await ecr(region);
					try {
						const output = await client.send(
							new DescribeImagesCommand({
								repositoryName: repository,
								imageIds: [{imageTag: tag}],
								...(registryId ? {registryId} : {}),
							}),
							abortWith(callOptions.signal),
						);
						const detail = output.imageDetails?.find((image) => image.imageDigest);
						if (!detail?.imageDigest) return null;
						return {
							digest: detail.imageDigest,
							tags: detail.imageTags ?? [],
							...(detail.imagePushedAt ? {pushedAt: detail.imagePushedAt} : {}),
							...(detail.imageSizeInBytes === undefined ? {} : {sizeBytes: detail.imageSizeInBytes}),
						};
					} catch (error) {
						if (hasName(error, 'ImageNotFoundException')) return null;
						throw error;
					}
				},
			);
		},

		async getRepositoryPolicy(region, repository, registryId, callOptions = {}) {
			return call(
				'ecr',
				region,
				{operation: 'ecr:GetRepositoryPolicy', repository, ...(registryId ? {registryId} : {})},
				callOptions.signal,
				async () => {
					const {GetRepositoryPolicyCommand} = await loadEcr();
					const client = await ecr(region);
					try {
						const output = await client.send(
							new GetRepositoryPolicyCommand({repositoryName: repository, ...(registryId ? {registryId} : {})}),
							abortWith(callOptions.signal),
						);
						return output.policyText ?? null;
					} catch (error) {
						if (hasName(error, 'RepositoryPolicyNotFoundException')) return null;
						throw error;
					}
				},
			);
		},

		async getAuthorizationToken(region, registryId, callOptions = {}) {
			return call(
				'ecr',
				region,
				{operation: 'ecr:GetAuthorizationToken', ...(registryId ? {registryId} : {})},
				callOptions.signal,
				async () => {
					const {GetAuthorizationTokenCommand} = await loadEcr();
					const client = await ecr(region);
					// registryIds is deprecated but still the only way to ask for another account's registry endpoint.
					const output = await client.send(
						new GetAuthorizationTokenCommand(registryId ? {registryIds: [registryId]} : {}),
						abortWith(callOptions.signal),
					);
					if (!Array.isArray(output.authorizationData) || output.authorizationData.length === 0) {
						throw new AwsError(
							'ecr:GetAuthorizationToken returned no authorizationData: could not retrieve an authorization token from Amazon ECR.',
							{
								kind: 'unknown',
								hint: 'Try again; if it keeps happening, check that AWS_ENDPOINT_URL* (if set) points at a real ECR endpoint.',
							},
						);
					}

					const data = registryId
						? (output.authorizationData.find((entry) => entry.proxyEndpoint?.includes(`${registryId}.`)) ??
							output.authorizationData[0])
						: output.authorizationData[0];
					return decodeAuthorizationData(data, {now: now(), operation: 'ecr:GetAuthorizationToken'});
				},
			);
		},

		async getPublicAuthorizationToken() {
			return call('ecr-public', 'us-east-1', {operation: 'ecr-public:GetAuthorizationToken'}, undefined, async () => {
				const {GetAuthorizationTokenCommand} = await loadEcrPublic();
				const client = await ecrPublic();
				const output = await client.send(new GetAuthorizationTokenCommand({}));
				return decodeAuthorizationData(output.authorizationData, {
					proxyEndpoint: `https://${PUBLIC_REGISTRY_HOST}`,
					now: now(),
					operation: 'ecr-public:GetAuthorizationToken',
				});
			});
		},

		async findRepository(name, findOptions = {}): Promise<RepositorySearchResult> {
			const regions =
				findOptions.regions ??
				service.listRegions(partitionOfRegion((await service.resolveRegion()).region ?? 'us-east-1'));
			const concurrency = Math.max(1, findOptions.concurrency ?? DEFAULT_FIND_CONCURRENCY);
			const timeoutMs = findOptions.timeoutMs ?? DEFAULT_FIND_TIMEOUT_MS;
			const outer = findOptions.signal;
			if (outer?.aborted) throw new CancelledError();

			const controller = new AbortController();
			const onOuterAbort = () => controller.abort();
			outer?.addEventListener('abort', onOuterAbort, {once: true});
			const found = new Map<string, RepositoryInfo>();
			const failed = new Map<string, string>();
			const answered = new Set<string>();
			let next = 0;
			let closed = false;

			const worker = async () => {
				while (!closed && next < regions.length) {
					const region = regions[next++]!;
					try {
						const repository = await describeRepositoryRaw(region, name, undefined, controller.signal);
						if (closed) return;
						if (repository) found.set(region, repository);
					} catch (error) {
						if (closed) return;
						failed.set(
							region,
							toUserError(error, errorContext('ecr', region, {operation: 'ecr:DescribeRepositories', repository: name}))
								.message,
						);
					}

					answered.add(region);
				}
			};

			let timer: NodeJS.Timeout | undefined;
			const deadline = new Promise<void>((resolve) => {
				timer = setTimeout(resolve, timeoutMs);
				// The limit must not keep the process alive on its own.
				timer.unref?.();
			});
			const cancelled = new Promise<void>((resolve) => {
				controller.signal.addEventListener('abort', () => resolve(), {once: true});
			});
			const workers = Array.from({length: Math.min(concurrency, regions.length)}, async () => worker());
			try {
				await Promise.race([Promise.all(workers), deadline, cancelled]);
			} finally {
				closed = true;
				clearTimeout(timer);
				outer?.removeEventListener('abort', onOuterAbort);
				// Calls still running past the limit are abandoned; aborting frees their sockets.
				controller.abort();
			}

			if (outer?.aborted) throw new CancelledError();
			return {
				found: regions.flatMap((region) => {
					const repository = found.get(region);
					return repository ? [repository] : [];
				}),
				failed: regions.flatMap((region) => {
					const message = failed.get(region);
					return message === undefined ? [] : [{region, message}];
				}),
				timedOut: regions.filter((region) => !answered.has(region)),
			};
		},

		async getServerClock(region, callOptions = {}) {
			const url = new URL(endpointUrl('ecr', region, env));
			return call('ecr', region, {operation: 'clock check'}, callOptions.signal, async () => {
				const {handler} = await runtime();
				type Request = Parameters<NodeHttpHandler['handle']>[0];
				// An unsigned GET: any answer (even an error status) carries the server's Date, and no credentials are needed.
				const request = {
					protocol: url.protocol,
					hostname: url.hostname,
					...(url.port ? {port: Number(url.port)} : {}),
					path: url.pathname || '/',
					query: {},
					method: 'GET',
					headers: {host: url.host},
				} as unknown as Request;
				const {response} = await handler.handle(request, abortWith(callOptions.signal));
				const local = now();
				const body = response.body as {resume?: () => void} | undefined;
				body?.resume?.();
				if (response.statusCode === 407) {
					// The proxy answered, not AWS: its Date says nothing about AWS's clock.
					throw Object.assign(new Error('Proxy Authentication Required'), {
						name: 'ProxyAuthenticationRequired',
						$metadata: {httpStatusCode: 407},
					});
				}

				const header = response.headers['date'] ?? response.headers['Date'];
				const server = header ? new Date(header) : undefined;
				if (!server || Number.isNaN(server.getTime())) {
					throw new AwsError(`${url.origin} answered without a usable Date header, so the clock cannot be compared.`, {
						kind: 'unknown',
						hint: 'A proxy or endpoint override may be answering instead of AWS.',
					});
				}

				return {server, local};
			});
		},
	};

	if (profile !== undefined && !family.has(profile)) family.set(profile, service);
	return service;
}
