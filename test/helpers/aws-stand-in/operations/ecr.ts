/** ECR (JSON 1.1, `AmazonEC2ContainerRegistry_V20150921`): the operations ecr-setup, the AWS CLI and the helper call. */
import {type Image, type Repository, repositoryArn, repositoryJson} from '../model.js';
import {AwsError, type Json} from '../protocol.js';
import {encodeToken} from '../tokens.js';
import {ECR_PULL_THROUGH} from './ecr-pull-through.js';
import type {OperationContext, Operations} from './types.js';

type ImageId = {imageTag?: string; imageDigest?: string};

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function registryIdOf(input: Json, {caller}: OperationContext): string {
	return text(input.registryId) ?? caller.account;
}

/**
 * The repository the input names, checked against the caller's permissions for `operation`: its own IAM policies, and
 * for another account's repository that repository's policy.
 */
function namedRepository(operation: string, input: Json, context: OperationContext): Repository {
	const {model, caller} = context;
	const repository = model.requireRepository(
		context.region,
		registryIdOf(input, context),
		String(input.repositoryName ?? ''),
	);
	model.checkAllowed(`ecr:${operation}`, repositoryArn(repository), caller);
	model.checkCrossAccount(`ecr:${operation}`, repository, caller);
	return repository;
}

function findImage(repository: Repository, id: ImageId): Image | undefined {
	return repository.images.find(
		(image) =>
			(id.imageDigest === undefined || image.digest === id.imageDigest) &&
			(id.imageTag === undefined || image.tags.includes(id.imageTag)),
	);
}

function imageDetails(repository: Repository, image: Image) {
	return {
		registryId: repository.registryId,
		repositoryName: repository.name,
		imageDigest: image.digest,
		...(image.tags.length > 0 ? {imageTags: image.tags} : {}),
		imageSizeInBytes: image.size,
		imagePushedAt: image.pushedAt,
		imageManifestMediaType: image.mediaType,
	};
}

function imageIds(input: Json): ImageId[] | undefined {
	return Array.isArray(input.imageIds) ? (input.imageIds as ImageId[]) : undefined;
}

const MUTABILITIES = ['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'];

/** imageTagMutabilityExclusionFilters as ECR checks them: at most 5 WILDCARD filters of [0-9a-zA-Z._*-]{1,128}. */
function checkedExclusionFilters(input: Json): Array<{filterType: string; filter: string}> {
	const filters = Array.isArray(input.imageTagMutabilityExclusionFilters)
		? (input.imageTagMutabilityExclusionFilters as Array<{filterType?: string; filter?: string}>)
		: [];
	if (filters.length > 5) {
		throw new AwsError(
			'InvalidParameterException',
			"Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: 'Member must have length less than or equal to 5'",
		);
	}
	return filters.map((filter) => {
		if (filter.filterType !== 'WILDCARD' || !/^[0-9a-zA-Z._*-]{1,128}$/.test(filter.filter ?? '')) {
			throw new AwsError(
				'InvalidParameterException',
				`Invalid parameter at 'imageTagMutabilityExclusionFilters.filter': '${filter.filter ?? ''}'`,
			);
		}
		return {filterType: 'WILDCARD', filter: filter.filter!};
	});
}

function checkedMutability(input: Json, filters: readonly unknown[]): string {
	const mutability = text(input.imageTagMutability) ?? 'MUTABLE';
	if (!MUTABILITIES.includes(mutability))
		throw new AwsError('InvalidParameterException', `Invalid parameter at 'imageTagMutability': '${mutability}'`);
	const withExclusion = mutability.endsWith('_WITH_EXCLUSION');
	if (withExclusion !== filters.length > 0) {
		throw new AwsError(
			'InvalidParameterException',
			withExclusion
				? `${mutability} needs imageTagMutabilityExclusionFilters`
				: 'imageTagMutabilityExclusionFilters need a *_WITH_EXCLUSION imageTagMutability',
		);
	}
	return mutability;
}

export const ECR: Operations = {
	...ECR_PULL_THROUGH,

	GetAuthorizationToken: async (input, {model, region, caller}) => {
		model.checkAllowed('ecr:GetAuthorizationToken', '*', caller);
		// The token is the caller's: another account's registry accepts it only where its repository policy allows.
		const token = await model.currentToken(model.tokenScopeOf(region, caller.account));
		const ids =
			Array.isArray(input.registryIds) && input.registryIds.length > 0
				? input.registryIds.map(String)
				: [caller.account];
		return {
			authorizationData: ids.map((id) => ({
				authorizationToken: encodeToken(token.password),
				expiresAt: token.expiresAt,
				proxyEndpoint: `https://${id}.dkr.ecr.${region}.amazonaws.com`,
			})),
		};
	},

	DescribeRepositories: (input, context) => {
		const {model, region, caller} = context;
		const registryId = registryIdOf(input, context);
		model.checkAllowed('ecr:DescribeRepositories', `arn:aws:ecr:${region}:${registryId}:repository/*`, caller);
		const named = Array.isArray(input.repositoryNames) && input.repositoryNames.length > 0;
		const repositories = named
			? (input.repositoryNames as unknown[]).map((name) => {
					const repository = model.requireRepository(region, registryId, String(name));
					model.checkCrossAccount('ecr:DescribeRepositories', repository, caller);
					return repository;
				})
			: // Another account's registry lists only what its repository policies let the caller describe.
				model.repositoriesOf(region, registryId).filter((repository) => {
					try {
						model.checkCrossAccount('ecr:DescribeRepositories', repository, caller);
						return true;
					} catch {
						return false;
					}
				});
		const start = typeof input.nextToken === 'string' ? Number(Buffer.from(input.nextToken, 'base64').toString()) : 0;
		// ECR answers 100 to a request without maxResults.
		const size = Math.min(model.pageLimit, typeof input.maxResults === 'number' ? input.maxResults : 100);
		const end = start + size;
		return {
			repositories: repositories.slice(start, end).map(repositoryJson),
			...(end < repositories.length ? {nextToken: Buffer.from(String(end)).toString('base64')} : {}),
		};
	},

	CreateRepository: (input, context) => {
		const {model, region, caller} = context;
		const name = String(input.repositoryName ?? '');
		const registryId = registryIdOf(input, context);
		const arn = `arn:aws:ecr:${region}:${registryId}:repository/${name}`;
		model.checkAllowed('ecr:CreateRepository', arn, caller);
		// Nobody creates repositories in another account's registry (the stand-in has no registry policies).
		if (registryId !== caller.account) throw model.accessDenied('ecr:CreateRepository', arn, 'resource', caller);
		const scanning = input.imageScanningConfiguration as {scanOnPush?: boolean} | undefined;
		const encryption = input.encryptionConfiguration as {encryptionType?: string} | undefined;
		const exclusionFilters = checkedExclusionFilters(input);
		const repository = model.createRepository({
			region,
			registryId,
			name,
			imageTagMutability: checkedMutability(input, exclusionFilters),
			exclusionFilters,
			scanOnPush: scanning?.scanOnPush,
			encryptionType: encryption?.encryptionType,
		});
		return {repository: repositoryJson(repository)};
	},

	DeleteRepository: (input, context) => {
		const repository = namedRepository('DeleteRepository', input, context);
		if (repository.images.length > 0 && input.force !== true) {
			throw new AwsError(
				'RepositoryNotEmptyException',
				`The repository with name '${repository.name}' in registry with id '${repository.registryId}' cannot be deleted because it still contains images`,
			);
		}
		context.model.deleteRepository(repository);
		return {repository: repositoryJson(repository)};
	},

	DescribeImages: (input, context) => {
		const repository = namedRepository('DescribeImages', input, context);
		const wanted = imageIds(input);
		if (!wanted) return {imageDetails: repository.images.map((image) => imageDetails(repository, image))};
		return {
			imageDetails: wanted.map((id) => {
				const image = findImage(repository, id);
				if (!image) {
					throw new AwsError(
						'ImageNotFoundException',
						`The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`,
					);
				}
				return imageDetails(repository, image);
			}),
		};
	},

	ListImages: (input, context) => {
		const repository = namedRepository('ListImages', input, context);
		return {
			imageIds: repository.images.flatMap((image) =>
				(image.tags.length > 0 ? image.tags : [undefined]).map((tag) => ({
					imageDigest: image.digest,
					...(tag ? {imageTag: tag} : {}),
				})),
			),
		};
	},

	BatchGetImage: (input, context) => {
		const repository = namedRepository('BatchGetImage', input, context);
		const images = [];
		const failures = [];
		for (const id of imageIds(input) ?? []) {
			const image = findImage(repository, id);
			if (image) {
				images.push({
					registryId: repository.registryId,
					repositoryName: repository.name,
					imageId: {imageDigest: image.digest, ...(id.imageTag ? {imageTag: id.imageTag} : {})},
					imageManifestMediaType: image.mediaType,
				});
			} else {
				failures.push({imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found'});
			}
		}
		return {images, failures};
	},

	GetRepositoryPolicy: (input, context) => {
		const repository = namedRepository('GetRepositoryPolicy', input, context);
		if (!repository.policy) {
			throw new AwsError(
				'RepositoryPolicyNotFoundException',
				`Repository policy does not exist for the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`,
			);
		}
		return {registryId: repository.registryId, repositoryName: repository.name, policyText: repository.policy};
	},

	SetRepositoryPolicy: (input, context) => {
		const repository = namedRepository('SetRepositoryPolicy', input, context);
		repository.policy = String(input.policyText ?? '');
		return {registryId: repository.registryId, repositoryName: repository.name, policyText: repository.policy};
	},

	PutLifecyclePolicy: (input, context) => {
		const repository = namedRepository('PutLifecyclePolicy', input, context);
		const text = String(input.lifecyclePolicyText ?? '');
		try {
			JSON.parse(text);
		} catch {
			throw new AwsError('InvalidParameterException', 'Invalid parameter at LifecyclePolicyText');
		}
		repository.lifecyclePolicy = text;
		return {registryId: repository.registryId, repositoryName: repository.name, lifecyclePolicyText: text};
	},

	GetLifecyclePolicy: (input, context) => {
		const repository = namedRepository('GetLifecyclePolicy', input, context);
		if (!repository.lifecyclePolicy) {
			throw new AwsError(
				'LifecyclePolicyNotFoundException',
				`Lifecycle policy does not exist for the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`,
			);
		}
		return {
			registryId: repository.registryId,
			repositoryName: repository.name,
			lifecyclePolicyText: repository.lifecyclePolicy,
		};
	},

	DescribeRepositoryCreationTemplates: (input, context) => {
		const {model, region, caller} = context;
		// The operation takes no registryId (the SDK drops one): it always reads the caller's own registry.
		const registryId = caller.account;
		model.checkAllowed('ecr:DescribeRepositoryCreationTemplates', '*', caller);
		const wanted = Array.isArray(input.prefixes) ? input.prefixes.map(String) : undefined;
		const all = model.templatesOf(region, registryId).filter((template) => !wanted || wanted.includes(template.prefix));
		// Pages of 2 here (ECR's default is 50), so that callers' paging is exercised.
		const start = typeof input.nextToken === 'string' ? Number(Buffer.from(input.nextToken, 'base64').toString()) : 0;
		const end = start + 2;
		return {
			registryId,
			repositoryCreationTemplates: all.slice(start, end),
			...(end < all.length ? {nextToken: Buffer.from(String(end)).toString('base64')} : {}),
		};
	},

	CreateRepositoryCreationTemplate: (input, context) => {
		const {model, region, caller} = context;
		const registryId = caller.account;
		model.checkAllowed('ecr:CreateRepositoryCreationTemplate', '*', caller);
		const prefix = String(input.prefix ?? '');
		const templates = model.templatesOf(region, registryId);
		if (templates.some((template) => template.prefix === prefix)) {
			throw new AwsError(
				'TemplateAlreadyExistsException',
				`The repository creation template with prefix '${prefix}' already exists in the registry with id '${registryId}'`,
			);
		}
		const appliedFor = Array.isArray(input.appliedFor) ? input.appliedFor.map(String) : [];
		if (
			appliedFor.length === 0 ||
			appliedFor.some((use) => !['CREATE_ON_PUSH', 'PULL_THROUGH_CACHE', 'REPLICATION'].includes(use))
		) {
			throw new AwsError('InvalidParameterException', "Invalid parameter at 'appliedFor'");
		}
		const exclusionFilters = checkedExclusionFilters(input);
		const now = Date.now() / 1000;
		const template = {
			prefix,
			appliedFor,
			...(text(input.description) ? {description: text(input.description)} : {}),
			imageTagMutability: checkedMutability(input, exclusionFilters),
			...(exclusionFilters.length > 0 ? {imageTagMutabilityExclusionFilters: exclusionFilters} : {}),
			encryptionConfiguration: (input.encryptionConfiguration as {encryptionType: string; kmsKey?: string}) ?? {
				encryptionType: 'AES256',
			},
			...(text(input.lifecyclePolicy) ? {lifecyclePolicy: text(input.lifecyclePolicy)} : {}),
			...(Array.isArray(input.resourceTags)
				? {resourceTags: input.resourceTags as Array<{Key: string; Value: string}>}
				: {}),
			...(text(input.customRoleArn) ? {customRoleArn: text(input.customRoleArn)} : {}),
			createdAt: now,
			updatedAt: now,
		};
		templates.push(template);
		return {registryId, repositoryCreationTemplate: template};
	},

	DeleteRepositoryCreationTemplate: (input, context) => {
		const {model, region, caller} = context;
		const templates = model.templatesOf(region, caller.account);
		const index = templates.findIndex((template) => template.prefix === String(input.prefix ?? ''));
		if (index === -1)
			throw new AwsError(
				'TemplateNotFoundException',
				`The specified repository creation template with prefix '${String(input.prefix)}' doesn't exist`,
			);
		const [template] = templates.splice(index, 1);
		return {registryId: caller.account, repositoryCreationTemplate: template};
	},

	PutImageTagMutability: (input, context) => {
		const repository = namedRepository('PutImageTagMutability', input, context);
		repository.imageTagMutability = String(input.imageTagMutability ?? 'MUTABLE');
		return {
			registryId: repository.registryId,
			repositoryName: repository.name,
			imageTagMutability: repository.imageTagMutability,
		};
	},
};
