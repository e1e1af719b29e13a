/**
 * createServices and servicesForProfile: a profile (the --profile flag, or one picked in the wizard) must reach the
 * processes that use AWS credentials on their own — docker runs docker-credential-ecr-login with its environment.
 * Real processes: shell scripts on a temp PATH print the AWS_PROFILE they were given.
 */
import {chmod, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {servicesForProfile} from '../../source/services/context.js';
import {createServices} from '../../source/services/index.js';
import type {AwsService} from '../../source/aws/types.js';
import type {CredentialHelperService} from '../../source/credential-helper/types.js';
import type {DockerService} from '../../source/docker/types.js';
import {createFakeServices} from '../helpers/fake-services.js';

let root: string;
let bin: string;

beforeEach(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-services-'));
	bin = path.join(root, 'bin');
	await mkdir(bin);
	// Both print the profile they see where a version belongs.
	await writeFile(
		path.join(bin, 'docker'),
		'#!/bin/sh\nprintf \'{"Client":{"Version":"1.0.0-%s"}}\\n\' "${AWS_PROFILE:-none}"\n',
	);
	await writeFile(
		path.join(bin, 'docker-credential-ecr-login'),
		'#!/bin/sh\necho "Version: 0.9.0-${AWS_PROFILE:-none}"\n',
	);
	await chmod(path.join(bin, 'docker'), 0o755);
	await chmod(path.join(bin, 'docker-credential-ecr-login'), 0o755);
});

afterEach(async () => {
	await rm(root, {recursive: true, force: true});
});

const env = () => ({PATH: bin, HOME: root});

describe('createServices', () => {
	it('runs docker and the credential helper with AWS_PROFILE set to --profile', async () => {
		const services = createServices({profile: 'prod', env: env(), engine: 'docker'});
		expect(services.aws.profile).toBe('prod');
		expect(await services.docker.cliVersion()).toBe('1.0.0-prod');
		expect((await services.helper.find())?.version).toBe('0.9.0-prod');
	});

	it('leaves their environment alone without --profile', async () => {
		const services = createServices({env: env(), engine: 'docker'});
		expect(await services.docker.cliVersion()).toBe('1.0.0-none');
		expect((await services.helper.find())?.version).toBe('0.9.0-none');
	});

	it('withEnv on the real services binds a profile picked later (the wizard)', async () => {
		const services = servicesForProfile(createServices({env: env(), engine: 'docker'}), 'staging');
		expect(services.aws.profile).toBe('staging');
		expect(await services.docker.cliVersion()).toBe('1.0.0-staging');
		expect((await services.helper.find())?.version).toBe('0.9.0-staging');
	});
});

describe('servicesForProfile', () => {
	it('is the same services when no profile is picked, or the one already in force', () => {
		const services = createFakeServices({aws: {profile: 'prod'} as Partial<AwsService>});
		expect(servicesForProfile(services, undefined)).toBe(services);
		expect(servicesForProfile(services, 'prod')).toBe(services);
	});

	it('binds AWS, docker and the helper to another profile', () => {
		const boundAws = {profile: 'dev'} as AwsService;
		const boundDocker = {} as DockerService;
		const boundHelper = {} as CredentialHelperService;
		const dockerWithEnv = vi.fn(() => boundDocker);
		const helperWithEnv = vi.fn(() => boundHelper);
		const services = createFakeServices({
			aws: {profile: undefined, withProfile: () => boundAws},
			docker: {withEnv: dockerWithEnv},
			helper: {withEnv: helperWithEnv},
		});
		const bound = servicesForProfile(services, 'dev');
		expect(bound.aws).toBe(boundAws);
		expect(bound.docker).toBe(boundDocker);
		expect(bound.helper).toBe(boundHelper);
		expect(dockerWithEnv).toHaveBeenCalledWith({AWS_PROFILE: 'dev'});
		expect(helperWithEnv).toHaveBeenCalledWith({AWS_PROFILE: 'dev'});
		expect(bound.dockerConfig).toBe(services.dockerConfig);
	});
});
