/** What ecr-setup asks of AWS (STS, ECR, ECR Public), and the shapes it gets back. */

/** Environment variables: process.env, or a map given in its place (a test's, a child process's). */
export type Env = Record<string, string | undefined>;

export type IdentityKind = 'iam-user' | 'assumed-role' | 'sso' | 'root' | 'federated' | 'unknown';

export type CallerIdentity = {account: string; arn: string; userId: string; kind: IdentityKind};

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

import type {CreationTemplate} from '../ecr/creation-templates.js';
import type {TemplateRequest} from '../ecr/template-plan.js';
import type {Encryption, TagMutability, TagMutabilityFilter} from '../ecr/repository-settings.js';
export type {TagMutability} from '../ecr/repository-settings.js';

export type RepositoryInfo = {
	name: string;
	/** <acct>.dkr.ecr.<region>.amazonaws.com/<name> */
	uri: string;
	arn: string;
	registryId: string;
	region: string;
	createdAt?: Date;
	imageTagMutability: TagMutability;
	/** With the *_WITH_EXCLUSION mutabilities: the tags that behave the other way. */
	exclusionFilters?: TagMutabilityFilter[];
	scanOnPush: boolean;
	encryptionType: 'AES256' | 'KMS' | 'KMS_DSSE' | string;
};

export type CreateRepositoryInput = {
	name: string;
	imageTagMutability?: TagMutability;
	/** With the *_WITH_EXCLUSION mutabilities: the tags that behave the other way. */
	exclusionFilters?: TagMutabilityFilter[];
	scanOnPush?: boolean;
	encryption?: Encryption;
	/** Lifecycle policy JSON, put on the repository right after it is created. */
	lifecyclePolicy?: string;
};

/** A repository creation template to create: the prefix, what it applies to, and the settings new repositories get. */
export type CreationTemplateInput = TemplateRequest;

/** The caller's ECR Public registry (DescribeRegistries). */
export type PublicRegistryInfo = {
	registryId: string;
	/** The primary registry alias: images are `public.ecr.aws/<alias>/<repository>`. None before the first repository. */
	alias: string | undefined;
	/** A verified AWS Marketplace vendor. */
	verified: boolean;
};

/** An ECR Public repository: no tag mutability, scanning, encryption or lifecycle settings, unlike a private one. */
export type PublicRepositoryInfo = {
	name: string;
	/** public.ecr.aws/<alias>/<name> */
	uri: string | undefined;
	arn: string;
	registryId: string;
	createdAt?: Date;
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

/** A pull-through cache rule as ECR describes it. */
export type PullThroughRule = {
	prefix: string;
	registryId: string;
	/** `docker-hub`, `github-container-registry`, … (older rules may have none). */
	upstreamRegistry: string | undefined;
	upstreamRegistryUrl: string;
	/** The Secrets Manager secret ECR signs in to the upstream with, if any. */
	credentialArn: string | undefined;
};

export type PullThroughRuleInput = {
	prefix: string;
	upstreamRegistry: string;
	upstreamRegistryUrl: string;
	credentialArn?: string;
};

/** What ValidatePullThroughCacheRule found: whether ECR reached the upstream and signed in, and why not. */
export type PullThroughValidation = {valid: boolean; failure: string | undefined};

/** The user name and token of an upstream registry, as ECR reads them from the secret. `accessToken` is a secret. */
export type UpstreamCredentials = {username: string; accessToken: string};

export type SecretInfo = {arn: string; name: string};

/** An abort stops the request on the wire (the doctor's per-call limit, Ctrl-C), not only the wait for it. */
export type CallOptions = {signal?: AbortSignal};

export interface AwsService {
	/** The profile in use (flag > AWS_PROFILE > undefined = default chain). */
	readonly profile: string | undefined;
	/** The same service bound to another profile (the wizard's profile picker). Optional: without it the picker is not offered. */
	withProfile?(profile: string): AwsService;
	/** The region in force for this service's --region, environment and profile (the rule of region.ts). */
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
	/** The registry's repository creation templates (all of them; ECR pages them by 50). */
	describeCreationTemplates(region: string, registryId?: string, options?: CallOptions): Promise<CreationTemplate[]>;
	createCreationTemplate(region: string, input: CreationTemplateInput): Promise<CreationTemplate>;
	/** Replace the repository's policy (SetRepositoryPolicy). */
	setRepositoryPolicy(region: string, repository: string, policyText: string, registryId?: string): Promise<void>;
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
	/** The caller's ECR Public registry and its alias; null when ECR Public answers with none. */
	describePublicRegistry(options?: CallOptions): Promise<PublicRegistryInfo | null>;
	/** null when the ECR Public repository does not exist. */
	describePublicRepository(name: string, options?: CallOptions): Promise<PublicRepositoryInfo | null>;
	createPublicRepository(name: string): Promise<PublicRepositoryInfo>;
	/** The rule with this prefix, or null. */
	describePullThroughRule(region: string, prefix: string, options?: CallOptions): Promise<PullThroughRule | null>;
	createPullThroughRule(region: string, input: PullThroughRuleInput): Promise<PullThroughRule>;
	validatePullThroughRule(region: string, prefix: string, options?: CallOptions): Promise<PullThroughValidation>;
	/** The Secrets Manager secret of this name, or null. */
	describeSecret(region: string, name: string, options?: CallOptions): Promise<SecretInfo | null>;
	/** A new secret holding the credentials as ECR reads them (JSON with `username` and `accessToken`). */
	createUpstreamSecret(
		region: string,
		name: string,
		credentials: UpstreamCredentials,
		description: string,
	): Promise<SecretInfo>;
	/** A new value for an existing secret (a new token). */
	putUpstreamSecret(region: string, secretId: string, credentials: UpstreamCredentials): Promise<void>;
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
