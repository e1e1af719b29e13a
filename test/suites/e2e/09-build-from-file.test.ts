/**
 * Scenario 9: a multi-stage Dockerfile pulls from two ECR registries (us-east-1 and eu-west-1) that docker was never
 * configured for, so `docker build` fails (`no basic auth credentials` against real ECR). `configure-helper --from-file Dockerfile`
 * configures both (and leaves Docker Hub alone); the same `docker build` then pulls through both with the real helper.
 */
import {mkdtempSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {REGISTRY_EU, REGISTRY_US} from './topology.js';
import {
	createRepository,
	describeRun,
	docker,
	ecrSetup,
	makeHome,
	makeImage,
	readDockerConfig,
	resetStandIn,
	stack,
	standInState,
} from './harness.js';

const BASE = `${REGISTRY_US.host}/build/base:1`;
const ASSETS = `${REGISTRY_EU.host}/build/assets:1`;
const BUILT = 'from-file-app:1';

describe('scenario 9: configure-helper --from-file, then docker build', () => {
	// The images are pushed from another home, so the builder's own config starts empty.
	const publisher = makeHome('s9-publisher');
	const builder = makeHome('s9-builder');
	const project = mkdtempSync(path.join(stack.work, 's9-project-'));
	const dockerfile = path.join(project, 'Dockerfile');

	beforeAll(async () => {
		await resetStandIn();
		await createRepository('build/base', {region: 'us-east-1'});
		await createRepository('build/assets', {region: 'eu-west-1'});
		const configure = await ecrSetup(
			['configure-helper', '--registry', REGISTRY_US.host, '--registry', REGISTRY_EU.host, '--yes'],
			{env: publisher.env},
		);
		expect(configure.code, describeRun(configure)).toBe(0);
		for (const image of [BASE, ASSETS]) {
			await makeImage(image, publisher.env);
			const push = await docker(['push', image], {env: publisher.env});
			expect(push.code, describeRun(push)).toBe(0);
			// Gone from the daemon, so the build must pull it from the registry.
			const remove = await docker(['rmi', image], {env: publisher.env});
			expect(remove.code, describeRun(remove)).toBe(0);
		}

		writeFileSync(
			dockerfile,
			[
				'ARG REGISTRY=123456789012.dkr.ecr.us-east-1.amazonaws.com',
				'FROM ${REGISTRY}/build/base:1 AS base',
				'',
				'FROM base',
				`COPY --from=${ASSETS} /hello.txt /assets/hello.txt`,
				'',
			].join('\n'),
		);
	});

	it('without credentials for them, docker build fails: the registry refuses it', async () => {
		const before = (await standInState()).registryRequests.length;
		const build = await docker(['build', '-t', BUILT, project], {env: builder.env, timeoutMs: 120_000});
		expect(build.code, describeRun(build)).not.toBe(0);
		// dockerd counts 127.0.0.0/8 as an insecure registry and retries over plain HTTP, so it reports that retry's
		// error rather than `no basic auth credentials`; what the registry answered is the proof.
		const requests = (await standInState()).registryRequests.slice(before);
		expect(requests.filter((request) => request.host === REGISTRY_US.host).map((request) => request.status)).toContain(
			401,
		);
		expect(requests.filter((request) => request.status === 200 && request.path.includes('/manifests/'))).toEqual([]);
	});

	it('configure-helper --from-file configures both registries, and nothing else', async () => {
		const result = await ecrSetup(['configure-helper', '--from-file', dockerfile, '--yes'], {env: builder.env});
		expect(result.code, describeRun(result)).toBe(0);
		expect(readDockerConfig(builder.dockerConfig)).toEqual({
			credHelpers: {[REGISTRY_US.host]: 'ecr-login', [REGISTRY_EU.host]: 'ecr-login'},
		});
		expect(result.stdout).toContain(`ECR  ${REGISTRY_US.host}  (${dockerfile}:2)`);
		expect(result.stdout).toContain(`ECR  ${REGISTRY_EU.host}  (${dockerfile}:5)`);
	});

	it('docker build then pulls through both registries with the real credential helper', async () => {
		const before = (await standInState()).registryRequests.length;
		const build = await docker(['build', '-t', BUILT, project], {env: builder.env, timeoutMs: 120_000});
		expect(build.code, describeRun(build)).toBe(0);
		// The registries answer a manifest only to valid credentials: a 200 from each is a pull through the helper.
		const pulled = (await standInState()).registryRequests
			.slice(before)
			.filter((request) => request.method === 'GET' && request.path.includes('/manifests/') && request.status === 200);
		expect(new Set(pulled.map((request) => request.host))).toEqual(new Set([REGISTRY_US.host, REGISTRY_EU.host]));
		const image = await docker(['image', 'inspect', BUILT, '--format', '{{.Id}}'], {env: builder.env});
		expect(image.code, describeRun(image)).toBe(0);
	});
});
