/**
 * docker.binding and the checks around it for a registry bound to a profile: real wrapper files written by the wrapper
 * service, a fake docker-credential-ecr-login on PATH that the real wrapper runs, real config.json.
 */
import {chmod, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import type {AwsProfile} from '../../source/aws/types.js';
import {runDoctor} from '../../source/doctor/run-doctor.js';
import type {CheckId, CheckResult, DoctorReport} from '../../source/doctor/types.js';
import {HOST, WORKING_ECR_LOGIN, makeMachine, type Machine} from '../helpers/doctor-machine.js';

let machine: Machine | undefined;
afterEach(async () => machine?.cleanup());

const PROD: AwsProfile = {name: 'prod', region: 'eu-west-1', sso: false, mfa: false, source: 'config'};

/** config.json binds HOST to prod; the wrapper is written (by the real service) unless `wrapper` is false. */
async function boundMachine(options: {profiles?: AwsProfile[]; wrapper?: boolean} = {}): Promise<Machine> {
	machine = await makeMachine({
		config: {credHelpers: {[HOST]: 'ecr-login-prod'}},
		binaries: {'docker-credential-ecr-login': WORKING_ECR_LOGIN},
		aws: {listProfiles: async () => options.profiles ?? [PROD]},
	});
	if (options.wrapper !== false) {
		const plan = await machine.services.wrappers.plan('prod', path.join(machine.bin, 'docker-credential-ecr-login'));
		await machine.services.wrappers.apply(plan);
	}

	return machine;
}

async function doctor(): Promise<DoctorReport> {
	return runDoctor(machine!.services, {registry: HOST}, {platform: 'linux'});
}

function check(report: DoctorReport, id: CheckId): CheckResult {
	return report.checks.find((entry) => entry.id === id)!;
}

const wrapperPath = () => path.join(machine!.bin, 'docker-credential-ecr-login-prod');

describe('a registry bound to a profile', () => {
	it('passes: the wrapper is ecr-setup’s, 0755, its profile exists, and get runs through it', async () => {
		await boundMachine();
		const report = await doctor();
		expect(check(report, 'docker.store')).toMatchObject({status: 'pass'});
		expect(check(report, 'docker.binding')).toMatchObject({
			status: 'pass',
			detail: `${HOST} is bound to profile prod: ${wrapperPath()} (ecr-setup's, mode 0755) runs ${path.join(machine!.bin, 'docker-credential-ecr-login')}`,
		});
		expect(check(report, 'docker.helper-works')).toMatchObject({status: 'pass'});
		expect(check(report, 'docker.helper-works').detail).toContain('docker-credential-ecr-login-prod get');
		// The wrapper cannot store credentials either: a docker login there fails as it does for ecr-login.
		expect(check(report, 'docker.login-conflict').status).toBe('warn');
	});

	it('a missing wrapper fails docker.store and docker.binding with the command that writes it', async () => {
		await boundMachine({wrapper: false});
		const report = await doctor();
		const fix = `ecr-setup configure-helper --registry ${HOST} --profile prod`;
		expect(check(report, 'docker.store')).toMatchObject({status: 'fail', fix: {command: fix}});
		expect(check(report, 'docker.store').detail).toContain('binds');
		expect(check(report, 'docker.binding')).toMatchObject({status: 'fail', fix: {command: fix}});
		expect(check(report, 'docker.binding').detail).toContain('is not on PATH as an executable');
	});

	it('a wrapper others may change fails, with the chmod that makes it safe', async () => {
		await boundMachine();
		await chmod(wrapperPath(), 0o777);
		const result = check(await doctor(), 'docker.binding');
		expect(result.status).toBe('fail');
		expect(result.detail).toContain('is writable by everyone (mode 0777)');
		expect(result.fix?.command).toBe(`chmod 0755 ${wrapperPath()}`);
	});

	it('a profile the AWS files no longer define fails, naming it', async () => {
		await boundMachine({profiles: []});
		const result = check(await doctor(), 'docker.binding');
		expect(result.status).toBe('fail');
		expect(result.detail).toContain('bound to profile prod, which the AWS config files do not define');
	});

	it('a file of that name ecr-setup did not write is a warning, and left alone', async () => {
		await boundMachine({wrapper: false});
		const theirs = '#!/bin/sh\nexport AWS_PROFILE=prod\nexec docker-credential-ecr-login "$@"\n';
		await writeFile(wrapperPath(), theirs, {mode: 0o755});
		const result = check(await doctor(), 'docker.binding');
		expect(result.status).toBe('warn');
		expect(result.detail).toContain('was not written by ecr-setup');
	});

	it('a helper that was moved away after binding fails: the wrapper runs a file that is gone', async () => {
		await boundMachine();
		await rm(path.join(machine!.bin, 'docker-credential-ecr-login'));
		const result = check(await doctor(), 'docker.binding');
		expect(result.status).toBe('fail');
		expect(result.detail).toContain('which is gone or not executable');
	});

	it('an unbound registry served by ecr-login passes and says how to bind one', async () => {
		machine = await makeMachine({
			config: {credHelpers: {[HOST]: 'ecr-login'}},
			binaries: {'docker-credential-ecr-login': WORKING_ECR_LOGIN},
		});
		const result = check(await doctor(), 'docker.binding');
		expect(result.status).toBe('pass');
		expect(result.detail).toContain('is not bound to a profile');
	});
});
