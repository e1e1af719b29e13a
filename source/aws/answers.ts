/** What AWS answers, read into ecr-setup's shapes and checked the way aws-actions/amazon-ecr-login checks them. */
import {registerSecret} from '../lib/log.js';
import {privateRegistryHost} from '../ecr/hosts.js';
import {decodeBasicAuth, ecrPasswordExpiry} from '../ecr/token.js';
import {AwsError} from './errors.js';
import type {CreationTemplate, TemplateUse} from '../ecr/creation-templates.js';
import type {TagMutabilityFilter} from '../ecr/repository-settings.js';
import type {
	AuthToken,
	CallerIdentity,
	IdentityKind,
	PublicRegistryInfo,
	PublicRepositoryInfo,
	RepositoryInfo,
	TagMutability,
} from './types.js';

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

/** A GetCallerIdentity answer → CallerIdentity; all three fields or an error. */
export function toCallerIdentity(output: {Account?: string; Arn?: string; UserId?: string}): CallerIdentity {
	if (!output.Account || !output.Arn || !output.UserId) {
		throw new AwsError('sts:GetCallerIdentity returned an unusable answer: Account, Arn or UserId is missing.', {
			kind: 'unknown',
			hint: 'If AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_STS is set, check that it points at a real STS endpoint.',
		});
	}

	return {account: output.Account, arn: output.Arn, userId: output.UserId, kind: identityKindFromArn(output.Arn)};
}

const UNUSABLE_ECR_ANSWER_HINT =
	'Try again; if it keeps happening, check that AWS_ENDPOINT_URL* (if set) points at a real ECR endpoint.';

type SdkRepository = {
	repositoryArn?: string;
	registryId?: string;
	repositoryName?: string;
	repositoryUri?: string;
	createdAt?: Date;
	imageTagMutability?: string;
	imageTagMutabilityExclusionFilters?: Array<{filterType?: string; filter?: string}>;
	imageScanningConfiguration?: {scanOnPush?: boolean};
	encryptionConfiguration?: {encryptionType?: string};
};

/** imageTagMutabilityExclusionFilters as ecr-setup keeps them (WILDCARD is the only filter type ECR has). */
function exclusionFilters(
	filters: Array<{filterType?: string | undefined; filter?: string | undefined}> | undefined,
): TagMutabilityFilter[] {
	return (filters ?? []).flatMap((filter) =>
		filter.filter ? [{filterType: 'WILDCARD' as const, filter: filter.filter}] : [],
	);
}

export function toRepositoryInfo(repository: SdkRepository, region: string): RepositoryInfo | undefined {
	const name = repository.repositoryName;
	if (!name) return undefined;
	const registryId = repository.registryId ?? repository.repositoryArn?.split(':')[4] ?? '';
	const filters = exclusionFilters(repository.imageTagMutabilityExclusionFilters);
	return {
		name,
		uri: repository.repositoryUri ?? `${privateRegistryHost(registryId, region)}/${name}`,
		arn: repository.repositoryArn ?? '',
		registryId,
		region,
		...(repository.createdAt ? {createdAt: repository.createdAt} : {}),
		imageTagMutability: (repository.imageTagMutability ?? 'MUTABLE') as TagMutability,
		...(filters.length > 0 ? {exclusionFilters: filters} : {}),
		scanOnPush: repository.imageScanningConfiguration?.scanOnPush ?? false,
		encryptionType: repository.encryptionConfiguration?.encryptionType ?? 'AES256',
	};
}

type AuthorizationData = {authorizationToken?: string; expiresAt?: Date; proxyEndpoint?: string};

/** An ECR authorizationData entry → AuthToken; its secrets are registered for redaction before anything can log them. */
export function decodeAuthorizationData(
	data: AuthorizationData | undefined,
	options: {proxyEndpoint?: string; now: Date; operation: string},
): AuthToken {
	const invalid = (detail: string) =>
		new AwsError(`${options.operation} returned an unusable answer: ${detail}.`, {
			kind: 'unknown',
			hint: UNUSABLE_ECR_ANSWER_HINT,
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

/** Of a GetAuthorizationToken answer, the entry for registryId's endpoint (else the first); an error when there is none. */
export function authorizationDataFor(
	entries: AuthorizationData[] | undefined,
	registryId: string | undefined,
): AuthorizationData | undefined {
	if (!Array.isArray(entries) || entries.length === 0) {
		throw new AwsError(
			'ecr:GetAuthorizationToken returned no authorizationData: could not retrieve an authorization token from Amazon ECR.',
			{
				kind: 'unknown',
				hint: UNUSABLE_ECR_ANSWER_HINT,
			},
		);
	}

	return registryId
		? (entries.find((entry) => entry.proxyEndpoint?.includes(`${registryId}.`)) ?? entries[0])
		: entries[0];
}

/** A template as DescribeRepositoryCreationTemplates answers it; undefined when it has no prefix. */
export function toCreationTemplate(template: {
	prefix?: string | undefined;
	description?: string | undefined;
	appliedFor?: string[] | undefined;
	imageTagMutability?: string | undefined;
	imageTagMutabilityExclusionFilters?:
		| Array<{filterType?: string | undefined; filter?: string | undefined}>
		| undefined;
	encryptionConfiguration?: {encryptionType?: string | undefined; kmsKey?: string | undefined} | undefined;
	lifecyclePolicy?: string | undefined;
	repositoryPolicy?: string | undefined;
	resourceTags?: unknown[] | undefined;
	customRoleArn?: string | undefined;
}): CreationTemplate | undefined {
	if (!template.prefix) return undefined;
	const filters = exclusionFilters(template.imageTagMutabilityExclusionFilters);
	const encryption = template.encryptionConfiguration?.encryptionType;
	return {
		prefix: template.prefix,
		appliedFor: (template.appliedFor ?? []) as TemplateUse[],
		...(template.description ? {description: template.description} : {}),
		...(template.imageTagMutability ? {imageTagMutability: template.imageTagMutability as TagMutability} : {}),
		...(filters.length > 0 ? {exclusionFilters: filters} : {}),
		...(encryption
			? {
					encryption: {
						type: encryption,
						...(template.encryptionConfiguration?.kmsKey ? {kmsKey: template.encryptionConfiguration.kmsKey} : {}),
					},
				}
			: {}),
		...(template.lifecyclePolicy ? {lifecyclePolicy: template.lifecyclePolicy} : {}),
		...(template.repositoryPolicy ? {repositoryPolicy: template.repositoryPolicy} : {}),
		resourceTagCount: template.resourceTags?.length ?? 0,
		...(template.customRoleArn ? {customRoleArn: template.customRoleArn} : {}),
	};
}

/** The first registry of a DescribeRegistries answer, with its primary alias (the one image URIs use). */
export function toPublicRegistry(
	registries:
		| Array<{
				registryId?: string | undefined;
				verified?: boolean | undefined;
				aliases?: Array<{name?: string | undefined; primaryRegistryAlias?: boolean | undefined}> | undefined;
		  }>
		| undefined,
): PublicRegistryInfo | null {
	const registry = registries?.[0];
	if (!registry?.registryId) return null;
	const alias = registry.aliases?.find((candidate) => candidate.primaryRegistryAlias && candidate.name)?.name;
	return {registryId: registry.registryId, alias, verified: registry.verified ?? false};
}

export function toPublicRepositoryInfo(repository: {
	repositoryArn?: string | undefined;
	registryId?: string | undefined;
	repositoryName?: string | undefined;
	repositoryUri?: string | undefined;
	createdAt?: Date | undefined;
}): PublicRepositoryInfo | undefined {
	const name = repository.repositoryName;
	if (!name) return undefined;
	return {
		name,
		uri: repository.repositoryUri || undefined,
		arn: repository.repositoryArn ?? '',
		registryId: repository.registryId ?? repository.repositoryArn?.split(':')[4] ?? '',
		...(repository.createdAt ? {createdAt: repository.createdAt} : {}),
	};
}
