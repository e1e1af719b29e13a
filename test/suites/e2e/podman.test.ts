/**
 * Issue 9, other engines: real podman (Debian package, vfs storage in a throwaway directory, no daemon) pushing to the
 * loopback ECR registry. Before ecr-setup a push is refused for want of credentials; `ecr-setup configure-helper
 * --engine podman` writes credHelpers to ~/.config/containers/auth.json, and the same push then works through the real
 * docker-credential-ecr-login, with no `podman login`.
 */
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {REGISTRY_US} from './topology.js';
import {
	createRepository,
	describeRun,
	ecrSetup,
	makeHome,
	parseJson,
	registryTags,
	resetStandIn,
	run,
	stack,
	type Env,
} from './harness.js';

const PODMAN = '/usr/bin/podman';
const REPOSITORY = 'podman-app';
const IMAGE = `${REGISTRY_US.host}/${REPOSITORY}:v1`;

describe('podman pushes through the real ecr-login helper after configure-helper --engine podman', () => {
	const {home, env: baseEnv} = makeHome('podman');
	const runtimeDir = path.join(home, 'run');
	const env: Env = {...baseEnv, XDG_RUNTIME_DIR: runtimeDir};
	const storage = path.join(home, 'podman');
	const certDir = path.join(home, 'certs');
	// podman refuses a runroot path longer than 50 characters, so it cannot live under the work directory.
	const runroot = mkdtempSync('/tmp/ecr-podman-');
	// Its own storage, vfs (no overlay mounts needed), file events (no journald): nothing else on the machine is touched.
	const podman = (args: string[]) =>
		run(
			PODMAN,
			[
				'--root',
				path.join(storage, 'root'),
				'--runroot',
				runroot,
				'--storage-driver',
				'vfs',
				'--events-backend',
				'file',
				...args,
			],
			{
				env,
				timeoutMs: 120_000,
			},
		);

	beforeAll(async () => {
		if (!existsSync(PODMAN))
			throw new Error(`${PODMAN} is missing: install the Debian package podman (scripts/e2e-setup.sh should list it)`);
		mkdirSync(runtimeDir, {recursive: true, mode: 0o700});
		mkdirSync(certDir, {recursive: true});
		copyFileSync(stack.ca, path.join(certDir, 'ca.crt'));

		await resetStandIn();
		await createRepository(REPOSITORY);
		const rootfs = mkdtempSync(path.join(stack.work, 'podman-image-'));
		writeFileSync(path.join(rootfs, 'hello.txt'), `hello from podman at ${Date.now()}\n`);
		const made = await run('bash', ['-c', 'tar -C "$1" -cf "$2" .', 'make-tar', rootfs, `${rootfs}.tar`], {env});
		expect(made.code, describeRun(made)).toBe(0);
		const imported = await podman(['import', `${rootfs}.tar`, IMAGE]);
		expect(imported.code, describeRun(imported)).toBe(0);
	});

	afterAll(() => {
		rmSync(runroot, {recursive: true, force: true});
	});

	it('without credentials the registry refuses the push', async () => {
		const push = await podman(['push', '--cert-dir', certDir, IMAGE]);
		expect(push.code, describeRun(push)).not.toBe(0);
		expect(`${push.stdout}\n${push.stderr}`).toMatch(/authentication required|unauthorized|401/i);
		expect(await registryTags(REPOSITORY)).toEqual([]);
	});

	it('configure-helper --engine podman writes credHelpers to ~/.config/containers/auth.json (diff, no backup for a new file)', async () => {
		const result = await ecrSetup(
			['configure-helper', '--engine', 'podman', '--registry', REGISTRY_US.host, '--yes', '--json'],
			{env},
		);
		expect(result.code, describeRun(result)).toBe(0);
		const file = path.join(home, '.config', 'containers', 'auth.json');
		const json = parseJson<{
			engine: string;
			files: Array<{path: string; written: boolean; diff: string; backup: string | null}>;
		}>(result);
		expect(json.engine).toBe('podman');
		expect(json.files).toEqual([expect.objectContaining({path: file, written: true, backup: null})]);
		expect(json.files[0]!.diff).toContain(`"${REGISTRY_US.host}": "ecr-login"`);
		expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({credHelpers: {[REGISTRY_US.host]: 'ecr-login'}});
		// podman login was never run: its runtime auth file does not exist.
		expect(existsSync(path.join(runtimeDir, 'containers', 'auth.json'))).toBe(false);
	});

	it('podman push now works through docker-credential-ecr-login, and the registry holds the tag', async () => {
		const push = await podman(['push', '--cert-dir', certDir, IMAGE]);
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags(REPOSITORY)).toEqual(['v1']);
		// The token came from the helper: it logged its cache directory and the registry it served.
		const log = readFileSync(path.join(home, '.ecr', 'log', 'ecr-login.log'), 'utf8');
		expect(log).toContain(REGISTRY_US.host.split('.')[0]!);
	});
});
