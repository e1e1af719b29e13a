/** What ecr-setup uses of the ECR Public client (see sdk-ecr.ts for why this list exists). */
export {
	CreateRepositoryCommand,
	DescribeRegistriesCommand,
	DescribeRepositoriesCommand,
	ECRPUBLICClient,
	GetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr-public';
