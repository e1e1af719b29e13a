/**
 * What ecr-setup uses of the ECR client, and nothing else: the bundle keeps only these (and what they need) of the
 * SDK's ~60 operations, so loading the client runs less code (scripts/build.mjs puts this module in the aws vendor
 * bundle). Add a name here before using it in service.ts; TypeScript says so if it is missing.
 */
export {
	CreatePullThroughCacheRuleCommand,
	CreateRepositoryCommand,
	CreateRepositoryCreationTemplateCommand,
	DescribeImagesCommand,
	DescribePullThroughCacheRulesCommand,
	DescribeRepositoryCreationTemplatesCommand,
	DescribeRepositoriesCommand,
	ECRClient,
	GetAuthorizationTokenCommand,
	GetRepositoryPolicyCommand,
	PutLifecyclePolicyCommand,
	SetRepositoryPolicyCommand,
	ValidatePullThroughCacheRuleCommand,
} from '@aws-sdk/client-ecr';
