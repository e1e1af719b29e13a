import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {AuthStep, installCommandText, installHandOver} from '../../../../source/wizard/steps/auth/auth-step.js';
import type {InstallPlan, PlatformInfo} from '../../../../source/credential-helper/types.js';
import {encodeBasicAuth} from '../../../../source/ecr/token.js';
import {UserError} from '../../../../source/errors/user-errors.js';
import {ARROW_DOWN, ENTER, ESCAPE, flat} from '../../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../../helpers/step-harness.js';
import {BACKUP_PATH, CONFIG_PATH, HOST, PASSWORD, loadedConfig, world} from '../../../helpers/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

const platform: PlatformInfo = {
	os: 'linux',
	arch: 'x64',
	isRoot: false,
	isWsl: false,
	distro: 'ubuntu',
	packageManagers: ['apt'],
	home: '/home/dev',
};
const aptPlan: InstallPlan = {
	method: 'apt',
	command: ['sudo', 'apt-get', 'install', '-y', 'amazon-ecr-credential-helper'],
	before: [['sudo', 'apt-get', 'update']],
	needsSudo: true,
	description: 'Install with apt (Ubuntu)',
};

function ecrPassword(expiresAt: Date): string {
	return Buffer.from(JSON.stringify({payload: 'x', expiration: Math.floor(expiresAt.getTime() / 1000)})).toString(
		'base64',
	);
}

describe('authentication step: what docker does today', () => {
	it('a stored login with its expiry read from the token', async () => {
		const auth = encodeBasicAuth('AWS', ecrPassword(new Date('2026-11-27T15:30:00Z')));
		const config = loadedConfig({auths: {[HOST]: {auth}}});
		const w = world(
			{dockerConfig: {read: vi.fn(async () => config)}},
			{resolution: {kind: 'file', authKey: HOST, hasAuth: true}},
		);
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		const frame = flat(await step.app.waitFor('How should docker authenticate'));
		expect(frame).toContain('ℹ A stored login works until 15:30 UTC (in 3 h 30 min); after that pushes fail.');
	});

	it('an expired stored login', async () => {
		const auth = encodeBasicAuth('AWS', ecrPassword(new Date('2026-11-26T15:30:00Z')));
		const w = world(
			{dockerConfig: {read: vi.fn(async () => loadedConfig({auths: {[HOST]: {auth}}}))}},
			{resolution: {kind: 'file', authKey: HOST, hasAuth: true}},
		);
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		const frame = flat(await step.app.waitFor('How should docker authenticate'));
		expect(frame).toContain(
			'⚠ The stored login expired 20 h 30 min ago: a push now fails with "authorization token has expired".',
		);
	});

	it('a credsStore that would take over', async () => {
		const w = world({}, {resolution: {kind: 'helper', helper: 'desktop', source: 'credsStore'}});
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		const frame = flat(await step.app.waitFor('How should docker authenticate'));
		expect(frame).toContain('docker asks docker-credential-desktop (credsStore (for every registry))');
	});

	it('already configured: offers to keep it and verifies the helper', async () => {
		const w = world({}, {resolution: {kind: 'helper', helper: 'ecr-login', source: 'credHelpers', key: HOST}});
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		const frame = await step.app.waitFor('How should docker authenticate');
		expect(frame).toContain('› Keep it: verify the credential helper works');
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({
					patch: expect.objectContaining({auth: {method: 'unchanged', verified: true}}) as unknown,
				}),
			);
		});
		expect(w.dockerConfig.apply).not.toHaveBeenCalled();
	});
});

describe('authentication step: the credential helper', () => {
	it('plan → diff → confirm → apply (backup shown) → verify with get', async () => {
		const w = world();
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ENTER);
		const diff = await step.app.waitFor('Write this change?');
		expect(w.dockerConfig.plan).toHaveBeenCalledWith(expect.anything(), [
			{type: 'set-cred-helper', host: HOST, helper: 'ecr-login'},
		]);
		expect(diff).toContain(`--- ${CONFIG_PATH}`);
		expect(diff).toMatch(/\+\s+"credHelpers": \{/);
		expect(w.dockerConfig.apply).not.toHaveBeenCalled();
		await step.app.press('y');
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledTimes(1);
		});
		expect(step.guardWrite).toHaveBeenCalledTimes(1);
		expect(flat(step.app.frame())).toContain(`Wrote ${CONFIG_PATH}; backup at ${BACKUP_PATH}`);
		expect(step.complete.mock.calls[0]![0]).toMatchObject({
			patch: {
				auth: {method: 'helper', verified: true},
				changes: [{path: CONFIG_PATH, backupPath: BACKUP_PATH, description: `credHelpers["${HOST}"] = "ecr-login"`}],
			},
			interactive: true,
		});
	});

	it('n at the diff writes nothing', async () => {
		const w = world();
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ENTER);
		await step.app.waitFor('Write this change?');
		await step.app.press('n');
		await step.app.waitFor('How should docker authenticate');
		expect(w.dockerConfig.apply).not.toHaveBeenCalled();
	});

	it('nothing to change: says so and only verifies', async () => {
		const w = world({
			dockerConfig: {plan: vi.fn(() => ({changed: false, newText: '', diff: '', changes: [], baseText: ''}))},
		});
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledTimes(1);
		});
		expect(flat(step.app.frame())).toContain(`already sends ${HOST} to ecr-login: nothing to change`);
		expect(w.dockerConfig.apply).not.toHaveBeenCalled();
	});

	it('a helper that cannot get a token: shows why (with its log) and offers retry, login or continue', async () => {
		const w = world({
			helper: {
				get: vi
					.fn()
					.mockResolvedValueOnce({
						ok: false,
						message: 'credentials not found in native keychain',
						logExcerpt: 'time=… level=error msg="Error retrieving credentials" error="NoCredentialProviders"',
					})
					.mockResolvedValueOnce({ok: true, username: 'AWS'}),
			},
		});
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ENTER);
		await step.app.waitFor('Write this change?');
		await step.app.press('y');
		const frame = flat(await step.app.waitFor('could not get a token'));
		expect(frame).toContain('credentials not found in native keychain');
		expect(frame).toContain('log: time=… level=error msg="Error retrieving credentials" error="NoCredentialProviders"');
		expect(frame).toContain('r retry · l log in once instead · Enter continue anyway');
		await step.app.press('r');
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({
					patch: expect.objectContaining({auth: {method: 'helper', verified: true}}) as unknown,
				}),
			);
		});
	});

	it('a sudo install plan shows the exact commands and hands the terminal over', async () => {
		const w = world({
			helper: {
				find: vi.fn(async () => null),
				platform: vi.fn(async () => platform),
				installPlans: vi.fn(() => [aptPlan]),
			},
		});
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ENTER);
		await step.app.waitFor('Install with apt (Ubuntu)');
		await step.app.press(ENTER);
		const consent = flat(await step.app.waitFor('Run it?'));
		expect(consent).toContain('sudo apt-get update && sudo apt-get install -y amazon-ecr-credential-helper');
		expect(consent).toContain('sudo will ask for your password: the wizard steps aside');
		await step.app.press('y');
		expect(step.handOver).toHaveBeenCalledWith(
			'sh',
			['-c', 'sudo apt-get update && sudo apt-get install -y amazon-ecr-credential-helper'],
			{
				kind: 'install-helper',
				command: 'sudo apt-get update && sudo apt-get install -y amazon-ecr-credential-helper',
			},
		);
	});

	it('after the sudo install (resume), finds the helper and goes on to the config change', async () => {
		const w = world();
		const step = renderStep(AuthStep, {
			services: w.services,
			state: stateAfterRepository(),
			resumed: {pending: {kind: 'install-helper', command: installCommandText(aptPlan)}, exitCode: 0},
		});
		const frame = flat(await step.app.waitFor('Write this change?'));
		expect(frame).toContain('Installed docker-credential-ecr-login 0.9.1 at /usr/bin/docker-credential-ecr-login');
	});

	it('a failed sudo install (resume with exit 1) is explained; Enter chooses again', async () => {
		const w = world({
			helper: {
				find: vi.fn(async () => null),
				platform: vi.fn(async () => platform),
				installPlans: vi.fn(() => [aptPlan]),
			},
		});
		const step = renderStep(AuthStep, {
			services: w.services,
			state: stateAfterRepository(),
			resumed: {pending: {kind: 'install-helper', command: installCommandText(aptPlan)}, exitCode: 100},
		});
		await step.app.waitFor('The install command exited with code 100');
		await step.app.press(ENTER);
		await step.app.waitFor('Install with apt (Ubuntu)');
	});

	it('shows the install output live, a line at a time', async () => {
		let finish!: () => void;
		const plan: InstallPlan = {
			method: 'brew',
			command: ['brew', 'install', 'docker-credential-helper-ecr'],
			before: [],
			needsSudo: false,
			description: 'Install with Homebrew',
		};
		const w = world({
			helper: {
				find: vi.fn(async () => null),
				platform: vi.fn(async () => ({...platform, os: 'darwin'})),
				installPlans: vi.fn(() => [plan]),
				install: vi.fn(async (_plan: InstallPlan, options?: {onLine?: (line: string) => void}) => {
					options?.onLine?.('==> Downloading https://ghcr.io/v2/homebrew/core/docker-credential-helper-ecr');
					options?.onLine?.('==> Pouring docker-credential-helper-ecr--0.9.1.arm64_sonoma.bottle.tar.gz');
					await new Promise<void>((resolve) => {
						finish = resolve;
					});
					return {
						name: 'docker-credential-ecr-login',
						path: '/opt/homebrew/bin/docker-credential-ecr-login',
						version: '0.9.1',
					};
				}),
			},
		});
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ENTER);
		await step.app.waitFor('Install with Homebrew');
		await step.app.press(ENTER);
		await step.app.waitFor('Run it?');
		await step.app.press(ENTER);
		const live = await step.app.waitFor('Pouring');
		expect(live).toContain('│ ==> Downloading');
		finish();
		await step.app.waitFor('Write this change?');
	});

	it('a release-binary plan says what it downloads, where to, and checks the checksum', async () => {
		const binary: InstallPlan = {
			method: 'binary',
			command: [],
			before: [],
			needsSudo: false,
			description: 'Download the release binary',
			target: {path: '/home/dev/.local/bin/docker-credential-ecr-login', onPath: false},
			download: {
				url: 'https://amazon-ecr-credential-helper-releases.s3.us-east-2.amazonaws.com/0.9.1/linux-amd64/docker-credential-ecr-login',
				checksumUrl:
					'https://amazon-ecr-credential-helper-releases.s3.us-east-2.amazonaws.com/0.9.1/linux-amd64/docker-credential-ecr-login.sha256',
				version: '0.9.1',
				pathAdvice: 'Add ~/.local/bin to PATH in ~/.profile',
			},
		};
		const install = vi.fn(async () => ({
			name: 'docker-credential-ecr-login',
			path: binary.target!.path,
			version: '0.9.1',
		}));
		const w = world({
			helper: {
				find: vi.fn(async () => null),
				platform: vi.fn(async () => platform),
				installPlans: vi.fn(() => [binary]),
				install,
			},
		});
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ENTER);
		await step.app.waitFor('Download the release binary');
		await step.app.press(ENTER);
		const consent = (await step.app.waitFor('Run it?')).replaceAll(/\s+/g, '');
		expect(consent).toContain(`Thisdownloads:download${binary.download!.url}to${binary.target!.path}`);
		expect(consent).toContain('version0.9.1,checkedagainst');
		expect(consent).toContain('(notonPATH:addit)');
		expect(consent).toContain('Add~/.local/bintoPATHin~/.profile');
		await step.app.press('y');
		await step.app.waitFor('Write this change?');
		expect(install).toHaveBeenCalledWith(binary, expect.anything());
		expect(step.handOver).not.toHaveBeenCalled();
	});

	it('installHandOver runs a single command directly', () => {
		expect(installHandOver({...aptPlan, before: []})).toEqual({
			file: 'sudo',
			args: ['apt-get', 'install', '-y', 'amazon-ecr-credential-helper'],
		});
	});
});

describe('authentication step: one-time login', () => {
	it('fetches a token for the region and logs docker in without ever showing the password', async () => {
		const w = world();
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledTimes(1);
		});
		expect(w.docker.login).toHaveBeenCalledWith(HOST, 'AWS', PASSWORD);
		expect(step.complete.mock.calls[0]![0]).toMatchObject({
			patch: {auth: {method: 'login', verified: true, expiresAt: '2026-11-28T00:00:00.000Z'}},
		});
		expect(JSON.stringify(step.complete.mock.calls)).not.toContain(PASSWORD);
		expect(step.app.allFrames()).not.toContain(PASSWORD);
	});

	it('a docker login failure is shown (without the password) and can be retried', async () => {
		const w = world();
		vi.mocked(w.docker.login).mockRejectedValueOnce(
			new Error('Error saving credentials: error storing credentials - err: exit status 1, out: `not implemented`'),
		);
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await step.app.waitFor('docker login failed');
		expect(step.app.allFrames()).not.toContain(PASSWORD);
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledTimes(1);
		});
	});

	it('a docker login failure keeps what the docker service says to do (its hint and next steps)', async () => {
		const w = world();
		vi.mocked(w.docker.login).mockRejectedValueOnce(
			new UserError('docker login to the registry failed: docker-credential-desktop is not on PATH.', {
				code: 'docker.login-helper-missing',
				hint: 'config.json names a credential store whose program is missing.',
				nextSteps: ['Remove "credsStore": "desktop" from ~/.docker/config.json'],
			}),
		);
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		const frame = flat(await step.app.waitFor('docker login failed'));
		expect(frame).toContain('docker-credential-desktop is not on PATH');
		expect(frame).toContain('names a credential store whose program is missing');
		expect(frame).toContain('Remove "credsStore": "desktop"');
	});

	it('Esc on the choice goes back', async () => {
		const w = world();
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ESCAPE);
		expect(step.back).toHaveBeenCalled();
	});
});
