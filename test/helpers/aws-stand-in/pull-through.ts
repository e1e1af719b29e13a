/**
 * What the stand-in keeps for pull-through caches: ECR's rules (per region and registry, one per prefix) and the Secrets
 * Manager secrets they sign in with (per region and account, by name). The operations in operations/ecr-pull-through.ts
 * and operations/secrets-manager.ts read and change them.
 */
import {randomBytes} from 'node:crypto';

export type PullThroughRuleRecord = {
	region: string;
	registryId: string;
	ecrRepositoryPrefix: string;
	upstreamRegistry: string;
	upstreamRegistryUrl: string;
	credentialArn?: string;
	createdAt: number;
	updatedAt: number;
};

export type SecretRecord = {
	region: string;
	account: string;
	name: string;
	arn: string;
	description?: string;
	/** The current value (SecretString), as Secrets Manager keeps it. */
	value: string;
	versions: number;
	createdAt: number;
};

export class PullThroughStore {
	readonly rules = new Map<string, PullThroughRuleRecord>();
	readonly secrets = new Map<string, SecretRecord>();
	/** Access tokens the upstream registries refuse: ValidatePullThroughCacheRule reports a rule using one as invalid. */
	readonly refusedTokens = new Set<string>();

	reset(): void {
		this.rules.clear();
		this.secrets.clear();
		this.refusedTokens.clear();
	}

	rulesOf(region: string, registryId: string): PullThroughRuleRecord[] {
		return [...this.rules.values()].filter((rule) => rule.region === region && rule.registryId === registryId);
	}

	rule(region: string, registryId: string, prefix: string): PullThroughRuleRecord | undefined {
		return this.rules.get(`${region}/${registryId}/${prefix}`);
	}

	addRule(rule: PullThroughRuleRecord): void {
		this.rules.set(`${rule.region}/${rule.registryId}/${rule.ecrRepositoryPrefix}`, rule);
	}

	/** A secret by name or by ARN, as Secrets Manager's SecretId takes either. */
	secret(region: string, account: string, id: string): SecretRecord | undefined {
		return [...this.secrets.values()].find(
			(secret) => secret.region === region && secret.account === account && (secret.name === id || secret.arn === id),
		);
	}

	/** A secret by its ARN alone (what a rule's credentialArn names), in whatever region it lives. */
	secretByArn(arn: string): SecretRecord | undefined {
		return [...this.secrets.values()].find((secret) => secret.arn === arn);
	}

	addSecret(input: Omit<SecretRecord, 'arn' | 'versions' | 'createdAt'>): SecretRecord {
		// Secrets Manager ends every ARN with a dash and six random characters.
		const suffix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
		const secret: SecretRecord = {
			...input,
			arn: `arn:aws:secretsmanager:${input.region}:${input.account}:secret:${input.name}-${suffix}`,
			versions: 1,
			createdAt: Date.now() / 1000,
		};
		this.secrets.set(secret.arn, secret);
		return secret;
	}
}
