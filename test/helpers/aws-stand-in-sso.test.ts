/**
 * IAM Identity Center in the AWS stand-in, as the real SDK clients see it: OIDC's device flow over REST JSON with its
 * errors (authorization_pending, slow_down, expired_token, access_denied, invalid_grant), the portal's accounts and
 * roles in pages, role credentials whose keys STS then places in their account, and keys the stand-in refuses.
 */
import {ListAccountRolesCommand, ListAccountsCommand, SSOClient, GetRoleCredentialsCommand} from '@aws-sdk/client-sso';
import {
	CreateTokenCommand,
	RegisterClientCommand,
	SSOOIDCClient,
	StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {DEFAULT_START_URL, type StandIn, startAwsStandIn} from './aws-stand-in/index.js';

let standIn: StandIn;

beforeEach(async () => {
	vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
	standIn = await startAwsStandIn();
});

afterEach(async () => {
	vi.unstubAllEnvs();
	await standIn.close();
});

const oidc = () => new SSOOIDCClient({region: 'eu-west-1', endpoint: standIn.url, maxAttempts: 1});
const portal = () => new SSOClient({region: 'eu-west-1', endpoint: standIn.url, maxAttempts: 1});

async function authorize(scopes = ['sso:account:access']) {
	const client = oidc();
	const registration = await client.send(new RegisterClientCommand({clientName: 'test', clientType: 'public', scopes}));
	const authorization = await client.send(
		new StartDeviceAuthorizationCommand({
			clientId: registration.clientId!,
			clientSecret: registration.clientSecret!,
			startUrl: DEFAULT_START_URL,
		}),
	);
	const poll = async () =>
		client.send(
			new CreateTokenCommand({
				clientId: registration.clientId!,
				clientSecret: registration.clientSecret!,
				grantType: 'urn:ietf:params:oauth:grant-type:device_code',
				deviceCode: authorization.deviceCode!,
			}),
		);
	return {client, registration, authorization, poll};
}

describe('the OIDC device flow', () => {
	it('answers authorization_pending until the code is approved, then a token with a refresh token', async () => {
		const {authorization, poll} = await authorize();
		expect(authorization).toMatchObject({expiresIn: 600, interval: 1});
		expect(authorization.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
		expect(authorization.verificationUriComplete).toBe(
			`${DEFAULT_START_URL}/#/device?user_code=${authorization.userCode}`,
		);
		await expect(poll()).rejects.toMatchObject({
			name: 'AuthorizationPendingException',
			error: 'authorization_pending',
			$metadata: {httpStatusCode: 400},
		});
		expect(standIn.model.identityCenter.decide('approved', authorization.userCode)).toBe(1);
		const token = await poll();
		expect(token).toMatchObject({tokenType: 'Bearer', expiresIn: 8 * 60 * 60});
		expect(token.accessToken).toMatch(/^access-/);
		expect(token.refreshToken).toMatch(/^refresh-/);
		// A device code is good for one token.
		await expect(poll()).rejects.toMatchObject({name: 'InvalidGrantException', error: 'invalid_grant'});
	});

	it('slow_down on the polls it is told, approval at the Nth poll, and no refresh token without the scope', async () => {
		standIn.model.identityCenter.configure({slowDownPolls: [1], approveAfterPolls: 2});
		const {poll} = await authorize([]);
		await expect(poll()).rejects.toMatchObject({name: 'SlowDownException', error: 'slow_down'});
		const token = await poll();
		expect(token.accessToken).toBeDefined();
		expect(token.refreshToken).toBeUndefined();
	});

	it('denied and expired codes answer access_denied and expired_token', async () => {
		const denied = await authorize();
		standIn.model.identityCenter.decide('denied');
		await expect(denied.poll()).rejects.toMatchObject({name: 'AccessDeniedException', error: 'access_denied'});
		standIn.model.identityCenter.configure({deviceExpiresInS: 0});
		const expired = await authorize();
		await new Promise((resolve) => setTimeout(resolve, 5));
		await expect(expired.poll()).rejects.toMatchObject({name: 'ExpiredTokenException', error: 'expired_token'});
	});

	it('an unknown start URL is an invalid request; a wrong client secret an invalid client', async () => {
		const client = oidc();
		const registration = await client.send(new RegisterClientCommand({clientName: 't', clientType: 'public'}));
		await expect(
			client.send(
				new StartDeviceAuthorizationCommand({
					clientId: registration.clientId!,
					clientSecret: registration.clientSecret!,
					startUrl: 'https://unknown.awsapps.com/start',
				}),
			),
		).rejects.toMatchObject({name: 'InvalidRequestException', error: 'invalid_request'});
		await expect(
			client.send(
				new StartDeviceAuthorizationCommand({
					clientId: registration.clientId!,
					clientSecret: 'wrong',
					startUrl: DEFAULT_START_URL,
				}),
			),
		).rejects.toMatchObject({name: 'InvalidClientException', $metadata: {httpStatusCode: 401}});
	});

	it('a refresh token gives a new access token once', async () => {
		standIn.model.identityCenter.configure({approveAfterPolls: 1});
		const {client, registration, poll} = await authorize();
		const first = await poll();
		const refresh = () =>
			client.send(
				new CreateTokenCommand({
					clientId: registration.clientId!,
					clientSecret: registration.clientSecret!,
					grantType: 'refresh_token',
					refreshToken: first.refreshToken!,
				}),
			);
		const renewed = await refresh();
		expect(renewed.accessToken).not.toBe(first.accessToken);
		await expect(refresh()).rejects.toMatchObject({name: 'InvalidGrantException'});
	});
});

describe('the portal', () => {
	async function accessToken(): Promise<string> {
		standIn.model.identityCenter.configure({approveAfterPolls: 1});
		return (await (await authorize()).poll()).accessToken!;
	}

	it('lists accounts and roles in pages, with the token from the header', async () => {
		standIn.model.identityCenter.configure({pageSize: 1});
		const token = await accessToken();
		const first = await portal().send(new ListAccountsCommand({accessToken: token}));
		expect(first.accountList).toEqual([
			{accountId: '111111111111', accountName: 'Dev Sandbox', emailAddress: 'dev@example.com'},
		]);
		const second = await portal().send(new ListAccountsCommand({accessToken: token, nextToken: first.nextToken}));
		expect(second.accountList?.map((account) => account.accountId)).toEqual(['222222222222']);
		expect(second.nextToken).toBeUndefined();
		const roles = await portal().send(new ListAccountRolesCommand({accessToken: token, accountId: '111111111111'}));
		expect(roles.roleList).toEqual([{roleName: 'AdministratorAccess', accountId: '111111111111'}]);
		expect(roles.nextToken).toBe('1');
		expect(standIn.requests.find((call) => call.operation === 'ListAccountRoles')?.input).toMatchObject({
			account_id: '111111111111',
		});
	});

	it('refuses an unknown token as UnauthorizedException', async () => {
		await expect(portal().send(new ListAccountsCommand({accessToken: 'nope'}))).rejects.toMatchObject({
			name: 'UnauthorizedException',
			$metadata: {httpStatusCode: 401},
		});
	});

	it('role credentials expire in epoch milliseconds, and STS places their keys in the role’s account', async () => {
		const token = await accessToken();
		const {roleCredentials} = await portal().send(
			new GetRoleCredentialsCommand({accessToken: token, accountId: '222222222222', roleName: 'PowerUserAccess'}),
		);
		expect(roleCredentials?.expiration).toBeGreaterThan(Date.now());
		const sts = new STSClient({
			region: 'eu-west-1',
			endpoint: standIn.url,
			maxAttempts: 1,
			credentials: {
				accessKeyId: roleCredentials!.accessKeyId!,
				secretAccessKey: roleCredentials!.secretAccessKey!,
				sessionToken: roleCredentials!.sessionToken!,
			},
		});
		const identity = await sts.send(new GetCallerIdentityCommand({}));
		expect(identity.Account).toBe('222222222222');
		expect(identity.Arn).toContain('assumed-role/AWSReservedSSO_PowerUserAccess_');
	});
});

describe('keys the stand-in refuses', () => {
	it('answers InvalidClientTokenId for a rejected access key id', async () => {
		const accessKeyId = 'AKIAREJECTEDKEY00001';
		standIn.model.rejectedKeys.add(accessKeyId);
		const sts = new STSClient({
			region: 'eu-west-1',
			endpoint: standIn.url,
			maxAttempts: 1,
			credentials: {accessKeyId, secretAccessKey: 'not-a-real-secret'},
		});
		await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
			name: 'InvalidClientTokenId',
			$metadata: {httpStatusCode: 403},
		});
	});
});
