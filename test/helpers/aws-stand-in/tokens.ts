/**
 * ECR's token shapes: a registry password is base64 of JSON with an `expiration` (Unix seconds), and the
 * authorization token is base64("AWS:" + password).
 */
import {randomBytes} from 'node:crypto';

/** ECR gives a token 12 hours. */
export const TOKEN_LIFETIME_S = 12 * 60 * 60;

function password({payload, datakey, expiration}: {payload: string; datakey: string; expiration: number}): string {
	return Buffer.from(JSON.stringify({payload, datakey, version: '2', type: 'DATA_KEY', expiration})).toString('base64');
}

/** A password with a recognisable payload (`salt` tells tests' passwords apart), the same on every call. */
export function ecrPassword(expiresAtSeconds: number, salt = 'x'): string {
	const payload = `secret-payload-${salt}-${'Z'.repeat(40)}`;
	return password({payload, datakey: 'AQIDAHh', expiration: expiresAtSeconds});
}

/**
 * A fresh random password. The random payload comes first because bcrypt (the registries' htpasswd) reads only the
 * first 72 bytes, and the whole stays near 180 characters because `htpasswd` refuses passwords over 256.
 */
export function randomPassword(expiresAtSeconds: number): string {
	return password({
		payload: randomBytes(45).toString('base64'),
		datakey: randomBytes(12).toString('base64'),
		expiration: expiresAtSeconds,
	});
}

export function encodeToken(password: string): string {
	return Buffer.from(`AWS:${password}`).toString('base64');
}

export function passwordExpiry(password: string): number | undefined {
	try {
		const parsed = JSON.parse(Buffer.from(password, 'base64').toString('utf8')) as {expiration?: unknown};
		return typeof parsed.expiration === 'number' ? parsed.expiration : undefined;
	} catch {
		return undefined;
	}
}
