/**
 * ECR's pull-through cache rules: create (the upstream's URL must be the one its `upstreamRegistry` names, upstreams
 * that need credentials need a secret named `ecr-pullthroughcache/…`), describe, validate (ECR signs in to the upstream
 * with the secret's `username` and `accessToken`) and delete, with the errors ECR answers (names from the SDK model).
 */
import type {PullThroughRuleRecord} from '../pull-through.js';
import {AwsError} from '../protocol.js';
import type {OperationContext, Operations} from './types.js';

/** Each upstream's URL, and whether ECR needs credentials for it (Azure: any `<name>.azurecr.io`). */
const UPSTREAMS: Record<string, {url: RegExp; credentials: boolean}> = {
	'ecr-public': {url: /^public\.ecr\.aws$/, credentials: false},
	'docker-hub': {url: /^registry-1\.docker\.io$/, credentials: true},
	'github-container-registry': {url: /^ghcr\.io$/, credentials: true},
	quay: {url: /^quay\.io$/, credentials: false},
	k8s: {url: /^registry\.k8s\.io$/, credentials: false},
	'gitlab-container-registry': {url: /^registry\.gitlab\.com$/, credentials: true},
	'azure-container-registry': {url: /^[a-z0-9]{5,50}\.azurecr\.io$/, credentials: true},
	chainguard: {url: /^cgr\.dev$/, credentials: true},
};

const PREFIX = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

function ruleJson(rule: PullThroughRuleRecord) {
	return {
		ecrRepositoryPrefix: rule.ecrRepositoryPrefix,
		upstreamRegistryUrl: rule.upstreamRegistryUrl,
		createdAt: rule.createdAt,
		registryId: rule.registryId,
		upstreamRegistry: rule.upstreamRegistry,
		...(rule.credentialArn ? {credentialArn: rule.credentialArn} : {}),
		updatedAt: rule.updatedAt,
	};
}

function notFound(prefix: string, registryId: string): AwsError {
	return new AwsError(
		'PullThroughCacheRuleNotFoundException',
		`The pull through cache rule with prefix '${prefix}' does not exist in the registry with id '${registryId}'`,
	);
}

function requireRule(input: Record<string, unknown>, context: OperationContext): PullThroughRuleRecord {
	const registryId = typeof input.registryId === 'string' ? input.registryId : context.caller.account;
	const prefix = String(input.ecrRepositoryPrefix ?? '');
	const rule = context.model.pullThrough.rule(context.region, registryId, prefix);
	if (!rule) throw notFound(prefix, registryId);
	return rule;
}

export const ECR_PULL_THROUGH: Operations = {
	CreatePullThroughCacheRule: (input, context) => {
		const {model, region, caller} = context;
		const registryId = typeof input.registryId === 'string' ? input.registryId : caller.account;
		model.checkAllowed('ecr:CreatePullThroughCacheRule', '*', caller);
		const prefix = String(input.ecrRepositoryPrefix ?? '');
		if (prefix.length < 2 || prefix.length > 30 || !PREFIX.test(prefix)) {
			throw new AwsError(
				'InvalidParameterException',
				`Invalid parameter at 'ecrRepositoryPrefix' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' and have length between 2 and 30'`,
			);
		}
		const url = String(input.upstreamRegistryUrl ?? '');
		const upstreamRegistry = typeof input.upstreamRegistry === 'string' ? input.upstreamRegistry : undefined;
		const upstream = upstreamRegistry ? UPSTREAMS[upstreamRegistry] : undefined;
		if (!upstreamRegistry || !upstream?.url.test(url)) {
			throw new AwsError(
				'UnsupportedUpstreamRegistryException',
				`The specified upstream registry ${url} is not supported for upstream registry type ${upstreamRegistry ?? '(none)'}`,
			);
		}
		const credentialArn = typeof input.credentialArn === 'string' ? input.credentialArn : undefined;
		if (upstream.credentials && !credentialArn) {
			throw new AwsError(
				'InvalidParameterException',
				`Invalid parameter at 'credentialArn': a credential is required for upstream registry ${upstreamRegistry}`,
			);
		}
		if (credentialArn) {
			const secret = model.pullThrough.secretByArn(credentialArn);
			if (!secret || secret.region !== region) {
				throw new AwsError('SecretNotFoundException', `The specified secret '${credentialArn}' could not be found`);
			}
			if (!secret.name.startsWith('ecr-pullthroughcache/')) {
				throw new AwsError(
					'InvalidParameterException',
					`Invalid parameter at 'credentialArn': the secret name must start with 'ecr-pullthroughcache/'`,
				);
			}
		}
		if (model.pullThrough.rule(region, registryId, prefix)) {
			throw new AwsError(
				'PullThroughCacheRuleAlreadyExistsException',
				`The pull through cache rule with prefix '${prefix}' already exists in the registry with id '${registryId}'`,
			);
		}
		const now = Date.now() / 1000;
		const rule: PullThroughRuleRecord = {
			region,
			registryId,
			ecrRepositoryPrefix: prefix,
			upstreamRegistry,
			upstreamRegistryUrl: url,
			...(credentialArn ? {credentialArn} : {}),
			createdAt: now,
			updatedAt: now,
		};
		model.pullThrough.addRule(rule);
		const {updatedAt: _, ...created} = ruleJson(rule);
		return created;
	},

	DescribePullThroughCacheRules: (input, context) => {
		const {model, region, caller} = context;
		const registryId = typeof input.registryId === 'string' ? input.registryId : caller.account;
		model.checkAllowed('ecr:DescribePullThroughCacheRules', '*', caller);
		const wanted = Array.isArray(input.ecrRepositoryPrefixes) ? input.ecrRepositoryPrefixes.map(String) : undefined;
		const all = model.pullThrough.rulesOf(region, registryId);
		// Naming a prefix that has no rule is an error, not an empty answer.
		for (const prefix of wanted ?? []) {
			if (!all.some((rule) => rule.ecrRepositoryPrefix === prefix)) throw notFound(prefix, registryId);
		}
		return {
			pullThroughCacheRules: all.filter((rule) => !wanted || wanted.includes(rule.ecrRepositoryPrefix)).map(ruleJson),
		};
	},

	ValidatePullThroughCacheRule: (input, context) => {
		context.model.checkAllowed('ecr:ValidatePullThroughCacheRule', '*', context.caller);
		const rule = requireRule(input, context);
		const secret = rule.credentialArn ? context.model.pullThrough.secretByArn(rule.credentialArn) : undefined;
		let failure: string | undefined;
		if (rule.credentialArn) {
			let value: {username?: unknown; accessToken?: unknown} = {};
			try {
				value = secret ? (JSON.parse(secret.value) as typeof value) : {};
			} catch {}
			if (!secret) failure = `Unable to access the secret ${rule.credentialArn}`;
			else if (typeof value.username !== 'string' || typeof value.accessToken !== 'string')
				failure = 'The secret does not contain the username and accessToken keys';
			else if (context.model.pullThrough.refusedTokens.has(value.accessToken))
				failure = `Failed to authenticate with the upstream registry ${rule.upstreamRegistryUrl}`;
		}
		return {
			ecrRepositoryPrefix: rule.ecrRepositoryPrefix,
			registryId: rule.registryId,
			upstreamRegistryUrl: rule.upstreamRegistryUrl,
			...(rule.credentialArn ? {credentialArn: rule.credentialArn} : {}),
			isValid: failure === undefined,
			...(failure ? {failure} : {}),
		};
	},

	DeletePullThroughCacheRule: (input, context) => {
		context.model.checkAllowed('ecr:DeletePullThroughCacheRule', '*', context.caller);
		const rule = requireRule(input, context);
		context.model.pullThrough.rules.delete(`${rule.region}/${rule.registryId}/${rule.ecrRepositoryPrefix}`);
		const {updatedAt: _, ...deleted} = ruleJson(rule);
		return deleted;
	},
};
