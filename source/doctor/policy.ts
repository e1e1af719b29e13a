/**
 * Reading an ECR repository policy the way IAM does for one caller and the push actions: an explicit Deny wins,
 * and across accounts an Allow naming the caller (or the caller's account) is needed for every action.
 * Conditions are not evaluated: a statement with a Condition is reported as "may apply".
 */
import {PUSH_ACTIONS} from '../ecr/actions.js';
import type {CallerIdentity} from '../aws/types.js';

export {PUSH_ACTIONS} from '../ecr/actions.js';

export type PolicyStatement = {
	Sid?: string;
	Effect?: string;
	Principal?: unknown;
	NotPrincipal?: unknown;
	Action?: string | string[];
	NotAction?: string | string[];
	Condition?: unknown;
	[key: string]: unknown;
};

export type StatementHit = {statement: PolicyStatement; actions: string[]; conditional: boolean};

export type PolicyVerdict =
	| {ok: false; error: string}
	| {
			ok: true;
			denies: StatementHit[];
			allows: StatementHit[];
			/** Push actions no Allow statement grants to the caller. */
			notAllowed: string[];
	  };

function list(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
	return [];
}

/** IAM wildcard match: `*` any run, `?` one character; case-insensitive (action names are). */
export function globMatch(pattern: string, value: string, caseInsensitive = true): boolean {
	const source = pattern
		.replace(/[.+^${}()|[\]\\]/g, '\\$&')
		.replace(/\*/g, '.*')
		.replace(/\?/g, '.');
	return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

/** The ARNs a policy may use to name the caller: its own ARN and, for an assumed role, the role's ARN. */
export function callerArns(caller: CallerIdentity): string[] {
	const arns = [caller.arn];
	const assumed = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(caller.arn);
	if (assumed) arns.push(`arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`);
	return arns;
}

function principalNames(caller: CallerIdentity, value: string): boolean {
	if (value === '*') return true;
	if (/^\d{12}$/.test(value)) return value === caller.account;
	const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(value);
	if (root) return root[1] === caller.account;
	const roleName = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(caller.arn);
	for (const arn of callerArns(caller)) {
		if (globMatch(value, arn, false)) return true;
	}

	// A role with a path (arn:aws:iam::A:role/path/Name): the session ARN carries only the name.
	if (roleName) {
		const withPath = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(value);
		if (withPath && withPath[1] === roleName[1] && withPath[2] === roleName[2]) return true;
	}

	return false;
}

export function principalMatches(principal: unknown, caller: CallerIdentity): boolean {
	if (principal === '*') return true;
	if (typeof principal !== 'object' || principal === null) return false;
	const aws = (principal as Record<string, unknown>)['AWS'];
	return list(aws).some((value) => principalNames(caller, value));
}

function actionsOf(statement: PolicyStatement, wanted: readonly string[]): string[] {
	if (statement.Action !== undefined) {
		const patterns = list(statement.Action);
		return wanted.filter((action) => patterns.some((pattern) => globMatch(pattern, action)));
	}

	if (statement.NotAction !== undefined) {
		const patterns = list(statement.NotAction);
		return wanted.filter((action) => !patterns.some((pattern) => globMatch(pattern, action)));
	}

	return [];
}

function appliesTo(statement: PolicyStatement, caller: CallerIdentity): boolean {
	if (statement.Principal !== undefined) return principalMatches(statement.Principal, caller);
	if (statement.NotPrincipal !== undefined) return !principalMatches(statement.NotPrincipal, caller);
	return false;
}

export function evaluatePushPolicy(
	text: string,
	caller: CallerIdentity,
	actions: readonly string[] = PUSH_ACTIONS,
): PolicyVerdict {
	let document: unknown;
	try {
		document = JSON.parse(text);
	} catch (error) {
		return {ok: false, error: `the policy is not valid JSON (${(error as Error).message})`};
	}

	const raw =
		typeof document === 'object' && document !== null ? (document as Record<string, unknown>)['Statement'] : undefined;
	const statements = (Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : []).filter(
		(entry): entry is PolicyStatement => typeof entry === 'object' && entry !== null,
	);
	const denies: StatementHit[] = [];
	const allows: StatementHit[] = [];
	for (const statement of statements) {
		if (!appliesTo(statement, caller)) continue;
		const matched = actionsOf(statement, actions);
		if (matched.length === 0) continue;
		const hit = {statement, actions: matched, conditional: statement.Condition !== undefined};
		if (statement.Effect === 'Deny') denies.push(hit);
		else if (statement.Effect === 'Allow') allows.push(hit);
	}

	const allowed = new Set(allows.flatMap((hit) => hit.actions));
	return {ok: true, denies, allows, notAllowed: actions.filter((action) => !allowed.has(action))};
}

/** One line of JSON for a detail, shortened when long. */
export function showStatement(statement: PolicyStatement, max = 320): string {
	const text = JSON.stringify(statement);
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
