/**
 * The real SignInService: IAM Identity Center's OIDC device flow and portal through the SDK (both unsigned, so no
 * credentials are looked for), the token cache the AWS CLI and SDKs share, and STS with keys given on the spot. The SDK
 * modules load on the first call, through the same HTTP layer (proxy, CA bundle, timeouts) as every other AWS call.
 */
import type {NodeHttpHandler} from '@smithy/node-http-handler';
import {CancelledError} from '../errors/user-errors.js';
import {registerSecret} from '../lib/log.js';
import {toCallerIdentity} from './answers.js';
import {createAwsFiles} from './aws-files.js';
import {abortWith, createAwsCaller} from './call.js';
import {addDebugLog, disableNodeVersionWarning} from './clients.js';
import {abortableSleep, type PollAnswer, pollForToken} from './device-flow.js';
import {AwsError} from './errors.js';
import {type AwsServiceName, configuredEndpoint, createAwsHttpHandler} from './http.js';
import type {PortalAccount, SignInService, SsoSession, SsoSignInOptions, SsoSignInTarget} from './sign-in-types.js';
import {sameStartUrl, SSO_SCOPES} from './sso-config.js';
import {readCachedToken, type SsoToken, tokenCachePath, usableRegistration, writeCachedToken} from './sso-token.js';
import type {Env} from './types.js';

type OidcSdk = typeof import('./sdk-sso-oidc.js');
type PortalSdk = typeof import('./sdk-sso.js');
type StsSdk = typeof import('./sdk-sts.js');

export type SignInServiceOptions = {
	env: Env;
	now?: () => Date;
	/** The wait between polls (tests move a clock instead of waiting). */
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	maxAttempts?: number;
};

/** A cached token with less than this left is renewed rather than reused: the commands that follow need it to last. */
const REUSE_MARGIN_MS = 10 * 60 * 1000;

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function nameOf(error: unknown): string | undefined {
	if (typeof error !== 'object' || error === null) return undefined;
	const {name, error: code} = error as {name?: unknown; error?: unknown};
	return typeof code === 'string' ? code : typeof name === 'string' ? name : undefined;
}

/** OIDC answers by its `error` member (authorization_pending, …); the SDK names the exception after it. */
export function pollAnswerOf(error: unknown): PollAnswer {
	switch (nameOf(error)) {
		case 'authorization_pending':
		case 'AuthorizationPendingException': {
			return 'authorization_pending';
		}

		case 'slow_down':
		case 'SlowDownException': {
			return 'slow_down';
		}

		case 'expired_token':
		case 'ExpiredTokenException': {
			return 'expired_token';
		}

		case 'access_denied':
		case 'AccessDeniedException': {
			return 'access_denied';
		}

		default: {
			return 'other';
		}
	}
}

/** The failures whose generic explanation would mislead (an OIDC AccessDenied is not an IAM policy). */
function ssoError(error: unknown, target: SsoSignInTarget): AwsError | undefined {
	const name = nameOf(error);
	const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
	if (name === 'InvalidRequestException' || name === 'invalid_request' || name === 'UnauthorizedClientException') {
		return new AwsError(
			`IAM Identity Center in ${target.region} did not accept the start URL ${target.startUrl}${detail}.`,
			{
				kind: 'unknown',
				hint: 'Check the start URL (your AWS access portal, e.g. https://my-org.awsapps.com/start) and --sso-region (the region of your Identity Center instance).',
				cause: error,
				awsCode: name,
			},
		);
	}

	if (name === 'UnauthorizedException') {
		return new AwsError(`The IAM Identity Center portal did not accept the sign-in token${detail}.`, {
			kind: 'sso-expired',
			hint: 'The session ended or was revoked: sign in again (ecr-setup sign-in … --force).',
			cause: error,
			awsCode: name,
		});
	}

	return undefined;
}

export function createSignInService(options: SignInServiceOptions): SignInService {
	const {env} = options;
	const now = options.now ?? (() => new Date());
	const sleep = options.sleep ?? abortableSleep;
	const maxAttempts = options.maxAttempts ?? 3;
	const caller = createAwsCaller({env, profile: undefined});
	let handler: Promise<NodeHttpHandler> | undefined;

	async function clientConfig(service: AwsServiceName, region: string) {
		disableNodeVersionWarning();
		handler ??= createAwsHttpHandler({env});
		const endpoint = configuredEndpoint(service, env);
		return {
			region,
			requestHandler: await handler,
			maxAttempts,
			retryMode: 'standard',
			...(endpoint ? {endpoint: endpoint.url} : {}),
		};
	}

	const oidcClient = async (region: string) => {
		const sdk: OidcSdk = await import('./sdk-sso-oidc.js');
		return {
			sdk,
			client: addDebugLog(new sdk.SSOOIDCClient(await clientConfig('sso-oidc', region)), 'sso-oidc', region),
		};
	};

	const portalClient = async (region: string) => {
		const sdk: PortalSdk = await import('./sdk-sso.js');
		return {sdk, client: addDebugLog(new sdk.SSOClient(await clientConfig('sso', region)), 'sso', region)};
	};

	async function call<T>(
		service: AwsServiceName,
		target: SsoSignInTarget,
		operation: string,
		signal: AbortSignal | undefined,
		run: () => Promise<T>,
	): Promise<T> {
		return caller.call(service, target.region, {operation}, signal, async () => {
			try {
				return await run();
			} catch (error) {
				throw ssoError(error, target) ?? error;
			}
		});
	}

	function remember(token: SsoToken): void {
		for (const secret of [token.accessToken, token.refreshToken, token.clientSecret]) registerSecret(secret);
	}

	function session(target: SsoSignInTarget, token: SsoToken, how: SsoSession['how'], cachePath: string): SsoSession {
		const {accessToken} = token;
		return {
			how,
			expiresAt: token.expiresAt,
			cachePath,
			refreshable: Boolean(token.refreshToken),
			async listAccounts(signal) {
				return call('sso', target, 'sso:ListAccounts', signal, async () => {
					const {sdk, client} = await portalClient(target.region);
					const accounts: PortalAccount[] = [];
					let nextToken: string | undefined;
					do {
						const output = await client.send(
							new sdk.ListAccountsCommand({accessToken, maxResults: 100, ...(nextToken ? {nextToken} : {})}),
							abortWith(signal),
						);
						for (const account of output.accountList ?? []) {
							if (!account.accountId) continue;
							accounts.push({
								accountId: account.accountId,
								accountName: account.accountName || account.accountId,
								...(account.emailAddress ? {emailAddress: account.emailAddress} : {}),
							});
						}

						nextToken = output.nextToken || undefined;
					} while (nextToken);
					return accounts;
				});
			},
			async listAccountRoles(accountId, signal) {
				return call('sso', target, 'sso:ListAccountRoles', signal, async () => {
					const {sdk, client} = await portalClient(target.region);
					const roles: string[] = [];
					let nextToken: string | undefined;
					do {
						const output = await client.send(
							new sdk.ListAccountRolesCommand({
								accessToken,
								accountId,
								maxResults: 100,
								...(nextToken ? {nextToken} : {}),
							}),
							abortWith(signal),
						);
						for (const role of output.roleList ?? []) if (role.roleName) roles.push(role.roleName);
						nextToken = output.nextToken || undefined;
					} while (nextToken);
					return roles;
				});
			},
		};
	}

	/** A new access token from the refresh token; undefined (with a note) when the service refuses it. */
	async function refresh(target: SsoSignInTarget, cached: SsoToken, options: SsoSignInOptions) {
		const registration = usableRegistration(cached, now(), 0);
		if (!cached.refreshToken || !registration) return undefined;
		try {
			const {sdk, client} = await oidcClient(target.region);
			const output = await client.send(
				new sdk.CreateTokenCommand({
					clientId: registration.clientId,
					clientSecret: registration.clientSecret,
					grantType: 'refresh_token',
					refreshToken: cached.refreshToken,
				}),
				abortWith(options.signal),
			);
			if (!output.accessToken || !output.expiresIn) return undefined;
			return {
				...cached,
				accessToken: output.accessToken,
				expiresAt: new Date(now().getTime() + output.expiresIn * 1000),
				refreshToken: output.refreshToken ?? cached.refreshToken,
			} satisfies SsoToken;
		} catch (error) {
			if (options.signal?.aborted) throw new CancelledError();
			options.onNote?.(
				`The saved session could not be renewed (${nameOf(error) ?? 'no answer'}); signing in with a new code.`,
			);
			return undefined;
		}
	}

	async function deviceFlow(target: SsoSignInTarget, cached: SsoToken | undefined, options: SsoSignInOptions) {
		const {signal} = options;
		const {sdk, client} = await oidcClient(target.region);
		const register = async () =>
			call('sso-oidc', target, 'sso-oidc:RegisterClient', signal, async () => {
				const output = await client.send(
					new sdk.RegisterClientCommand({clientName: 'ecr-setup', clientType: 'public', scopes: [...SSO_SCOPES]}),
					abortWith(signal),
				);
				if (!output.clientId || !output.clientSecret) {
					throw new AwsError('sso-oidc:RegisterClient returned no client id or secret.', {kind: 'unknown'});
				}

				registerSecret(output.clientSecret);
				const expires = output.clientSecretExpiresAt;
				return {
					clientId: output.clientId,
					clientSecret: output.clientSecret,
					expiresAt: new Date(expires ? expires * 1000 : now().getTime() + 90 * 24 * 60 * 60 * 1000),
				};
			});
		const authorize = async (registered: {clientId: string; clientSecret: string}) =>
			client.send(
				new sdk.StartDeviceAuthorizationCommand({
					clientId: registered.clientId,
					clientSecret: registered.clientSecret,
					startUrl: target.startUrl,
				}),
				abortWith(signal),
			);
		const reusable =
			cached && sameStartUrl(cached.startUrl, target.startUrl) ? usableRegistration(cached, now()) : undefined;
		let registration = reusable ?? (await register());
		const authorization = await call('sso-oidc', target, 'sso-oidc:StartDeviceAuthorization', signal, async () => {
			try {
				return await authorize(registration);
			} catch (error) {
				// A saved registration the service no longer knows (revoked, or another instance behind the URL): a new one.
				const name = nameOf(error);
				if (!reusable || (name !== 'invalid_client' && name !== 'InvalidClientException')) throw error;
				registration = await register();
				return authorize(registration);
			}
		});
		const {deviceCode, userCode, verificationUri, verificationUriComplete} = authorization;
		if (!deviceCode || !userCode || !verificationUri) {
			throw new AwsError('sso-oidc:StartDeviceAuthorization returned no device code, user code or page.', {
				kind: 'unknown',
			});
		}

		registerSecret(deviceCode);
		const expiresInS = authorization.expiresIn ?? 600;
		await options.onAuthorization({verificationUri, verificationUriComplete, userCode, expiresInS});
		const output = await call('sso-oidc', target, 'sso-oidc:CreateToken', signal, async () =>
			pollForToken({
				authorization: {intervalS: authorization.interval, expiresInS},
				createToken: async () =>
					client.send(
						new sdk.CreateTokenCommand({
							clientId: registration.clientId,
							clientSecret: registration.clientSecret,
							grantType: DEVICE_GRANT,
							deviceCode,
						}),
						abortWith(signal),
					),
				classify: pollAnswerOf,
				now: () => now().getTime(),
				sleep,
				signal,
			}),
		);
		if (!output.accessToken || !output.expiresIn) {
			throw new AwsError('sso-oidc:CreateToken returned no access token.', {kind: 'unknown'});
		}

		return {
			startUrl: target.startUrl,
			region: target.region,
			accessToken: output.accessToken,
			expiresAt: new Date(now().getTime() + output.expiresIn * 1000),
			clientId: registration.clientId,
			clientSecret: registration.clientSecret,
			registrationExpiresAt: registration.expiresAt,
			...(output.refreshToken ? {refreshToken: output.refreshToken} : {}),
		} satisfies SsoToken;
	}

	return {
		files: createAwsFiles({env, now}),

		async signIn(target, signInOptions) {
			const cachePath = tokenCachePath(target.cacheKey, env);
			const found = await readCachedToken(cachePath);
			// A cache file for another portal (a session renamed to a new URL) is not this session's.
			const cached = found && sameStartUrl(found.startUrl, target.startUrl) ? found : undefined;
			if (cached) remember(cached);
			if (!signInOptions.force && cached) {
				if (cached.expiresAt.getTime() - now().getTime() > REUSE_MARGIN_MS)
					return session(target, cached, 'cached', cachePath);
				const renewed = await refresh(target, cached, signInOptions);
				if (renewed) {
					remember(renewed);
					await writeCachedToken(cachePath, renewed);
					return session(target, renewed, 'refreshed', cachePath);
				}
			}

			const token = await deviceFlow(target, cached, signInOptions);
			remember(token);
			await writeCachedToken(cachePath, token);
			return session(target, token, 'device', cachePath);
		},

		async verifyAccessKeys(keys, region, signal) {
			registerSecret(keys.secretAccessKey);
			return caller.call('sts', region, {operation: 'sts:GetCallerIdentity'}, signal, async () => {
				const sdk: StsSdk = await import('./sdk-sts.js');
				const client = addDebugLog(
					new sdk.STSClient({
						...(await clientConfig('sts', region)),
						credentials: {accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey},
					}),
					'sts',
					region,
				);
				return toCallerIdentity(await client.send(new sdk.GetCallerIdentityCommand({}), abortWith(signal)));
			});
		},
	};
}
