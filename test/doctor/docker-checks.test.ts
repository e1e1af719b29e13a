/** The docker.* checks, each on a machine built in the failing state: real config files, fake binaries on PATH. */
import {mkdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {runDoctor} from '../../source/doctor/run-doctor.js';
import type {CheckId, CheckResult, DoctorReport} from '../../source/doctor/types.js';
import type {InstallPlan} from '../../source/credential-helper/types.js';
import {
	HOST,
	NOW,
	WORKING_ECR_LOGIN,
	ecrAuth,
	makeMachine,
	type Machine,
	type MachineOptions,
} from '../helpers/doctor-machine.js';

let machine: Machine | undefined;
afterEach(async () => machine?.cleanup());

async function doctor(
	options: MachineOptions,
	input: {registry?: string; repository?: string; image?: string} = {registry: HOST},
): Promise<DoctorReport> {
	machine = await makeMachine(options);
	return runDoctor(machine.services, input, {platform: 'linux'});
}

function check(report: DoctorReport, id: CheckId): CheckResult {
	return report.checks.find((entry) => entry.id === id)!;
}

const ecrLogin = {'docker-credential-ecr-login': WORKING_ECR_LOGIN};
const HOUR = 3600_000;

describe('docker.cli and docker.daemon', () => {
	it('fails docker.cli when docker is not installed, and skips the daemon check naming it', async () => {
		const report = await doctor({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: ecrLogin,
			docker: {
				cliVersion: async () => null,
				daemonStatus: async () => ({ok: false, reason: 'cli-missing', message: 'docker: not found'}),
			},
		});
		expect(check(report, 'docker.cli')).toMatchObject({
			status: 'fail',
			detail: 'The docker CLI is not installed: no `docker` on PATH.',
		});
		expect(check(report, 'docker.cli').fix?.description).toContain('https://docs.docker.com/get-docker/');
		expect(check(report, 'docker.daemon')).toMatchObject({status: 'skip'});
		expect(check(report, 'docker.daemon').detail).toContain('docker.cli failed');
	});

	it('says the daemon needs permission (and that sudo docker reads another config)', async () => {
		const message =
			'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock';
		const report = await doctor({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: ecrLogin,
			env: {USER: 'alice'},
			docker: {daemonStatus: async () => ({ok: false, reason: 'permission', message})},
		});
		const daemon = check(report, 'docker.daemon');
		expect(daemon.status).toBe('fail');
		expect(daemon.detail).toBe(`Permission denied on the docker socket: ${message}`);
		expect(daemon.fix?.command).toBe('sudo usermod -aG docker alice');
		const sudo = check(report, 'docker.sudo');
		expect(sudo.status).toBe('warn');
		expect(sudo.detail).toContain('`sudo docker push` reads /root/.docker/config.json');
	});

	it('says the daemon is not running, with the command to start it', async () => {
		const report = await doctor({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: ecrLogin,
			docker: {
				daemonStatus: async () => ({
					ok: false,
					reason: 'not-running',
					message: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
				}),
			},
		});
		expect(check(report, 'docker.daemon')).toMatchObject({
			status: 'fail',
			fix: {command: 'sudo systemctl start docker'},
		});
		expect(check(report, 'docker.daemon').detail).toContain('not running');
	});
});

describe('docker.config', () => {
	it('names file, line and column of invalid JSON, and docker.store explains docker then ignores the file', async () => {
		const report = await doctor({config: '{\n\t"credHelpers": {\n\t\t"a": "ecr-login",\n\t}\n}\n', binaries: ecrLogin});
		const config = check(report, 'docker.config');
		expect(config.status).toBe('fail');
		expect(config.detail).toContain(`${machine!.configPath}:3:19: trailing comma`);
		expect(config.fix?.description).toContain(`${machine!.configPath}, line 3, column 19`);
		const store = check(report, 'docker.store');
		expect(store.status).toBe('fail');
		expect(store.detail).toContain('config.json is invalid, so docker ignores it');
	});

	it('fails when the config directory cannot be written (a file stands where a directory must be)', async () => {
		machine = await makeMachine({binaries: ecrLogin});
		await writeFile(path.join(machine.home, 'blocker'), 'not a directory');
		const {createDockerConfigService} = await import('../../source/docker-config/service.js');
		const services = {
			...machine.services,
			dockerConfig: createDockerConfigService({dir: path.join(machine.home, 'blocker', 'docker'), env: machine.env}),
		};
		const report = await runDoctor(services, {registry: HOST}, {platform: 'linux'});
		const config = check(report, 'docker.config');
		expect(config.status).toBe('fail');
		expect(config.detail).toContain('blocker');
	});

	it('passes for a missing config.json (docker treats it as empty)', async () => {
		const report = await doctor({binaries: ecrLogin});
		expect(check(report, 'docker.config')).toMatchObject({status: 'pass'});
		expect(check(report, 'docker.config').detail).toContain('does not exist yet');
	});
});

describe('docker.auth-config-env', () => {
	it('warns when DOCKER_AUTH_CONFIG names the host and so wins over config.json', async () => {
		const value = JSON.stringify({auths: {[HOST]: {auth: ecrAuth(new Date(NOW.getTime() + 6 * HOUR))}}});
		const report = await doctor({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: ecrLogin,
			env: {DOCKER_AUTH_CONFIG: value},
		});
		const env = check(report, 'docker.auth-config-env');
		expect(env.status).toBe('warn');
		expect(env.detail).toContain(`DOCKER_AUTH_CONFIG names ${HOST}`);
		expect(env.fix?.command).toBe('unset DOCKER_AUTH_CONFIG');
		expect(check(report, 'docker.store').detail).toContain('DOCKER_AUTH_CONFIG serves');
	});

	it('fails when the token in DOCKER_AUTH_CONFIG has expired', async () => {
		const value = JSON.stringify({auths: {[HOST]: {auth: ecrAuth(new Date(NOW.getTime() - 2 * HOUR))}}});
		const report = await doctor({config: {}, binaries: ecrLogin, env: {DOCKER_AUTH_CONFIG: value}});
		expect(check(report, 'docker.auth-config-env')).toMatchObject({status: 'fail'});
		expect(check(report, 'docker.auth-config-env').detail).toContain('expired 2 h 0 min ago');
	});

	it('passes when docker is too old to read DOCKER_AUTH_CONFIG', async () => {
		const value = JSON.stringify({auths: {[HOST]: {auth: ecrAuth(new Date(NOW.getTime() + HOUR * 5))}}});
		const report = await doctor({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: ecrLogin,
			env: {DOCKER_AUTH_CONFIG: value},
			docker: {cliVersion: async () => '27.5.1'},
		});
		expect(check(report, 'docker.auth-config-env')).toMatchObject({status: 'pass'});
		expect(check(report, 'docker.auth-config-env').detail).toContain('docker 27.5.1 ignores it');
	});
});

describe('docker.store', () => {
	it('fails when no store serves the host (→ no basic auth credentials) and proposes the exact credHelpers key', async () => {
		const report = await doctor({
			config: {auths: {'ghcr.io': {auth: Buffer.from('me:pat').toString('base64')}}},
			binaries: ecrLogin,
		});
		const store = check(report, 'docker.store');
		expect(store.status).toBe('fail');
		expect(store.detail).toContain('"no basic auth credentials"');
		expect(store.fix?.command).toBe(`ecr-setup configure-helper --registry ${HOST}`);
		expect(store.fix?.action).toEqual({
			type: 'config',
			changes: [{type: 'set-cred-helper', host: HOST, helper: 'ecr-login'}],
		});
	});

	it('fails when credHelpers names ecr-login but docker-credential-ecr-login is not on PATH, with the install command', async () => {
		const report = await doctor({config: {credHelpers: {[HOST]: 'ecr-login'}}});
		const store = check(report, 'docker.store');
		expect(store.status).toBe('fail');
		expect(store.detail).toContain('exec: "docker-credential-ecr-login": executable file not found in $PATH');
		expect(store.fix).toMatchObject({
			command: 'sudo apt-get update && sudo apt-get install -y amazon-ecr-credential-helper',
			action: {type: 'install-helper'},
		});
		expect(check(report, 'docker.helper-works').status).toBe('skip');
	});

	it('where the only install is the verified download (no package manager), the command is ecr-setup install-helper', async () => {
		const download: InstallPlan = {
			method: 'binary',
			command: [],
			before: [],
			needsSudo: false,
			description: 'Download the release binary and verify its SHA-256',
			download: {
				url: 'https://amazon-ecr-credential-helper-releases.s3.us-east-2.amazonaws.com/0.9.0/linux-amd64/docker-credential-ecr-login',
				checksumUrl:
					'https://amazon-ecr-credential-helper-releases.s3.us-east-2.amazonaws.com/0.9.0/linux-amd64/docker-credential-ecr-login.sha256',
				version: '0.9.0',
			},
		};
		const missing = await doctor({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			helper: {installPlans: () => [download]},
		});
		expect(check(missing, 'docker.store').fix).toMatchObject({
			command: 'ecr-setup install-helper',
			action: {type: 'install-helper'},
		});
		const fresh = await doctor({config: {}, helper: {installPlans: () => [download]}});
		expect(check(fresh, 'docker.store').fix?.command).toBe(
			`ecr-setup install-helper && ecr-setup configure-helper --registry ${HOST}`,
		);
	});

	it('names a stale credsStore "desktop" whose binary is missing, and asks before removing it', async () => {
		const report = await doctor({config: {credsStore: 'desktop'}, binaries: ecrLogin});
		const store = check(report, 'docker.store');
		expect(store.status).toBe('fail');
		expect(store.detail).toBe(
			'credsStore "desktop" is left over from Docker Desktop or Rancher Desktop, and docker-credential-desktop is not on PATH: every registry fails with exec: "docker-credential-desktop": executable file not found in $PATH.',
		);
		expect(store.fix?.action).toEqual({
			type: 'config',
			changes: [{type: 'remove-creds-store'}, {type: 'set-cred-helper', host: HOST, helper: 'ecr-login'}],
			consent: 'Remove credsStore "desktop" (it applies to every registry)?',
		});
	});

	it('names desktop.exe on WSL', async () => {
		const report = await doctor({config: {credsStore: 'desktop.exe'}, binaries: ecrLogin});
		expect(check(report, 'docker.store').detail).toContain(
			'credsStore "desktop.exe" is left over from Docker Desktop or Rancher Desktop (WSL)',
		);
	});

	it('passes a credsStore whose binary exists', async () => {
		const report = await doctor({
			config: {credsStore: 'desktop'},
			binaries: {'docker-credential-desktop': WORKING_ECR_LOGIN},
		});
		expect(check(report, 'docker.store')).toMatchObject({status: 'pass'});
		expect(check(report, 'docker.store').detail).toContain(path.join(machine!.bin, 'docker-credential-desktop'));
	});

	it('fails secretservice without a session bus, and passes it with DISPLAY', async () => {
		const binaries = {...ecrLogin, 'docker-credential-secretservice': WORKING_ECR_LOGIN};
		const headless = await doctor({config: {credsStore: 'secretservice'}, binaries});
		expect(check(headless, 'docker.store')).toMatchObject({status: 'fail'});
		expect(check(headless, 'docker.store').detail).toContain('Cannot autolaunch D-Bus without X11 $DISPLAY');
		await machine!.cleanup();
		const desktop = await doctor({config: {credsStore: 'secretservice'}, binaries, env: {DISPLAY: ':0'}});
		expect(check(desktop, 'docker.store')).toMatchObject({status: 'pass'});
	});

	it('uses the platform default store when config.json names none, as docker does (secretservice on Linux without pass)', async () => {
		const report = await doctor({binaries: {...ecrLogin, 'docker-credential-secretservice': WORKING_ECR_LOGIN}});
		const store = check(report, 'docker.store');
		expect(store.status).toBe('fail');
		expect(store.detail).toContain('the platform default store "secretservice" (config.json names no store) serves');
		expect(store.detail).toContain('Cannot autolaunch D-Bus');
	});

	it('fails pass when the password store is not initialised, and passes once .gpg-id exists', async () => {
		const binaries = {...ecrLogin, 'docker-credential-pass': WORKING_ECR_LOGIN, pass: '#!/bin/sh\nexit 0\n'};
		const fresh = await doctor({config: {credsStore: 'pass'}, binaries});
		const store = check(fresh, 'docker.store');
		expect(store.status).toBe('fail');
		expect(store.detail).toContain(
			`pass is not initialised (${path.join(machine!.home, '.password-store')}/.gpg-id is missing)`,
		);
		expect(store.detail).toContain('"pass not initialized"');
		expect(check(fresh, 'docker.helper-works').status).toBe('skip');
		await mkdir(path.join(machine!.home, '.password-store'), {recursive: true});
		await writeFile(path.join(machine!.home, '.password-store', '.gpg-id'), 'ABCDEF0123456789\n');
		const initialised = await runDoctor(machine!.services, {registry: HOST}, {platform: 'linux'});
		expect(check(initialised, 'docker.store')).toMatchObject({status: 'pass'});
	});
});

describe('docker.helper-key', () => {
	it('fails for a credHelpers key with a scheme and the repository path, saying why', async () => {
		const key = `https://${HOST}/my-app`;
		const report = await doctor({config: {credHelpers: {[key]: 'ecr-login'}}, binaries: ecrLogin});
		const helperKey = check(report, 'docker.helper-key');
		expect(helperKey.status).toBe('fail');
		expect(helperKey.detail).toContain(`credHelpers key "${key}" was meant for ${HOST}`);
		expect(helperKey.detail).toContain('it has a scheme (https://), it has a path (/my-app)');
		expect(helperKey.fix?.action).toEqual({
			type: 'config',
			changes: [
				{type: 'remove-cred-helper', host: key},
				{type: 'set-cred-helper', host: HOST, helper: 'ecr-login'},
			],
		});
		// The near-miss key does not serve the host: docker falls back to the (empty) file store.
		expect(check(report, 'docker.store').status).toBe('fail');
	});

	it('fails for a key with a port', async () => {
		const report = await doctor({config: {credHelpers: {[`${HOST}:443`]: 'ecr-login'}}, binaries: ecrLogin});
		expect(check(report, 'docker.helper-key').detail).toContain('it has a port (:443)');
	});

	it("fails for an auths key docker cannot match (a port survives docker's hostname match)", async () => {
		const key = `https://${HOST}:443/v2/`;
		const report = await doctor({
			config: {auths: {[key]: {auth: ecrAuth(new Date(NOW.getTime() + 5 * HOUR))}}},
			binaries: ecrLogin,
		});
		const helperKey = check(report, 'docker.helper-key');
		expect(helperKey.status).toBe('fail');
		expect(helperKey.detail).toBe(
			`auths key "${key}" was meant for ${HOST} but it has a port (:443): docker does not use it for this host.`,
		);
		expect(helperKey.fix?.action).toEqual({type: 'config', changes: [{type: 'remove-auth', key}]});
		expect(check(report, 'docker.store').status).toBe('fail');
	});

	it('warns for a key in another region of the same account', async () => {
		const other = HOST.replace('eu-west-1', 'eu-west-2');
		const report = await doctor({config: {credHelpers: {[other]: 'ecr-login'}}, binaries: ecrLogin});
		const helperKey = check(report, 'docker.helper-key');
		expect(helperKey.status).toBe('warn');
		expect(helperKey.detail).toContain('its region is eu-west-2, not eu-west-1');
	});

	it('explains what was typed in --registry against what docker looks up', async () => {
		const report = await doctor(
			{config: {credHelpers: {[HOST]: 'ecr-login'}}, binaries: ecrLogin},
			{registry: `https://${HOST}/my-app`},
		);
		expect(report.target.registry).toBe(HOST);
		expect(report.target.repository).toBe('my-app');
		expect(check(report, 'docker.helper-key').detail).toContain(
			`you typed "https://${HOST}/my-app"; docker looks up "${HOST}"`,
		);
	});
});

describe('docker.helper-works', () => {
	it('fails when ecr-login get fails, showing the reason from its log', async () => {
		const failing = `#!/bin/sh
/bin/mkdir -p "$HOME/.ecr/log"
printf '%s\\n' 'time="2026-11-27T12:00:00Z" level=error msg="Error retrieving credentials" error="ecr: Failed to get authorization token: operation error ECR: GetAuthorizationToken, https response error StatusCode: 403, AccessDeniedException: User is not authorized to perform: ecr:GetAuthorizationToken"' >> "$HOME/.ecr/log/ecr-login.log"
echo "credentials not found in native keychain"
exit 1
`;
		const report = await doctor({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: {'docker-credential-ecr-login': failing},
		});
		const works = check(report, 'docker.helper-works');
		expect(works.status).toBe('fail');
		expect(works.detail).toContain('`docker-credential-ecr-login get` failed for');
		expect(works.detail).toContain('credentials not found in native keychain');
		expect(works.detail).toContain('its log says:');
		expect(works.detail).toContain('not authorized to perform: ecr:GetAuthorizationToken');
	});

	it('a helper that never answers is reported as timed out, and stopped then rather than left running', async () => {
		machine = await makeMachine({config: {credHelpers: {[HOST]: 'ecr-login'}}});
		const pidFile = path.join(machine.root, 'helper.pid');
		await machine.addBinary('docker-credential-ecr-login', `#!/bin/sh\necho $$ > '${pidFile}'\nexec /bin/sleep 30\n`);
		const started = Date.now();
		const report = await runDoctor(machine.services, {registry: HOST}, {platform: 'linux', callTimeoutMs: 300});
		expect(Date.now() - started).toBeLessThan(10_000);
		const works = check(report, 'docker.helper-works');
		expect(works.detail).toMatch(/timed out|did not answer/);
		const pid = Number((await readFile(pidFile, 'utf8')).trim());
		await vi.waitFor(() => expect(() => process.kill(pid, 0)).toThrow(), {timeout: 5000});
	});

	it('offers a login when another helper has no credentials for the host', async () => {
		const empty = '#!/bin/sh\necho "credentials not found in native keychain"\nexit 1\n';
		const report = await doctor({
			config: {credsStore: 'osxkeychain'},
			binaries: {...ecrLogin, 'docker-credential-osxkeychain': empty},
		});
		const works = check(report, 'docker.helper-works');
		expect(works.status).toBe('fail');
		expect(works.detail).toContain('"no basic auth credentials"');
		expect(works.fix).toMatchObject({
			command: `ecr-setup login --registry ${HOST}`,
			action: {type: 'login', registry: HOST},
		});
	});

	it('explains a locked macOS keychain (-25308 in SSH/CI sessions) instead of offering a login into it', async () => {
		const locked = '#!/bin/sh\necho "User interaction is not allowed. (-25308)"\nexit 1\n';
		const report = await doctor({
			config: {credsStore: 'osxkeychain'},
			binaries: {...ecrLogin, 'docker-credential-osxkeychain': locked},
		});
		const works = check(report, 'docker.helper-works');
		expect(works.status).toBe('fail');
		expect(works.detail).toContain('-25308');
		expect(works.detail.toLowerCase()).toContain('keychain');
		expect(works.fix?.command).not.toBe(`ecr-setup login --registry ${HOST}`);
	});

	it('is skipped when config.json auths serve the host', async () => {
		const report = await doctor({
			config: {auths: {[HOST]: {auth: ecrAuth(new Date(NOW.getTime() + 5 * HOUR))}}},
			binaries: ecrLogin,
		});
		expect(check(report, 'docker.helper-works')).toMatchObject({status: 'skip'});
		expect(check(report, 'docker.helper-works').detail).toContain('config.json auths');
	});
});

describe('docker.stored-token', () => {
	it('fails for an expired token docker would send, with its expiry', async () => {
		const expiry = new Date(NOW.getTime() - 3 * HOUR);
		const report = await doctor({config: {auths: {[HOST]: {auth: ecrAuth(expiry)}}}, binaries: ecrLogin});
		const token = check(report, 'docker.stored-token');
		expect(token.status).toBe('fail');
		expect(token.detail).toBe(
			`auths["${HOST}"] expired 3 h 0 min ago (${expiry.toISOString()}): docker sends it and ECR answers "denied: Your authorization token has expired".`,
		);
		expect(token.fix).toMatchObject({
			command: `docker logout ${HOST}`,
			action: {type: 'config', changes: [{type: 'remove-auth', key: HOST}]},
		});
	});

	it('finds an expired token under a key with the repository path (docker strips the path and uses it)', async () => {
		const key = `https://${HOST}/my-app`;
		const report = await doctor({
			config: {auths: {[key]: {auth: ecrAuth(new Date(NOW.getTime() - HOUR))}}},
			binaries: ecrLogin,
		});
		const token = check(report, 'docker.stored-token');
		expect(token.status).toBe('fail');
		expect(token.detail).toContain(`auths["${key}"] expired`);
		// `docker logout HOST` does not erase a key with a path.
		expect(token.fix?.command).toBe(`ecr-setup doctor --fix --registry ${HOST}`);
	});

	it('warns when the token expires within the hour', async () => {
		const report = await doctor({
			config: {auths: {[HOST]: {auth: ecrAuth(new Date(NOW.getTime() + 20 * 60_000))}}},
			binaries: ecrLogin,
		});
		expect(check(report, 'docker.stored-token')).toMatchObject({
			status: 'warn',
			detail: `auths["${HOST}"] expires in 20 min: a long push may outlive it.`,
		});
	});

	it('warns about duplicate keys for one host and names the one docker uses', async () => {
		const fresh = ecrAuth(new Date(NOW.getTime() + 10 * HOUR));
		const older = ecrAuth(new Date(NOW.getTime() + 2 * HOUR));
		const report = await doctor({
			config: {auths: {[`https://${HOST}`]: {auth: fresh}, [HOST]: {auth: older}}},
			binaries: ecrLogin,
		});
		const token = check(report, 'docker.stored-token');
		expect(token.status).toBe('warn');
		expect(token.detail).toContain(
			`2 auths keys name ${HOST} ("https://${HOST}", "${HOST}"): docker uses "${HOST}" (the exact key comes first)`,
		);
		expect(token.fix?.action).toEqual({type: 'config', changes: [{type: 'remove-auth', key: HOST}]});
	});

	it('warns about an expired token that a helper makes unused', async () => {
		const report = await doctor({
			config: {credHelpers: {[HOST]: 'ecr-login'}, auths: {[HOST]: {auth: ecrAuth(new Date(NOW.getTime() - HOUR))}}},
			binaries: ecrLogin,
		});
		const token = check(report, 'docker.stored-token');
		expect(token.status).toBe('warn');
		expect(token.detail).toContain('docker does not use it now (docker-credential-ecr-login serves');
	});
});

describe('docker.login-conflict and docker.sudo', () => {
	it('warns that docker login fails while ecr-login serves the host, unless AWS_ECR_IGNORE_CREDS_STORAGE=true', async () => {
		const config = {credHelpers: {[HOST]: 'ecr-login'}};
		const conflict = await doctor({config, binaries: ecrLogin});
		expect(check(conflict, 'docker.login-conflict')).toMatchObject({
			status: 'warn',
			fix: {command: 'export AWS_ECR_IGNORE_CREDS_STORAGE=true'},
		});
		await machine!.cleanup();
		const ignored = await doctor({config, binaries: ecrLogin, env: {AWS_ECR_IGNORE_CREDS_STORAGE: 'true'}});
		expect(check(ignored, 'docker.login-conflict')).toMatchObject({status: 'pass'});
	});

	it('warns when running under sudo', async () => {
		const report = await doctor({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: ecrLogin,
			env: {SUDO_USER: 'alice'},
		});
		const sudo = check(report, 'docker.sudo');
		expect(sudo.status).toBe('warn');
		expect(sudo.detail).toContain('Running under sudo (SUDO_USER=alice)');
		expect(sudo.fix?.command).toBe('sudo usermod -aG docker alice');
	});
});
