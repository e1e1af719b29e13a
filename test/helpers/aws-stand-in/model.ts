/**
 * What the stand-in knows, as ECR keeps it: the caller identities (a default one, and others by the access key their
 * requests are signed with), the regions it answers for, repositories (with their images and policies) per region and
 * registry account, repository creation templates, the ECR Public registry (its alias and repositories), one current
 * registry token per region, the IAM actions callers are denied, whether the callers' credentials have expired, access
 * keys AWS does not know, and IAM Identity Center (sign-in, accounts and roles). Operations and the registry front read
 * and change it.
 */
import {createHash} from 'node:crypto';
import {IdentityCenter, type IdentityCenterOptions} from './identity-center.js';
import {AwsError} from './protocol.js';
import {PullThroughStore} from './pull-through.js';
import {evaluateRepositoryPolicy} from './resource-policy.js';
import {randomPassword, TOKEN_LIFETIME_S} from './tokens.js';

export type Identity = {account: string; arn: string; userId: string};

/** An identity of another account (the owner of a repository someone else pushes to), and the key it signs with. */
export type KeyedIdentity = Identity & {accessKeyId: string};

export const DEFAULT_IDENTITY: Identity = {
	account: '123456789012',
	arn: 'arn:aws:iam::123456789012:user/dev',
	userId: 'AIDAEXAMPLEUSERID1234',
};

export type Image = {digest: string; tags: string[]; pushedAt: number; size: number; mediaType: string};

export type Repository = {
	name: string;
	registryId: string;
	region: string;
	createdAt: number;
	imageTagMutability: string;
	scanOnPush: boolean;
	encryptionType: string;
	policy: string | undefined;
	lifecyclePolicy: string | undefined;
	exclusionFilters: Array<{filterType: string; filter: string}>;
	/** The creation template that made it on push, if one did. */
	createdBy?: string;
	images: Image[];
};

/** A repository creation template as ECR keeps it (the fields ecr-setup reads and writes). */
export type CreationTemplate = {
	prefix: string;
	appliedFor: string[];
	description?: string;
	imageTagMutability?: string;
	imageTagMutabilityExclusionFilters?: Array<{filterType: string; filter: string}>;
	encryptionConfiguration?: {encryptionType: string; kmsKey?: string};
	lifecyclePolicy?: string;
	resourceTags?: Array<{Key: string; Value: string}>;
	customRoleArn?: string;
	createdAt: number;
	updatedAt: number;
};

/** An ECR Public repository: a name in the caller's public registry, no settings of its own. */
export type PublicRepository = {name: string; registryId: string; createdAt: number; images: Image[]};

/** ECR Public's token is its own, not any region's: the one password public.ecr.aws accepts is kept under this key. */
export const PUBLIC_TOKEN_SCOPE = 'public.ecr.aws';

export type RepositorySeed = {name: string; region: string; registryId?: string; imageTagMutability?: string};

export type Token = {password: string; expiresAt: number};

/** `region` for the default account's tokens, `region@account` for every other account's. */
export function privateTokenScope(region: string, account: string, defaultAccount: string): string {
	return account === defaultAccount ? region : `${region}@${account}`;
}

export type ModelOptions = {
	identity?: Partial<Identity>;
	/** Requests signed with one of these keys act as that identity; any other key is `identity`. */
	identities?: readonly KeyedIdentity[];
	/** The regions that exist; a request signed for another is refused as AWS refuses a disabled opt-in region. */
	regions?: readonly string[];
	/** There at the start and again after every reset. */
	repositories?: readonly RepositorySeed[];
	/** The largest DescribeRepositories page (ECR's limit is 1000). */
	pageLimit?: number;
	/** The ECR Public registry's alias from the start (else ECR Public assigns a default one with the first repository). */
	publicAlias?: string;
	/** Called before a new token is handed out: the registries must accept it by then. */
	onTokenRotated?: (region: string, token: Token) => Promise<void>;
	identityCenter?: IdentityCenterOptions;
};

/** ECR's repository name grammar, 2 to 256 characters. */
const REPOSITORY_NAME =
	/^(?=.{2,256}$)[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

const REGION_SHAPE = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

export class StandInModel {
	readonly identity: Identity;
	readonly pageLimit: number;
	readonly repositories = new Map<string, Repository>();
	/** IAM actions the caller is denied (`ecr:GetAuthorizationToken`, `ecr:InitiateLayerUpload`, `*`…). */
	readonly denied = new Set<string>();
	/** Every API call answers ExpiredToken(Exception), as with stale session credentials. */
	expiredCredentials = false;
	/** Access key ids every signed call refuses (InvalidClientTokenId), as AWS refuses a deleted key. */
	readonly rejectedKeys = new Set<string>();
	readonly identityCenter: IdentityCenter;
	readonly tokens = new Map<string, Token>();
	/** Repository creation templates per region and registry. */
	readonly templates = new Map<string, CreationTemplate[]>();
	/** Pull-through cache rules and the Secrets Manager secrets they read. */
	readonly pullThrough = new PullThroughStore();
	/** ECR Public repositories by name (of the caller's public registry). */
	readonly publicRepositories = new Map<string, PublicRepository>();
	/** The public registry's primary alias: `public.ecr.aws/<alias>/<repository>`. */
	publicAlias: string | undefined;
	private readonly seededPublicAlias: string | undefined;
	private readonly others: ReadonlyMap<string, Identity>;
	private readonly regions: ReadonlySet<string> | undefined;
	private readonly seeds: readonly RepositorySeed[];
	private readonly onTokenRotated: ModelOptions['onTokenRotated'];

	constructor(options: ModelOptions = {}) {
		this.identity = {...DEFAULT_IDENTITY, ...options.identity};
		this.others = new Map(
			(options.identities ?? []).map(({accessKeyId, ...identity}) => [accessKeyId, identity] as const),
		);
		this.regions = options.regions ? new Set(options.regions) : undefined;
		this.pageLimit = options.pageLimit ?? 1000;
		this.seeds = options.repositories ?? [];
		this.onTokenRotated = options.onTokenRotated;
		this.seededPublicAlias = options.publicAlias;
		this.identityCenter = new IdentityCenter(options.identityCenter);
		this.reset();
	}

	/** Back to the start: the seeded repositories only, nothing denied, valid credentials, no sign-in. ECR tokens stay valid. */
	reset(): void {
		this.repositories.clear();
		this.templates.clear();
		this.pullThrough.reset();
		this.publicRepositories.clear();
		this.publicAlias = this.seededPublicAlias;
		this.denied.clear();
		this.rejectedKeys.clear();
		this.expiredCredentials = false;
		this.identityCenter.reset();
		for (const seed of this.seeds) this.createRepository(seed);
	}

	knowsRegion(region: string): boolean {
		return this.regions ? this.regions.has(region) : REGION_SHAPE.test(region);
	}

	// ───────────── repositories ─────────────

	findRepository(region: string, registryId: string, name: string): Repository | undefined {
		return this.repositories.get(repositoryKey(region, registryId, name));
	}

	requireRepository(region: string, registryId: string, name: string): Repository {
		const repository = this.findRepository(region, registryId, name);
		if (!repository) throw repositoryNotFound(name, registryId);
		return repository;
	}

	/** One region's repositories of one registry, in name order. */
	repositoriesOf(region: string, registryId: string): Repository[] {
		return [...this.repositories.values()]
			.filter((repository) => repository.region === region && repository.registryId === registryId)
			.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	}

	createRepository(input: {
		region: string;
		registryId?: string | undefined;
		name: string;
		imageTagMutability?: string | undefined;
		exclusionFilters?: Array<{filterType: string; filter: string}> | undefined;
		scanOnPush?: boolean | undefined;
		encryptionType?: string | undefined;
		lifecyclePolicy?: string | undefined;
		createdBy?: string | undefined;
	}): Repository {
		const registryId = input.registryId ?? this.identity.account;
		checkRepositoryName(input.name);
		if (this.findRepository(input.region, registryId, input.name)) {
			throw new AwsError(
				'RepositoryAlreadyExistsException',
				`The repository with name '${input.name}' already exists in the registry with id '${registryId}'`,
			);
		}
		const repository: Repository = {
			name: input.name,
			registryId,
			region: input.region,
			createdAt: Date.now() / 1000,
			imageTagMutability: input.imageTagMutability ?? 'MUTABLE',
			scanOnPush: input.scanOnPush ?? false,
			encryptionType: input.encryptionType ?? 'AES256',
			policy: undefined,
			lifecyclePolicy: input.lifecyclePolicy,
			exclusionFilters: input.exclusionFilters ?? [],
			...(input.createdBy ? {createdBy: input.createdBy} : {}),
			images: [],
		};
		this.repositories.set(repositoryKey(input.region, registryId, input.name), repository);
		return repository;
	}

	// ───────────── repository creation templates ─────────────

	templatesOf(region: string, registryId: string): CreationTemplate[] {
		const key = `${region}/${registryId}`;
		let list = this.templates.get(key);
		if (!list) {
			list = [];
			this.templates.set(key, list);
		}
		return list;
	}

	/**
	 * What ECR does when a push names a repository that does not exist: the most specific template applied for
	 * CREATE_ON_PUSH whose prefix covers the name (`team` covers `team/…`; `ROOT` covers every name) creates it.
	 */
	createOnPush(region: string, registryId: string, name: string): Repository | undefined {
		const covering = this.templatesOf(region, registryId)
			.filter((template) => template.appliedFor.includes('CREATE_ON_PUSH'))
			.filter((template) => template.prefix === 'ROOT' || name.startsWith(`${template.prefix}/`))
			.sort((a, b) => (b.prefix === 'ROOT' ? 0 : b.prefix.length) - (a.prefix === 'ROOT' ? 0 : a.prefix.length));
		const template = covering[0];
		if (!template) return undefined;
		return this.createRepository({
			region,
			registryId,
			name,
			imageTagMutability: template.imageTagMutability,
			exclusionFilters: template.imageTagMutabilityExclusionFilters,
			encryptionType: template.encryptionConfiguration?.encryptionType,
			lifecyclePolicy: template.lifecyclePolicy,
			createdBy: template.prefix,
		});
	}

	deleteRepository(repository: Repository): void {
		this.repositories.delete(repositoryKey(repository.region, repository.registryId, repository.name));
	}

	/** A pushed manifest, as the registry front saw it: a tag moves to the image it now names. */
	learnImage(
		repository: Pick<Repository, 'images'>,
		image: {reference: string; digest: string; size: number; mediaType: string},
	): void {
		let known = repository.images.find((candidate) => candidate.digest === image.digest);
		if (!known) {
			known = {
				digest: image.digest,
				tags: [],
				pushedAt: Date.now() / 1000,
				size: image.size,
				mediaType: image.mediaType,
			};
			repository.images.push(known);
		}
		if (!image.reference.startsWith('sha256:')) {
			for (const other of repository.images) other.tags = other.tags.filter((tag) => tag !== image.reference);
			known.tags.push(image.reference);
		}
	}

	// ───────────── ECR Public ─────────────

	requirePublicRepository(name: string): PublicRepository {
		const repository = this.publicRepositories.get(name);
		if (!repository) throw repositoryNotFound(name, this.identity.account);
		return repository;
	}

	/** A new public repository; the registry's first one gives the registry its default alias, as ECR Public does. */
	createPublicRepository(name: string): PublicRepository {
		checkRepositoryName(name);
		if (this.publicRepositories.has(name)) {
			throw new AwsError(
				'RepositoryAlreadyExistsException',
				`The repository with name '${name}' already exists in the registry with id '${this.identity.account}'`,
			);
		}
		this.publicAlias ??= `a${createHash('sha256').update(this.identity.account).digest('hex').slice(0, 7)}`;
		const repository = {name, registryId: this.identity.account, createdAt: Date.now() / 1000, images: []};
		this.publicRepositories.set(name, repository);
		return repository;
	}

	// ───────────── tokens ─────────────

	/**
	 * One password per region and account: a token says whose it is, as ECR's does (and one for ECR Public, under
	 * PUBLIC_TOKEN_SCOPE); reused until its last hour. The default identity's scope is the region alone.
	 */
	async currentToken(scope: string): Promise<Token> {
		const existing = this.tokens.get(scope);
		if (existing && existing.expiresAt - Date.now() / 1000 > 60 * 60) return existing;
		return this.rotateToken(scope);
	}

	/** The token scope of an account's callers in a region: the region alone for the default identity. */
	tokenScopeOf(region: string, account: string): string {
		return privateTokenScope(region, account, this.identity.account);
	}

	/** The identity whose calls an account's tokens stand for (the default identity, one of the others, or a portal role's). */
	identityOfAccount(account: string): Identity | undefined {
		if (account === this.identity.account) return this.identity;
		return (
			[...this.others.values()].find((identity) => identity.account === account) ??
			this.identityCenter.identityInAccount(account)
		);
	}

	async rotateToken(region: string): Promise<Token> {
		const expiresAt = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S;
		const token = {password: randomPassword(expiresAt), expiresAt};
		await this.onTokenRotated?.(region, token);
		this.tokens.set(region, token);
		return token;
	}

	// ───────────── IAM ─────────────

	/** Who signed a request: the identity of its access key, else the default one. */
	identityFor(accessKeyId: string | undefined): Identity {
		// A key of a role's credentials from the portal belongs to that role's account.
		return (
			this.identityCenter.identityOf(accessKeyId) ?? ((accessKeyId && this.others.get(accessKeyId)) || this.identity)
		);
	}

	checkAllowed(action: string, resource: string, caller: Identity = this.identity): void {
		if (this.denied.has(action) || this.denied.has('*')) throw this.accessDenied(action, resource, 'identity', caller);
	}

	/**
	 * Another account's repository: its policy must allow the caller the action (an explicit Deny there wins), whatever
	 * the caller's own policies say. A repository of the caller's own account is not asked.
	 */
	checkCrossAccount(action: string, repository: Repository, caller: Identity = this.identity): void {
		if (repository.registryId === caller.account) return;
		const verdict = evaluateRepositoryPolicy(repository.policy, caller, action);
		if (verdict === 'allow') return;
		throw verdict === 'deny'
			? new AwsError(
					'AccessDeniedException',
					`User: ${caller.arn} is not authorized to perform: ${action} on resource: ${repositoryArn(repository)} with an explicit deny in a resource-based policy`,
				)
			: this.accessDenied(action, repositoryArn(repository), 'resource', caller);
	}

	accessDenied(
		action: string,
		resource: string,
		kind: 'identity' | 'resource' = 'identity',
		caller: Identity = this.identity,
	): AwsError {
		return new AwsError(
			'AccessDeniedException',
			`User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} because no ${kind}-based policy allows the ${action} action`,
		);
	}
}

function checkRepositoryName(name: string): void {
	if (!REPOSITORY_NAME.test(name)) {
		throw new AwsError(
			'InvalidParameterException',
			`Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`,
		);
	}
}

function repositoryKey(region: string, registryId: string, name: string): string {
	return `${region}/${registryId}/${name}`;
}

export function repositoryNotFound(name: string, registryId: string): AwsError {
	return new AwsError(
		'RepositoryNotFoundException',
		`The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
	);
}

export function repositoryArn(repository: Repository): string {
	return `arn:aws:ecr:${repository.region}:${repository.registryId}:repository/${repository.name}`;
}

export function repositoryUri(repository: Repository): string {
	return `${repository.registryId}.dkr.ecr.${repository.region}.amazonaws.com/${repository.name}`;
}

/** A repository as ECR's API describes it. */
export function repositoryJson(repository: Repository) {
	return {
		repositoryArn: repositoryArn(repository),
		registryId: repository.registryId,
		repositoryName: repository.name,
		repositoryUri: repositoryUri(repository),
		createdAt: repository.createdAt,
		imageTagMutability: repository.imageTagMutability,
		...(repository.exclusionFilters.length > 0
			? {imageTagMutabilityExclusionFilters: repository.exclusionFilters}
			: {}),
		imageScanningConfiguration: {scanOnPush: repository.scanOnPush},
		encryptionConfiguration: {encryptionType: repository.encryptionType},
	};
}
