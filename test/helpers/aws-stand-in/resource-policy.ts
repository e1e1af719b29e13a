/**
 * A repository policy read the way IAM reads it for a caller from another account: an explicit Deny naming the caller
 * wins, else an Allow naming the caller (or its account) for the action is needed. Principals: `*`, an account id, an
 * account's root ARN, the caller's own ARN, and for an assumed role the role's ARN. Actions with IAM wildcards. What the
 * stand-in does not model is left out on purpose: a statement with NotPrincipal or NotAction never applies, and a
 * Condition is taken as met. Written apart from ecr-setup's own policy reader, so that the two cannot agree by sharing a
 * mistake.
 */
import type {Identity} from './model.js';

export type PolicyVerdict = 'allow' | 'deny' | 'none';

type Statement = {Effect?: unknown; Principal?: unknown; Action?: unknown; NotPrincipal?: unknown; NotAction?: unknown};

function strings(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
	const source = pattern
		.replace(/[.+^${}()|[\]\\]/g, '\\$&')
		.replace(/\*/g, '.*')
		.replace(/\?/g, '.');
	return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function escaped(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function names(principal: unknown, caller: Identity): boolean {
	if (principal === '*') return true;
	if (typeof principal !== 'object' || principal === null) return false;
	const role = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(caller.arn);
	return strings((principal as {AWS?: unknown}).AWS).some((entry) => {
		if (entry === '*' || entry === caller.account || entry === caller.arn) return true;
		if (new RegExp(`^arn:[^:]+:iam::${caller.account}:root$`).test(entry)) return true;
		return role !== null && new RegExp(`^arn:[^:]+:iam::${role[2]}:role/(?:.*/)?${escaped(role[3]!)}$`).test(entry);
	});
}

export function evaluateRepositoryPolicy(text: string | undefined, caller: Identity, action: string): PolicyVerdict {
	if (!text) return 'none';
	let document: unknown;
	try {
		document = JSON.parse(text);
	} catch {
		return 'none';
	}

	const raw = (document as {Statement?: unknown} | null)?.Statement;
	const statements = (Array.isArray(raw) ? raw : [raw]).filter(
		(entry): entry is Statement => typeof entry === 'object' && entry !== null,
	);
	let verdict: PolicyVerdict = 'none';
	for (const statement of statements) {
		if (statement.NotPrincipal !== undefined || statement.NotAction !== undefined) continue;
		if (!names(statement.Principal, caller)) continue;
		if (!strings(statement.Action).some((pattern) => wildcard(pattern, action, true))) continue;
		if (statement.Effect === 'Deny') return 'deny';
		if (statement.Effect === 'Allow') verdict = 'allow';
	}

	return verdict;
}
