import {createHash} from 'node:crypto';
import {chmod, mkdir, mkdtemp, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {getSSOTokenFilepath, getSSOTokenFromFile} from '@smithy/shared-ini-file-loader';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {
	cliTimestamp,
	parseCachedToken,
	readCachedToken,
	serialiseToken,
	type SsoToken,
	tokenCacheKey,
	tokenCachePath,
	usableRegistration,
	writeCachedToken,
} from '../../source/aws/sso-token.js';

const TOKEN: SsoToken = {
	startUrl: 'https://corp.awsapps.com/start',
	region: 'eu-central-1',
	accessToken: 'access-token-value',
	expiresAt: new Date('2026-12-06T23:00:00.123Z'),
	clientId: 'client-id',
	clientSecret: 'client-secret-value',
	registrationExpiresAt: new Date('2027-03-06T23:00:00.999Z'),
	refreshToken: 'refresh-token-value',
};

let home: string;
beforeEach(async () => {
	home = await mkdtemp(join(tmpdir(), 'ecr-sso-token-'));
	vi.stubEnv('HOME', home);
});
afterEach(async () => {
	vi.unstubAllEnvs();
	await rm(home, {recursive: true, force: true});
});

describe('the cache file', () => {
	it('is named by the SHA-1 of the session name, or of the start URL for legacy profiles, where the SDK looks', () => {
		expect(tokenCacheKey({session: 'corp', startUrl: TOKEN.startUrl})).toBe('corp');
		expect(tokenCacheKey({startUrl: TOKEN.startUrl})).toBe(TOKEN.startUrl);
		const sha1 = createHash('sha1').update('corp').digest('hex');
		expect(tokenCachePath('corp', {HOME: home})).toBe(join(home, '.aws', 'sso', 'cache', `${sha1}.json`));
		expect(tokenCachePath('corp', {HOME: home})).toBe(getSSOTokenFilepath('corp'));
		expect(tokenCachePath(TOKEN.startUrl, {HOME: home})).toBe(getSSOTokenFilepath(TOKEN.startUrl));
	});

	it('holds the CLI’s fields in its order, times in UTC with Z and no fraction', () => {
		expect(cliTimestamp(new Date('2026-12-06T23:00:00.123Z'))).toBe('2026-12-06T23:00:00Z');
		expect(JSON.parse(serialiseToken(TOKEN))).toEqual({
			startUrl: TOKEN.startUrl,
			region: 'eu-central-1',
			accessToken: 'access-token-value',
			expiresAt: '2026-12-06T23:00:00Z',
			clientId: 'client-id',
			clientSecret: 'client-secret-value',
			registrationExpiresAt: '2027-03-06T23:00:00Z',
			refreshToken: 'refresh-token-value',
		});
		expect(Object.keys(JSON.parse(serialiseToken(TOKEN)))).toEqual([
			'startUrl',
			'region',
			'accessToken',
			'expiresAt',
			'clientId',
			'clientSecret',
			'registrationExpiresAt',
			'refreshToken',
		]);
		// No refresh token: nothing to refresh with, so no registration either.
		const {refreshToken: _, ...plain} = TOKEN;
		expect(Object.keys(JSON.parse(serialiseToken(plain)))).toEqual(['startUrl', 'region', 'accessToken', 'expiresAt']);
	});

	it('is written private (0600) in a private directory, replacing a readable one, and the SDK reads it back', async () => {
		const file = tokenCachePath('corp', {HOME: home});
		await writeCachedToken(file, TOKEN);
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		expect((await stat(join(home, '.aws', 'sso', 'cache'))).mode & 0o777).toBe(0o700);
		await chmod(file, 0o644);
		await writeCachedToken(file, {...TOKEN, accessToken: 'second-token'});
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		const sdk = await getSSOTokenFromFile('corp');
		expect(sdk).toMatchObject({accessToken: 'second-token', expiresAt: '2026-12-06T23:00:00Z'});
		expect(new Date(sdk.expiresAt).getTime()).toBe(Date.parse('2026-12-06T23:00:00Z'));
		expect(await readCachedToken(file)).toEqual({
			...TOKEN,
			accessToken: 'second-token',
			expiresAt: new Date('2026-12-06T23:00:00Z'),
			registrationExpiresAt: new Date('2027-03-06T23:00:00Z'),
		});
	});

	it('reads what the AWS CLI writes, and nothing that is not a token', async () => {
		const cli =
			'{"startUrl": "https://corp.awsapps.com/start", "region": "eu-central-1", "accessToken": "x", "expiresAt": "2026-12-06T23:00:00Z"}';
		expect(parseCachedToken(cli)).toEqual({
			startUrl: 'https://corp.awsapps.com/start',
			region: 'eu-central-1',
			accessToken: 'x',
			expiresAt: new Date('2026-12-06T23:00:00Z'),
		});
		for (const text of [
			'',
			'[]',
			'null',
			'{"accessToken": "x"}',
			'{"startUrl":"u","region":"r","accessToken":"x","expiresAt":"soon"}',
		])
			expect(parseCachedToken(text)).toBeUndefined();
		const file = join(home, 'half-written.json');
		await mkdir(home, {recursive: true});
		await writeFile(file, '{"startUrl":');
		expect(await readCachedToken(file)).toBeUndefined();
		expect(await readCachedToken(join(home, 'missing.json'))).toBeUndefined();
	});

	it('a registration is reused only while it has a margin left', () => {
		const now = new Date('2027-03-06T21:00:00Z');
		expect(usableRegistration(TOKEN, now)).toEqual({
			clientId: 'client-id',
			clientSecret: 'client-secret-value',
			expiresAt: TOKEN.registrationExpiresAt,
		});
		expect(usableRegistration(TOKEN, new Date('2027-03-06T22:30:00Z'))).toBeUndefined();
		expect(usableRegistration({...TOKEN, clientSecret: undefined} as SsoToken, now)).toBeUndefined();
	});
});
