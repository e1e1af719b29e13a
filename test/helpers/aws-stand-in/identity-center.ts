/**
 * IAM Identity Center as the stand-in keeps it: the portals (start URLs) it answers for, the accounts and roles a user
 * is assigned, registered OIDC clients, device authorizations waiting to be approved, the access and refresh tokens it
 * issued, and the role credentials it handed out (so that STS can say whom they belong to). A test approves or denies a
 * code itself, or lets the stand-in approve it at the Nth poll; chosen polls can answer slow_down.
 */
import {randomBytes} from 'node:crypto';
import {AwsError} from './protocol.js';

export type PortalAccountSeed = {accountId: string; accountName: string; emailAddress?: string; roles: string[]};

export const DEFAULT_START_URL = 'https://stand-in.awsapps.com/start';

export const DEFAULT_PORTAL_ACCOUNTS: readonly PortalAccountSeed[] = [
	{
		accountId: '111111111111',
		accountName: 'Dev Sandbox',
		emailAddress: 'dev@example.com',
		roles: ['AdministratorAccess', 'ReadOnlyAccess'],
	},
	{accountId: '222222222222', accountName: 'Production', emailAddress: 'prod@example.com', roles: ['PowerUserAccess']},
];

export type IdentityCenterSettings = {
	/** The device code is approved at this poll (1: the first); undefined: only when a test approves it. */
	approveAfterPolls?: number | undefined;
	/** Polls (1-based, per code) that answer slow_down. */
	slowDownPolls?: number[];
	/** The `interval` StartDeviceAuthorization names (AWS's is 1 second). */
	intervalS?: number;
	/** How long a device code waits for approval (AWS's: 600 s). */
	deviceExpiresInS?: number;
	/** Access token lifetime (the CreateToken `expiresIn`). */
	tokenLifetimeS?: number;
	/** The largest ListAccounts / ListAccountRoles page. */
	pageSize?: number;
};

export type IdentityCenterOptions = IdentityCenterSettings & {
	startUrls?: readonly string[];
	accounts?: readonly PortalAccountSeed[];
};

type Client = {secret: string; scopes: string[]; expiresAt: number};
type Authorization = {
	clientId: string;
	userCode: string;
	startUrl: string;
	expiresAt: number;
	state: 'pending' | 'approved' | 'denied' | 'used';
	polls: number;
};

const USER_CODE_LETTERS = 'BCDFGHJKLMNPQRSTVWXZ';

function secret(bytes: number): string {
	return randomBytes(bytes).toString('base64url');
}

function roleIdentity(role: {accountId: string; roleName: string}): {account: string; arn: string; userId: string} {
	return {
		account: role.accountId,
		arn: `arn:aws:sts::${role.accountId}:assumed-role/AWSReservedSSO_${role.roleName}_0123456789abcdef/dev@example.com`,
		userId: 'AROAEXAMPLEROLEID1234:dev@example.com',
	};
}

function userCode(): string {
	const letters = [...randomBytes(8)].map((byte) => USER_CODE_LETTERS[byte % USER_CODE_LETTERS.length]).join('');
	return `${letters.slice(0, 4)}-${letters.slice(4)}`;
}

/** OIDC's errors carry `error` (the RFC's word) besides the exception's name. */
export class OidcError extends AwsError {
	constructor(
		code: string,
		readonly error: string,
		message: string,
		status = 400,
	) {
		super(code, message, status);
	}
}

const DEFAULTS: Required<Omit<IdentityCenterSettings, 'approveAfterPolls'>> = {
	slowDownPolls: [],
	intervalS: 1,
	deviceExpiresInS: 600,
	tokenLifetimeS: 8 * 60 * 60,
	pageSize: 1000,
};

export class IdentityCenter {
	readonly startUrls: readonly string[];
	readonly accounts: readonly PortalAccountSeed[];
	settings: IdentityCenterSettings & typeof DEFAULTS;
	readonly clients = new Map<string, Client>();
	readonly authorizations = new Map<string, Authorization>();
	readonly accessTokens = new Map<string, {startUrl: string; expiresAt: number}>();
	readonly refreshTokens = new Map<string, {clientId: string; startUrl: string}>();
	/** Role credentials handed out: access key id to the account and role. */
	readonly roleKeys = new Map<string, {accountId: string; roleName: string}>();
	private readonly initial: IdentityCenterSettings;

	constructor(options: IdentityCenterOptions = {}) {
		this.startUrls = options.startUrls ?? [DEFAULT_START_URL];
		this.accounts = options.accounts ?? DEFAULT_PORTAL_ACCOUNTS;
		this.initial = options;
		this.settings = {...DEFAULTS, ...definedSettings(options)};
	}

	reset(): void {
		this.settings = {...DEFAULTS, ...definedSettings(this.initial)};
		for (const map of [this.clients, this.authorizations, this.accessTokens, this.refreshTokens, this.roleKeys])
			map.clear();
	}

	configure(settings: IdentityCenterSettings): void {
		this.settings = {...this.settings, ...settings};
	}

	/** Approve (or deny) the pending codes, or the one with this user code. Returns how many changed. */
	decide(decision: 'approved' | 'denied', code?: string): number {
		let changed = 0;
		for (const authorization of this.authorizations.values()) {
			if (authorization.state !== 'pending' || (code && authorization.userCode !== code)) continue;
			authorization.state = decision;
			changed++;
		}

		return changed;
	}

	registerClient(scopes: string[]): {clientId: string; clientSecret: string; expiresAt: number} {
		const clientId = `client-${secret(12)}`;
		const clientSecret = `secret-${secret(24)}`;
		const expiresAt = Math.floor(Date.now() / 1000) + 90 * 24 * 60 * 60;
		this.clients.set(clientId, {secret: clientSecret, scopes, expiresAt});
		return {clientId, clientSecret, expiresAt};
	}

	private client(clientId: unknown, clientSecret: unknown): Client {
		const client = typeof clientId === 'string' ? this.clients.get(clientId) : undefined;
		if (!client || client.secret !== clientSecret || client.expiresAt * 1000 < Date.now()) {
			throw new OidcError('InvalidClientException', 'invalid_client', 'Invalid client', 401);
		}

		return client;
	}

	startDeviceAuthorization(clientId: unknown, clientSecret: unknown, startUrl: unknown) {
		this.client(clientId, clientSecret);
		if (typeof startUrl !== 'string' || !this.startUrls.includes(startUrl)) {
			throw new OidcError('InvalidRequestException', 'invalid_request', 'Invalid start URL');
		}

		const deviceCode = `device-${secret(24)}`;
		const code = userCode();
		this.authorizations.set(deviceCode, {
			clientId: String(clientId),
			userCode: code,
			startUrl,
			expiresAt: Date.now() + this.settings.deviceExpiresInS * 1000,
			state: 'pending',
			polls: 0,
		});
		const page = `${startUrl.replace(/\/+$/, '')}/#/device`;
		return {
			deviceCode,
			userCode: code,
			verificationUri: page,
			verificationUriComplete: `${page}?user_code=${code}`,
			expiresIn: this.settings.deviceExpiresInS,
			interval: this.settings.intervalS,
		};
	}

	private issue(clientId: string, startUrl: string) {
		const accessToken = `access-${secret(32)}`;
		this.accessTokens.set(accessToken, {startUrl, expiresAt: Date.now() + this.settings.tokenLifetimeS * 1000});
		const refreshable = this.clients.get(clientId)?.scopes.includes('sso:account:access');
		const refreshToken = refreshable ? `refresh-${secret(32)}` : undefined;
		if (refreshToken) this.refreshTokens.set(refreshToken, {clientId, startUrl});
		return {
			accessToken,
			tokenType: 'Bearer',
			expiresIn: this.settings.tokenLifetimeS,
			...(refreshToken ? {refreshToken} : {}),
		};
	}

	createToken(input: Record<string, unknown>) {
		this.client(input['clientId'], input['clientSecret']);
		const clientId = String(input['clientId']);
		if (input['grantType'] === 'refresh_token') {
			const known =
				typeof input['refreshToken'] === 'string' ? this.refreshTokens.get(input['refreshToken']) : undefined;
			if (!known || known.clientId !== clientId) {
				throw new OidcError('InvalidGrantException', 'invalid_grant', 'Invalid refresh token');
			}

			this.refreshTokens.delete(String(input['refreshToken']));
			return this.issue(clientId, known.startUrl);
		}

		if (input['grantType'] !== 'urn:ietf:params:oauth:grant-type:device_code') {
			throw new OidcError('UnsupportedGrantTypeException', 'unsupported_grant_type', 'Unsupported grant type');
		}

		const authorization =
			typeof input['deviceCode'] === 'string' ? this.authorizations.get(input['deviceCode']) : undefined;
		if (!authorization || authorization.clientId !== clientId || authorization.state === 'used') {
			throw new OidcError('InvalidGrantException', 'invalid_grant', 'Invalid device code');
		}

		if (Date.now() > authorization.expiresAt) {
			throw new OidcError('ExpiredTokenException', 'expired_token', 'Device code has expired');
		}

		authorization.polls++;
		if (this.settings.slowDownPolls.includes(authorization.polls)) {
			throw new OidcError('SlowDownException', 'slow_down', 'Client is polling too fast');
		}

		const approveAt = this.settings.approveAfterPolls;
		if (authorization.state === 'pending' && approveAt !== undefined && authorization.polls >= approveAt) {
			authorization.state = 'approved';
		}

		if (authorization.state === 'denied') throw new OidcError('AccessDeniedException', 'access_denied', 'Denied');
		if (authorization.state === 'pending') {
			throw new OidcError('AuthorizationPendingException', 'authorization_pending', 'Authorization is still pending');
		}

		authorization.state = 'used';
		return this.issue(clientId, authorization.startUrl);
	}

	/** Whom a key the portal handed out belongs to: the role's session in its account (undefined for any other key). */
	identityOf(accessKeyId: string | undefined): {account: string; arn: string; userId: string} | undefined {
		const role = accessKeyId ? this.roleKeys.get(accessKeyId) : undefined;
		return role ? roleIdentity(role) : undefined;
	}

	/** The latest role session handed out in an account (whose ECR token names that account), if any. */
	identityInAccount(accountId: string): {account: string; arn: string; userId: string} | undefined {
		const role = [...this.roleKeys.values()].reverse().find((candidate) => candidate.accountId === accountId);
		return role ? roleIdentity(role) : undefined;
	}

	// ───────────── the portal ─────────────

	private session(accessToken: unknown): {startUrl: string} {
		const session = typeof accessToken === 'string' ? this.accessTokens.get(accessToken) : undefined;
		if (!session || session.expiresAt < Date.now()) {
			throw new AwsError('UnauthorizedException', 'Session token not found or invalid', 401);
		}

		return session;
	}

	private account(accountId: unknown): PortalAccountSeed {
		const account = this.accounts.find((candidate) => candidate.accountId === accountId);
		if (!account) throw new AwsError('ResourceNotFoundException', 'Account not found or not assigned', 404);
		return account;
	}

	private page<T>(items: T[], input: Record<string, unknown>): {items: T[]; nextToken?: string} {
		const size = Math.min(this.settings.pageSize, Number(input['max_result']) || this.settings.pageSize);
		const start = Number(input['next_token'] ?? 0) || 0;
		const next = start + size;
		return {items: items.slice(start, next), ...(next < items.length ? {nextToken: String(next)} : {})};
	}

	listAccounts(input: Record<string, unknown>) {
		this.session(input['accessToken']);
		const {items, nextToken} = this.page([...this.accounts], input);
		return {
			accountList: items.map(({accountId, accountName, emailAddress}) => ({accountId, accountName, emailAddress})),
			...(nextToken ? {nextToken} : {}),
		};
	}

	listAccountRoles(input: Record<string, unknown>) {
		this.session(input['accessToken']);
		const account = this.account(input['account_id']);
		const {items, nextToken} = this.page(account.roles, input);
		return {
			roleList: items.map((roleName) => ({roleName, accountId: account.accountId})),
			...(nextToken ? {nextToken} : {}),
		};
	}

	getRoleCredentials(input: Record<string, unknown>) {
		this.session(input['accessToken']);
		const account = this.account(input['account_id']);
		const roleName = String(input['role_name'] ?? '');
		if (!account.roles.includes(roleName)) {
			throw new AwsError('ForbiddenException', 'No access', 403);
		}

		const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
		this.roleKeys.set(accessKeyId, {accountId: account.accountId, roleName});
		return {
			roleCredentials: {
				accessKeyId,
				secretAccessKey: secret(30),
				sessionToken: `session-${secret(48)}`,
				expiration: Date.now() + 60 * 60 * 1000,
			},
		};
	}
}

const SETTING_NAMES = [
	'approveAfterPolls',
	'slowDownPolls',
	'intervalS',
	'deviceExpiresInS',
	'tokenLifetimeS',
	'pageSize',
] as const satisfies ReadonlyArray<keyof IdentityCenterSettings>;

function definedSettings(settings: IdentityCenterSettings): IdentityCenterSettings {
	return Object.fromEntries(
		SETTING_NAMES.filter((name) => settings[name] !== undefined).map((name) => [name, settings[name]]),
	);
}
