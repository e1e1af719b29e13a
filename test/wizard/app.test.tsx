import {mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {App, type WizardOutcome, type WizardState} from '../../source/wizard/app.js';
import type {WizardOptions} from '../../source/wizard/steps/types.js';
import type {InstallPlan, PlatformInfo} from '../../source/credential-helper/types.js';
import type {Services} from '../../source/services/types.js';
import {createDockerConfigService} from '../../source/docker-config/service.js';
import {AwsError} from '../../source/aws/errors.js';
import {PushError} from '../../source/docker/push-errors.js';
import {ARROW_DOWN, CTRL_C, ENTER, ESCAPE, flat, renderInk} from '../helpers/render.js';
import {
	ACCOUNT,
	BACKUP_PATH,
	CONFIG_PATH,
	DIGEST,
	HOST,
	PASSWORD,
	repository,
	world,
} from '../helpers/wizard-fixtures.js';

const temporaryDirs: string[] = [];

afterEach(async () => {
	cleanup();
	await Promise.all(temporaryDirs.splice(0).map(async (dir) => rm(dir, {recursive: true, force: true})));
});

function start(
	services: Services,
	options: Partial<WizardOptions> = {},
	resume?: {state: WizardState; exitCode: number},
) {
	const outcomes: WizardOutcome[] = [];
	const onOutcome = vi.fn((outcome: WizardOutcome) => {
		outcomes.push(outcome);
	});
	const app = renderInk(
		<App services={services} options={{yes: false, ...options}} onOutcome={onOutcome} {...(resume ? {resume} : {})} />,
	);
	return {app, outcomes, onOutcome};
}

type Running = ReturnType<typeof start>['app'];

/** Welcome → push mode, identity, default region. */
async function throughRegion(app: Running): Promise<void> {
	await app.waitFor('What would you like to do?');
	await app.press(ENTER);
	await app.waitFor('Filter regions');
	await app.waitFor('Scanned 3 regions');
	await app.press(ENTER);
}

async function pickRepository(app: Running, name: string): Promise<void> {
	await app.waitFor('2 in eu-west-1');
	await app.type(name);
	await app.press(ENTER);
}

async function pickImageAndTag(app: Running): Promise<void> {
	await app.waitFor('Which local image?');
	await app.press(ENTER);
	await app.waitFor('which tag?');
	await app.press(ENTER);
}

describe('wizard: identity beside the welcome screen', () => {
	it('asks STS while the welcome screen is up, and the identity step uses that answer (one call in all)', async () => {
		const w = world();
		const {app} = start(w.services);
		await app.waitFor('What would you like to do?');
		await vi.waitFor(() => expect(w.aws.getCallerIdentity).toHaveBeenCalledTimes(1));
		expect(app.frame()).toContain('What would you like to do?');
		await app.press(ENTER);
		await app.waitFor('Filter regions');
		expect(w.aws.getCallerIdentity).toHaveBeenCalledTimes(1);
	});

	it('a failed early answer is shown by the identity step, and its retry asks AWS again', async () => {
		const getCallerIdentity = vi
			.fn()
			.mockRejectedValueOnce(
				new AwsError('The security token included in the request is expired', {kind: 'expired-credentials'}),
			)
			.mockResolvedValue({
				account: ACCOUNT,
				arn: `arn:aws:iam::${ACCOUNT}:user/dev`,
				userId: 'AIDEXAMPLE',
				kind: 'iam-user',
			});
		const w = world({aws: {getCallerIdentity}});
		const {app} = start(w.services);
		await app.waitFor('What would you like to do?');
		await vi.waitFor(() => expect(getCallerIdentity).toHaveBeenCalledTimes(1));
		await app.press(ENTER);
		await app.waitFor('retry');
		expect(getCallerIdentity).toHaveBeenCalledTimes(1);
		await app.press('r');
		await app.waitFor('Filter regions');
		expect(getCallerIdentity).toHaveBeenCalledTimes(2);
	});
});

describe('wizard: a profile picked in the identity step', () => {
	it('reaches docker push and the credential helper check too (AWS_PROFILE), not only the wizard’s AWS calls', async () => {
		const base = world();
		const profiles = [{name: 'default'}, {name: 'prod'}] as Awaited<ReturnType<Services['aws']['listProfiles']>>;
		const prodAws = {...base.services.aws, profile: 'prod'};
		const prodDocker = {
			...base.services.docker,
			push: vi.fn(base.services.docker.push),
			tag: vi.fn(base.services.docker.tag),
		};
		const prodHelper = {...base.services.helper, get: vi.fn(base.services.helper.get)};
		const dockerWithEnv = vi.fn(() => prodDocker);
		const helperWithEnv = vi.fn(() => prodHelper);
		const w = world({
			aws: {listProfiles: vi.fn(async () => profiles), withProfile: vi.fn(() => prodAws)},
			docker: {withEnv: dockerWithEnv},
			helper: {withEnv: helperWithEnv},
		});
		const {app} = start(w.services);
		await app.waitFor('What would you like to do?');
		await app.press(ENTER);
		await app.waitFor('Several AWS profiles');
		await app.press(ARROW_DOWN);
		await app.press(ENTER);
		await app.waitFor('Scanned 3 regions: 1 with repositories');
		await app.press(ENTER);
		await pickRepository(app, 'web');
		await app.waitFor('How should docker authenticate');
		await app.press(ENTER);
		await app.waitFor('Write this change?');
		await app.press('y');
		await pickImageAndTag(app);
		await app.waitFor('Files changed');
		expect(dockerWithEnv).toHaveBeenCalledWith({AWS_PROFILE: 'prod'});
		expect(helperWithEnv).toHaveBeenCalledWith({AWS_PROFILE: 'prod'});
		expect(prodHelper.get).toHaveBeenCalledWith(HOST, undefined, {signal: expect.any(AbortSignal)});
		expect(prodDocker.push).toHaveBeenCalledWith(`${HOST}/web:dev`, expect.anything());
		expect(w.docker.push).not.toHaveBeenCalled();
		expect(w.helper.get).not.toHaveBeenCalled();
	});
});

describe('wizard: whole flows', () => {
	it('happy path with an existing repository: identity, region, repository, helper, image, push, done', async () => {
		const w = world();
		const {app, outcomes} = start(w.services);
		await app.waitFor('What would you like to do?');
		expect(app.frame()).toContain('docker 28.1.1 is installed');
		await app.press(ENTER);

		await app.waitFor('Filter regions');
		await app.waitFor('Scanned 3 regions: 1 with repositories');
		expect(app.frame()).toContain('› eu-west-1');
		expect(app.frame()).toContain('default, from AWS_REGION');
		await app.press(ENTER);

		await app.waitFor('2 in eu-west-1');
		await app.type('web');
		await app.waitFor('1 of 2 repositories');
		await app.press(ENTER);

		await app.waitFor('How should docker authenticate');
		expect(flat(app.frame())).toContain('a push now fails with "no basic auth credentials"');
		await app.press(ENTER);
		await app.waitFor('Write this change?');
		expect(app.frame()).toContain(`"${HOST}": "ecr-login"`);
		await app.press('y');

		await app.waitFor('Which local image?');
		expect(app.frame()).toMatch(/› my-app:dev[\s\S]*old-thing:v1/);
		await app.press(ENTER);
		await app.waitFor('which tag?');
		expect(app.frame()).toContain('a1b2c3d  (git HEAD, short SHA)');
		await app.press(ENTER);

		const done = flat(await app.waitFor('Files changed'));
		expect(done).toContain(`Pushed ${HOST}/web:dev`);
		expect(done).toContain(DIGEST);
		expect(done).toContain(`${CONFIG_PATH}: credHelpers["${HOST}"] = "ecr-login" (backup: ${BACKUP_PATH})`);
		expect(done).toContain(`ecr-setup configure-helper --registry ${HOST} --yes`);
		expect(done).toContain('ecr-setup push my-app:dev --repository web --tag dev --region eu-west-1');
		expect(done).toContain('ecr-setup ci github');
		expect(done).toContain('ecr-setup policy');
		// Finished steps stay above as one-line log entries.
		expect(done).toContain(`✔ Identity: arn:aws:iam::${ACCOUNT}:user/dev (IAM user, account ${ACCOUNT})`);
		expect(done).toContain(`✔ Repository: ${HOST}/web`);
		expect(w.dockerConfig.apply).toHaveBeenCalledTimes(1);
		expect(w.helper.get).toHaveBeenCalledWith(HOST, undefined, {signal: expect.any(AbortSignal)});
		expect(w.docker.tag).toHaveBeenCalledWith('my-app:dev', `${HOST}/web:dev`);
		expect(w.docker.push).toHaveBeenCalledWith(
			`${HOST}/web:dev`,
			expect.objectContaining({signal: expect.any(AbortSignal)}),
		);

		await app.press(ENTER);
		expect(outcomes).toEqual([{type: 'exit', exitCode: 0}]);
	});

	it('creates a repository: name validated as you type, mutability, scan on push, full URI', async () => {
		const w = world();
		const {app} = start(w.services);
		await throughRegion(app);
		await app.waitFor('2 in eu-west-1');
		await app.type('Team/App');
		await app.waitFor('+ Create a new repository');
		await app.press(ENTER);
		await app.waitFor('New repository name: Team/App');
		expect(app.frame()).toContain('✖ A repository name must be lower case.');
		await app.press(ENTER);
		expect(app.frame()).toContain('New repository name'); // Enter does nothing while the name is invalid.
		for (let index = 0; index < 8; index++) await app.press('\u007F');
		await app.type('team/app');
		await app.waitFor(`✔ Valid. The image URI will be ${HOST}/team/app`);
		await app.press(ENTER);
		await app.waitFor('Tag mutability for team/app');
		await app.press(ARROW_DOWN);
		await app.press(ENTER);
		await app.waitFor('Scan images for vulnerabilities');
		await app.press('n');
		await app.waitFor('Create this repository?');
		expect(flat(app.frame())).toContain(`Create ${HOST}/team/app immutable tags · scan on push off`);
		await app.press('y');
		await app.waitFor('How should docker authenticate');
		expect(w.aws.createRepository).toHaveBeenCalledWith('eu-west-1', {
			name: 'team/app',
			imageTagMutability: 'IMMUTABLE',
			scanOnPush: false,
		});
		expect(flat(app.frame())).toContain(`✔ Repository: ${HOST}/team/app (created, immutable tags)`);
	});

	it('offers "+ Create" for a typed name that matches nothing', async () => {
		const w = world();
		const {app} = start(w.services);
		await throughRegion(app);
		await app.waitFor('2 in eu-west-1');
		await app.type('billing');
		await app.waitFor('+ Create "billing"');
		expect(app.frame()).toContain('0 of 2 repositories');
		await app.press(ENTER);
		await app.waitFor('New repository name: billing');
	});

	it('installs the missing helper, shows the change as a diff, writes config.json with a backup and verifies', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'ecr-setup-wizard-'));
		temporaryDirs.push(dir);
		const original = '{\n\t"auths": {},\n\t"currentContext": "default"\n}\n';
		await writeFile(join(dir, 'config.json'), original, {mode: 0o600});
		const plan: InstallPlan = {
			method: 'go',
			command: [
				'go',
				'install',
				'github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/docker-credential-ecr-login@latest',
			],
			before: [],
			needsSudo: false,
			description: 'Build it with go install',
		};
		const platform: PlatformInfo = {
			os: 'linux',
			arch: 'x64',
			isRoot: false,
			isWsl: false,
			packageManagers: [],
			home: '/home/dev',
		};
		const found = vi.fn().mockResolvedValueOnce(null);
		const install = vi.fn(async (_plan: InstallPlan, options?: {onLine?: (line: string) => void}) => {
			options?.onLine?.('go: downloading github.com/awslabs/amazon-ecr-credential-helper v0.9.1');
			return {
				name: 'docker-credential-ecr-login',
				path: '/home/dev/go/bin/docker-credential-ecr-login',
				version: '0.9.1',
			};
		});
		const w = world({
			dockerConfig: createDockerConfigService({dir, env: {}}),
			helper: {find: found, platform: vi.fn(async () => platform), installPlans: vi.fn(() => [plan]), install},
		});
		const {app} = start(w.services, {mode: 'helper'});
		await app.waitFor('Filter regions');
		await app.waitFor('Scanned 3 regions');
		await app.press(ENTER);
		await app.waitFor('How should docker authenticate');
		await app.press(ENTER);
		await app.waitFor('docker-credential-ecr-login is not installed');
		expect(app.frame()).toContain('Build it with go install');
		await app.press(ENTER);
		await app.waitFor('Run it?');
		expect(app.frame().replaceAll(/\s+/g, '')).toContain(`Thisruns:${plan.command.join('')}`);
		await app.press('y');
		const confirm = flat(await app.waitFor('Write this change?'));
		expect(install).toHaveBeenCalledWith(plan, expect.objectContaining({onLine: expect.any(Function)}));
		expect(confirm).toContain(
			'Installed docker-credential-ecr-login 0.9.1 at /home/dev/go/bin/docker-credential-ecr-login',
		);
		expect(confirm).toMatch(/\+\s+"credHelpers": \{/);
		expect(confirm).toContain(`"${HOST}": "ecr-login"`);
		expect(confirm).toContain('the current file is backed up first');
		await app.press(ENTER);

		const done = flat(await app.waitFor('Files changed'));
		const written = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
		expect(written['credHelpers']).toEqual({[HOST]: 'ecr-login'});
		expect(written['currentContext']).toBe('default');
		const backups = (await readdir(dir)).filter((name) => name !== 'config.json');
		expect(backups).toHaveLength(1);
		expect(await readFile(join(dir, backups[0]!), 'utf8')).toBe(original);
		expect(done.replaceAll(' ', '')).toContain(`(backup:${join(dir, backups[0]!)})`);
		expect(done).toContain('verified');
		expect(w.helper.get).toHaveBeenCalledWith(HOST, undefined, {signal: expect.any(AbortSignal)});
		expect(w.docker.push).not.toHaveBeenCalled();
	});

	it('one-time login: token to docker login, the password never appears in any frame', async () => {
		const w = world();
		const {app} = start(w.services);
		await throughRegion(app);
		await pickRepository(app, 'web');
		await app.waitFor('How should docker authenticate');
		await app.press(ARROW_DOWN);
		await app.press(ENTER);
		await pickImageAndTag(app);
		const done = flat(await app.waitFor('Files changed'));
		expect(w.aws.getAuthorizationToken).toHaveBeenCalledWith('eu-west-1', ACCOUNT);
		expect(w.docker.login).toHaveBeenCalledWith(HOST, 'AWS', PASSWORD);
		expect(done).toContain(`Authentication: logged in to ${HOST} until 00:00 UTC (12 hours)`);
		expect(done).toContain('ecr-setup login --region eu-west-1');
		expect(w.dockerConfig.apply).not.toHaveBeenCalled();
		expect(app.allFrames()).not.toContain(PASSWORD);
		expect(app.allFrames()).not.toContain(PASSWORD.slice(0, 12));
	});

	it('a push that fails with "no basic auth credentials" is fixed with the helper and pushed again', async () => {
		const w = world();
		const failing = new PushError({kind: 'no-basic-auth', message: 'no basic auth credentials', registry: HOST});
		const push = vi.mocked(w.docker.push);
		const original = push.getMockImplementation()!;
		push.mockRejectedValueOnce(failing);
		const {app} = start(w.services);
		await throughRegion(app);
		await pickRepository(app, 'web');
		await app.waitFor('How should docker authenticate');
		// Log in once first, so the push is what fails.
		await app.press(ARROW_DOWN);
		await app.press(ENTER);
		await pickImageAndTag(app);
		const failed = flat(await app.waitFor('What now?'));
		expect(failed).toContain('Push failed: Docker sent no credentials');
		expect(failed).toContain('docker said: no basic auth credentials');
		expect(failed).toContain('› Fix authentication');
		push.mockImplementation(original);
		await app.press(ENTER);
		await app.waitFor('How should docker authenticate');
		expect(app.frame()).toContain('Push failed: fixing authentication');
		await app.press(ENTER);
		await app.waitFor('Write this change?');
		await app.press('y');
		const done = flat(await app.waitFor('Files changed'));
		expect(done).toContain(`Pushed ${HOST}/web:dev`);
		expect(push).toHaveBeenCalledTimes(2);
		expect(w.dockerConfig.apply).toHaveBeenCalledTimes(1);
	});

	it('Esc walks back through the steps', async () => {
		const w = world();
		const {app} = start(w.services);
		await throughRegion(app);
		await app.waitFor('2 in eu-west-1');
		await app.press(ESCAPE);
		await app.waitFor('Filter regions');
		expect(app.frame()).toContain('↶ Back to Region');
		await app.press(ESCAPE);
		await app.waitFor('What would you like to do?');
		expect(app.frame()).toContain('↶ Back to Welcome');
		await app.press(ARROW_DOWN);
		await app.press(ARROW_DOWN);
		await app.press(ENTER);
		// Helper-only mode now: region, then authentication (no repository step).
		await app.waitFor('Filter regions');
		await app.waitFor('Scanned 3 regions');
		await app.press(ENTER);
		await app.waitFor('How should docker authenticate');
		await app.press(ENTER);
		await app.waitFor('Write this change?');
		await app.press(ESCAPE);
		await app.waitFor('How should docker authenticate');
		await app.press(ESCAPE);
		await app.waitFor('Filter regions');
		expect(w.dockerConfig.apply).not.toHaveBeenCalled();
	});

	it('Ctrl-C mid-flow exits 130 and leaves the config untouched', async () => {
		const w = world();
		const {app, outcomes} = start(w.services);
		await throughRegion(app);
		await pickRepository(app, 'web');
		await app.waitFor('How should docker authenticate');
		await app.press(ENTER);
		await app.waitFor('Write this change?');
		await app.press(CTRL_C);
		await vi.waitFor(() => {
			expect(outcomes).toEqual([{type: 'exit', exitCode: 130}]);
		});
		expect(w.dockerConfig.apply).not.toHaveBeenCalled();
	});

	it('Ctrl-C while the config is being written lets that one write finish, then exits 130', async () => {
		let finishWrite!: () => void;
		const w = world({
			dockerConfig: {
				apply: vi.fn(
					async () =>
						new Promise<{path: string; backupPath: string}>((resolve) => {
							finishWrite = () => resolve({path: CONFIG_PATH, backupPath: BACKUP_PATH});
						}),
				),
			},
		});
		const {app, outcomes} = start(w.services, {mode: 'helper', region: 'eu-west-1'});
		await app.waitFor('How should docker authenticate');
		await app.press(ENTER);
		await app.waitFor('Write this change?');
		await app.press('y');
		await app.waitFor('Writing the docker config');
		await app.press(CTRL_C);
		await app.waitFor('letting the config write finish');
		expect(outcomes).toEqual([]);
		finishWrite();
		await vi.waitFor(() => {
			expect(outcomes).toEqual([{type: 'exit', exitCode: 130}]);
		});
		// The write landed; nothing ran after it (no verification on the way out).
		expect(w.helper.get).not.toHaveBeenCalled();
	});

	it('expired SSO: renewed inside the wizard with the device flow (no AWS CLI, no hand-over), then identity again', async () => {
		const expired = new AwsError('The SSO session for profile dev has expired or is not signed in.', {
			kind: 'sso-expired',
			hint: 'Sign in again with `aws sso login --profile dev`, then re-run ecr-setup.',
			nextSteps: ['aws sso login --profile dev'],
		});
		const config =
			'[profile dev]\nsso_session = corp\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n';
		let approve: () => void = () => undefined;
		const signIn = vi.fn(async (_target: unknown, options: {onAuthorization: (shown: unknown) => void}) => {
			options.onAuthorization({
				verificationUri: 'https://device.sso.eu-west-1.amazonaws.com/',
				verificationUriComplete: 'https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH',
				userCode: 'ABCD-EFGH',
				expiresInS: 600,
			});
			await new Promise<void>((resolve) => {
				approve = resolve;
			});
			return {how: 'device' as const, expiresAt: new Date(), cachePath: '/x', refreshable: true} as never;
		});
		const w = world({
			aws: {profile: 'dev'},
			signIn: {files: {read: async () => ({text: config})} as never, signIn},
		});
		vi.mocked(w.aws.getCallerIdentity).mockRejectedValueOnce(expired);
		const {app, outcomes} = start(w.services);
		await app.waitFor('What would you like to do?');
		await app.press(ENTER);
		const failed = flat(await app.waitFor('Press Enter to sign in again here'));
		expect(failed).toContain('✖ The SSO session of profile dev has expired');
		await app.press(ENTER);
		const code = flat(await app.waitFor('Code: ABCD-EFGH'));
		expect(code).toContain('https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH');
		expect(signIn.mock.calls[0]![0]).toEqual({
			startUrl: 'https://corp.awsapps.com/start',
			region: 'eu-west-1',
			cacheKey: 'corp',
		});
		approve();
		await app.waitFor('Filter regions');
		expect(outcomes).toEqual([]);
		expect(w.aws.getCallerIdentity).toHaveBeenCalledTimes(2);
		expect(flat(app.frame())).toContain(`✔ Identity: arn:aws:iam::${ACCOUNT}:user/dev`);
	});

	it('every answer from flags: runs straight through to done without a key', async () => {
		const w = world();
		const {app} = start(w.services, {
			mode: 'push',
			region: 'eu-west-1',
			repository: 'web',
			image: 'my-app:dev',
			tag: 'v2',
			yes: true,
		});
		const done = flat(await app.waitFor('Files changed'));
		expect(done).toContain(`Pushed ${HOST}/web:v2`);
		expect(w.dockerConfig.apply).toHaveBeenCalledTimes(1);
		expect(w.aws.listRepositories).not.toHaveBeenCalled();
		expect(w.docker.listImages).not.toHaveBeenCalled();
	});

	it('--repository that does not exist with --create-repository creates it', async () => {
		const w = world();
		const {app} = start(w.services, {
			mode: 'push',
			region: 'eu-west-1',
			repository: 'brand-new',
			createRepository: true,
		});
		await app.waitFor('How should docker authenticate');
		expect(w.aws.createRepository).toHaveBeenCalledWith('eu-west-1', {
			name: 'brand-new',
			imageTagMutability: 'MUTABLE',
			scanOnPush: true,
		});
		expect(flat(app.frame())).toContain(`Repository: ${HOST}/brand-new (created, mutable tags)`);
	});

	it('q quits where no text field has focus; typed into a filter it is text', async () => {
		const w = world();
		const {app, outcomes} = start(w.services);
		await throughRegion(app);
		await app.waitFor('2 in eu-west-1');
		await app.press('q');
		expect(outcomes).toEqual([]);
		expect(app.frame()).toContain('Filter repositories: q');
		await app.press(ESCAPE); // Clears the filter first.
		await app.press(ARROW_DOWN);
		await app.press(ENTER);
		await app.waitFor('How should docker authenticate');
		await app.press('q');
		await vi.waitFor(() => {
			expect(outcomes).toEqual([{type: 'exit', exitCode: 1}]);
		});
	});

	it('shows a missing docker up front and explains it', async () => {
		const w = world({
			docker: {
				cliVersion: vi.fn(async () => null),
				daemonStatus: vi.fn(async () => ({ok: false as const, reason: 'cli-missing' as const, message: 'not found'})),
			},
		});
		const {app} = start(w.services);
		const frame = flat(await app.waitFor('What would you like to do?'));
		expect(frame).toContain('✖ The docker CLI is not installed');
		expect(frame).toContain('the credential helper can still be configured now');
	});

	it('explains a docker daemon that is not running', async () => {
		const w = world({
			docker: {
				daemonStatus: vi.fn(async () => ({
					ok: false as const,
					reason: 'not-running' as const,
					message: 'Cannot connect',
				})),
			},
		});
		const {app} = start(w.services);
		const frame = flat(await app.waitFor('What would you like to do?'));
		expect(frame).toContain('docker 28.1.1 is installed, but its daemon is not running');
		expect(frame).toContain('sudo systemctl start docker');
	});

	it('"My push failed" runs the troubleshooter on the registry the wizard found', async () => {
		const w = world();
		const troubleshooter = vi.fn(async () => ({
			target: {registry: HOST, region: 'eu-west-1', account: ACCOUNT, repository: null, image: null},
			checks: [
				{
					id: 'docker.store' as const,
					status: 'fail' as const,
					title: 'Credential store',
					detail: `nothing serves ${HOST}`,
					fix: {description: 'Configure the helper', command: `ecr-setup configure-helper --registry ${HOST}`},
				},
				{id: 'docker.cli' as const, status: 'pass' as const, title: 'docker CLI', detail: '28.1.1', fix: null},
			],
			summary: {pass: 1, warn: 0, fail: 1, skip: 0},
		}));
		const outcomes: WizardOutcome[] = [];
		const app = renderInk(
			<App
				services={w.services}
				options={{yes: false}}
				troubleshooter={troubleshooter}
				onOutcome={(outcome) => outcomes.push(outcome)}
			/>,
		);
		await app.waitFor('What would you like to do?');
		await app.press(ARROW_DOWN);
		await app.press(ENTER);
		await app.waitFor('Filter regions');
		await app.waitFor('Scanned 3 regions');
		await app.press(ENTER);
		const report = flat(await app.waitFor('1 passed'));
		expect(troubleshooter).toHaveBeenCalledWith(
			w.services,
			{registry: HOST, region: 'eu-west-1'},
			expect.objectContaining({signal: expect.any(AbortSignal)}),
		);
		expect(report).toContain(`✖ Credential store: nothing serves ${HOST}`);
		expect(report).toContain(`→ Configure the helper $ ecr-setup configure-helper --registry ${HOST}`);
		await app.press(ENTER);
		await app.waitFor('How should docker authenticate');
		await app.press(ENTER);
		await app.waitFor('Write this change?');
		await app.press('y');
		await app.waitFor('Files changed');
		expect(w.dockerConfig.apply).toHaveBeenCalledTimes(1);
	});
});

describe('wizard: 80×24 and NO_COLOR', () => {
	it('draws no colour codes with NO_COLOR, and no line wider than 80 columns', async () => {
		const w = world();
		const {app} = start(w.services);
		await throughRegion(app);
		await pickRepository(app, 'web');
		await app.waitFor('How should docker authenticate');
		await app.press(ENTER);
		await app.waitFor('Write this change?');
		for (const frame of app.frames) {
			expect(frame).not.toMatch(/\u001B\[/);
			for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
		}
	});

	/** The live area: from the step header to the hint line (the <Static> log above it scrolls away). */
	function liveRows(frame: string): number {
		return frame.slice(frame.lastIndexOf('Step ')).split('\n').length;
	}

	it('the config diff and the failed push each fit 24 rows', async () => {
		const w = world();
		vi.mocked(w.docker.push).mockRejectedValueOnce(
			new PushError({
				kind: 'denied-iam',
				message: `User: arn:aws:iam::${ACCOUNT}:user/dev is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/web`,
			}),
		);
		const {app} = start(w.services);
		await throughRegion(app);
		await pickRepository(app, 'web');
		await app.waitFor('How should docker authenticate');
		await app.press(ENTER);
		expect(liveRows(await app.waitFor('Write this change?'))).toBeLessThanOrEqual(24);
		await app.press('y');
		await pickImageAndTag(app);
		expect(liveRows(await app.waitFor('What now?'))).toBeLessThanOrEqual(24);
	});

	it('keeps the live area within 24 rows on the busiest screens', async () => {
		const w = world(
			{},
			{repositories: Array.from({length: 3000}, (_, index) => repository(`service-${String(index).padStart(4, '0')}`))},
		);
		const {app} = start(w.services);
		await throughRegion(app);
		const frame = await app.waitFor('3000 in eu-west-1');
		const live = frame.slice(frame.indexOf('Step 4 of 8'));
		expect(live.split('\n').length).toBeLessThanOrEqual(24);
		expect(frame).toContain('↓ 2993 more');
		await app.type('2999');
		await app.waitFor('1 of 3000 repositories');
		expect(app.frame()).toContain('› service-2999');
	});
});

describe('wizard: sudo install through a hand-over', () => {
	it('hands the terminal over for a sudo install, then resumes at the config change', async () => {
		const plan: InstallPlan = {
			method: 'apt',
			command: ['sudo', 'apt-get', 'install', '-y', 'amazon-ecr-credential-helper'],
			before: [],
			needsSudo: true,
			description: 'Install with apt',
		};
		const platform: PlatformInfo = {
			os: 'linux',
			arch: 'x64',
			isRoot: false,
			isWsl: false,
			packageManagers: ['apt'],
			home: '/home/dev',
		};
		const w = world({helper: {platform: vi.fn(async () => platform), installPlans: vi.fn(() => [plan])}});
		// Missing before the install; found after it (the default answer of the fake).
		vi.mocked(w.helper.find).mockResolvedValueOnce(null);
		const first = start(w.services, {mode: 'helper', region: 'eu-west-1'});
		await first.app.waitFor('How should docker authenticate');
		await first.app.press(ENTER);
		await first.app.waitFor('Install with apt');
		await first.app.press(ENTER);
		await first.app.waitFor('Run it?');
		await first.app.press('y');
		const outcome = first.outcomes[0];
		expect(outcome).toMatchObject({
			type: 'hand-over',
			file: 'sudo',
			args: ['apt-get', 'install', '-y', 'amazon-ecr-credential-helper'],
		});
		if (outcome?.type !== 'hand-over') throw new Error('expected a hand-over');
		first.app.unmount();

		const second = start(
			w.services,
			{mode: 'helper', region: 'eu-west-1'},
			{state: JSON.parse(JSON.stringify(outcome.state)) as WizardState, exitCode: 0},
		);
		const frame = flat(await second.app.waitFor('Write this change?'));
		expect(frame).toContain('Installed docker-credential-ecr-login 0.9.1 at /usr/bin/docker-credential-ecr-login');
		await second.app.press('y');
		await second.app.waitFor('Files changed');
		expect(w.dockerConfig.apply).toHaveBeenCalledTimes(1);
	});
});
