/** What docker-credential-ecr-login's traces say: releases and their fixes, Go panics, instance-metadata stalls, its cache. */
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {
	cacheEntriesFor,
	cachedTokenFallback,
	findPanic,
	helperCacheFile,
	missingFixes,
	probesInstanceMetadata,
	readHelperCache,
} from '../../source/credential-helper/health.js';

const PANIC_FIXTURE = path.join(
	import.meta.dirname,
	'../fixtures/credential-helper/ecr-login-0.6.4-sso-session-panic.stderr',
);
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

describe('missingFixes', () => {
	it('names IMDSv2 (0.5.0) and sso-session profiles (0.7.0) for the releases before them', () => {
		expect(missingFixes('0.4.0')?.map((fix) => fix.short)).toEqual(['IMDSv2', 'sso-session profiles']);
		expect(missingFixes('0.6.4')?.map((fix) => fix.short)).toEqual(['sso-session profiles']);
		expect(missingFixes('0.7.0')).toEqual([]);
		expect(missingFixes('Version: 0.12.0')).toEqual([]);
		expect(missingFixes('0.9.1-dev')).toEqual([]);
	});

	it('is undefined when no version could be read', () => {
		expect(missingFixes(undefined)).toBeUndefined();
		expect(missingFixes('unknown')).toBeUndefined();
	});
});

describe('findPanic', () => {
	it('reads the captured 0.6.4 panic on an sso-session profile as that, naming the profile', async () => {
		const stderr = await readFile(PANIC_FIXTURE, 'utf8');
		expect(stderr).toContain('goroutine 1 [running]');
		expect(findPanic(stderr)).toEqual({
			line: 'profile "dev" is configured to use SSO but is missing required configuration: sso_region, sso_start_url',
			ssoSession: true,
			profile: 'dev',
		});
	});

	it('keeps the first line of any other panic or fatal error, redacted', () => {
		expect(
			findPanic('panic: token=abcdefghijklmnopqrstuvwxyz0123456789 rejected\n\ngoroutine 1 [running]:\nmain.main()'),
		).toEqual({
			line: 'token=**** rejected',
			ssoSession: false,
		});
		expect(findPanic('fatal error: out of memory\n\ngoroutine 7 [running]:')).toMatchObject({line: 'out of memory'});
		expect(findPanic('goroutine 1 [running]:\nmain.main()')).toMatchObject({line: 'a Go panic'});
	});

	it('finds none in an ordinary error', () => {
		expect(findPanic('credentials not found in native keychain')).toBeUndefined();
		expect(findPanic('level=error msg="the panic: word mid-line"')).toBeUndefined();
		expect(findPanic(undefined)).toBeUndefined();
	});
});

describe('probesInstanceMetadata', () => {
	it('recognises the SDK falling through to the instance metadata service', () => {
		expect(
			probesInstanceMetadata(
				'error="failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata"',
			),
		).toBe(true);
		expect(probesInstanceMetadata('dial tcp 169.254.169.254:80: i/o timeout')).toBe(true);
		expect(probesInstanceMetadata('AccessDeniedException: not authorized')).toBe(false);
	});
});

describe('cachedTokenFallback', () => {
	it('reads the last fallback line of the log with its error', () => {
		const log = [
			'time="2026-11-27T11:00:00Z" level=debug msg="Retrieving credentials"',
			'time="2026-11-27T12:00:00Z" level=info msg="Got error fetching authorization token. Falling back to cached token." error="ecr: Failed to get authorization token: operation error ECR: GetAuthorizationToken, https response error StatusCode: 403, ExpiredTokenException: The security token included in the request is expired"',
		].join('\n');
		expect(cachedTokenFallback(log)).toEqual({
			reason:
				'ecr: Failed to get authorization token: operation error ECR: GetAuthorizationToken, https response error StatusCode: 403, ExpiredTokenException: The security token included in the request is expired',
		});
	});

	it('is undefined when the helper did not fall back', () => {
		expect(cachedTokenFallback('level=debug msg="Using cached token"')).toBeUndefined();
		expect(cachedTokenFallback(undefined)).toBeUndefined();
	});
});

describe('readHelperCache', () => {
	let root: string;
	beforeEach(async () => {
		root = await mkdtemp(path.join(os.tmpdir(), 'ecr-helper-cache-'));
	});
	afterEach(async () => rm(root, {recursive: true, force: true}));

	it('reads the hosts and dates of each entry, never the token', async () => {
		await mkdir(path.join(root, '.ecr'));
		const cache = {
			Registries: {
				'eu-west-1-abc-123456789012': {
					AuthorizationToken: 'QVdTOnNlY3JldC10b2tlbi12YWx1ZQ==',
					RequestedAt: '2026-11-27T00:00:00Z',
					ExpiresAt: '2026-11-27T12:00:00Z',
					ProxyEndpoint: `https://${HOST}`,
					Service: 'ecr',
				},
				'us-east-1-abc-public': {
					AuthorizationToken: 'x',
					RequestedAt: '2026-11-27T00:00:00Z',
					ExpiresAt: 'not a date',
					ProxyEndpoint: 'https://other.example',
					Service: 'ecr-public',
				},
			},
			Version: '1.0',
		};
		await writeFile(path.join(root, '.ecr', 'cache.json'), JSON.stringify(cache));
		const read = await readHelperCache({}, root);
		expect(read).toEqual({
			state: 'ok',
			file: path.join(root, '.ecr', 'cache.json'),
			entries: [
				{
					host: HOST,
					service: 'ecr',
					requestedAt: new Date('2026-11-27T00:00:00Z'),
					expiresAt: new Date('2026-11-27T12:00:00Z'),
				},
				{
					host: 'other.example',
					service: 'ecr-public',
					requestedAt: new Date('2026-11-27T00:00:00Z'),
					expiresAt: undefined,
				},
			],
		});
		expect(JSON.stringify(read)).not.toContain('QVdTOnNlY3JldC10b2tlbi12YWx1ZQ');
		expect(cacheEntriesFor(read, HOST.toUpperCase())).toHaveLength(1);
		expect(cacheEntriesFor(read, 'public.ecr.aws')).toHaveLength(1);
		expect(cacheEntriesFor(read, '210987654321.dkr.ecr.eu-west-1.amazonaws.com')).toEqual([]);
	});

	it('says missing, unreadable or disabled, and honours AWS_ECR_CACHE_DIR with a ~', async () => {
		expect(await readHelperCache({}, root)).toEqual({state: 'missing', file: path.join(root, '.ecr', 'cache.json')});
		await mkdir(path.join(root, 'c'));
		await writeFile(path.join(root, 'c', 'cache.json'), '{"Registries": ');
		expect(await readHelperCache({AWS_ECR_CACHE_DIR: '~/c'}, root)).toEqual({
			state: 'unreadable',
			file: path.join(root, 'c', 'cache.json'),
			message: 'it is not valid JSON',
		});
		expect(await readHelperCache({AWS_ECR_DISABLE_CACHE: 'yes'}, root)).toMatchObject({state: 'disabled'});
		expect(helperCacheFile({AWS_ECR_CACHE_DIR: '/var/ecr'}, root)).toBe('/var/ecr/cache.json');
	});
});
