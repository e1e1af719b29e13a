/** The checks on the docker side, in the order they run: each may skip when one before it failed. */
import type {Check} from './common.js';
import {dockerConfig, dockerSudo} from './docker-config-file.js';
import {dockerCli, dockerDaemon} from './docker-engine.js';
import {dockerBinding} from './docker-binding.js';
import {dockerHelperKey} from './docker-keys.js';
import {dockerHelperWorks, dockerLoginConflict, dockerStore} from './docker-store.js';
import {dockerAuthConfigEnv, dockerStoredToken} from './docker-tokens.js';
import {dockerHelperCache, dockerHelperVersion} from './helper-health.js';

export const DOCKER_CHECKS: Check[] = [
	dockerCli,
	dockerDaemon,
	dockerConfig,
	dockerAuthConfigEnv,
	dockerStore,
	dockerBinding,
	dockerHelperKey,
	dockerHelperWorks,
	dockerHelperVersion,
	dockerHelperCache,
	dockerStoredToken,
	dockerLoginConflict,
	dockerSudo,
];
