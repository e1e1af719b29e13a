import {chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {CancelledError, UserError} from '../../source/errors/user-errors.js';
import {createCredentialHelperService, ecrLoginLogPath} from '../../source/credential-helper/service.js';
import {createProcessRunner} from '../../source/process/runner.js';
import type {InstallPlan} from '../../source/credential-helper/types.js';
import {redact} from '../../source/lib/redact.js';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
// Looks like an ECR password; must never come back out of the service.
const SECRET = 'eyJwYXlsb2FkIjoiQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVoxMjM0NTY3ODkwIiwidmVyc2lvbiI6IjIifQ==';
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
/** What docker-credential-ecr-login 0.6.4 printed on stderr for a profile that uses an [sso-session] section. */
const PANIC_FIXTURE = path.join(
	import.meta.dirname,
	'../fixtures/credential-helper/ecr-login-0.6.4-sso-session-panic.stderr',
);

let root: string;
let bin: string;
let home: string;
let cache: string;

async function script(name: string, body: string, mode = 0o755): Promise<string> {
	const file = path.join(bin, name);
	// Only shell builtins (and absolute paths): PATH holds nothing but our temp bin dir.
	await writeFile(file, `#!/bin/sh\n${body}\n`);
	await chmod(file, mode);
	return file;
}

function service(overrides: {env?: Record<string, string>; timeoutMs?: number; releaseBaseUrl?: string} = {}) {
	return createCredentialHelperService({
		runner: createProcessRunner(),
		env: {PATH: bin, AWS_ECR_CACHE_DIR: cache, ...overrides.env},
		platform: 'linux',
		arch: 'x64',
		home,
		...(overrides.timeoutMs ? {timeoutMs: overrides.timeoutMs} : {}),
		...(overrides.releaseBaseUrl ? {releaseBaseUrl: overrides.releaseBaseUrl, releaseVersion: '0.12.0'} : {}),
	});
}

beforeEach(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-helper-'));
	bin = path.join(root, 'bin');
	home = path.join(root, 'home dir');
	cache = path.join(root, 'ecr cache');
	await mkdir(bin);
	await mkdir(home);
});

afterEach(async () => {
	await rm(root, {recursive: true, force: true});
});

describe('find', () => {
	it('finds docker-credential-ecr-login on PATH with its version', async () => {
		const file = await script('docker-credential-ecr-login', '[ "$1" = version ] && echo 0.9.0 && exit 0\nexit 1');
		expect(await service().find()).toEqual({name: 'ecr-login', path: file, version: '0.9.0'});
	});

	it('reads the version line of helpers that print more', async () => {
		await script(
			'docker-credential-pass',
			'echo "docker-credential-pass (github.com/docker/docker-credential-helpers) v0.8.2"',
		);
		expect((await service().find('pass'))?.version).toBe('0.8.2');
		await script(
			'docker-credential-ecr-login',
			'printf "amazon-ecr-credential-helper\\nVersion:    0.12.0\\nGit commit: abc\\n"',
		);
		expect((await service().find())?.version).toBe('0.12.0');
	});

	it('a helper without a version subcommand is still found', async () => {
		const file = await script('docker-credential-odd', 'exit 3');
		expect(await service().find('odd')).toEqual({name: 'odd', path: file});
	});

	it('is null when missing, or present but not executable', async () => {
		expect(await service().find('nothing-here')).toBeNull();
		await script('docker-credential-ecr-login', 'echo 0.9.0', 0o644);
		expect(await service().find()).toBeNull();
	});
});

describe('get', () => {
	it('runs `get` with the host on stdin and returns only the username', async () => {
		await script(
			'docker-credential-ecr-login',
			`[ "$1" = get ] || exit 2
read -r host
[ "$host" = "${HOST}" ] || { echo "wrong host: $host"; exit 1; }
printf '{"ServerURL":"%s","Username":"AWS","Secret":"${SECRET}"}\\n' "$host"`,
		);
		const result = await service().get(HOST);
		expect(result).toEqual({ok: true, username: 'AWS'});
		expect(JSON.stringify(result)).not.toContain(SECRET);
	});

	it('an abort stops a helper that never answers (a keychain prompt nobody sees), at once', async () => {
		const pidFile = path.join(root, 'helper.pid');
		await script('docker-credential-ecr-login', `echo $$ > '${pidFile}'\nexec /bin/sleep 30`);
		const controller = new AbortController();
		const started = Date.now();
		const pending = service().get(HOST, 'ecr-login', {signal: controller.signal});
		await vi.waitFor(async () => expect((await readFile(pidFile, 'utf8').catch(() => '')).trim()).not.toBe(''), {
			timeout: 5000,
		});
		controller.abort();
		await expect(pending).rejects.toBeInstanceOf(CancelledError);
		expect(Date.now() - started).toBeLessThan(5000);
		const pid = Number((await readFile(pidFile, 'utf8')).trim());
		await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(), {timeout: 5000});
	});

	it('withEnv runs the helper with more environment (AWS_PROFILE for a profile picked in the wizard)', async () => {
		await script(
			'docker-credential-ecr-login',
			`[ "$1" = get ] || exit 2
read -r host
[ "$AWS_PROFILE" = "prod" ] || { echo "credentials not found in native keychain (profile: $AWS_PROFILE)"; exit 1; }
printf '{"ServerURL":"%s","Username":"AWS","Secret":"${SECRET}"}\\n' "$host"`,
		);
		expect((await service().get(HOST)).ok).toBe(false);
		expect(await service().withEnv!({AWS_PROFILE: 'prod'}).get(HOST)).toEqual({ok: true, username: 'AWS'});
	});

	it('not found: the message from stdout and the tail of the ecr-login log, redacted', async () => {
		const logDir = path.join(cache, 'log');
		await mkdir(logDir, {recursive: true});
		// An older run's lines: not this run's story.
		await writeFile(path.join(logDir, 'ecr-login.log'), 'time="2026-11-26T08:00:00Z" level=debug msg="an old run"\n');
		await script(
			'docker-credential-ecr-login',
			`read -r host
log="$AWS_ECR_CACHE_DIR/log/ecr-login.log"
echo 'time="2026-11-27T20:52:20Z" level=debug msg="Retrieving credentials" region=us-east-1 registry=123456789012 serverURL='"$host"' service=ecr' >> "$log"
echo 'time="2026-11-27T20:52:20Z" level=debug msg="Using key ${ACCESS_KEY} with token=${SECRET}"' >> "$log"
echo 'time="2026-11-27T20:52:20Z" level=error msg="Error retrieving credentials" error="ecr: Failed to get authorization token: operation error ECR: GetAuthorizationToken, failed to sign request: failed to retrieve credentials: failed to refresh cached credentials, no EC2 IMDS role found"' >> "$log"
echo "credentials not found in native keychain"
exit 1`,
		);
		const result = await service().get(HOST);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.message).toBe('credentials not found in native keychain');
		expect(result.logExcerpt).toContain('Error retrieving credentials');
		expect(result.logExcerpt).toContain(`serverURL=${HOST}`);
		expect(result.logExcerpt).toContain('no EC2 IMDS role found');
		expect(result.logExcerpt).not.toContain('an old run');
		expect(result.logExcerpt).not.toContain(SECRET);
		expect(result.logExcerpt).not.toContain(ACCESS_KEY);
		expect(result.logExcerpt).toContain('AKIAIOSF****');
	});

	it('reads ~/.ecr/log/ecr-login.log when AWS_ECR_CACHE_DIR is unset', async () => {
		await mkdir(path.join(home, '.ecr', 'log'), {recursive: true});
		await script(
			'docker-credential-ecr-login',
			`echo 'level=error msg="Error retrieving credentials" error="NoCredentialProviders"' >> "${home}/.ecr/log/ecr-login.log"
echo "credentials not found in native keychain"; exit 1`,
		);
		const helper = createCredentialHelperService({
			runner: createProcessRunner(),
			env: {PATH: bin},
			platform: 'linux',
			home,
		});
		const result = await helper.get(HOST);
		expect(result).toEqual({
			ok: false,
			message: 'credentials not found in native keychain',
			logExcerpt: expect.stringContaining('NoCredentialProviders'),
		});
		expect(ecrLoginLogPath({}, home)).toBe(path.join(home, '.ecr', 'log', 'ecr-login.log'));
		expect(ecrLoginLogPath({AWS_ECR_CACHE_DIR: '/var/cache/ecr'}, home)).toBe('/var/cache/ecr/log/ecr-login.log');
	});

	it('no log, other helpers: just the message', async () => {
		await script(
			'docker-credential-pass',
			'echo "pass not initialized: exit status 1: Error: password store is empty. Try \\"pass init\\"."; exit 1',
		);
		expect(await service().get(HOST, 'pass')).toEqual({
			ok: false,
			message: 'pass not initialized: exit status 1: Error: password store is empty. Try "pass init".',
		});
		await script('docker-credential-ecr-login', 'echo "credentials not found in native keychain"; exit 1');
		expect(await service().get(HOST)).toEqual({ok: false, message: 'credentials not found in native keychain'});
	});

	it('a Go panic (0.6.4 on an sso-session profile, as captured) becomes its message alone, never a stack frame', async () => {
		await script('docker-credential-ecr-login', `read -r host\n/bin/cat '${PANIC_FIXTURE}' >&2\nexit 2`);
		const result = await service().get(HOST);
		expect(result).toEqual({
			ok: false,
			message:
				'docker-credential-ecr-login get crashed (exit code 2): profile "dev" is configured to use SSO but is missing required configuration: sso_region, sso_start_url',
			panic: {
				line: 'profile "dev" is configured to use SSO but is missing required configuration: sso_region, sso_start_url',
				ssoSession: true,
				profile: 'dev',
			},
		});
	});

	it('another panic keeps its first line only; without a panic line, it is still no stack', async () => {
		await script(
			'docker-credential-ecr-login',
			`echo 'panic: runtime error: invalid memory address or nil pointer dereference' >&2
echo '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x5b1e2a]' >&2
echo '' >&2
echo 'goroutine 1 [running]:' >&2
echo 'main.main()' >&2
echo '	github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/main.go:45 +0x194' >&2
exit 2`,
		);
		expect(await service().get(HOST)).toMatchObject({
			ok: false,
			message:
				'docker-credential-ecr-login get crashed (exit code 2): runtime error: invalid memory address or nil pointer dereference',
			panic: {ssoSession: false},
		});
		await script(
			'docker-credential-ecr-login',
			`echo 'goroutine 1 [running]:' >&2\necho '	/src/main.go:45 +0x194' >&2\nexit 2`,
		);
		const bare = await service().get(HOST);
		expect(bare).toMatchObject({
			ok: false,
			message: 'docker-credential-ecr-login get crashed (exit code 2): a Go panic',
		});
	});

	it('a successful get keeps what this run logged (a refresh that failed shows only there), not older lines', async () => {
		const log = path.join(cache, 'log', 'ecr-login.log');
		await mkdir(path.dirname(log), {recursive: true});
		await writeFile(log, 'time="2026-11-26T08:00:00Z" level=info msg="an old run"\n');
		await script(
			'docker-credential-ecr-login',
			`read -r host
printf '{"ServerURL":"%s","Username":"AWS","Secret":"${SECRET}"}\\n' "$host"`,
		);
		expect(await service().get(HOST)).toEqual({ok: true, username: 'AWS'});
		await script(
			'docker-credential-ecr-login',
			`read -r host
echo 'time="2026-11-27T12:00:00Z" level=info msg="Got error fetching authorization token. Falling back to cached token." error="ExpiredToken"' >> '${log}'
printf '{"ServerURL":"%s","Username":"AWS","Secret":"${SECRET}"}\\n' "$host"`,
		);
		const result = await service().get(HOST);
		expect(result).toEqual({
			ok: true,
			username: 'AWS',
			logExcerpt: expect.stringContaining('Falling back to cached token'),
		});
		expect(JSON.stringify(result)).not.toContain('an old run');
	});

	it('a helper that answers with something other than JSON is a failure that does not echo its output', async () => {
		await script('docker-credential-ecr-login', `echo "Username=AWS Secret=${SECRET}"`);
		const result = await service().get(HOST);
		expect(result).toMatchObject({ok: false, message: expect.stringMatching(/not with the JSON docker expects/)});
		expect(JSON.stringify(result)).not.toContain(SECRET);
	});

	it('redacts token-like strings in the helper’s own error output', async () => {
		await script('docker-credential-ecr-login', `echo "token=${SECRET} rejected"; exit 1`);
		const result = await service().get(HOST);
		expect(JSON.stringify(result)).not.toContain(SECRET);
		expect(result).toMatchObject({ok: false, message: 'token=**** rejected'});
	});

	it('a helper that is not on PATH', async () => {
		expect(await service().get(HOST, 'desktop.exe')).toEqual({
			ok: false,
			message: 'docker-credential-desktop.exe is not on PATH.',
		});
	});

	it('a helper that hangs is stopped', async () => {
		await script('docker-credential-ecr-login', 'exec /bin/sleep 30');
		const result = await service({timeoutMs: 300}).get(HOST);
		expect(result).toMatchObject({ok: false, message: 'docker-credential-ecr-login get did not answer in time.'});
	});
});

describe('redact, on what a helper or its log says', () => {
	it.each([
		[`{"Username":"AWS","Secret":"${SECRET}"}`, '{"Username":"AWS","Secret":"****"}'],
		[`key ${ACCESS_KEY} used`, 'key AKIAIOSF**** used'],
		['Authorization: Bearer abcdefghijklmnop.qrs', 'Authorization: ****'],
		[`password=hunter2hunter2 next`, 'password=**** next'],
		[`raw ${SECRET} here`, 'raw **** here'],
	])('%s', (input, output) => {
		expect(redact(input)).toBe(output);
	});

	it.each([
		'digest: sha256:3f4b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c',
		'/home/developer/projects/some-very-long-directory-name/another/level',
		'arn:aws:iam::123456789012:role/MyVeryLongRoleNameForContinuousIntegrationJobs',
		'error="ecr: Failed to get authorization token: operation error ECR: GetAuthorizationToken"',
	])('leaves %s alone', (input) => {
		expect(redact(input)).toBe(input);
	});
});

describe('install with a package manager (real processes)', () => {
	function plan(overrides: Partial<InstallPlan>): InstallPlan {
		return {method: 'brew', before: [], command: [], needsSudo: false, description: 'test', ...overrides};
	}

	it('runs `before`, then the command, streaming lines, then finds the helper', async () => {
		const marker = path.join(root, 'updated');
		const update = await script(
			'fake-update',
			`echo "Hit:1 http://deb.debian.org/debian bookworm InRelease"\n: > "${marker}"`,
		);
		const installer = await script(
			'fake-install',
			`[ -e "${marker}" ] || { echo "update did not run first" >&2; exit 1; }
echo "Setting up amazon-ecr-credential-helper (0.6.4) ..."
printf '#!/bin/sh\\necho 0.6.4\\n' > "${bin}/docker-credential-ecr-login"
/bin/chmod 755 "${bin}/docker-credential-ecr-login"`,
		);
		const lines: string[] = [];
		const info = await service().install(
			plan({method: 'apt', before: [[update]], command: [installer, 'install', '-y', 'amazon-ecr-credential-helper']}),
			{
				onLine: (line) => lines.push(line),
			},
		);
		expect(info).toEqual({name: 'ecr-login', path: path.join(bin, 'docker-credential-ecr-login'), version: '0.6.4'});
		expect(lines).toEqual([
			`$ ${update}`,
			'Hit:1 http://deb.debian.org/debian bookworm InRelease',
			`$ ${installer} install -y amazon-ecr-credential-helper`,
			'Setting up amazon-ecr-credential-helper (0.6.4) ...',
		]);
	});

	it('a failing step stops the install and says which command failed', async () => {
		const update = await script(
			'fake-update',
			'echo "E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)" >&2; exit 100',
		);
		const installer = await script('fake-install', `: > "${root}/should-not-run"`);
		const error = (await service()
			.install(plan({method: 'apt', before: [[update]], command: [installer]}))
			.catch((error_: unknown) => error_)) as UserError;
		expect(error).toBeInstanceOf(UserError);
		expect(error.code).toBe('helper.install-failed');
		expect(error.message).toContain('exit code 100');
		expect(error.message).toContain('Could not open lock file');
		await expect(stat(path.join(root, 'should-not-run'))).rejects.toThrow();
	});

	it('installed outside PATH (Homebrew not on PATH): says where and how to fix PATH', async () => {
		const prefix = path.join(root, 'homebrew', 'bin');
		await mkdir(prefix, {recursive: true});
		const brew = path.join(prefix, 'brew');
		await writeFile(
			brew,
			`#!/bin/sh\nprintf '#!/bin/sh\\necho 0.12.0\\n' > "${prefix}/docker-credential-ecr-login"\n/bin/chmod 755 "${prefix}/docker-credential-ecr-login"\n`,
		);
		await chmod(brew, 0o755);
		const error = (await service()
			.install(plan({command: [brew, 'install', 'docker-credential-helper-ecr']}))
			.catch((error_: unknown) => error_)) as UserError;
		expect(error.code).toBe('helper.not-on-path');
		expect(error.message).toContain(path.join(prefix, 'docker-credential-ecr-login'));
		expect(error.hint).toContain(`${brew} shellenv`);
	});
});
