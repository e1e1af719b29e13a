/** What `sign-in` asks of AWS and of the user's AWS files: IAM Identity Center's device flow and portal, and STS for keys. */
import type {AwsFiles} from './aws-files.js';
import type {CallerIdentity} from './types.js';

/** Where to sign in, and under which key the token is cached (the session's name, or the start URL in the legacy form). */
export type SsoSignInTarget = {startUrl: string; region: string; cacheKey: string};

/** What the user must open and confirm. The user code is meant to be shown; the device code never leaves the service. */
export type DeviceAuthorization = {
	verificationUri: string;
	verificationUriComplete: string | undefined;
	userCode: string;
	expiresInS: number;
};

export type PortalAccount = {accountId: string; accountName: string; emailAddress?: string};

/** A signed-in session: the token stays inside, only what it allows is offered. */
export type SsoSession = {
	/** Reused from the cache, renewed with its refresh token, or new from the device flow. */
	how: 'cached' | 'refreshed' | 'device';
	expiresAt: Date;
	/** The token cache file. */
	cachePath: string;
	/** The token can be renewed without the browser until the session ends. */
	refreshable: boolean;
	listAccounts(signal?: AbortSignal): Promise<PortalAccount[]>;
	listAccountRoles(accountId: string, signal?: AbortSignal): Promise<string[]>;
};

export type SsoSignInOptions = {
	/** A new device flow even when the cache holds a usable or refreshable token. */
	force?: boolean;
	/** Show the code (and open the browser); polling starts when it returns. */
	onAuthorization(authorization: DeviceAuthorization): void | Promise<void>;
	/** A line worth telling the user (a saved session that could not be renewed). */
	onNote?(text: string): void;
	signal?: AbortSignal | undefined;
};

export type AccessKeys = {accessKeyId: string /** Secret. */; secretAccessKey: string};

export interface SignInService {
	/** The AWS config and credentials files. */
	readonly files: AwsFiles;
	/** A token for the target: the cached one while it lasts, else refreshed, else from a new device flow. */
	signIn(target: SsoSignInTarget, options: SsoSignInOptions): Promise<SsoSession>;
	/** Whom STS says these keys belong to; an AwsError (invalid-credentials, …) when it refuses them. */
	verifyAccessKeys(keys: AccessKeys, region: string, signal?: AbortSignal): Promise<CallerIdentity>;
}
