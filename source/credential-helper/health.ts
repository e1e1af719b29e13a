/**
 * What docker-credential-ecr-login's own traces say about its health: the releases that fixed what people hit, a Go
 * panic in its output (read for its first line, never shown as a stack), a stall probing the EC2 instance metadata
 * service, and its token cache (`${AWS_ECR_CACHE_DIR:-~/.ecr}/cache.json`), read for dates and hosts only, never tokens.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {errorMessage} from '../errors/user-errors.js';
import {redact} from '../lib/redact.js';
import {FIRST_SSO_SESSION_RELEASE} from './sso-support.js';
import type {HelperPanic} from './types.js';
import {compareVersions, parseVersion} from './versions.js';

/** Releases that fixed something people still run into with older helpers (from the helper's CHANGELOG). */
export const HELPER_FIXES = [
	{
		since: [0, 5, 0],
		what: 'IMDSv2 (instance metadata with session tokens, which EC2 instances often require)',
		short: 'IMDSv2',
	},
	{
		since: [...FIRST_SSO_SESSION_RELEASE],
		what: 'profiles that use an [sso-session] section (older releases panic on them)',
		short: 'sso-session profiles',
	},
] as const;

export type HelperFix = (typeof HELPER_FIXES)[number];

/** The fixes a helper version lacks; undefined when the version cannot be read. */
export function missingFixes(version: string | undefined): HelperFix[] | undefined {
	const parts = parseVersion(version);
	if (!parts) return undefined;
	return HELPER_FIXES.filter((fix) => compareVersions(parts, fix.since) < 0);
}

const SSO_SESSION_PANIC =
	/profile "?([^"\s]+)"? is configured to use SSO but is missing required configuration: sso_region, sso_start_url/;

/** A Go panic in what the helper printed (stdout, stderr or its log), or undefined. */
export function findPanic(text: string | undefined): HelperPanic | undefined {
	if (!text) return undefined;
	const sso = SSO_SESSION_PANIC.exec(text);
	if (sso) {
		return {
			line: redact(sso[0]),
			ssoSession: true,
			...(sso[1] ? {profile: sso[1]} : {}),
		};
	}

	if (!/^(?:panic|fatal error): |^goroutine \d+ \[/m.test(text)) return undefined;
	const line = /^(?:panic|fatal error): (.*)$/m.exec(text)?.[1]?.trim();
	return {line: redact(line || 'a Go panic'), ssoSession: false};
}

/** Log lines of a helper that is trying the instance metadata service (the SDK's last credential source). */
export function probesInstanceMetadata(text: string | undefined): boolean {
	return /169\.254\.169\.254|ec2imds|EC2 IMDS|EC2RoleRequestError|no EC2 IMDS role found|fd00:ec2::254/i.test(
		text ?? '',
	);
}

export type HelperCacheEntry = {
	/** The registry host of the entry's proxy endpoint (`<acct>.dkr.ecr.<region>.amazonaws.com`, `public.ecr.aws`). */
	host: string | undefined;
	service: string | undefined;
	requestedAt: Date | undefined;
	expiresAt: Date | undefined;
};

export type HelperCache =
	| {state: 'disabled'; file: string}
	| {state: 'missing'; file: string}
	| {state: 'unreadable'; file: string; message: string}
	| {state: 'ok'; file: string; entries: HelperCacheEntry[]};

type Env = Record<string, string | undefined>;

/** The helper's directory for its cache and log: AWS_ECR_CACHE_DIR (a leading ~ is the home), else ~/.ecr. */
export function ecrLoginCacheDir(env: Env, home: string): string {
	const dir = env['AWS_ECR_CACHE_DIR'] || path.join(home, '.ecr');
	return dir.replace(/^~(?=$|[\\/])/, home);
}

export function helperCacheFile(env: Env, home: string): string {
	return path.join(ecrLoginCacheDir(env, home), 'cache.json');
}

function dateOf(value: unknown): Date | undefined {
	if (typeof value !== 'string') return undefined;
	const date = new Date(value);
	return Number.isNaN(date.getTime()) ? undefined : date;
}

function hostOf(endpoint: unknown): string | undefined {
	if (typeof endpoint !== 'string' || endpoint === '') return undefined;
	try {
		return new URL(endpoint.includes('://') ? endpoint : `https://${endpoint}`).hostname.toLowerCase();
	} catch {
		return undefined;
	}
}

/**
 * The helper's cache: `{"Registries": {"<region>-<key hash>-<registry id>": {AuthorizationToken, RequestedAt,
 * ExpiresAt, ProxyEndpoint, Service}}, "Version": "1.0"}`. Only dates and hosts are kept.
 */
export async function readHelperCache(env: Env, home: string): Promise<HelperCache> {
	const file = helperCacheFile(env, home);
	// Any non-empty value disables it, as in the helper.
	if (env['AWS_ECR_DISABLE_CACHE']) return {state: 'disabled', file};
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {state: 'missing', file};
		return {state: 'unreadable', file, message: errorMessage(error)};
	}

	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		return {state: 'unreadable', file, message: 'it is not valid JSON'};
	}

	const registries = (data as {Registries?: unknown} | null)?.Registries;
	if (typeof registries !== 'object' || registries === null) return {state: 'ok', file, entries: []};
	const entries = Object.values(registries as Record<string, unknown>).map((raw): HelperCacheEntry => {
		const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
		return {
			host: hostOf(entry['ProxyEndpoint']),
			service: typeof entry['Service'] === 'string' ? entry['Service'] : undefined,
			requestedAt: dateOf(entry['RequestedAt']),
			expiresAt: dateOf(entry['ExpiresAt']),
		};
	});
	return {state: 'ok', file, entries};
}

/** The cache entries that serve host (ECR Public has one entry, whatever its endpoint says). */
export function cacheEntriesFor(cache: HelperCache, host: string): HelperCacheEntry[] {
	if (cache.state !== 'ok') return [];
	const wanted = host.toLowerCase();
	return cache.entries.filter((entry) =>
		wanted === 'public.ecr.aws' ? entry.service === 'ecr-public' || entry.host === wanted : entry.host === wanted,
	);
}

/**
 * The helper's log line when GetAuthorizationToken failed and it handed back its cached token instead (whatever that
 * token's age): `Got error fetching authorization token. Falling back to cached token.` with the error.
 */
export function cachedTokenFallback(log: string | undefined): {reason: string | undefined} | undefined {
	const line = (log ?? '')
		.split(/\r?\n/)
		.reverse()
		.find((candidate) => /Falling back to cached token/i.test(candidate));
	if (!line) return undefined;
	const error = /\berror="((?:[^"\\]|\\.)*)"/.exec(line)?.[1]?.replace(/\\"/g, '"');
	const reason = error ? redact(error) : undefined;
	return {reason: reason && reason.length > 320 ? `${reason.slice(0, 120)} … ${reason.slice(-190)}` : reason};
}
