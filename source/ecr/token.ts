/**
 * ECR authorization tokens: `authorizationToken` is base64("AWS:<password>"); the password is, best effort,
 * base64 of JSON with an `expiration` (Unix seconds). Nothing here ever returns or prints the secret in a message.
 */

export type DecodedAuth = {username: string; password: string};

/** Decode base64("user:pass") as in docker's `auths[host].auth` and ECR's authorizationToken. */
export function decodeBasicAuth(encoded: string): DecodedAuth | undefined {
	let text: string;
	try {
		text = Buffer.from(encoded, 'base64').toString('utf8');
	} catch {
		return undefined;
	}

	const colon = text.indexOf(':');
	if (colon <= 0) return undefined;
	return {username: text.slice(0, colon), password: text.slice(colon + 1)};
}

export function encodeBasicAuth(username: string, password: string): string {
	return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/**
 * Best-effort expiry of an ECR registry password. AWS does not document the format:
 * undefined means "unknown", never "valid".
 */
export function ecrPasswordExpiry(password: string): Date | undefined {
	try {
		const json = JSON.parse(Buffer.from(password, 'base64').toString('utf8')) as unknown;
		if (typeof json !== 'object' || json === null) return undefined;
		const expiration = (json as Record<string, unknown>)['expiration'];
		const seconds =
			typeof expiration === 'number' ? expiration : typeof expiration === 'string' ? Number(expiration) : Number.NaN;
		if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
		return new Date(seconds * 1000);
	} catch {
		return undefined;
	}
}

/** Expiry of a docker `auths[host].auth` value that holds an ECR token, when it can be read. */
export function storedAuthExpiry(auth: string): Date | undefined {
	const decoded = decodeBasicAuth(auth);
	if (decoded?.username !== 'AWS') return undefined;
	return ecrPasswordExpiry(decoded.password);
}
