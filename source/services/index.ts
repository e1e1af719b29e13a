/** Builds the real service layer from the global options. Tests build fakes instead (test/helpers/fake-services.ts). */
import os from 'node:os';
import {locateConfigDir} from '../lib/docker-config.js';
import {createAwsService} from './aws.js';
import {createCredentialHelperService} from './credential-helper.js';
import {createDockerConfigService} from './docker-config.js';
import {createDockerService} from './docker.js';
import {createProcessRunner} from './process-runner.js';
import type {Services} from './types.js';

export type ServiceOptions = {
	profile?: string | undefined;
	region?: string | undefined;
	/** --config DIR */
	config?: string | undefined;
	env?: Record<string, string | undefined>;
};

export function createServices(options: ServiceOptions = {}): Services {
	const env = options.env ?? process.env;
	const runner = createProcessRunner();
	const configDir = locateConfigDir({flag: options.config, env, home: os.homedir(), platform: process.platform});
	return {
		aws: createAwsService({profile: options.profile, region: options.region, env}),
		docker: createDockerService({runner, env, configDir: options.config === undefined ? undefined : configDir}),
		dockerConfig: createDockerConfigService({dir: configDir}),
		helper: createCredentialHelperService({runner, env}),
		runner,
		env,
		now: () => new Date(),
	};
}
