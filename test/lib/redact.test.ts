import {describe, expect, it} from 'vitest';
import {MASK, redact} from '../../source/lib/redact.js';

describe('redact: the one redactor', () => {
	it('masks the given values, and ignores values too short to be secrets', () => {
		expect(redact('pw hunter22 and abc', ['hunter22', 'abc', undefined])).toBe(`pw ${MASK} and abc`);
	});

	it.each([
		['{"accessToken":"aoa.secret-value","refreshToken":"r3fr3sh"}', '{"accessToken":"****","refreshToken":"****"}'],
		['?token=abc123def&next=1', '?token=****&next=1'],
		['sent Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== to it', 'sent Basic **** to it'],
		['role id AROAEXAMPLEEXAMPLE12 assumed', 'role id AROAEXAM**** assumed'],
		['raw Zx9Kq2Lm8Np4Rt6Vw1Yb3Cd5Ef7Gh0Jk2Mn4Pq6St8 there', 'raw **** there'],
	])('%s', (input, output) => {
		expect(redact(input)).toBe(output);
	});

	it.each([
		'the authorization token: operation error ECR: GetAuthorizationToken',
		'sha256:3f4b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c',
		'/home/developer/projects/some-very-long-directory-name/another/level',
	])('leaves %s alone', (input) => {
		expect(redact(input)).toBe(input);
	});
});
