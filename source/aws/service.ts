/**
 * The real AwsService: each method is one call (or one paged series of calls) to STS, ECR or ECR Public, through the
 * clients of clients.ts and the wrapper of call.ts. One service per profile for the whole run.
 */
import type {NodeHttpHandler} from '@smithy/node-http-handler';
import {CancelledError} from '../errors/user-errors.js';
import {COMMERCIAL_ECR_REGIONS, PARTITION_REGIONS, partitionOfRegion} from '../ecr/regions.js';
import {
	authorizationDataFor,
	decodeAuthorizationData,
	toCallerIdentity,
	toCreationTemplate,
	toRepositoryInfo,
} from './answers.js';
import type {CreationTemplate} from '../ecr/creation-templates.js';
import {templateApiInput} from '../ecr/template-plan.js';
import type {Encryption} from '../ecr/repository-settings.js';
import {abortWith, createAwsCaller, nullWhenMissing} from './call.js';
import {createAwsClients} from './clients.js';
import {createEcrPublicMethods} from './service-ecr-public.js';
import {createPullThroughMethods} from './pull-through.js';
import {AwsError} from './errors.js';
import {endpointUrl} from './http.js';
import {listProfiles, selectedProfile} from './profiles.js';
import {FALLBACK_REGION, resolveRegion} from './region.js';
import {searchRegions} from './repository-search.js';
import type {
	AwsService,
	CreateRepositoryInput,
	ListRepositoriesOptions,
	RemoteImage,
	RepositoryInfo,
	Env,
} from './types.js';

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

export function createAwsService(
	options: AwsServiceOptions = {},
	family: Map<string, AwsService> = new Map(),
): AwsService {
	const env = options.env ?? process.env;
	const now = options.now ?? (() => new Date());
	const profile = selectedProfile(options.profile, env);
	const clients = createAwsClients({
		env,
		profile,
		maxAttempts: options.maxAttempts ?? 3,
		connectionTimeoutMs: options.connectionTimeoutMs,
		requestTimeoutMs: options.requestTimeoutMs,
	});
	const {call, explain} = createAwsCaller({env, profile});

	async function describeRepositoryRaw(
		region: string,
		name: string,
		registryId: string | undefined,
		signal: AbortSignal | undefined,
	): Promise<RepositoryInfo | null> {
		const {sdk, client} = await clients.ecr(region);
		const output = await nullWhenMissing('RepositoryNotFoundException', async () =>
			client.send(
				new sdk.DescribeRepositoriesCommand({repositoryNames: [name], ...(registryId ? {registryId} : {})}),
				abortWith(signal),
			),
		);
		const repository = output?.repositories?.[0];
		return repository ? (toRepositoryInfo(repository, region) ?? null) : null;
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
			const region = callOptions.region ?? (await service.resolveRegion()).region ?? FALLBACK_REGION;
			return call('sts', region, {operation: 'sts:GetCallerIdentity'}, callOptions.signal, async () => {
				const {sdk, client} = await clients.sts(region);
				return toCallerIdentity(await client.send(new sdk.GetCallerIdentityCommand({}), abortWith(callOptions.signal)));
			});
		},

		listRegions(partition = 'aws') {
			return [...(PARTITION_REGIONS[partition] ?? COMMERCIAL_ECR_REGIONS)];
		},

		async listRepositories(region, listOptions: ListRepositoriesOptions = {}) {
			const {signal, onPage, registryId} = listOptions;
			const context = {operation: 'ecr:DescribeRepositories', ...(registryId ? {registryId} : {})};
			return call('ecr', region, context, signal, async () => {
				const {sdk, client} = await clients.ecr(region);
				const repositories: RepositoryInfo[] = [];
				let nextToken: string | undefined;
				do {
					if (signal?.aborted) throw new CancelledError();
					const output = await client.send(
						new sdk.DescribeRepositoriesCommand({
							maxResults: 1000,
							...(registryId ? {registryId} : {}),
							...(nextToken ? {nextToken} : {}),
						}),
						abortWith(signal),
					);
					for (const repository of output.repositories ?? []) {
						const info = toRepositoryInfo(repository, region);
						if (info) repositories.push(info);
					}

					onPage?.([...repositories]);
					nextToken = output.nextToken || undefined;
				} while (nextToken);

				return repositories;
			});
		},

		async describeRepository(region, name, registryId, callOptions = {}) {
			const context = {operation: 'ecr:DescribeRepositories', repository: name, ...(registryId ? {registryId} : {})};
			return call('ecr', region, context, callOptions.signal, async () =>
				describeRepositoryRaw(region, name, registryId, callOptions.signal),
			);
		},

		async createRepository(region, input: CreateRepositoryInput) {
			return call('ecr', region, {operation: 'ecr:CreateRepository', repository: input.name}, undefined, async () => {
				const {sdk, client} = await clients.ecr(region);
				const encryption = input.encryption;
				const output = await client.send(
					new sdk.CreateRepositoryCommand({
						repositoryName: input.name,
						...(input.imageTagMutability ? {imageTagMutability: input.imageTagMutability} : {}),
						...(input.exclusionFilters?.length ? {imageTagMutabilityExclusionFilters: input.exclusionFilters} : {}),
						...(input.scanOnPush === undefined ? {} : {imageScanningConfiguration: {scanOnPush: input.scanOnPush}}),
						...(encryption ? {encryptionConfiguration: encryptionConfiguration(encryption)} : {}),
					}),
				);
				if (input.lifecyclePolicy) {
					// A separate call: CreateRepository takes no lifecycle policy.
					await client.send(
						new sdk.PutLifecyclePolicyCommand({repositoryName: input.name, lifecyclePolicyText: input.lifecyclePolicy}),
					);
				}

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
			const context = {operation: 'ecr:DescribeImages', repository, ...(registryId ? {registryId} : {})};
			return call('ecr', region, context, callOptions.signal, async () => {
				const {sdk, client} = await clients.ecr(region);
				const output = await nullWhenMissing('ImageNotFoundException', async () =>
					client.send(
						new sdk.DescribeImagesCommand({
							repositoryName: repository,
							imageIds: [{imageTag: tag}],
							...(registryId ? {registryId} : {}),
						}),
						abortWith(callOptions.signal),
					),
				);
				const detail = output?.imageDetails?.find((image) => image.imageDigest);
				if (!detail?.imageDigest) return null;
				return {
					digest: detail.imageDigest,
					tags: detail.imageTags ?? [],
					...(detail.imagePushedAt ? {pushedAt: detail.imagePushedAt} : {}),
					...(detail.imageSizeInBytes === undefined ? {} : {sizeBytes: detail.imageSizeInBytes}),
				};
			});
		},

		async describeCreationTemplates(region, registryId, callOptions = {}) {
			return call(
				'ecr',
				region,
				{operation: 'ecr:DescribeRepositoryCreationTemplates'},
				callOptions.signal,
				async () => {
					const {sdk, client} = await clients.ecr(region);
					const templates: CreationTemplate[] = [];
					let nextToken: string | undefined;
					do {
						const output = await client.send(
							new sdk.DescribeRepositoryCreationTemplatesCommand({
								...(nextToken ? {nextToken} : {}),
								...(registryId ? {registryId} : {}),
							}),
							abortWith(callOptions.signal),
						);
						for (const template of output.repositoryCreationTemplates ?? []) {
							const read = toCreationTemplate(template);
							if (read) templates.push(read);
						}

						nextToken = output.nextToken;
					} while (nextToken);
					return templates;
				},
			);
		},

		async createCreationTemplate(region, input) {
			const context = {operation: 'ecr:CreateRepositoryCreationTemplate'};
			return call('ecr', region, context, undefined, async () => {
				const {sdk, client} = await clients.ecr(region);
				// The one mapping of the request to the API's fields: what the command showed is what is sent.
				const output = await client.send(new sdk.CreateRepositoryCreationTemplateCommand(templateApiInput(input)));
				const created = output.repositoryCreationTemplate && toCreationTemplate(output.repositoryCreationTemplate);
				if (!created) {
					throw new AwsError(`ecr:CreateRepositoryCreationTemplate returned no template for '${input.prefix}'.`, {
						kind: 'unknown',
						hint: 'Check with `aws ecr describe-repository-creation-templates` whether it was created.',
					});
				}

				return created;
			});
		},

		async setRepositoryPolicy(region, repository, policyText, registryId) {
			const context = {operation: 'ecr:SetRepositoryPolicy', repository, ...(registryId ? {registryId} : {})};
			await call('ecr', region, context, undefined, async () => {
				const {sdk, client} = await clients.ecr(region);
				await client.send(
					new sdk.SetRepositoryPolicyCommand({
						repositoryName: repository,
						policyText,
						...(registryId ? {registryId} : {}),
					}),
				);
			});
		},

		async getRepositoryPolicy(region, repository, registryId, callOptions = {}) {
			const context = {operation: 'ecr:GetRepositoryPolicy', repository, ...(registryId ? {registryId} : {})};
			return call('ecr', region, context, callOptions.signal, async () => {
				const {sdk, client} = await clients.ecr(region);
				const output = await nullWhenMissing('RepositoryPolicyNotFoundException', async () =>
					client.send(
						new sdk.GetRepositoryPolicyCommand({repositoryName: repository, ...(registryId ? {registryId} : {})}),
						abortWith(callOptions.signal),
					),
				);
				return output?.policyText ?? null;
			});
		},

		async getAuthorizationToken(region, registryId, callOptions = {}) {
			const context = {operation: 'ecr:GetAuthorizationToken', ...(registryId ? {registryId} : {})};
			return call('ecr', region, context, callOptions.signal, async () => {
				const {sdk, client} = await clients.ecr(region);
				// registryIds is deprecated but still the only way to ask for another account's registry endpoint.
				const output = await client.send(
					new sdk.GetAuthorizationTokenCommand(registryId ? {registryIds: [registryId]} : {}),
					abortWith(callOptions.signal),
				);
				return decodeAuthorizationData(authorizationDataFor(output.authorizationData, registryId), {
					now: now(),
					operation: 'ecr:GetAuthorizationToken',
				});
			});
		},

		...createEcrPublicMethods({clients, call, now}),

		...createPullThroughMethods({clients, call}),

		async findRepository(name, findOptions = {}) {
			const regions =
				findOptions.regions ??
				service.listRegions(partitionOfRegion((await service.resolveRegion()).region ?? FALLBACK_REGION));
			const context = {operation: 'ecr:DescribeRepositories', repository: name};
			return searchRegions(
				regions,
				{
					describe: async (region, signal) => describeRepositoryRaw(region, name, undefined, signal),
					explain: (error, region) => explain(error, 'ecr', region, context).message,
				},
				findOptions,
			);
		},

		async getServerClock(region, callOptions = {}) {
			const url = new URL(endpointUrl('ecr', region, env));
			return call('ecr', region, {operation: 'clock check'}, callOptions.signal, async () => {
				const handler = await clients.handler();
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

function encryptionConfiguration(encryption: Encryption): {encryptionType: 'AES256' | 'KMS'; kmsKey?: string} {
	return encryption.type === 'KMS' && encryption.kmsKey
		? {encryptionType: 'KMS', kmsKey: encryption.kmsKey}
		: {encryptionType: encryption.type};
}
