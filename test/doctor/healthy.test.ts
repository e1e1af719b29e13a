import {afterEach, describe, expect, it} from 'vitest';
import {runDoctor} from '../../source/doctor/run-doctor.js';
import {CHECK_IDS} from '../../source/doctor/types.js';
import {HOST, WORKING_ECR_LOGIN, makeMachine, type Machine} from '../helpers/doctor-machine.js';

let machine: Machine | undefined;
afterEach(async () => machine?.cleanup());

describe('doctor on a healthy machine', () => {
	it('reports every check id, in order, and nothing fails', async () => {
		machine = await makeMachine({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: {'docker-credential-ecr-login': WORKING_ECR_LOGIN},
		});
		const report = await runDoctor(
			machine.services,
			{registry: HOST, repository: 'my-app', image: `${HOST}/my-app:1.0`},
			{platform: 'linux'},
		);
		expect(report.checks.map((check) => check.id)).toEqual([...CHECK_IDS]);
		const failing = report.checks.filter((check) => check.status !== 'pass');
		expect(failing.map((check) => `${check.id} ${check.status}: ${check.detail}`)).toEqual([
			`docker.login-conflict warn: ecr-login serves ${HOST} and cannot store credentials: \`docker login ${HOST}\` fails with "error storing credentials … not implemented".`,
		]);
		expect(report.target).toEqual({
			registry: HOST,
			region: 'eu-west-1',
			account: '123456789012',
			repository: 'my-app',
			image: `${HOST}/my-app:1.0`,
		});
		expect(report.summary).toEqual({pass: CHECK_IDS.length - 1, warn: 1, fail: 0, skip: 0});
		const helper = report.checks.find((check) => check.id === 'docker.helper-works')!;
		expect(helper.detail).toMatch(
			new RegExp(
				`^\`docker-credential-ecr-login get\` returned credentials for ${HOST.replaceAll('.', '\\.')} in \\d+ ms \\(user AWS\\)$`,
			),
		);
		expect(JSON.stringify(report)).not.toContain('helper-secret-value');
	});
});
