/**
 * IAM Identity Center in the AWS config file, as pure rules: which sessions and SSO profiles it holds, and the edits that
 * give each chosen account and role a profile — in the `[sso-session]` form the AWS CLI v2 writes, or in the legacy form
 * (start URL and region in each profile) that old SDKs, and old credential helpers, read. A profile that already reaches
 * the same account and role through the same start URL is reused, so signing in again plans no edit.
 */
import {UserError} from '../errors/user-errors.js';
import {type IniDocument, type IniEdit, sectionNames, sectionValues} from './ini.js';

/** The scope that lets a token list accounts and roles, and makes the session refreshable. */
export const SSO_SCOPES = ['sso:account:access'] as const;

export type SsoForm = 'session' | 'legacy';

export type SsoSession = {name: string; startUrl: string; region: string};

export type SsoProfile = {
	name: string;
	sessionName?: string;
	/** The profile's own sso_start_url (legacy form). */
	startUrl?: string;
	ssoRegion?: string;
	accountId?: string;
	roleName?: string;
};

export type AccountRole = {accountId: string; accountName: string; roleName: string};

/** The section a profile lives in, in the config file. */
export function profileSection(name: string): string {
	return name === 'default' ? 'default' : `profile ${name}`;
}

export function readSsoSessions(document: IniDocument): SsoSession[] {
	return sectionNames(document).flatMap((section) => {
		if (!section.startsWith('sso-session ')) return [];
		const values = sectionValues(document, section)!;
		const startUrl = values['sso_start_url'];
		const region = values['sso_region'];
		return startUrl && region ? [{name: section.slice('sso-session '.length), startUrl, region}] : [];
	});
}

/** Every profile of the config file, SSO or not (`[default]` and `[profile x]`). */
export function readProfiles(document: IniDocument): SsoProfile[] {
	return sectionNames(document).flatMap((section) => {
		const name = section === 'default' ? 'default' : section.startsWith('profile ') ? section.slice(8) : undefined;
		if (name === undefined) return [];
		const values = sectionValues(document, section)!;
		const profile: SsoProfile = {name};
		if (values['sso_session']) profile.sessionName = values['sso_session'];
		if (values['sso_start_url']) profile.startUrl = values['sso_start_url'];
		if (values['sso_region']) profile.ssoRegion = values['sso_region'];
		if (values['sso_account_id']) profile.accountId = values['sso_account_id'];
		if (values['sso_role_name']) profile.roleName = values['sso_role_name'];
		return [profile];
	});
}

/** Where a profile signs in: its session's start URL and region, or its own (legacy form); undefined for non-SSO profiles. */
export function signInOf(
	profile: SsoProfile,
	sessions: readonly SsoSession[],
): {form: SsoForm; startUrl: string; region: string; session?: string} | undefined {
	if (profile.sessionName) {
		const session = sessions.find((candidate) => candidate.name === profile.sessionName);
		return session
			? {form: 'session', startUrl: session.startUrl, region: session.region, session: session.name}
			: undefined;
	}

	if (profile.startUrl && profile.ssoRegion)
		return {form: 'legacy', startUrl: profile.startUrl, region: profile.ssoRegion};
	return undefined;
}

/** Start URLs compare without a trailing slash or case in the host: `https://Corp.awsapps.com/start/` is the same portal. */
export function sameStartUrl(a: string, b: string): boolean {
	const normal = (url: string) => {
		try {
			const parsed = new URL(url);
			return `${parsed.protocol}//${parsed.host.toLowerCase()}${parsed.pathname.replace(/\/+$/, '')}${parsed.hash}`;
		} catch {
			return url.replace(/\/+$/, '');
		}
	};

	return normal(a) === normal(b);
}

/** A name the SDK reads in a section header and the credential helper's wrapper accepts: `[a-z0-9._-]`, no edge dots or dashes. */
export function sanitiseName(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9._-]+/g, '-')
		.replace(/-{2,}/g, '-')
		.replace(/^[-.]+|[-.]+$/g, '')
		.slice(0, 64)
		.replace(/[-.]+$/g, '');
}

/** The session name for a start URL: the portal's own name (`corp` of https://corp.awsapps.com/start), else its host. */
export function sessionNameFor(startUrl: string, taken: readonly SsoSession[]): string {
	const host = new URL(startUrl).hostname.toLowerCase();
	const base = sanitiseName(host.endsWith('.awsapps.com') ? host.slice(0, -'.awsapps.com'.length) : host) || 'sso';
	return uniqueName(base, new Set(taken.map((session) => session.name)));
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
	if (!taken.has(base)) return base;
	for (let suffix = 2; ; suffix++) if (!taken.has(`${base}-${suffix}`)) return `${base}-${suffix}`;
}

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** Whether an account and role from the portal can be written as they are (a hostile answer must not inject lines). */
export function isWritableRole(role: AccountRole): boolean {
	return ACCOUNT_ID.test(role.accountId) && ROLE_NAME.test(role.roleName);
}

export type SsoProfilePlanInput = {
	form: SsoForm;
	/** The session the profiles name (session form); in the legacy form only its start URL and region are used. */
	session: SsoSession;
	/** The region the profiles get (`region = …`). */
	region: string;
	roles: readonly AccountRole[];
	/** Profile names taken outside the config file (the credentials file's): a new profile never shares one. */
	takenNames?: readonly string[];
};

export type PlannedProfile = AccountRole & {name: string; status: 'existing' | 'new'};

export type SsoProfilePlan = {
	edits: IniEdit[];
	sessionStatus: 'existing' | 'new' | 'not-used';
	profiles: PlannedProfile[];
	/** Roles the portal named in a shape that cannot be written safely. */
	skipped: AccountRole[];
};

/** The edits that give every role a profile (reusing those that already reach it) and, in the session form, the session. */
export function planSsoProfiles(document: IniDocument, input: SsoProfilePlanInput): SsoProfilePlan {
	const sessions = readSsoSessions(document);
	const profiles = readProfiles(document);
	const edits: IniEdit[] = [];
	const {session} = input;
	let sessionStatus: SsoProfilePlan['sessionStatus'] = 'not-used';
	if (input.form === 'session') {
		const existing = sessions.find((candidate) => candidate.name === session.name);
		if (existing && !sameStartUrl(existing.startUrl, session.startUrl)) {
			throw new UserError(
				`The sso-session ${session.name} in the AWS config file signs in at ${existing.startUrl}, not ${session.startUrl}.`,
				{
					code: 'aws.sso-session-conflict',
					hint: 'Pick another name with --sso-session NAME, or leave it out to have one chosen.',
				},
			);
		}

		sessionStatus = existing ? 'existing' : 'new';
		if (!existing) {
			const section = `sso-session ${session.name}`;
			edits.push(
				{kind: 'set', section, key: 'sso_start_url', value: session.startUrl},
				{kind: 'set', section, key: 'sso_region', value: session.region},
				{kind: 'set', section, key: 'sso_registration_scopes', value: SSO_SCOPES.join(',')},
			);
		}
	}

	const taken = new Set([...profiles.map((profile) => profile.name), ...(input.takenNames ?? []), 'default']);
	const planned: PlannedProfile[] = [];
	const skipped: AccountRole[] = [];
	for (const role of input.roles) {
		if (!isWritableRole(role)) {
			skipped.push(role);
			continue;
		}

		const reuse = profiles.find((profile) => {
			if (profile.accountId !== role.accountId || profile.roleName !== role.roleName) return false;
			const signIn = signInOf(profile, sessions);
			return signIn !== undefined && sameStartUrl(signIn.startUrl, session.startUrl);
		});
		if (reuse) {
			planned.push({...role, name: reuse.name, status: 'existing'});
			continue;
		}

		const name = uniqueName(sanitiseName(`${role.accountName}-${role.roleName}`) || role.accountId, taken);
		taken.add(name);
		const section = profileSection(name);
		const set = (key: string, value: string): IniEdit => ({kind: 'set', section, key, value});
		edits.push(
			...(input.form === 'session'
				? [set('sso_session', session.name)]
				: [set('sso_start_url', session.startUrl), set('sso_region', session.region)]),
			set('sso_account_id', role.accountId),
			set('sso_role_name', role.roleName),
			set('region', input.region),
		);
		planned.push({...role, name, status: 'new'});
	}

	return {edits, sessionStatus, profiles: planned, skipped};
}
