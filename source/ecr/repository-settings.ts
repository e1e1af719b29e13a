/**
 * A repository's settings as ecr-setup asks for them at creation (and a creation template applies them on push): tag
 * mutability with exclusions, scan on push, encryption and a lifecycle policy. Pure: checked and built here, sent by
 * the AWS service.
 *
 * Tag mutability exclusions (ECR, July 2025): `IMMUTABLE_WITH_EXCLUSION` keeps every tag immutable except those the
 * filters match, `MUTABLE_WITH_EXCLUSION` the reverse; at most 5 filters of type WILDCARD, each 1–128 characters of
 * letters, digits, `.`, `_`, `-` and the wildcard `*` (ECR API reference, ImageTagMutabilityExclusionFilter).
 */
import {UsageError} from '../errors/user-errors.js';

export type TagMutability = 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION';

export type TagMutabilityFilter = {filterType: 'WILDCARD'; filter: string};

export type Encryption = {type: 'AES256'} | {type: 'KMS'; kmsKey?: string};

export type RepositorySettings = {
	imageTagMutability: TagMutability;
	/** Only with the two *_WITH_EXCLUSION kinds. */
	exclusionFilters?: TagMutabilityFilter[];
	scanOnPush?: boolean;
	encryption?: Encryption;
	/** Lifecycle policy JSON text. */
	lifecyclePolicy?: string;
};

export const MAX_EXCLUSION_FILTERS = 5;
const FILTER = /^[0-9A-Za-z._*-]{1,128}$/;

/** Why a wildcard filter is refused, or undefined when ECR takes it. */
export function exclusionFilterProblem(filter: string): string | undefined {
	if (filter.length === 0) return 'A tag filter cannot be empty.';
	if (filter.length > 128) return `A tag filter can be at most 128 characters long (this one has ${filter.length}).`;
	if (!FILTER.test(filter))
		return `"${filter}" has a character ECR does not take in a tag filter: use letters, digits, ".", "_", "-" and the wildcard "*".`;
	return undefined;
}

/**
 * The mutability the flags ask for: `--immutable`, `--immutable-except P` (repeatable: immutable but for tags matching P)
 * or `--mutable-except P` (mutable but for those). Throws a UsageError naming the flag for anything ECR would refuse.
 */
export function tagMutabilityFromFlags(flags: {
	immutable?: boolean;
	immutableExcept?: string[];
	mutableExcept?: string[];
}): Pick<RepositorySettings, 'imageTagMutability' | 'exclusionFilters'> {
	const immutableExcept = flags.immutableExcept ?? [];
	const mutableExcept = flags.mutableExcept ?? [];
	if (immutableExcept.length > 0 && mutableExcept.length > 0)
		throw new UsageError('Give --immutable-except or --mutable-except, not both.');
	if (mutableExcept.length > 0 && flags.immutable)
		throw new UsageError('--mutable-except makes tags mutable but for the patterns; it does not go with --immutable.');
	const patterns = immutableExcept.length > 0 ? immutableExcept : mutableExcept;
	const flag = immutableExcept.length > 0 ? '--immutable-except' : '--mutable-except';
	if (patterns.length === 0) return {imageTagMutability: flags.immutable ? 'IMMUTABLE' : 'MUTABLE'};
	const unique = [...new Set(patterns)];
	if (unique.length > MAX_EXCLUSION_FILTERS)
		throw new UsageError(
			`ECR takes at most ${MAX_EXCLUSION_FILTERS} tag filters (${flag} was given ${unique.length}).`,
		);
	for (const pattern of unique) {
		const problem = exclusionFilterProblem(pattern);
		if (problem) throw new UsageError(`${flag} ${pattern}: ${problem}`);
	}

	return {
		imageTagMutability: immutableExcept.length > 0 ? 'IMMUTABLE_WITH_EXCLUSION' : 'MUTABLE_WITH_EXCLUSION',
		exclusionFilters: unique.map((filter) => ({filterType: 'WILDCARD', filter})),
	};
}

/** How a repository treats its tags, in a phrase: "immutable except latest, dev-*". */
export function describeTagMutability(mutability: TagMutability, filters: readonly TagMutabilityFilter[] = []): string {
	const except = filters.map((filter) => filter.filter).join(', ');
	switch (mutability) {
		case 'IMMUTABLE':
			return 'immutable tags';
		case 'IMMUTABLE_WITH_EXCLUSION':
			return `immutable tags except ${except}`;
		case 'MUTABLE_WITH_EXCLUSION':
			return `mutable tags except ${except}`;
		default:
			return 'mutable tags';
	}
}

/** Whether a push may not move `tag` once it exists: the mutability, turned round for tags an exclusion filter matches. */
export function tagIsImmutable(
	tag: string,
	mutability: TagMutability,
	filters: readonly TagMutabilityFilter[] = [],
): boolean {
	const excluded = filters.some((filter) => wildcardMatches(filter.filter, tag));
	switch (mutability) {
		case 'IMMUTABLE':
			return true;
		case 'IMMUTABLE_WITH_EXCLUSION':
			return !excluded;
		case 'MUTABLE_WITH_EXCLUSION':
			return excluded;
		default:
			return false;
	}
}

/** A WILDCARD filter against a whole tag: `*` stands for any run of characters, everything else for itself. */
function wildcardMatches(filter: string, tag: string): boolean {
	const pattern = filter
		.split('*')
		.map((part) => part.replaceAll(/[.+?^${}()|[\]\\-]/g, '\\$&'))
		.join('.*');
	return new RegExp(`^${pattern}$`).test(tag);
}

/** `--encryption AES256|KMS [--kms-key ARN]`. */
export function encryptionFromFlags(type: string | undefined, kmsKey: string | undefined): Encryption | undefined {
	if (type === undefined) {
		if (kmsKey) return {type: 'KMS', kmsKey};
		return undefined;
	}

	const upper = type.toUpperCase();
	if (upper === 'AES256') {
		if (kmsKey) throw new UsageError('--kms-key goes with --encryption KMS, not AES256.');
		return {type: 'AES256'};
	}

	if (upper === 'KMS') return kmsKey ? {type: 'KMS', kmsKey} : {type: 'KMS'};
	throw new UsageError(`--encryption ${type} is not AES256 or KMS.`);
}

/**
 * A lifecycle policy that keeps the newest `keep` tagged images and is safe for multi-arch images: it counts tagged
 * images only. ECR lists each platform manifest of an image index as an untagged image of its own, so a rule on
 * untagged images (or on "any") can expire the children of an index that is still tagged and in use, and pulls of it
 * then fail for those platforms. Untagged leftovers are therefore not expired by this policy.
 */
export function keepTaggedLifecyclePolicy(keep: number): string {
	if (!Number.isInteger(keep) || keep < 1 || keep > 10_000)
		throw new UsageError(`--keep-images takes a whole number from 1 to 10000 (got ${keep}).`);
	return JSON.stringify({
		rules: [
			{
				rulePriority: 1,
				description: `Keep the newest ${keep} tagged images (ecr-setup; untagged children of multi-arch images are left alone)`,
				selection: {tagStatus: 'tagged', tagPatternList: ['*'], countType: 'imageCountMoreThan', countNumber: keep},
				action: {type: 'expire'},
			},
		],
	});
}

/** The count of a policy made by keepTaggedLifecyclePolicy, or undefined for any other policy. */
export function keptTaggedImages(policyText: string): number | undefined {
	let policy: unknown;
	try {
		policy = JSON.parse(policyText);
	} catch {
		return undefined;
	}

	const rules = (policy as {rules?: unknown}).rules;
	if (!Array.isArray(rules) || rules.length !== 1) return undefined;
	const rule = rules[0] as {selection?: Record<string, unknown>; action?: {type?: unknown}};
	const selection = rule.selection ?? {};
	const everyTag =
		Array.isArray(selection['tagPatternList']) &&
		selection['tagPatternList'].length === 1 &&
		selection['tagPatternList'][0] === '*';
	const count = selection['countNumber'];
	return selection['tagStatus'] === 'tagged' &&
		everyTag &&
		selection['countType'] === 'imageCountMoreThan' &&
		rule.action?.type === 'expire' &&
		typeof count === 'number'
		? count
		: undefined;
}

/**
 * A repository's settings in a phrase, for what was created or what a template will create: "immutable tags except
 * latest, scan on push, KMS alias/images, keeps 30 tagged images". Encryption is named only when it was asked for.
 */
export function describeRepositorySettings(settings: {
	imageTagMutability?: TagMutability | undefined;
	exclusionFilters?: readonly TagMutabilityFilter[] | undefined;
	scanOnPush?: boolean | undefined;
	encryption?: {type: string; kmsKey?: string | undefined} | undefined;
	lifecyclePolicy?: string | undefined;
}): string {
	const parts = [describeTagMutability(settings.imageTagMutability ?? 'MUTABLE', settings.exclusionFilters)];
	if (settings.scanOnPush) parts.push('scan on push');
	const encryption = settings.encryption;
	if (encryption?.type === 'KMS')
		parts.push(encryption.kmsKey ? `KMS ${encryption.kmsKey}` : 'KMS (the AWS managed key)');
	else if (encryption) parts.push(`${encryption.type} encryption`);
	if (settings.lifecyclePolicy) {
		const kept = keptTaggedImages(settings.lifecyclePolicy);
		parts.push(kept === undefined ? 'a lifecycle policy' : `keeps ${kept} tagged image${kept === 1 ? '' : 's'}`);
	}

	return parts.join(', ');
}
