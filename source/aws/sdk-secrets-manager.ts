/** What ecr-setup uses of the Secrets Manager client: the secret a pull-through cache rule reads (see sdk-ecr.ts for why this list exists). */
export {
	CreateSecretCommand,
	DescribeSecretCommand,
	PutSecretValueCommand,
	SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
