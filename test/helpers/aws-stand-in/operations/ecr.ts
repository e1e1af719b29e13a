/** ECR (JSON 1.1, `AmazonEC2ContainerRegistry_V20150921`): the operations ecr-setup, the AWS CLI and the helper call. */
import {type Image, type Repository, repositoryArn, repositoryJson} from '../model.js';
import {AwsError, type Json} from '../protocol.js';
import {encodeToken} from '../tokens.js';
import type {OperationContext, Operations} from './types.js';

type ImageId = {imageTag?: string; imageDigest?: string};

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

function registryIdOf(input: Json, {model}: OperationContext): string {
	return text(input.registryId) ?? model.identity.account;
}

/** The repository the input names, checked against the caller's permissions for `operation`. */
function namedRepository(operation: string, input: Json, context: OperationContext): Repository {
	const repository = context.model.requireRepository(
		context.region,
		registryIdOf(input, context),
		String(input.repositoryName ?? ''),
	);
	context.model.checkAllowed(`ecr:${operation}`, repositoryArn(repository));
	return repository;
}

function readableRepository(operation: string, input: Json, context: OperationContext): Repository {
	const repository = namedRepository(operation, input, context);
	context.model.checkCrossAccount(`ecr:${operation}`, repository);
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

export const ECR: Operations = {
	GetAuthorizationToken: async (input, {model, region}) => {
		model.checkAllowed('ecr:GetAuthorizationToken', '*');
		const token = await model.currentToken(region);
		const ids =
			Array.isArray(input.registryIds) && input.registryIds.length > 0
				? input.registryIds.map(String)
				: [model.identity.account];
		return {
			authorizationData: ids.map((id) => ({
				authorizationToken: encodeToken(token.password),
				expiresAt: token.expiresAt,
				proxyEndpoint: `https://${id}.dkr.ecr.${region}.amazonaws.com`,
			})),
		};
	},

	DescribeRepositories: (input, context) => {
		const {model, region} = context;
		const registryId = registryIdOf(input, context);
		model.checkAllowed('ecr:DescribeRepositories', `arn:aws:ecr:${region}:${registryId}:repository/*`);
		const repositories =
			Array.isArray(input.repositoryNames) && input.repositoryNames.length > 0
				? input.repositoryNames.map((name) => model.requireRepository(region, registryId, String(name)))
				: model.repositoriesOf(region, registryId);
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
		const {model, region} = context;
		const name = String(input.repositoryName ?? '');
		const registryId = text(input.registryId);
		model.checkAllowed(
			'ecr:CreateRepository',
			`arn:aws:ecr:${region}:${registryId ?? model.identity.account}:repository/${name}`,
		);
		const scanning = input.imageScanningConfiguration as {scanOnPush?: boolean} | undefined;
		const encryption = input.encryptionConfiguration as {encryptionType?: string} | undefined;
		const repository = model.createRepository({
			region,
			registryId,
			name,
			imageTagMutability: text(input.imageTagMutability),
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
		const repository = readableRepository('DescribeImages', input, context);
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
		const repository = readableRepository('ListImages', input, context);
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
		const repository = readableRepository('BatchGetImage', input, context);
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
