/**
 * The IAM Identity Center token cache, as the AWS CLI v2 keeps it and the JS and Go SDKs read it:
 * `~/.aws/sso/cache/<sha1 hex of the key>.json`, the key being the sso-session name (or the start URL for a legacy
 * profile). `expiresAt` is UTC ISO-8601 with `Z` and no fraction, as the CLI writes it; the refresh fields are there only
 * for a refreshable session. The file holds bearer tokens: it is always written private (0600), atomically.
 */
import {createHash} from 'node:crypto';
import path from 'node:path';
import {atomicFiles} from '../files/atomic-file.js';
import {awsFileError} from './aws-files.js';
import {homeDirectory} from './profiles.js';
import type {Env} from './types.js';

export type SsoToken = {
	startUrl: string;
	region: string;
	/** Secret: never shown, logged or put on argv. */
	accessToken: string;
	expiresAt: Date;
	clientId?: string;
	/** Secret. */
	clientSecret?: string;
	registrationExpiresAt?: Date;
	/** Secret. */
	refreshToken?: string;
};

/** What the cache is keyed by: the session's name, or (legacy profiles) the start URL. */
export function tokenCacheKey(target: {session?: string | undefined; startUrl: string}): string {
	return target.session ?? target.startUrl;
}

export function tokenCachePath(key: string, env: Env): string {
	const name = createHash('sha1').update(key).digest('hex');
	return path.join(homeDirectory(env), '.aws', 'sso', 'cache', `${name}.json`);
}

/** `2026-12-06T23:00:00Z`: the CLI's form, seconds only. */
export function cliTimestamp(date: Date): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The cache file's text, fields in the CLI's order. */
export function serialiseToken(token: SsoToken): string {
	const refreshable = token.clientId && token.clientSecret && token.refreshToken && token.registrationExpiresAt;
	return JSON.stringify({
		startUrl: token.startUrl,
		region: token.region,
		accessToken: token.accessToken,
		expiresAt: cliTimestamp(token.expiresAt),
		...(refreshable
			? {
					clientId: token.clientId,
					clientSecret: token.clientSecret,
					registrationExpiresAt: cliTimestamp(token.registrationExpiresAt!),
					refreshToken: token.refreshToken,
				}
			: {}),
	});
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

function date(value: unknown): Date | undefined {
	const parsed = typeof value === 'string' ? new Date(value) : undefined;
	return parsed && !Number.isNaN(parsed.getTime()) ? parsed : undefined;
}

/** A cache file's token, or undefined when it is not one (another tool's file, a half-written one). */
export function parseCachedToken(raw: string): SsoToken | undefined {
	let value: Record<string, unknown>;
	try {
		const parsed: unknown = JSON.parse(raw);
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
		value = parsed as Record<string, unknown>;
	} catch {
		return undefined;
	}

	const accessToken = text(value['accessToken']);
	const expiresAt = date(value['expiresAt']);
	const startUrl = text(value['startUrl']);
	const region = text(value['region']);
	if (!accessToken || !expiresAt || !startUrl || !region) return undefined;
	const clientId = text(value['clientId']);
	const clientSecret = text(value['clientSecret']);
	const refreshToken = text(value['refreshToken']);
	const registrationExpiresAt = date(value['registrationExpiresAt']);
	return {
		startUrl,
		region,
		accessToken,
		expiresAt,
		...(clientId ? {clientId} : {}),
		...(clientSecret ? {clientSecret} : {}),
		...(registrationExpiresAt ? {registrationExpiresAt} : {}),
		...(refreshToken ? {refreshToken} : {}),
	};
}

/** The client registration a token carries, when it is still good for `marginMs`. */
export function usableRegistration(
	token: SsoToken | undefined,
	now: Date,
	marginMs = 60 * 60 * 1000,
): {clientId: string; clientSecret: string; expiresAt: Date} | undefined {
	if (!token?.clientId || !token.clientSecret || !token.registrationExpiresAt) return undefined;
	if (token.registrationExpiresAt.getTime() - now.getTime() <= marginMs) return undefined;
	return {clientId: token.clientId, clientSecret: token.clientSecret, expiresAt: token.registrationExpiresAt};
}

export async function readCachedToken(file: string): Promise<SsoToken | undefined> {
	const files = atomicFiles({explain: awsFileError});
	const current = await files.readCurrent(file).catch(() => undefined);
	return current?.exists ? parseCachedToken(current.bytes.toString('utf8')) : undefined;
}

/** Written as a new private file whatever was there, through the one atomic writer. */
export async function writeCachedToken(file: string, token: SsoToken): Promise<void> {
	const files = atomicFiles({explain: awsFileError});
	const realPath = await files.resolveWritePath(file);
	await files.ensureDirectoryFor(realPath);
	await files.replaceFile(realPath, Buffer.from(serialiseToken(token), 'utf8'), undefined);
	await files.removeStaleTemps(realPath);
}
