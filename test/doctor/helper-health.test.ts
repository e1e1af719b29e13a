/**
 * The doctor on docker-credential-ecr-login's own health: its release, how long `get` takes, a stall on the instance
 * metadata service, a Go panic on an [sso-session] profile, and an expired token its cache hands back. Real config and
 * cache files; the helper is a script on PATH (the process boundary), the panic its captured real output.
 */
import {mkdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {AwsProfile} from '../../source/aws/types.js';
import {upgradeFix} from '../../source/doctor/checks/helper-health.js';
import type {DoctorFacts} from '../../source/doctor/facts.js';
import {formatReport} from '../../source/doctor/format.js';
import {reportToJson, runDoctor} from '../../source/doctor/run-doctor.js';
import type {CheckId, CheckResult, DoctorOptions, DoctorReport} from '../../source/doctor/types.js';
import {
	HELPER_SECRET,
	HOST,
	NOW,
	awsError,
	makeMachine,
	type Machine,
	type MachineOptions,
} from '../helpers/doctor-machine.js';

const PANIC_FIXTURE = path.join(
	import.meta.dirname,
	'../fixtures/credential-helper/ecr-login-0.6.4-sso-session-panic.stderr',
);
const HOUR = 3600_000;
/** ecr-setup's own SDK finds no credentials either (what the AWS SDK for JavaScript raises then). */
const NO_CREDENTIALS = {
	getCallerIdentity: async () => {
		throw awsError('CredentialsProviderError', 'Could not load credentials from any providers');
	},
};

let machine: Machine | undefined;
afterEach(async () => machine?.cleanup());

async function doctor(options: MachineOptions, doctorOptions: DoctorOptions = {}): Promise<DoctorReport> {
	machine = await makeMachine({config: {credHelpers: {[HOST]: 'ecr-login'}}, ...options});
	return runDoctor(machine.services, {registry: HOST}, {platform: 'linux', ...doctorOptions});
}

function check(report: DoctorReport, id: CheckId): CheckResult {
	return report.checks.find((entry) => entry.id === id)!;
}

/** A helper printing `version` and answering `get` with `get` (a shell snippet; the host is in $server). */
function helper(
	version: string,
	get = `printf '{"ServerURL":"%s","Username":"AWS","Secret":"${HELPER_SECRET}"}\\n' "$server"`,
) {
	return `#!/bin/sh
if [ "$1" = "version" ]; then echo "${version}"; exit 0; fi
if [ "$1" = "get" ]; then
  read -r server
  ${get}
  exit 0
fi
exit 1
`;
}

function ssoProfile(name: string): AwsProfile {
	return {name, sso: true, ssoSession: 'corp', mfa: false, source: 'config'};
}

/** Stack frames of a Go panic: none may ever reach the screen or the JSON. */
const STACK_LINE = /goroutine \d+ \[|\.go:\d+|\+0x[0-9a-f]+|github\.com\/awslabs/;

describe('docker.helper-version', () => {
	it('passes for a release with both fixes, naming them', async () => {
		const report = await doctor({binaries: {'docker-credential-ecr-login': helper('0.9.1')}});
		expect(check(report, 'docker.helper-version')).toMatchObject({
			status: 'pass',
			detail: expect.stringMatching(
				/^docker-credential-ecr-login 0\.9\.1 at .* reads IMDSv2 and sso-session profiles$/,
			),
		});
	});

	it('warns for a release before IMDSv2 and sso-session support, with the verified upgrade', async () => {
		const report = await doctor({binaries: {'docker-credential-ecr-login': helper('0.4.0')}});
		const version = check(report, 'docker.helper-version');
		expect(version.status).toBe('warn');
		expect(version.detail).toContain('0.4.0');
		expect(version.detail).toContain('IMDSv2 (instance metadata with session tokens');
		expect(version.detail).toContain('(since 0.5.0)');
		expect(version.detail).toContain('(since 0.7.0)');
		expect(version.fix?.command).toBe('ecr-setup install-helper --method binary');
		expect(version.fix?.description).toContain('Upgrade to 0.7.0 or later.');
		// The old helper is not in ~/.local/bin, where the new one goes: PATH order matters.
		expect(version.fix?.description).toContain(`must come before ${machine!.bin} on PATH`);
	});

	it('fails when the profile in use signs in through an [sso-session] the helper cannot read', async () => {
		const report = await doctor({
			binaries: {'docker-credential-ecr-login': helper('0.6.4')},
			aws: {profile: 'dev', listProfiles: async () => [ssoProfile('dev')]},
		});
		const version = check(report, 'docker.helper-version');
		expect(version.status).toBe('fail');
		expect(version.detail).toContain('Profile dev uses [sso-session corp], which this helper cannot read');
		expect(version.fix?.command).toBe('ecr-setup install-helper --method binary');
	});

	it('warns when no version can be read', async () => {
		const report = await doctor({binaries: {'docker-credential-ecr-login': helper('unknown')}});
		const version = check(report, 'docker.helper-version');
		expect(version.status).toBe('warn');
		expect(version.detail).toContain('did not print a version');
		expect(version.fix?.command).toBe('ecr-setup install-helper --method binary');
	});

	it('offers Homebrew’s upgrade for a Homebrew helper, and no PATH advice for one already in ~/.local/bin', () => {
		const facts = (helperPath: string, platform = 'darwin') =>
			({ecrLogin: {name: 'ecr-login', path: helperPath}, platform}) as unknown as DoctorFacts;
		expect(upgradeFix(facts('/opt/homebrew/bin/docker-credential-ecr-login'), 'Old.')).toEqual({
			description: 'Old. Upgrade it with Homebrew.',
			command: 'brew upgrade docker-credential-helper-ecr',
		});
		const local = upgradeFix(facts('/home/dev/.local/bin/docker-credential-ecr-login', 'linux'), 'Old.');
		expect(local.command).toBe('ecr-setup install-helper --method binary');
		expect(local.description).not.toContain('PATH');
	});

	it('is not asked when ecr-login does not serve the registry: no run of it leaves its log directory in the home', async () => {
		const versionRuns = 'docker-credential-ecr-login.runs';
		const counting = `#!/bin/sh
echo "$1" >> "$HOME/${versionRuns}"
echo 0.6.4
`;
		const report = await doctor({config: {auths: {}}, binaries: {'docker-credential-ecr-login': counting}});
		expect(check(report, 'docker.helper-version')).toMatchObject({
			status: 'skip',
			detail: 'skipped: docker-credential-ecr-login does not serve the registry',
		});
		await expect(readFile(path.join(machine!.home, versionRuns), 'utf8')).rejects.toThrow(/ENOENT/);
	});

	it('is skipped when the helper is not installed', async () => {
		const report = await doctor({});
		expect(check(report, 'docker.helper-version')).toMatchObject({status: 'skip'});
	});
});

describe('docker.helper-works: timing, stalls and crashes', () => {
	it('times `get`', async () => {
		const report = await doctor({
			binaries: {
				'docker-credential-ecr-login': helper('0.9.1', `/bin/sleep 0.3\n  printf '{"Username":"AWS","Secret":"x"}\\n'`),
			},
		});
		const works = check(report, 'docker.helper-works');
		expect(works.status).toBe('pass');
		const ms = Number(/ in (\d+) ms /.exec(works.detail)?.[1]);
		expect(ms).toBeGreaterThanOrEqual(300);
		expect(ms).toBeLessThan(5000);
	});

	it('explains a helper that stalls on the instance metadata service for want of any credentials', async () => {
		const stall = helper('0.9.1', 'exec /bin/sleep 30');
		const report = await doctor(
			{binaries: {'docker-credential-ecr-login': stall}, aws: NO_CREDENTIALS},
			{callTimeoutMs: 400},
		);
		const works = check(report, 'docker.helper-works');
		expect(works.status).toBe('fail');
		expect(works.detail).toMatch(/did not answer within \d+ ms: there are no AWS credentials/);
		expect(works.detail).toContain('EC2 instance metadata service (169.254.169.254)');
		expect(works.fix?.description).toContain('AWS_EC2_METADATA_DISABLED=true');
		expect(works.fix?.command).toBe('ecr-setup sign-in');
	});

	it('reads the stall from the log when the helper gave up on its own', async () => {
		const failing = `#!/bin/sh
[ "$1" = "version" ] && { echo 0.9.1; exit 0; }
/bin/mkdir -p "$HOME/.ecr/log"
echo 'time="2026-11-27T12:00:00Z" level=error msg="Error retrieving credentials" error="ecr: Failed to get authorization token: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded"' >> "$HOME/.ecr/log/ecr-login.log"
echo "credentials not found in native keychain"
exit 1
`;
		const report = await doctor({binaries: {'docker-credential-ecr-login': failing}, aws: NO_CREDENTIALS});
		expect(check(report, 'docker.helper-works').detail).toContain('failed on the EC2 instance metadata service');
		// The version is still read while `get` fails or stalls.
		expect(check(report, 'docker.helper-version').status).toBe('pass');
	});

	it('does not blame instance metadata when the helper has credentials to use, or when it is turned off', async () => {
		const stall = helper('0.9.1', 'exec /bin/sleep 30');
		const found = await doctor({binaries: {'docker-credential-ecr-login': stall}}, {callTimeoutMs: 400});
		expect(check(found, 'docker.helper-works').detail).not.toContain('instance metadata');
		await machine?.cleanup();
		const keyed = await doctor(
			{
				binaries: {'docker-credential-ecr-login': stall},
				env: {AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE'},
				aws: NO_CREDENTIALS,
			},
			{callTimeoutMs: 400},
		);
		expect(check(keyed, 'docker.helper-works').detail).not.toContain('instance metadata');
		expect(check(keyed, 'docker.helper-works').detail).toContain('did not answer');
		await machine?.cleanup();
		const off = await doctor(
			{binaries: {'docker-credential-ecr-login': stall}, env: {AWS_EC2_METADATA_DISABLED: 'true'}, aws: NO_CREDENTIALS},
			{callTimeoutMs: 400},
		);
		expect(check(off, 'docker.helper-works').detail).not.toContain('instance metadata');
	});

	it('names the cause and the fix of the 0.6.4 panic on an [sso-session] profile, with no stack line anywhere', async () => {
		const panicking = `#!/bin/sh
[ "$1" = "version" ] && { echo 0.6.4; exit 0; }
read -r server
/bin/cat '${PANIC_FIXTURE}' >&2
exit 2
`;
		const report = await doctor({
			binaries: {'docker-credential-ecr-login': panicking},
			aws: {profile: 'dev', listProfiles: async () => [ssoProfile('dev')]},
		});
		const works = check(report, 'docker.helper-works');
		expect(works.status).toBe('fail');
		expect(works.detail).toContain(`\`docker-credential-ecr-login get\` crashed for ${HOST}`);
		expect(works.detail).toContain('(0.6.4) is older than 0.7.0 and cannot read profile dev');
		expect(works.detail).toContain('[sso-session]');
		expect(works.detail).toContain('aws sso login) does not help');
		expect(works.fix?.command).toBe('ecr-setup install-helper --method binary');
		expect(works.fix?.description).toContain('Upgrade the helper to 0.7.0 or later.');
		expect(works.fix?.description).toContain('sso_start_url and sso_region in the profile itself');
		expect(works.fix?.description).toContain('ecr-setup sign-in --legacy');
		const screen = formatReport(report, {color: false});
		const json = JSON.stringify(reportToJson(report));
		for (const shown of [screen, json]) {
			expect(shown).not.toMatch(STACK_LINE);
			expect(shown).not.toContain('panic:');
		}
	});

	it('reports any other panic by its message alone, with the upgrade', async () => {
		const panicking = `#!/bin/sh
[ "$1" = "version" ] && { echo 0.9.1; exit 0; }
echo 'panic: runtime error: invalid memory address or nil pointer dereference' >&2
echo 'goroutine 1 [running]:' >&2
echo 'main.main()' >&2
echo '	github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/main.go:45 +0x194' >&2
exit 2
`;
		const report = await doctor({binaries: {'docker-credential-ecr-login': panicking}});
		const works = check(report, 'docker.helper-works');
		expect(works.detail).toBe(
			`\`docker-credential-ecr-login get\` crashed for ${HOST} (a Go panic: runtime error: invalid memory address or nil pointer dereference), so docker gets no credentials.`,
		);
		expect(works.fix?.command).toBe('ecr-setup install-helper --method binary');
		expect(formatReport(report, {color: false})).not.toMatch(STACK_LINE);
	});
});

describe('docker.helper-cache', () => {
	type Entry = {requestedAt: Date; expiresAt: Date; host?: string};

	async function cacheWith(home: string, entries: Entry[]): Promise<string> {
		const file = path.join(home, '.ecr', 'cache.json');
		await mkdir(path.dirname(file), {recursive: true});
		const registries = Object.fromEntries(
			entries.map((entry, index) => [
				`eu-west-1-key${index}-123456789012`,
				{
					AuthorizationToken: 'QVdTOmNhY2hlZC10b2tlbi1zZWNyZXQ=',
					RequestedAt: entry.requestedAt.toISOString(),
					ExpiresAt: entry.expiresAt.toISOString(),
					ProxyEndpoint: `https://${entry.host ?? HOST}`,
					Service: 'ecr',
				},
			]),
		);
		await writeFile(file, JSON.stringify({Registries: registries, Version: '1.0'}));
		return file;
	}

	/** A helper that logs the fallback (as the real one does at info level) and hands back a token. */
	const FALLING_BACK = helper(
		'0.9.1',
		`/bin/mkdir -p "$HOME/.ecr/log"
  echo 'time="2026-11-27T12:00:00Z" level=info msg="Got error fetching authorization token. Falling back to cached token." error="ecr: Failed to get authorization token: operation error ECR: GetAuthorizationToken, https response error StatusCode: 403, ExpiredTokenException: The security token included in the request is expired"' >> "$HOME/.ecr/log/ecr-login.log"
  printf '{"ServerURL":"%s","Username":"AWS","Secret":"${HELPER_SECRET}"}\\n' "$server"`,
	);

	async function doctorWithCache(script: string, entries: Entry[], env: Record<string, string> = {}) {
		machine = await makeMachine({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: {'docker-credential-ecr-login': script},
			env,
		});
		const file = await cacheWith(machine.home, entries);
		const report = await runDoctor(machine.services, {registry: HOST}, {platform: 'linux'});
		return {report, file, cache: check(report, 'docker.helper-cache')};
	}

	it('fails when the helper fell back to an expired cached token after a failed refresh', async () => {
		const expiresAt = new Date(NOW.getTime() - 2 * HOUR);
		const {cache, file, report} = await doctorWithCache(FALLING_BACK, [
			{requestedAt: new Date(expiresAt.getTime() - 12 * HOUR), expiresAt},
		]);
		expect(cache.status).toBe('fail');
		expect(cache.detail).toContain(
			`expired token for ${HOST} from its cache (${file}, expired ${expiresAt.toISOString()})`,
		);
		expect(cache.detail).toContain('ExpiredTokenException: The security token included in the request is expired');
		expect(cache.detail).toContain('"Your authorization token has expired"');
		expect(cache.fix?.command).toBe(`rm ${file}`);
		expect(JSON.stringify(report)).not.toContain('Y2FjaGVkLXRva2VuLXNlY3JldA');
	});

	it('fails on an expired entry served without a log line when no current one exists', async () => {
		const expiresAt = new Date(NOW.getTime() - HOUR);
		const {cache} = await doctorWithCache(helper('0.9.1'), [
			{requestedAt: new Date(expiresAt.getTime() - 12 * HOUR), expiresAt},
		]);
		expect(cache.status).toBe('fail');
	});

	it('warns when the fallback token still works, with when it stops', async () => {
		const expiresAt = new Date(NOW.getTime() + 2 * HOUR);
		const {cache} = await doctorWithCache(FALLING_BACK, [
			// Past half its life: the helper tries a refresh, which failed.
			{requestedAt: new Date(expiresAt.getTime() - 12 * HOUR), expiresAt},
			// An old session's entry, long expired: not what was served.
			{requestedAt: new Date(NOW.getTime() - 30 * HOUR), expiresAt: new Date(NOW.getTime() - 18 * HOUR)},
		]);
		expect(cache.status).toBe('warn');
		expect(cache.detail).toContain(`still works until ${expiresAt.toISOString()}`);
		expect(cache.detail).toContain('ExpiredTokenException');
	});

	it('passes for a current token, an old session’s expired entry beside it, or no cache', async () => {
		const expiresAt = new Date(NOW.getTime() + 10 * HOUR);
		const {cache} = await doctorWithCache(helper('0.9.1'), [
			{requestedAt: new Date(NOW.getTime() - 2 * HOUR), expiresAt},
			{requestedAt: new Date(NOW.getTime() - 30 * HOUR), expiresAt: new Date(NOW.getTime() - 18 * HOUR)},
			{
				requestedAt: NOW,
				expiresAt: new Date(NOW.getTime() - HOUR),
				host: '210987654321.dkr.ecr.eu-west-1.amazonaws.com',
			},
		]);
		expect(cache).toMatchObject({
			status: 'pass',
			detail: `the cache holds a token for ${HOST} valid until ${expiresAt.toISOString()}`,
		});
		await machine?.cleanup();
		const none = await doctor({binaries: {'docker-credential-ecr-login': helper('0.9.1')}});
		expect(check(none, 'docker.helper-cache')).toMatchObject({
			status: 'pass',
			detail: expect.stringContaining('no token cache yet'),
		});
	});

	it('says so when the cache is turned off, and offers to remove one that is not JSON', async () => {
		const off = await doctorWithCache(FALLING_BACK, [], {AWS_ECR_DISABLE_CACHE: '1'});
		expect(off.cache).toMatchObject({status: 'pass', detail: expect.stringContaining('AWS_ECR_DISABLE_CACHE is set')});
		await machine?.cleanup();
		machine = await makeMachine({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: {'docker-credential-ecr-login': helper('0.9.1')},
		});
		const file = path.join(machine.home, '.ecr', 'cache.json');
		await mkdir(path.dirname(file), {recursive: true});
		await writeFile(file, '{"Registries": {');
		const report = await runDoctor(machine.services, {registry: HOST}, {platform: 'linux'});
		expect(check(report, 'docker.helper-cache')).toMatchObject({
			status: 'warn',
			fix: {command: `rm ${file}`},
		});
	});

	it('is skipped when ecr-login does not serve the registry', async () => {
		const report = await doctor({
			config: {credsStore: 'pass'},
			binaries: {'docker-credential-ecr-login': helper('0.9.1')},
		});
		expect(check(report, 'docker.helper-cache').status).toBe('skip');
	});
});
