/**
 * Scenario 11: registry hosts of every form reach the real tools. The European Sovereign Cloud and dual-stack hosts
 * (which ecr-setup once refused as "not an Amazon ECR registry host") go through `configure-helper` into config.json,
 * where docker would look them up, and the real docker-credential-ecr-login is asked for them; the doctor takes them as
 * targets, with the region and account read from the host, and finds the helper configured for them.
 */
import {describe, expect, it} from 'vitest';
import {checkOf, type DoctorReport} from './doctor-report.js';
import {describeRun, ecrSetup, makeHome, parseJson, readDockerConfig} from './harness.js';
import {ACCOUNT} from './topology.js';

const HOSTS = [
	{host: `${ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.eu`, region: 'eusc-de-east-1'},
	{host: `${ACCOUNT}.dkr-ecr.eu-west-1.on.aws`, region: 'eu-west-1'},
	{host: `${ACCOUNT}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn`, region: 'cn-north-1'},
];

describe('scenario 11: every host form through configure-helper and the doctor', () => {
	for (const {host, region} of HOSTS) {
		it(`${host}: configured for the helper, and a doctor target in ${region}`, async () => {
			const {env, dockerConfig} = makeHome(`s11-${region}`);
			const configured = await ecrSetup(['configure-helper', '--registry', host, '--yes'], {env});
			expect(configured.code, describeRun(configured)).toBe(0);
			expect(readDockerConfig(dockerConfig)).toMatchObject({credHelpers: {[host]: 'ecr-login'}});

			// The doctor's AWS calls cannot reach that partition from here; what matters is that the host is taken as ECR's
			// (a refused host is a usage error, exit 2) and that docker's store for it is the helper.
			const doctor = await ecrSetup(['doctor', '--registry', host, '--json'], {env, timeoutMs: 120_000});
			expect(doctor.code, describeRun(doctor)).not.toBe(2);
			const report = parseJson<DoctorReport>(doctor);
			expect(report.target).toMatchObject({registry: host, region, account: ACCOUNT});
			expect(checkOf(report, 'docker.store').status, describeRun(doctor)).toBe('pass');
		}, 150_000);
	}

	it('a host whose suffix is not its region’s partition is still refused, with the forms that exist', async () => {
		const {env} = makeHome('s11-wrong');
		const refused = await ecrSetup(
			['configure-helper', '--registry', `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com.cn`],
			{
				env,
			},
		);
		expect(refused.code, describeRun(refused)).toBe(2);
		expect(refused.stderr).toContain('is not an Amazon ECR registry host');
	});
});
