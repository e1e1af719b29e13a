/**
 * Scenario 7: the wizard in a real terminal (tmux, 100×30 and 80×24). Keystrokes from the first screen to an image pushed
 * and verified in the registry, and with two profiles and no AWS variables, a registry bound to the profile the wizard
 * used. The wizard's screens may change; these tests only rely on what stays fixed: the welcome choices, the keys
 * (↑↓ Enter, y/n, q, Ctrl-C), the flags that skip steps, and the outcome.
 */
import {existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {OWNER_ACCOUNT, REGISTRY_OWNER, REGISTRY_US} from './topology.js';
import {
	AWS_KEYS,
	CLEAN_PATH,
	createRepository,
	describeRun,
	docker,
	makeHome,
	makeImage,
	OWNER_KEYS,
	readDockerConfig,
	registryTags,
	resetStandIn,
	run,
	stack,
	standInState,
	type Env,
} from './harness.js';
import {TmuxSession} from './tmux.js';

/** A person at a terminal: no CI variable, a real TTY. */
function terminalEnv(env: Env): Env {
	const {CI: _ci, NO_COLOR: _noColor, ...rest} = env;
	return rest;
}

describe('scenario 7: the wizard in tmux', () => {
	const sessions: TmuxSession[] = [];
	const home = makeHome('s7-wizard');

	beforeAll(async () => {
		await resetStandIn();
		await createRepository('wizard-app');
		await makeImage('wizard-app:latest', home.env);
	});

	afterEach(async () => {
		for (const session of sessions.splice(0)) await session.kill();
	});

	async function start(
		name: string,
		args: string[],
		size: {width: number; height: number} = {width: 100, height: 30},
		env: Env = home.env,
	) {
		if (!existsSync(stack.cli)) throw new Error(`${stack.cli} does not exist: \`npm run build\` failed or has not run`);
		const session = await TmuxSession.start({
			name,
			...size,
			command: ['node', stack.cli, ...args],
			env: terminalEnv(env),
		});
		sessions.push(session);
		return session;
	}

	it('starts on its welcome screen, and Ctrl-C leaves cleanly without touching the docker config', async () => {
		const session = await start('welcome', []);
		const screen = await session.waitFor(/Set up and push an image/);
		expect(screen).toMatch(/ecr-setup/i);
		expect(screen).toMatch(/My push failed/);
		expect(screen).toMatch(/Ctrl-C/);
		await session.press('C-c');
		expect(await session.waitForExit()).toBe(130);
		expect(existsSync(home.dockerConfig)).toBe(false);
	});

	it('fits an 80×24 terminal and q quits from the first screen', async () => {
		const session = await start('small', [], {width: 80, height: 24});
		const screen = await session.waitFor(/Set up and push an image/);
		for (const line of screen.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
		await session.press('q');
		const status = await session.waitForExit();
		expect([0, 130]).toContain(status);
	});

	/**
	 * A repository creation template, made with the SDK's own client (the AWS CLI here predates templates), so that the
	 * stand-in's registry creates covered repositories on push as ECR does.
	 */
	async function createTemplate(input: Record<string, unknown>): Promise<void> {
		const script = [
			"import {ECRClient, CreateRepositoryCreationTemplateCommand} from '@aws-sdk/client-ecr';",
			"const client = new ECRClient({region: 'us-east-1'});",
			'await client.send(new CreateRepositoryCreationTemplateCommand(JSON.parse(process.argv[1])));',
		].join('\n');
		const result = await run('node', ['--input-type=module', '-e', script, JSON.stringify(input)], {
			env: home.env,
			cwd: stack.root,
		});
		if (result.code !== 0) throw new Error(`creating the template failed: ${describeRun(result)}`);
	}

	/** Accept what the wizard proposes: Enter on a settled screen, y where it asks y/n. Bounded in keys and time. */
	async function acceptUntil(session: TmuxSession, done: (screen: string) => Promise<boolean>): Promise<string> {
		const deadline = Date.now() + 90_000;
		let keys = 0;
		let screen = '';
		while (Date.now() < deadline && keys < 40) {
			screen = await session.waitForQuiet(800, 20_000);
			if ((await session.exitStatus()) !== undefined) break;
			if (await done(screen)) break;
			if (/\(y\/n\)|\[y\/N\]|\[Y\/n\]/i.test(screen)) await session.press('y');
			else await session.press('Enter');
			keys += 1;
		}

		return screen;
	}

	/** The wizard from its first screen to `wizard-app:TAG` in the registry, accepting what it proposes. */
	async function pushWizardApp(name: string, tag: string, extra: string[] = []): Promise<string> {
		const session = await start(name, [
			'--region',
			'us-east-1',
			'--repository',
			'wizard-app',
			'--image',
			'wizard-app:latest',
			'--tag',
			tag,
			...extra,
		]);
		await session.waitFor(/Set up and push an image/);
		await session.press('Enter');
		return acceptUntil(
			session,
			async (now) => /Pushed|sha256:[0-9a-f]{12}/.test(now) && (await registryTags('wizard-app')).includes(tag),
		);
	}

	it('keystrokes from the first screen to a pushed image, verified in the registry', async () => {
		const screen = await pushWizardApp('push-flow', 'w1');
		expect(await registryTags('wizard-app'), `last screen:\n${screen}`).toEqual(['w1']);
		expect(screen).toContain(`${REGISTRY_US.host}/wizard-app:w1`);
	}, 150_000);

	it('--lambda: the real image is one image manifest, which the wizard says Lambda takes, and pushes as it is', async () => {
		const screen = await pushWizardApp('lambda-flow', 'fn1', ['--lambda']);
		expect(await registryTags('wizard-app'), `last screen:\n${screen}`).toContain('fn1');
		expect(screen.replace(/\s+/g, ' ')).toContain('one image manifest, which Lambda takes');
	}, 150_000);

	it('a repository that does not exist, under a create-on-push template: the wizard leaves it to the push, which creates it', async () => {
		await createTemplate({
			prefix: 'team',
			appliedFor: ['CREATE_ON_PUSH'],
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			imageTagMutabilityExclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
		});
		const session = await start('create-on-push', [
			'--region',
			'us-east-1',
			'--repository',
			'team/wizard-new',
			'--image',
			'wizard-app:latest',
			'--tag',
			'c1',
		]);
		await session.waitFor(/Set up and push an image/);
		await session.press('Enter');
		const offer = await session.waitFor(/Push and let the template team create it/);
		expect(offer).toMatch(/immutable tags except latest/);
		expect(offer).toMatch(/ecr:CreateRepository/);
		// Enter takes the first choice, the template; from there on the same acceptance as above.
		const screen = await acceptUntil(
			session,
			async (now) => /ECR created team\/wizard-new/.test(now) && (await registryTags('team/wizard-new')).includes('c1'),
		);
		expect(await registryTags('team/wizard-new'), `last screen:\n${screen}`).toEqual(['c1']);
		expect(screen.replaceAll(/\s+/g, ' ')).toContain(
			'ECR created team/wizard-new on that push, from the repository creation template team',
		);
		const state = await standInState();
		const created = state.repositories.find((repository) => repository.repositoryName === 'team/wizard-new');
		expect(created).toMatchObject({
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			imageTagMutabilityExclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
		});
		// The wizard asked ECR for no repository: the push made it.
		expect(state.calls.filter((call) => call.operation === 'CreateRepository')).toEqual([]);
	}, 150_000);

	it('two profiles and no AWS variables: the wizard binds the registry to the profile it used, and docker keeps pushing with it', async () => {
		const accounts = makeHome('s7-accounts');
		const bin = path.join(accounts.home, 'bin');
		const env: Env = {...accounts.env, PATH: `${bin}:${CLEAN_PATH}`};
		for (const name of Object.keys(AWS_KEYS)) delete env[name];
		mkdirSync(bin, {recursive: true});
		symlinkSync('/usr/bin/docker-credential-ecr-login', path.join(bin, 'docker-credential-ecr-login'));
		mkdirSync(path.join(accounts.home, '.aws'), {recursive: true, mode: 0o700});
		const keys = (pair: typeof AWS_KEYS) =>
			`aws_access_key_id = ${pair.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${pair.AWS_SECRET_ACCESS_KEY}\n`;
		writeFileSync(
			path.join(accounts.home, '.aws', 'credentials'),
			`[dev]\n${keys(AWS_KEYS)}\n[prod]\n${keys(OWNER_KEYS)}`,
			{
				mode: 0o600,
			},
		);
		writeFileSync(
			path.join(accounts.home, '.aws', 'config'),
			'[profile dev]\nregion = us-east-1\n\n[profile prod]\nregion = us-east-1\n',
		);
		await createRepository('wizard-accounts', {registryId: OWNER_ACCOUNT});
		await makeImage('wizard-accounts:latest', env);

		const session = await start(
			'bound-profile',
			[
				'--profile',
				'prod',
				'--region',
				'us-east-1',
				'--repository',
				'wizard-accounts',
				'--image',
				'wizard-accounts:latest',
				'--tag',
				'p1',
			],
			{width: 100, height: 30},
			env,
		);
		await session.waitFor(/Set up and push an image/);
		await session.press('Enter');
		const screen = await acceptUntil(
			session,
			async (now) =>
				/Pushed|sha256:[0-9a-f]{12}/.test(now) &&
				(await registryTags('wizard-accounts', REGISTRY_OWNER)).includes('p1'),
		);
		expect(await registryTags('wizard-accounts', REGISTRY_OWNER), `last screen:\n${screen}`).toEqual(['p1']);
		expect(screen).not.toContain('export AWS_PROFILE');
		expect(screen.replaceAll(/\s+/g, ' ')).toContain('--profile prod');
		expect((readDockerConfig(accounts.dockerConfig) as {credHelpers: unknown}).credHelpers).toEqual({
			[REGISTRY_OWNER.host]: 'ecr-login-prod',
		});
		expect(readFileSync(path.join(bin, 'docker-credential-ecr-login-prod'), 'utf8')).toContain('AWS_PROFILE=prod');

		// After the wizard, a plain docker push in a shell with no AWS variables still reaches the account.
		const tagged = await docker(['tag', 'wizard-accounts:latest', `${REGISTRY_OWNER.host}/wizard-accounts:p2`], {env});
		expect(tagged.code, describeRun(tagged)).toBe(0);
		const push = await docker(['push', `${REGISTRY_OWNER.host}/wizard-accounts:p2`], {env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags('wizard-accounts', REGISTRY_OWNER)).toEqual(['p1', 'p2']);
	}, 150_000);
});
