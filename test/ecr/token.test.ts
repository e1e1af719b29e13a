import {describe, expect, it} from 'vitest';
import {decodeBasicAuth, ecrPasswordExpiry, encodeBasicAuth, storedAuthExpiry} from '../../source/ecr/token.js';
import {redact} from '../../source/lib/redact.js';

function ecrPassword(expiration: number | string): string {
	return Buffer.from(
		JSON.stringify({payload: 'opaque', datakey: 'k', version: '2', type: 'DATA_KEY', expiration}),
	).toString('base64');
}

describe('ECR tokens', () => {
	it('decodes base64 user:password, keeping colons in the password', () => {
		expect(decodeBasicAuth(encodeBasicAuth('AWS', 'a:b:c'))).toEqual({username: 'AWS', password: 'a:b:c'});
		expect(decodeBasicAuth(Buffer.from('nocolon').toString('base64'))).toBeUndefined();
	});

	it('reads the expiry of a stored ECR token, best effort', () => {
		const auth = encodeBasicAuth('AWS', ecrPassword(1_800_000_000));
		expect(storedAuthExpiry(auth)?.toISOString()).toBe(new Date(1_800_000_000_000).toISOString());
		expect(ecrPasswordExpiry(ecrPassword('1800000000'))?.getTime()).toBe(1_800_000_000_000);
	});

	it('says "unknown" (undefined) rather than guessing', () => {
		expect(storedAuthExpiry(encodeBasicAuth('someone', ecrPassword(1)))).toBeUndefined();
		expect(ecrPasswordExpiry('not-base64-json')).toBeUndefined();
		expect(ecrPasswordExpiry(Buffer.from('{"expiration":"soon"}').toString('base64'))).toBeUndefined();
	});

	it('redacts every occurrence of a secret', () => {
		expect(redact('a SECRET b SECRET', ['SECRET', undefined])).toBe('a **** b ****');
	});
});
