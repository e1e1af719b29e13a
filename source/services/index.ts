/** Builds the real service layer from the global options. Tests build fakes instead (test/helpers/fake-services.ts). */
import os from 'node:os';
import {locateConfigDir} from '../docker-config/location.js';
import {parseEngine} from '../engines/engines.js';
import {createAwsService} from '../aws/service.js';
import {createCredentialHelperService} from '../credential-helper/service.js';
import {createWrapperService} from '../credential-helper/wrapper-service.js';
import {createDockerConfigService} from '../docker-config/service.js';
import {createEngineConfigService, createEngineDockerService} from '../engines/service.js';
import {createProcessRunner} from '../process/runner.js';
import {createProxyFetch} from '../aws/proxy-fetch.js';
import {createSignInService} from '../aws/sign-in-service.js';
import type {Services} from './types.js';

export type ServiceOptions = {
	profile?: string | undefined;
	region?: string | undefined;
	/** --config DIR */
	config?: string | undefined;
	/** --engine: whose CLI runs images (default: the first of docker, podman, finch on PATH). */
	engine?: string | undefined;
	env?: Record<string, string | undefined>;
};

export function createServices(options: ServiceOptions = {}): Services {
	const env = options.env ?? process.env;
	const runner = createProcessRunner();
	const configDir = locateConfigDir({flag: options.config, env, home: os.homedir(), platform: process.platform});
	// docker runs the credential helper with its own environment: --profile must reach it as AWS_PROFILE.
	const childEnv = options.profile ? {...env, AWS_PROFILE: options.profile} : env;
	return {
		aws: createAwsService({profile: options.profile, region: options.region, env}),
		docker: createEngineDockerService({
			runner,
			env: childEnv,
			configDir: options.config === undefined ? undefined : configDir,
			engine: parseEngine(options.engine),
		}),
		dockerConfig: createDockerConfigService({dir: configDir}),
		engineConfig: createEngineConfigService({env}),
		// Node 20's fetch ignores HTTPS_PROXY: the release download goes through the same proxy and CA bundle as AWS calls.
		helper: createCredentialHelperService({runner, env: childEnv, fetch: createProxyFetch({env})}),
		// The PATH of this shell is the one docker, started from it, searches for helpers.
		wrappers: createWrapperService({env}),
		signIn: createSignInService({env}),
		runner,
		env,
		now: () => new Date(),
	};
}
