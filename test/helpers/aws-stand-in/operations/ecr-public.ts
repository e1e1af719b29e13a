/**
 * ECR Public (JSON 1.1, `SpencerFrontendService`): its token comes from us-east-1 only, and needs an STS bearer token; the
 * caller's one public registry (DescribeRegistries, with its aliases) and its repositories, in ECR Public's shapes
 * (client-ecr-public: Registry, RegistryAlias, Repository).
 */
import {PUBLIC_TOKEN_SCOPE, type PublicRepository, type StandInModel} from '../model.js';
import {AwsError, type Json} from '../protocol.js';
import {encodeToken} from '../tokens.js';
import type {Operations} from './types.js';

function repositoryArn(repository: Pick<PublicRepository, 'name' | 'registryId'>): string {
	return `arn:aws:ecr-public::${repository.registryId}:repository/${repository.name}`;
}

function repositoryJson(model: StandInModel, repository: PublicRepository): Json {
	return {
		repositoryArn: repositoryArn(repository),
		registryId: repository.registryId,
		repositoryName: repository.name,
		repositoryUri: `public.ecr.aws/${model.publicAlias}/${repository.name}`,
		createdAt: repository.createdAt,
	};
}

/** ECR Public keeps one registry per account: another registryId is one the caller cannot see. */
function checkRegistry(input: Json, model: StandInModel): void {
	const registryId = typeof input.registryId === 'string' ? input.registryId : model.identity.account;
	if (registryId !== model.identity.account) {
		throw new AwsError('RegistryNotFoundException', `The registry with id '${registryId}' does not exist`);
	}
}

export const ECR_PUBLIC: Operations = {
	GetAuthorizationToken: async (_input, {model, region}) => {
		if (region !== 'us-east-1') {
			throw new AwsError('InvalidParameterException', 'GetAuthorizationToken command is only supported in us-east-1.');
		}
		model.checkAllowed('ecr-public:GetAuthorizationToken', '*');
		model.checkAllowed('sts:GetServiceBearerToken', '*');
		// The password public.ecr.aws (the end-to-end stack's registry front) accepts.
		const token = await model.currentToken(PUBLIC_TOKEN_SCOPE);
		return {authorizationData: {authorizationToken: encodeToken(token.password), expiresAt: token.expiresAt}};
	},

	DescribeRegistries: (_input, {model}) => {
		const account = model.identity.account;
		model.checkAllowed('ecr-public:DescribeRegistries', '*');
		const alias = model.publicAlias;
		return {
			registries: [
				{
					registryId: account,
					registryArn: `arn:aws:ecr-public::${account}:registry/${account}`,
					// Before its first repository the registry has no alias, so no URI either.
					registryUri: alias ? `public.ecr.aws/${alias}` : '',
					verified: false,
					aliases: alias
						? [{name: alias, status: 'ACTIVE', primaryRegistryAlias: true, defaultRegistryAlias: true}]
						: [],
				},
			],
		};
	},

	DescribeRepositories: (input, {model}) => {
		checkRegistry(input, model);
		model.checkAllowed(
			'ecr-public:DescribeRepositories',
			repositoryArn({name: '*', registryId: model.identity.account}),
		);
		const all =
			Array.isArray(input.repositoryNames) && input.repositoryNames.length > 0
				? input.repositoryNames.map((name) => model.requirePublicRepository(String(name)))
				: [...model.publicRepositories.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
		const start = typeof input.nextToken === 'string' ? Number(Buffer.from(input.nextToken, 'base64').toString()) : 0;
		const end = start + (typeof input.maxResults === 'number' ? input.maxResults : 100);
		return {
			repositories: all.slice(start, end).map((repository) => repositoryJson(model, repository)),
			...(end < all.length ? {nextToken: Buffer.from(String(end)).toString('base64')} : {}),
		};
	},

	CreateRepository: (input, {model}) => {
		const name = String(input.repositoryName ?? '');
		model.checkAllowed('ecr-public:CreateRepository', repositoryArn({name, registryId: model.identity.account}));
		const repository = model.createPublicRepository(name);
		return {repository: repositoryJson(model, repository), catalogData: {}};
	},
};
