/**
 * `sign-in` through `main()` with the real services, against the AWS stand-in, with --verbose on: the access and refresh
 * tokens, the client secret and the device code of IAM Identity Center, and a secret access key read from stdin, never
 * reach stdout, stderr, the debug log, the JSON document or the config file; the key's secret reaches only the
 * credentials file, which is private.
 */
import {mkdir, mkdtemp, readFile, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {disableDebugLog} from '../../../source/lib/log.js';
import {awsEnv, DEFAULT_START_URL, type StandIn, startAwsStandIn} from '../../helpers/aws-stand-in/index.js';
import {report} from '../../helpers/report.js';

const KEY_ID = ['AKIA', 'SECRETSSUITE0042'].join('');
const SECRET = ['Zq8/Lm3+Tn6', 'Vb9Xc2Wd5Ef7Gh1Jk4Mp0Rs'].join('');

let standIn: StandIn;
let dir: string;
let env: Record<string, string | undefined>;

beforeEach(async () => {
	standIn = await startAwsStandIn({identityCenter: {approveAfterPolls: 1}});
	dir = await mkdtemp(join(tmpdir(), 'ecr-secrets-sign-in-'));
	await mkdir(join(dir, 'bin'));
	env = {
		...awsEnv(standIn.url, {
			HOME: dir,
			AWS_CONFIG_FILE: join(dir, '.aws', 'config'),
			AWS_SHARED_CREDENTIALS_FILE: join(dir, '.aws', 'credentials'),
			// No credential helper to ask for its version: the run is the same on every machine.
			PATH: join(dir, 'bin'),
		}),
		AWS_ACCESS_KEY_ID: undefined,
		AWS_SECRET_ACCESS_KEY: undefined,
		AWS_SESSION_TOKEN: undefined,
	};
	for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
});

afterEach(async () => {
	disableDebugLog();
	vi.unstubAllEnvs();
	await standIn.close();
	await rm(dir, {recursive: true, force: true});
});

async function run(args: string[], stdin = '') {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	const input = new PassThrough();
	let out = '';
	let err = '';
	stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
	stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
	input.end(stdin);
	const {main} = await import('../../../source/cli.js');
	const code = await main(
		args,
		{stdout, stderr, stdin: input} as unknown as Parameters<typeof main>[1],
		{...env} as NodeJS.ProcessEnv,
	);
	disableDebugLog();
	return {code, out, err};
}

function absent(secrets: string[], places: Record<string, string>): number {
	let checks = 0;
	for (const [place, text] of Object.entries(places)) {
		for (const secret of secrets) {
			expect(text.includes(secret), `${place} holds a secret`).toBe(false);
			checks++;
		}
	}

	return checks;
}

describe('sign-in keeps its secrets', () => {
	it('IAM Identity Center: tokens, client secret and device code appear nowhere but the private token cache', async () => {
		const result = await run([
			'sign-in',
			'--sso-start-url',
			DEFAULT_START_URL,
			'--sso-region',
			'eu-west-1',
			'--yes',
			'--json',
			'--verbose',
		]);
		expect(result.code, result.err).toBe(0);
		expect(result.err).toContain('aws: sso-oidc:CreateToken');
		const center = standIn.model.identityCenter;
		const secrets = [
			...center.accessTokens.keys(),
			...center.refreshTokens.keys(),
			...center.authorizations.keys(),
			...[...center.clients.values()].map((client) => client.secret),
		];
		expect(secrets.length).toBeGreaterThanOrEqual(4);
		const json = JSON.parse(result.out) as {signedIn: {cachePath: string}};
		const config = await readFile(join(dir, '.aws', 'config'), 'utf8');
		const checks = absent(secrets, {stdout: result.out, stderr: result.err, config});
		const cache = await readFile(json.signedIn.cachePath, 'utf8');
		expect(secrets.filter((secret) => cache.includes(secret)).length).toBe(3);
		expect((await stat(json.signedIn.cachePath)).mode & 0o777).toBe(0o600);
		report('secrets: sign-in (IAM Identity Center)', {
			'secrets handed out': secrets.length,
			'absence checks': checks,
			'secrets found': 0,
		});
	});

	it('access keys: the secret from stdin is checked, stored 0600, and shown nowhere', async () => {
		const result = await run(
			['sign-in', '--access-key-id', KEY_ID, '--secret-access-key-stdin', '--profile', 'ci', '--yes', '--verbose'],
			`${SECRET}\n`,
		);
		expect(result.code, result.err).toBe(0);
		expect(result.err).toContain('aws: sts:GetCallerIdentity');
		expect(result.out).toContain('aws_secret_access_key = **** (new)');
		const credentials = join(dir, '.aws', 'credentials');
		expect(await readFile(credentials, 'utf8')).toContain(`aws_secret_access_key = ${SECRET}`);
		expect((await stat(credentials)).mode & 0o777).toBe(0o600);
		const checks = absent([SECRET, KEY_ID], {stdout: result.out, stderr: result.err});
		report('secrets: sign-in (access keys)', {'absence checks': checks, 'secrets found': 0});
	});
});
