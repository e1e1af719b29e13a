/**
 * The AWS calls behind `ecr-setup pull-through`: ECR's pull-through cache rules (describe, create, validate) and the
 * Secrets Manager secret a rule signs in to its upstream with. The secret's value is JSON with `username` and
 * `accessToken`, the keys ECR reads; it is built here, sent, and never logged (the debug log names operations only).
 */
import type {PullThroughCacheRule} from '@aws-sdk/client-ecr';
import {abortWith, type AwsCaller, nullWhenMissing} from './call.js';
import type {AwsClients} from './clients.js';
import {AwsError} from './errors.js';
import type {AwsService, PullThroughRule, UpstreamCredentials} from './types.js';

type PullThroughMethods = Pick<
	AwsService,
	| 'describePullThroughRule'
	| 'createPullThroughRule'
	| 'validatePullThroughRule'
	| 'describeSecret'
	| 'createUpstreamSecret'
	| 'putUpstreamSecret'
>;

function toRule(rule: PullThroughCacheRule | undefined): PullThroughRule | undefined {
	if (!rule?.ecrRepositoryPrefix || !rule.upstreamRegistryUrl || !rule.registryId) return undefined;
	return {
		prefix: rule.ecrRepositoryPrefix,
		registryId: rule.registryId,
		upstreamRegistry: rule.upstreamRegistry,
		upstreamRegistryUrl: rule.upstreamRegistryUrl,
		credentialArn: rule.credentialArn,
	};
}

function secretString(credentials: UpstreamCredentials): string {
	return JSON.stringify({username: credentials.username, accessToken: credentials.accessToken});
}

export function createPullThroughMethods({
	clients,
	call,
}: {
	clients: AwsClients;
	call: AwsCaller['call'];
}): PullThroughMethods {
	return {
		async describePullThroughRule(region, prefix, options = {}) {
			const context = {operation: 'ecr:DescribePullThroughCacheRules'};
			return call('ecr', region, context, options.signal, async () => {
				const {sdk, client} = await clients.ecr(region);
				const output = await nullWhenMissing('PullThroughCacheRuleNotFoundException', async () =>
					client.send(
						new sdk.DescribePullThroughCacheRulesCommand({ecrRepositoryPrefixes: [prefix]}),
						abortWith(options.signal),
					),
				);
				const rule = output?.pullThroughCacheRules?.find((candidate) => candidate.ecrRepositoryPrefix === prefix);
				return toRule(rule) ?? null;
			});
		},

		async createPullThroughRule(region, input) {
			const context = {operation: 'ecr:CreatePullThroughCacheRule'};
			return call('ecr', region, context, undefined, async () => {
				const {sdk, client} = await clients.ecr(region);
				const output = await client.send(
					new sdk.CreatePullThroughCacheRuleCommand({
						ecrRepositoryPrefix: input.prefix,
						upstreamRegistry: input.upstreamRegistry as PullThroughCacheRule['upstreamRegistry'],
						upstreamRegistryUrl: input.upstreamRegistryUrl,
						...(input.credentialArn ? {credentialArn: input.credentialArn} : {}),
					}),
				);
				const rule = toRule({
					...output,
					upstreamRegistry:
						output.upstreamRegistry ?? (input.upstreamRegistry as PullThroughCacheRule['upstreamRegistry']),
				});
				if (!rule) {
					throw new AwsError(`ecr:CreatePullThroughCacheRule returned no rule for '${input.prefix}'.`, {
						kind: 'unknown',
						hint: 'Check with `aws ecr describe-pull-through-cache-rules` whether it was created.',
					});
				}

				return rule;
			});
		},

		async validatePullThroughRule(region, prefix, options = {}) {
			const context = {operation: 'ecr:ValidatePullThroughCacheRule'};
			return call('ecr', region, context, options.signal, async () => {
				const {sdk, client} = await clients.ecr(region);
				const output = await client.send(
					new sdk.ValidatePullThroughCacheRuleCommand({ecrRepositoryPrefix: prefix}),
					abortWith(options.signal),
				);
				return {valid: output.isValid === true, failure: output.failure || undefined};
			});
		},

		async describeSecret(region, name, options = {}) {
			const context = {operation: 'secretsmanager:DescribeSecret'};
			return call('secretsmanager', region, context, options.signal, async () => {
				const {sdk, client} = await clients.secretsManager(region);
				const output = await nullWhenMissing('ResourceNotFoundException', async () =>
					client.send(new sdk.DescribeSecretCommand({SecretId: name}), abortWith(options.signal)),
				);
				// A secret scheduled for deletion cannot be read by ECR, nor given a new value: it is as good as gone.
				if (!output?.ARN || output.DeletedDate) return null;
				return {arn: output.ARN, name: output.Name ?? name};
			});
		},

		async createUpstreamSecret(region, name, credentials, description) {
			const context = {operation: 'secretsmanager:CreateSecret'};
			return call('secretsmanager', region, context, undefined, async () => {
				const {sdk, client} = await clients.secretsManager(region);
				const output = await client.send(
					new sdk.CreateSecretCommand({Name: name, Description: description, SecretString: secretString(credentials)}),
				);
				if (!output.ARN) {
					throw new AwsError(`secretsmanager:CreateSecret returned no ARN for '${name}'.`, {
						kind: 'unknown',
						hint: `Check with \`aws secretsmanager describe-secret --secret-id ${name}\` whether it was created.`,
					});
				}

				return {arn: output.ARN, name: output.Name ?? name};
			});
		},

		async putUpstreamSecret(region, secretId, credentials) {
			const context = {operation: 'secretsmanager:PutSecretValue'};
			await call('secretsmanager', region, context, undefined, async () => {
				const {sdk, client} = await clients.secretsManager(region);
				await client.send(new sdk.PutSecretValueCommand({SecretId: secretId, SecretString: secretString(credentials)}));
			});
		},
	};
}
