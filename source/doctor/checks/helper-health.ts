/**
 * The health of docker-credential-ecr-login itself: a release old enough to miss fixes people need, a stall on the
 * instance metadata service, a Go panic on an [sso-session] profile, and an expired token its cache hands back after a
 * failed refresh.
 */
import {
	cacheEntriesFor,
	cachedTokenFallback,
	findPanic,
	type HelperCacheEntry,
	HELPER_FIXES,
	missingFixes,
	probesInstanceMetadata,
} from '../../credential-helper/health.js';
import {FIRST_SSO_SESSION_RELEASE} from '../../credential-helper/sso-support.js';
import type {HelperPanic} from '../../credential-helper/types.js';
import {isEcrLoginHelper, profileOfHelperName} from '../../credential-helper/wrapper.js';
import type {DoctorFacts} from '../facts.js';
import {formatSeconds} from '../outcome.js';
import type {CheckFix} from '../types.js';
import {pass, result, shellQuote, skip, type Check} from './common.js';

const HOMEBREW = /^(?:\/opt\/homebrew|\/usr\/local\/(?:Cellar|opt)|\/home\/linuxbrew)\//;

/** How this machine upgrades the helper: Homebrew's when Homebrew installed it, else the verified release binary. */
export function upgradeFix(facts: DoctorFacts, why: string): CheckFix {
	const current = facts.ecrLogin?.path;
	if (current && HOMEBREW.test(current)) {
		return {description: `${why} Upgrade it with Homebrew.`, command: 'brew upgrade docker-credential-helper-ecr'};
	}

	// The release binary goes into ~/.local/bin; an older helper elsewhere on PATH must come after it.
	const currentDir = current?.replace(/[\\/][^\\/]+$/, '');
	const order =
		currentDir && facts.platform !== 'win32' && !/[\\/]\.local[\\/]bin$/.test(currentDir)
			? ` It goes into ~/.local/bin, which must come before ${currentDir} on PATH (or remove the old one).`
			: '';
	return {
		description: `${why} Install the current release (checked against the SHA-256 sums that ship with ecr-setup).${order}`,
		command: UPGRADE_COMMAND,
	};
}

const UPGRADE_COMMAND = 'ecr-setup install-helper --method binary';
const SSO_SESSION_VERSION = FIRST_SSO_SESSION_RELEASE.join('.');

export const dockerHelperVersion: Check = (facts) => {
	const id = 'docker.helper-version';
	const helper = facts.ecrLogin;
	if (!helper) return skip(id, 'skipped: docker-credential-ecr-login is not installed');
	if (!facts.target.host) return skip(id, 'skipped: no registry host');
	if (!facts.ecrLoginAsked) return skip(id, 'skipped: docker-credential-ecr-login does not serve the registry');
	const missing = missingFixes(helper.version);
	if (missing === undefined) {
		return result(
			id,
			'warn',
			`${helper.path} did not print a version, so whether it has the fixes for ${HELPER_FIXES.map((fix) => fix.short).join(' and ')} is unknown.`,
			upgradeFix(facts, 'An old helper may lack them.'),
		);
	}

	if (missing.length === 0) {
		return pass(
			id,
			`docker-credential-ecr-login ${helper.version} at ${helper.path} reads ${HELPER_FIXES.map((fix) => fix.short).join(' and ')}`,
		);
	}

	const profile = facts.aws.profile;
	const lacksSso = missing.some((fix) => fix.short === 'sso-session profiles');
	const usesSession = Boolean(profile?.ssoSession);
	const lacks = missing.map((fix) => `${fix.what} (since ${fix.since.join('.')})`).join('; ');
	return result(
		id,
		lacksSso && usesSession ? 'fail' : 'warn',
		`docker-credential-ecr-login ${helper.version} at ${helper.path} lacks: ${lacks}${
			lacksSso && usesSession
				? `. Profile ${profile?.name} uses [sso-session ${profile?.ssoSession}], which this helper cannot read`
				: ''
		}.`,
		upgradeFix(facts, `Upgrade to ${SSO_SESSION_VERSION} or later.`),
	);
};

/** Where the helper's AWS credentials come from, as far as the environment and the profile show; undefined: nowhere. */
function credentialSource(facts: DoctorFacts, helper: string): string | undefined {
	const {env} = facts;
	const bound = profileOfHelperName(helper);
	if (bound) return `profile ${bound}`;
	if (env['AWS_ACCESS_KEY_ID']) return 'AWS_ACCESS_KEY_ID';
	if (env['AWS_WEB_IDENTITY_TOKEN_FILE']) return 'AWS_WEB_IDENTITY_TOKEN_FILE';
	if (env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] || env['AWS_CONTAINER_CREDENTIALS_FULL_URI'])
		return 'the container credentials endpoint';
	if (facts.aws.profile) return `profile ${facts.aws.profile.name}`;
	return undefined;
}

export type HelperFailure = {detail: string; fix: CheckFix};

/** The crash of a helper older than sso-session support on a profile that uses one: the cause and both ways out. */
function ssoSessionPanic(facts: DoctorFacts, host: string, panic: HelperPanic, binary: string): HelperFailure {
	const profile = panic.profile ?? facts.aws.profile?.name ?? 'the profile';
	const version = facts.ecrLogin?.version;
	const upgrade = upgradeFix(facts, `Upgrade the helper to ${SSO_SESSION_VERSION} or later.`);
	return {
		detail: `\`${binary} get\` crashed for ${host}: this docker-credential-ecr-login${version ? ` (${version})` : ''} is older than ${SSO_SESSION_VERSION} and cannot read profile ${profile}, which signs in through an [sso-session] section, so docker gets no credentials ("no basic auth credentials"). Signing in again (aws sso login) does not help.`,
		fix: {
			...upgrade,
			description: `${upgrade.description} Or give [profile ${profile}] the legacy form this helper reads: sso_start_url and sso_region in the profile itself, as \`ecr-setup sign-in --legacy\` writes new profiles.`,
		},
	};
}

/**
 * What docker.helper-works says when ecr-login's `get` failed or stalled for a reason of the helper's own, or undefined.
 * The stack of a Go panic is never shown: only what it means.
 */
export function explainEcrLoginFailure(
	facts: DoctorFacts,
	host: string,
	helper: string,
	said: {message: string; logExcerpt?: string | undefined; panic?: HelperPanic | undefined} | 'timeout',
): HelperFailure | undefined {
	const binary = `docker-credential-${helper}`;
	const panic = said === 'timeout' ? undefined : (said.panic ?? findPanic(said.logExcerpt));
	if (panic?.ssoSession) return ssoSessionPanic(facts, host, panic, binary);
	if (panic) {
		return {
			detail: `\`${binary} get\` crashed for ${host} (a Go panic: ${panic.line}), so docker gets no credentials.`,
			fix: upgradeFix(facts, 'A crash is a bug of the helper; a newer release may not have it.'),
		};
	}

	const text = said === 'timeout' ? '' : `${said.message}\n${said.logExcerpt ?? ''}`;
	const stalled = said === 'timeout' || probesInstanceMetadata(text);
	// Credentials that ecr-setup's own SDK found, the helper's finds too: then the stall has another cause.
	const sdkFoundCredentials = facts.aws.identity.state === 'ok';
	if (!stalled || sdkFoundCredentials || credentialSource(facts, helper)) return undefined;
	if (facts.env['AWS_EC2_METADATA_DISABLED'] === 'true') return undefined;
	const how =
		said === 'timeout'
			? `did not answer within ${formatSeconds(facts.helperGetMs ?? 0)}`
			: 'failed on the EC2 instance metadata service';
	return {
		detail: `\`${binary} get\` for ${host} ${how}: there are no AWS credentials in the environment or in a profile, so the AWS SDK for Go the helper is built on falls through to the EC2 instance metadata service (169.254.169.254), which does not answer off EC2, and the helper waits on it (a minute or more) before it fails. docker waits as long on every push and pull.`,
		fix: {
			description:
				'Give the helper credentials (AWS_PROFILE naming a profile, `ecr-setup sign-in`, or access keys); where there is no instance role, AWS_EC2_METADATA_DISABLED=true makes it fail at once instead.',
			command: 'ecr-setup sign-in',
		},
	};
}

export const dockerHelperCache: Check = (facts) => {
	const id = 'docker.helper-cache';
	const host = facts.target.host;
	const store = facts.store;
	if (!host) return skip(id, 'skipped: no registry host');
	if (store?.kind !== 'helper' || !isEcrLoginHelper(store.helper))
		return skip(id, 'skipped: ecr-login does not serve the registry');
	const cache = facts.helperCache;
	if (!cache) return skip(id, 'skipped: the helper cache was not read');
	if (cache.state === 'disabled') return pass(id, 'AWS_ECR_DISABLE_CACHE is set: the helper keeps no token cache');
	if (cache.state === 'missing') return pass(id, `no token cache yet (${cache.file})`);
	if (cache.state === 'unreadable')
		return result(id, 'warn', `${cache.file} cannot be read (${cache.message}); the helper starts it afresh.`, {
			description: 'Remove it: it only holds cached tokens, which the helper fetches again.',
			command: `rm ${shellQuote(cache.file)}`,
		});
	const entries = cacheEntriesFor(cache, host);
	const now = facts.now.getTime();
	const expired = entries.filter((entry) => entry.expiresAt && entry.expiresAt.getTime() <= now);
	const valid = entries.filter((entry) => entry.expiresAt && entry.expiresAt.getTime() > now);
	const get = facts.helperGet.state === 'ok' ? facts.helperGet.value : undefined;
	const fallback = get?.ok ? cachedTokenFallback(get.logExcerpt) : undefined;
	// The helper falls back only to an entry past half its life; one still unexpired makes the fallback harmless for now.
	const stale = valid.filter(
		(entry) => entry.requestedAt && now >= (entry.requestedAt.getTime() + entry.expiresAt!.getTime()) / 2,
	);
	// Served after a failed refresh: the log says so, or `get` answered while every entry for the host is expired.
	if (expired.length > 0 && get?.ok && (fallback ? stale.length === 0 : valid.length === 0)) {
		const when = expired
			.map((entry) => entry.expiresAt!)
			.sort((a, b) => b.getTime() - a.getTime())[0]!
			.toISOString();
		return result(
			id,
			'fail',
			`The helper handed docker an expired token for ${host} from its cache (${cache.file}, expired ${when}): its refresh failed${
				fallback?.reason ? ` (${fallback.reason})` : ''
			}, and it then falls back to the cached token instead of failing, so docker gets "Your authorization token has expired".`,
			{
				description:
					'Remove the cache (it only holds tokens; the helper fetches a new one), or set AWS_ECR_DISABLE_CACHE=true; and fix what made the refresh fail (see aws.identity and ecr.auth-token).',
				command: `rm ${shellQuote(cache.file)}`,
			},
		);
	}

	const latestOf = (list: HelperCacheEntry[]) =>
		list.map((entry) => entry.expiresAt!).sort((a, b) => b.getTime() - a.getTime())[0];
	const latest = latestOf(valid);
	const served = latestOf(stale) ?? latest;
	if (fallback && served) {
		return result(
			id,
			'warn',
			`The helper could not refresh its token for ${host}${fallback.reason ? ` (${fallback.reason})` : ''} and handed docker the cached one, which still works until ${served.toISOString()}; after that it keeps handing it out, expired.`,
			{
				description:
					'Fix what made the refresh fail (see aws.identity and ecr.auth-token) before the cached token expires.',
			},
		);
	}

	if (latest) return pass(id, `the cache holds a token for ${host} valid until ${latest.toISOString()}`);
	return pass(id, `the cache holds no current token for ${host}; the helper fetches one`);
};
