/**
 * `--verbose` redaction: secrets of every shape ecr-setup handles, embedded in arbitrary text, never survive
 * `redactSecrets`; identifiers the log needs (digests, account ids, hosts, regions, git SHAs) do.
 */
import fc from 'fast-check';
import {afterEach, describe, expect, it} from 'vitest';
import {debug, disableDebugLog, enableDebugLog, redactSecrets, registerSecret} from '../../../source/lib/log.js';
import {ecrPassword, TEST_KEYS} from '../../helpers/aws-stand-in/index.js';
import {report} from '../../helpers/report.js';

afterEach(() => {
	disableDebugLog();
});

const UPPER_DIGIT = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.split('');
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('');

const accessKeyId = fc
	.tuple(fc.constantFrom('AKIA', 'ASIA'), fc.array(fc.constantFrom(...UPPER_DIGIT), {minLength: 16, maxLength: 16}))
	.map(([prefix, rest]) => prefix + rest.join(''));
/** 40 characters of base64 alphabet with both cases (as every real secret key has). */
const secretAccessKey = fc
	.array(fc.constantFrom(...BASE64), {minLength: 38, maxLength: 38})
	.map((chars) => `a${chars.join('')}Z`);
const sessionToken = fc
	.array(fc.constantFrom(...BASE64), {minLength: 200, maxLength: 600})
	.map((chars) => `IQoJb3JpZ2luX2Vj${chars.join('')}`);
const ecrToken = fc
	.integer({min: 1_700_000_000, max: 2_100_000_000})
	.map((expiration) => Buffer.from(`AWS:${ecrPassword(expiration)}`).toString('base64'));
const ecrPasswordArb = fc
	.integer({min: 1_700_000_000, max: 2_100_000_000})
	.map((expiration) => ecrPassword(expiration));
const proxyPassword = fc.stringMatching(/^[A-Za-z0-9!$%*]{6,20}$/);

/** How a secret shows up in text ecr-setup might log: bare, labelled, in a header, in JSON, in a URL. */
const carrier = fc.constantFrom(
	(secret: string) => secret,
	(secret: string) => `password=${secret}`,
	(secret: string) => `{"auth":"${secret}"}`,
	(secret: string) => `{"Username":"AWS","Secret":"${secret}"}`,
	(secret: string) => `Authorization: Basic ${secret}`,
	(secret: string) =>
		`authorization: AWS4-HMAC-SHA256 Credential=${secret}/20261127/eu-west-1/ecr/aws4_request, Signature=abc`,
	(secret: string) => `aws_secret_access_key = ${secret}`,
	(secret: string) => `AWS_SESSION_TOKEN=${secret}`,
	(secret: string) => `"authorizationToken": "${secret}"`,
	(secret: string) => `X-Amz-Security-Token=${secret}&X-Amz-Date=20261127T120000Z`,
	(secret: string) => `docker login --password ${secret} 1.dkr.ecr.eu-west-1.amazonaws.com`,
);

const noise = fc.string({maxLength: 30}).map((text) => text.replace(/[A-Za-z0-9+/=]+$/, ''));

describe('redactSecrets', () => {
	it('removes every secret shape, whatever surrounds it (property)', () => {
		let runs = 0;
		const secret = fc.oneof(accessKeyId, secretAccessKey, sessionToken, ecrToken, ecrPasswordArb);
		fc.assert(
			fc.property(noise, secret, carrier, noise, (before, value, wrap, after) => {
				runs++;
				const line = `${before} ${wrap(value)} ${after}`;
				const out = redactSecrets(line);
				expect(out).not.toContain(value);
				// Not even a long piece of it survives.
				if (value.length > 24) expect(out).not.toContain(value.slice(4, 24));
			}),
			{numRuns: 600},
		);
		report('log redaction', {'secret-bearing lines tried': runs, 'secrets left in output': 0});
	});

	it('masks proxy passwords in URLs, in any variable', () => {
		fc.assert(
			fc.property(proxyPassword, fc.constantFrom('http', 'https', 'socks5'), (password, scheme) => {
				const out = redactSecrets(`proxy ${scheme}://alice:${password}@proxy.corp:3128 used`);
				expect(out).not.toContain(password);
				expect(out).toContain('proxy.corp:3128');
			}),
			{numRuns: 200},
		);
	});

	it('keeps what a debug line is for: digests, SHAs, account ids, hosts, regions, argv without secrets', () => {
		const digest = 'sha256:4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b';
		const line =
			`process: run docker argv=["docker","login","--username","AWS","--password-stdin","123456789012.dkr.ecr.eu-west-1.amazonaws.com"] ` +
			`stdin=2048 bytes (not shown) ${digest} git=0123456789abcdef0123456789abcdef01234567 region=eu-west-1 status=400 durationMs=12 ` +
			'path=/home/dev/.docker/config.json arn=arn:aws:iam::123456789012:user/dev';
		expect(redactSecrets(line)).toBe(line);
	});

	it('masks exact values registered as secrets, and the environment’s keys once the log is on', () => {
		const lines: string[] = [];
		enableDebugLog({
			env: {...TEST_KEYS, HTTPS_PROXY: 'http://bob:pr0xy-Pa55@proxy:8080'},
			write: (line) => lines.push(line),
		});
		registerSecret('short-but-registered-secret');
		debug('test', 'values', {
			key: TEST_KEYS.AWS_ACCESS_KEY_ID,
			secret: TEST_KEYS.AWS_SECRET_ACCESS_KEY,
			token: TEST_KEYS.AWS_SESSION_TOKEN,
			note: 'x short-but-registered-secret y',
			proxyPassword: 'pr0xy-Pa55',
		});
		expect(lines).toHaveLength(1);
		for (const value of [...Object.values(TEST_KEYS), 'short-but-registered-secret', 'pr0xy-Pa55'])
			expect(lines[0]).not.toContain(value);
		expect(lines[0]).toContain('test: values');
	});

	it('writes nothing when --verbose is off', () => {
		const lines: string[] = [];
		enableDebugLog({write: (line) => lines.push(line)});
		disableDebugLog();
		debug('test', 'hidden');
		expect(lines).toEqual([]);
	});
});
