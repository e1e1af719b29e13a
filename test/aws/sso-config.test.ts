import {describe, expect, it} from 'vitest';
import {applyIniEdits, parseIni, sectionValues} from '../../source/aws/ini.js';
import {
	type AccountRole,
	planSsoProfiles,
	readProfiles,
	readSsoSessions,
	sanitiseName,
	sessionNameFor,
	signInOf,
} from '../../source/aws/sso-config.js';

const URL = 'https://corp.awsapps.com/start';
const SESSION = {name: 'corp', startUrl: URL, region: 'eu-central-1'};
const ROLES: AccountRole[] = [
	{accountId: '111111111111', accountName: 'Dev Sandbox', roleName: 'AdministratorAccess'},
	{accountId: '111111111111', accountName: 'Dev Sandbox', roleName: 'ReadOnlyAccess'},
	{accountId: '222222222222', accountName: 'Production', roleName: 'PowerUserAccess'},
];

function plan(text: string, input: Partial<Parameters<typeof planSsoProfiles>[1]> = {}) {
	const result = planSsoProfiles(parseIni(text), {
		form: 'session',
		session: SESSION,
		region: 'eu-west-1',
		roles: ROLES,
		...input,
	});
	return {...result, text: applyIniEdits(text, result.edits)};
}

describe('profile and session names', () => {
	it('lower case, [a-z0-9._-], no edge dots or dashes', () => {
		expect(sanitiseName('Dev Sandbox-AdministratorAccess')).toBe('dev-sandbox-administratoraccess');
		expect(sanitiseName('  Équipe / Données (prod)  ')).toBe('equipe-donnees-prod');
		expect(sanitiseName('..--__x__--..')).toBe('__x__');
		expect(sanitiseName('日本')).toBe('');
	});

	it('a session is named after its portal, and never after a taken name', () => {
		expect(sessionNameFor('https://Corp.awsapps.com/start', [])).toBe('corp');
		expect(sessionNameFor('https://sso.example.com/start', [])).toBe('sso.example.com');
		expect(sessionNameFor(URL, [SESSION])).toBe('corp-2');
	});
});

describe('the session form', () => {
	it('writes the session and one profile per account and role, unique names', () => {
		const result = plan('[profile dev-sandbox-administratoraccess]\nregion = us-east-1\n');
		expect(result.sessionStatus).toBe('new');
		expect(result.profiles.map((profile) => [profile.name, profile.status])).toEqual([
			['dev-sandbox-administratoraccess-2', 'new'],
			['dev-sandbox-readonlyaccess', 'new'],
			['production-poweruseraccess', 'new'],
		]);
		const document = parseIni(result.text);
		expect(sectionValues(document, 'sso-session corp')).toEqual({
			sso_start_url: URL,
			sso_region: 'eu-central-1',
			sso_registration_scopes: 'sso:account:access',
		});
		expect(sectionValues(document, 'profile production-poweruseraccess')).toEqual({
			sso_session: 'corp',
			sso_account_id: '222222222222',
			sso_role_name: 'PowerUserAccess',
			region: 'eu-west-1',
		});
		// The user's profile is untouched.
		expect(result.text.startsWith('[profile dev-sandbox-administratoraccess]\nregion = us-east-1\n\n')).toBe(true);
	});

	it('signing in again plans nothing: the text stays byte for byte', () => {
		const first = plan('# mine\n[default]\nregion = eu-west-1\n');
		const second = plan(first.text);
		expect(second.edits).toEqual([]);
		expect(second.text).toBe(first.text);
		expect(second.sessionStatus).toBe('existing');
		expect(second.profiles.every((profile) => profile.status === 'existing')).toBe(true);
	});

	it('reuses a profile that reaches the same account and role through the same portal, in either form', () => {
		const text = [
			'[profile mine]',
			'sso_start_url = https://CORP.awsapps.com/start/',
			'sso_region = eu-central-1',
			'sso_account_id = 222222222222',
			'sso_role_name = PowerUserAccess',
			'',
		].join('\n');
		const result = plan(text, {roles: [ROLES[2]!]});
		expect(result.profiles).toEqual([{...ROLES[2], name: 'mine', status: 'existing'}]);
		// Another portal's profile for the same account is not the same sign-in.
		const other = plan(text.replace('CORP', 'other'), {roles: [ROLES[2]!]});
		expect(other.profiles[0]).toMatchObject({name: 'production-poweruseraccess', status: 'new'});
	});

	it('refuses a session name that already signs in elsewhere', () => {
		expect(() =>
			plan('[sso-session corp]\nsso_start_url = https://other.awsapps.com/start\nsso_region = x-1\n'),
		).toThrow(/signs in at https:\/\/other/);
	});

	it('never names a profile like one in the credentials file, nor default', () => {
		const result = plan('', {
			roles: [{accountId: '111111111111', accountName: 'default', roleName: 'x'}, ROLES[2]!],
			takenNames: ['production-poweruseraccess'],
		});
		expect(result.profiles.map((profile) => profile.name)).toEqual(['default-x', 'production-poweruseraccess-2']);
	});

	it('skips roles the portal named in a shape that could inject lines', () => {
		const result = plan('', {
			roles: [
				{accountId: '111111111111', accountName: 'A', roleName: 'Admin\n[profile evil]'},
				{accountId: '12', accountName: 'B', roleName: 'Admin'},
				ROLES[0]!,
			],
		});
		expect(result.skipped).toHaveLength(2);
		expect(result.profiles.map((profile) => profile.name)).toEqual(['dev-sandbox-administratoraccess']);
		expect(result.text).not.toContain('evil');
	});
});

describe('the legacy form', () => {
	it('puts the start URL and region in each profile and writes no session', () => {
		const result = plan('', {form: 'legacy', roles: [ROLES[0]!]});
		expect(result.sessionStatus).toBe('not-used');
		expect(result.text).toBe(
			[
				'[profile dev-sandbox-administratoraccess]',
				`sso_start_url = ${URL}`,
				'sso_region = eu-central-1',
				'sso_account_id = 111111111111',
				'sso_role_name = AdministratorAccess',
				'region = eu-west-1',
				'',
			].join('\n'),
		);
		expect(plan(result.text, {form: 'legacy', roles: [ROLES[0]!]}).edits).toEqual([]);
	});
});

describe('reading back', () => {
	it('finds sessions and how each profile signs in', () => {
		const {text} = plan('[profile plain]\nregion = x-1\n', {roles: [ROLES[0]!]});
		const document = parseIni(text);
		const sessions = readSsoSessions(document);
		expect(sessions).toEqual([SESSION]);
		const profiles = readProfiles(document);
		expect(profiles.map((profile) => signInOf(profile, sessions))).toEqual([
			undefined,
			{form: 'session', startUrl: URL, region: 'eu-central-1', session: 'corp'},
		]);
		const legacy = readProfiles(parseIni(plan('', {form: 'legacy', roles: [ROLES[0]!]}).text))[0]!;
		expect(signInOf(legacy, [])).toEqual({form: 'legacy', startUrl: URL, region: 'eu-central-1'});
	});
});
