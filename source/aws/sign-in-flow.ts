/**
 * The steps of a sign-in that `ecr-setup sign-in` and the wizard share, without their terminals: which portals the AWS
 * config file already names, the target a profile renews, the accounts and roles a session reaches, the profile
 * edit, the access-key edit, and the program that opens a browser. Each caller asks and shows in its own way.
 */
import {redact} from '../lib/redact.js';
import {applyIniEdits, type IniEdit, parseIni} from './ini.js';
import type {SsoSession as SignedIn, SsoSignInTarget} from './sign-in-types.js';
import {
	type AccountRole,
	planSsoProfiles,
	readProfiles,
	readSsoSessions,
	type SsoForm,
	type SsoProfilePlan,
	type SsoProfilePlanInput,
	type SsoSession,
	sameStartUrl,
	sessionNameFor,
	signInOf,
} from './sso-config.js';

/** A portal to sign in at, the session its profiles name, and the form they are written in. */
export type Portal = {session: SsoSession; form: SsoForm; source: string};

/** Why a start URL cannot be an access portal, or undefined when it can. */
export function startUrlProblem(raw: string): string | undefined {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return `${raw} is not a URL.`;
	}

	if (url.protocol !== 'https:' || /\s/.test(raw)) return `${raw} must be an https:// URL.`;
	return undefined;
}

/**
 * The portals the config file names: each complete sso-session, then each distinct start URL of legacy profiles when
 * there is no sso-session (their profiles stay in the legacy form, so whatever reads them now keeps working).
 */
export function knownPortals(configText: string, form: SsoForm): Portal[] {
	const document = parseIni(configText);
	const sessions = readSsoSessions(document);
	if (sessions.length > 0) return sessions.map((session) => ({session, form, source: `[sso-session ${session.name}]`}));
	const legacy: Portal[] = [];
	for (const profile of readProfiles(document)) {
		const signIn = signInOf(profile, sessions);
		if (signIn?.form !== 'legacy' || legacy.some((known) => sameStartUrl(known.session.startUrl, signIn.startUrl)))
			continue;
		const session = {name: sessionNameFor(signIn.startUrl, sessions), startUrl: signIn.startUrl, region: signIn.region};
		legacy.push({session, form: 'legacy', source: 'the legacy SSO profiles'});
	}

	return legacy;
}

/** A new portal's session: an existing sso-session for the same URL keeps its name, else one is made from the URL. */
export function newPortal(configText: string, startUrl: string, region: string, form: SsoForm, name?: string): Portal {
	const sessions = readSsoSessions(parseIni(configText));
	const known = name
		? sessions.find((session) => session.name === name)
		: sessions.find((session) => sameStartUrl(session.startUrl, startUrl));
	return {
		session: {name: name ?? known?.name ?? sessionNameFor(startUrl, sessions), startUrl, region},
		form,
		source: 'the start URL given',
	};
}

/** Where the portal's token is cached: under the session's name, or under the start URL in the legacy form. */
export function portalTarget(portal: Portal): SsoSignInTarget {
	const {session, form} = portal;
	return {
		startUrl: session.startUrl,
		region: session.region,
		cacheKey: form === 'session' ? session.name : session.startUrl,
	};
}

export type RenewTarget = {target: SsoSignInTarget; session: string | undefined};

/** What renewing a profile's session signs in to; a sentence saying why not when the profile does not use SSO. */
export function renewTargetOf(configText: string, profile: string): RenewTarget | {problem: string} {
	const document = parseIni(configText);
	const found = readProfiles(document).find((candidate) => candidate.name === profile);
	const signIn = found && signInOf(found, readSsoSessions(document));
	if (!signIn) {
		return {
			problem: found
				? `Profile ${profile} does not sign in with IAM Identity Center (it has no complete sso_session or sso_start_url).`
				: `Profile ${profile} is not in the AWS config file.`,
		};
	}

	return {
		target: {startUrl: signIn.startUrl, region: signIn.region, cacheKey: signIn.session ?? signIn.startUrl},
		session: signIn.session,
	};
}

/** Every account and role the user is assigned, in name order; at most four accounts asked at once. */
export async function listAssignedRoles(signedIn: SignedIn, signal?: AbortSignal): Promise<AccountRole[]> {
	const accounts = await signedIn.listAccounts(signal);
	const roles: AccountRole[][] = [];
	for (let start = 0; start < accounts.length; start += 4) {
		const batch = accounts.slice(start, start + 4);
		roles.push(
			...(await Promise.all(
				batch.map(async (account) =>
					(
						await signedIn.listAccountRoles(account.accountId, signal)
					).map((roleName) => ({
						accountId: account.accountId,
						accountName: account.accountName,
						roleName,
					})),
				),
			)),
		);
	}

	return roles
		.flat()
		.sort((a, b) => a.accountName.localeCompare(b.accountName) || a.roleName.localeCompare(b.roleName));
}

/** The profiles planned on the file as it is now, and the edit that plans them again on whatever it holds when written. */
export function profileWrite(
	configText: string,
	input: SsoProfilePlanInput,
): {plan: SsoProfilePlan; edit: (text: string) => string} {
	return {
		plan: planSsoProfiles(parseIni(configText), input),
		// Planned again at the write, so that names stay unique if the file changed meanwhile.
		edit: (text) => applyIniEdits(text, planSsoProfiles(parseIni(text), input).edits),
	};
}

const LONG_TERM_KEY = /^AKIA[A-Z0-9]{16}$/;
const SECRET_KEY = /^[A-Za-z0-9/+=]{20,128}$/;

/** Why an access key id cannot be stored (temporary keys included), or undefined. The id is shown redacted. */
export function accessKeyIdProblem(accessKeyId: string): {problem: string; hint?: string} | undefined {
	if (LONG_TERM_KEY.test(accessKeyId)) return undefined;
	if (/^ASIA/.test(accessKeyId)) {
		return {
			problem: 'Keys starting with ASIA are temporary: they need a session token and expire within hours.',
			hint: 'Store an IAM user’s long-term keys (AKIA…), or sign in with IAM Identity Center.',
		};
	}

	return {problem: `${redact(accessKeyId)} is not an AWS access key id (20 characters, starting with AKIA).`};
}

export function secretKeyProblem(secret: string): string | undefined {
	if (!secret) return 'No secret access key was given.';
	if (!SECRET_KEY.test(secret))
		return 'That does not look like a secret access key (40 characters of letters, digits, / and +).';
	return undefined;
}

/** The credentials file's edit that stores the keys in the profile. */
export function accessKeyEdit(profile: string, accessKeyId: string, secretAccessKey: string): (text: string) => string {
	const edits: IniEdit[] = [
		{kind: 'set', section: profile, key: 'aws_access_key_id', value: accessKeyId},
		{kind: 'set', section: profile, key: 'aws_secret_access_key', value: secretAccessKey},
		// A session token left from earlier temporary keys would be sent with these and make every call fail.
		{kind: 'remove', section: profile, key: 'aws_session_token'},
		{kind: 'remove', section: profile, key: 'aws_security_token'},
	];
	return (text) => applyIniEdits(text, edits);
}

/** Only a URL of plain characters reaches a program that opens it (xdg-open, open, cmd's start). */
const SAFE_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?(?:\/[A-Za-z0-9._~/#?=%-]*)?$/;

export function browserCommand(
	url: string,
	platform: NodeJS.Platform = process.platform,
): {file: string; args: string[]} | undefined {
	if (!SAFE_URL.test(url)) return undefined;
	if (platform === 'darwin') return {file: 'open', args: [url]};
	if (platform === 'win32') return {file: 'cmd', args: ['/d', '/c', 'start', '', url]};
	return {file: 'xdg-open', args: [url]};
}
