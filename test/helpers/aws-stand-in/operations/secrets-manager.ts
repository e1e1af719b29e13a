/**
 * Secrets Manager, as much as a pull-through cache rule needs: CreateSecret, DescribeSecret and PutSecretValue over
 * JSON 1.1 (`X-Amz-Target: secretsmanager.<Operation>`, capitalised fields), with the errors Secrets Manager answers
 * (names from the SDK model). A secret is found by its name or its ARN.
 */
import {randomUUID} from 'node:crypto';
import type {SecretRecord} from '../pull-through.js';
import {AwsError} from '../protocol.js';
import type {OperationContext, Operations} from './types.js';

function notFound(): AwsError {
	return new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
}

function requireSecret(input: Record<string, unknown>, context: OperationContext): SecretRecord {
	const secret = context.model.pullThrough.secret(context.region, context.caller.account, String(input.SecretId ?? ''));
	if (!secret) throw notFound();
	return secret;
}

function secretString(input: Record<string, unknown>): string {
	if (typeof input.SecretString !== 'string' || input.SecretString === '') {
		throw new AwsError('InvalidParameterException', 'You must provide either SecretString or SecretBinary.');
	}
	return input.SecretString;
}

export const SECRETS_MANAGER: Operations = {
	CreateSecret: (input, context) => {
		const {model, region, caller} = context;
		const name = String(input.Name ?? '');
		model.checkAllowed(
			'secretsmanager:CreateSecret',
			`arn:aws:secretsmanager:${region}:${caller.account}:secret:${name}`,
			caller,
		);
		if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) {
			throw new AwsError(
				'InvalidParameterException',
				'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
			);
		}
		if (model.pullThrough.secret(region, caller.account, name)) {
			throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
		}
		const secret = model.pullThrough.addSecret({
			region,
			account: caller.account,
			name,
			...(typeof input.Description === 'string' ? {description: input.Description} : {}),
			value: secretString(input),
		});
		return {ARN: secret.arn, Name: secret.name, VersionId: randomUUID()};
	},

	DescribeSecret: (input, context) => {
		const secret = requireSecret(input, context);
		context.model.checkAllowed('secretsmanager:DescribeSecret', secret.arn, context.caller);
		return {
			ARN: secret.arn,
			Name: secret.name,
			...(secret.description ? {Description: secret.description} : {}),
			CreatedDate: secret.createdAt,
			LastChangedDate: secret.createdAt,
		};
	},

	PutSecretValue: (input, context) => {
		const secret = requireSecret(input, context);
		context.model.checkAllowed('secretsmanager:PutSecretValue', secret.arn, context.caller);
		secret.value = secretString(input);
		secret.versions++;
		return {ARN: secret.arn, Name: secret.name, VersionId: randomUUID(), VersionStages: ['AWSCURRENT']};
	},
};
