/** The AwsService's ECR Public calls: one API, in us-east-1, for the registry, its repositories and its token. */
import {PUBLIC_REGISTRY_HOST} from '../ecr/hosts.js';
import {decodeAuthorizationData, toPublicRegistry, toPublicRepositoryInfo} from './answers.js';
import {type AwsCaller, abortWith, nullWhenMissing} from './call.js';
import {type AwsClients, ECR_PUBLIC_REGION} from './clients.js';
import {AwsError} from './errors.js';
import type {AwsService} from './types.js';

type EcrPublicMethods = Pick<
	AwsService,
	'getPublicAuthorizationToken' | 'describePublicRegistry' | 'describePublicRepository' | 'createPublicRepository'
>;

export function createEcrPublicMethods({
	clients,
	call,
	now,
}: {
	clients: AwsClients;
	call: AwsCaller['call'];
	now: () => Date;
}): EcrPublicMethods {
	return {
		async getPublicAuthorizationToken() {
			const context = {operation: 'ecr-public:GetAuthorizationToken'};
			return call('ecr-public', ECR_PUBLIC_REGION, context, undefined, async () => {
				const {sdk, client} = await clients.ecrPublic();
				const output = await client.send(new sdk.GetAuthorizationTokenCommand({}));
				return decodeAuthorizationData(output.authorizationData, {
					proxyEndpoint: `https://${PUBLIC_REGISTRY_HOST}`,
					now: now(),
					operation: 'ecr-public:GetAuthorizationToken',
				});
			});
		},

		async describePublicRegistry(callOptions = {}) {
			const context = {operation: 'ecr-public:DescribeRegistries'};
			return call('ecr-public', ECR_PUBLIC_REGION, context, callOptions.signal, async () => {
				const {sdk, client} = await clients.ecrPublic();
				const output = await client.send(new sdk.DescribeRegistriesCommand({}), abortWith(callOptions.signal));
				return toPublicRegistry(output.registries);
			});
		},

		async describePublicRepository(name, callOptions = {}) {
			const context = {operation: 'ecr-public:DescribeRepositories', repository: name};
			return call('ecr-public', ECR_PUBLIC_REGION, context, callOptions.signal, async () => {
				const {sdk, client} = await clients.ecrPublic();
				const output = await nullWhenMissing('RepositoryNotFoundException', async () =>
					client.send(new sdk.DescribeRepositoriesCommand({repositoryNames: [name]}), abortWith(callOptions.signal)),
				);
				const repository = output?.repositories?.[0];
				return repository ? (toPublicRepositoryInfo(repository) ?? null) : null;
			});
		},

		async createPublicRepository(name) {
			const context = {operation: 'ecr-public:CreateRepository', repository: name};
			return call('ecr-public', ECR_PUBLIC_REGION, context, undefined, async () => {
				const {sdk, client} = await clients.ecrPublic();
				const output = await client.send(new sdk.CreateRepositoryCommand({repositoryName: name}));
				const info = output.repository ? toPublicRepositoryInfo(output.repository) : undefined;
				if (!info) {
					throw new AwsError(`ecr-public:CreateRepository returned no repository for '${name}'.`, {
						kind: 'unknown',
						hint: 'Check with `aws ecr-public describe-repositories --region us-east-1` whether it was created.',
					});
				}

				return info;
			});
		},
	};
}
