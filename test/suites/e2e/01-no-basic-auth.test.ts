/**
 * Scenario 1: a fresh machine. A plain `docker push` to ECR fails with `no basic auth credentials`, and `ecr-setup doctor`
 * names the cause (no credential store serves the registry) while everything on the AWS side checks out.
 */
import {existsSync} from 'node:fs';
import {beforeAll, describe, expect, it} from 'vitest';
import {REGISTRY_US} from './topology.js';
import {
	createRepository,
	describeRun,
	docker,
	ecrSetup,
	makeHome,
	makeImage,
	parseJson,
	registryTags,
	resetStandIn,
} from './harness.js';
import {checkOf, type DoctorReport} from './doctor-report.js';

const REPOSITORY = 'fresh-app';
const IMAGE = `${REGISTRY_US.host}/${REPOSITORY}:latest`;

describe('scenario 1: fresh docker config', () => {
	const {env, dockerConfig} = makeHome('s1-fresh');

	beforeAll(async () => {
		await resetStandIn();
		await createRepository(REPOSITORY);
		await makeImage(IMAGE, env);
	});

	it('a plain docker push fails with "no basic auth credentials" and nothing reaches the registry', async () => {
		const push = await docker(['push', IMAGE], {env});
		expect(push.code, describeRun(push)).not.toBe(0);
		expect(push.stderr).toContain('no basic auth credentials');
		expect(await registryTags(REPOSITORY)).toEqual([]);
	});

	it('ecr-setup doctor says why: no credential store serves the registry', async () => {
		const result = await ecrSetup(
			['doctor', '--registry', REGISTRY_US.host, '--repository', REPOSITORY, '--image', IMAGE, '--json'],
			{env},
		);
		expect(result.code, describeRun(result)).toBe(1);
		const report = parseJson<DoctorReport>(result);
		expect(report.target).toMatchObject({
			registry: REGISTRY_US.host,
			region: 'us-east-1',
			account: REGISTRY_US.account,
		});

		const store = checkOf(report, 'docker.store');
		expect(store.status).toBe('fail');
		expect(`${store.title} ${store.detail}`).toMatch(/no basic auth credentials/i);
		expect(store.fix?.description).toBeTruthy();

		// The AWS side is healthy: the cause is local, and doctor must not blame AWS.
		expect(checkOf(report, 'aws.identity').status).toBe('pass');
		expect(checkOf(report, 'ecr.auth-token').status).toBe('pass');
		expect(checkOf(report, 'ecr.repository').status).toBe('pass');
		expect(checkOf(report, 'image.local').status).toBe('pass');
		expect(report.summary.fail).toBeGreaterThanOrEqual(1);
	});

	it('doctor without --fix changes nothing', async () => {
		const result = await ecrSetup(['doctor', '--registry', REGISTRY_US.host, '--repository', REPOSITORY], {env});
		expect(result.code, describeRun(result)).toBe(1);
		expect(`${result.stdout}${result.stderr}`).toMatch(/docker\.store|no basic auth credentials/i);
		expect(existsSync(dockerConfig)).toBe(false);
	});
});
