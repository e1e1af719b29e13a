import {afterEach, describe, expect, it} from 'vitest';
import {diagnosePushFailure, targetOfPushFailure} from '../../source/doctor/push-failure.js';
import {classifyPushFailure} from '../../source/docker/push-errors.js';
import {outputCauseOf} from '../../source/docker/output-cause.js';
import {HOST, NOW, WORKING_ECR_LOGIN, ecrAuth, makeMachine, type Machine} from '../helpers/doctor-machine.js';

let machine: Machine | undefined;
afterEach(async () => machine?.cleanup());

describe('diagnosePushFailure', () => {
	it('targets the registry and repository docker printed, and puts the cause of an expired-token push first', async () => {
		const output = [
			`The push refers to repository [${HOST}/my-app]`,
			'5f70bf18a086: Preparing',
			'denied: Your authorization token has expired. Reauthenticate and try again.',
		];
		const failure = classifyPushFailure(output, {ref: `${HOST}/my-app:1.0`});
		expect(failure.kind).toBe('token-expired');
		expect(targetOfPushFailure(failure)).toEqual({registry: HOST, repository: 'my-app'});
		machine = await makeMachine({
			config: {auths: {[HOST]: {auth: ecrAuth(new Date(NOW.getTime() - 3600_000))}}},
			binaries: {'docker-credential-ecr-login': WORKING_ECR_LOGIN},
		});
		const diagnosis = await diagnosePushFailure(
			machine.services,
			failure,
			{image: `${HOST}/my-app:1.0`},
			{platform: 'linux'},
		);
		expect(diagnosis.report.target).toMatchObject({registry: HOST, repository: 'my-app', image: `${HOST}/my-app:1.0`});
		expect(diagnosis.causes[0]).toMatchObject({id: 'docker.stored-token', status: 'fail'});
	});

	it('a rate limit in the output is the cause the report cannot see: it names the pull-through fix, and targets no upstream', async () => {
		const failure = classifyPushFailure(
			'Error: creating build container: initializing source docker://ghcr.io/acme/base:1: reading manifest 1 in ghcr.io/acme/base: toomanyrequests: retry later',
		);
		expect(failure).toMatchObject({kind: 'rate-limited', registry: 'ghcr.io'});
		expect(targetOfPushFailure(failure, 'my-app:1.0')).toEqual({image: 'my-app:1.0'});
		machine = await makeMachine({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: {'docker-credential-ecr-login': WORKING_ECR_LOGIN},
		});
		const diagnosis = await diagnosePushFailure(machine.services, failure, {registry: HOST}, {platform: 'linux'});
		expect(diagnosis.fromOutput).toMatchObject({
			kind: 'rate-limited',
			command: 'ecr-setup pull-through ghcr --dockerfile Dockerfile',
		});
		expect(diagnosis.report.target.registry).toBe(HOST);
	});

	it('an expired token is found by the checks, not named as an output cause', () => {
		expect(outputCauseOf(classifyPushFailure('denied: Your authorization token has expired.'))).toBeUndefined();
	});
});
