/**
 * The doctor's facts about the credential helper: `get` for the registry (timed, with its own bound: a helper that
 * stalls must not eat the whole run), the installed docker-credential-ecr-login's version, and its token cache as it is
 * after that `get`.
 */
import os from 'node:os';
import {readHelperCache, type HelperCache} from '../credential-helper/health.js';
import type {HelperGetResult, HelperInfo} from '../credential-helper/types.js';
import {isEcrLoginHelper} from '../credential-helper/wrapper.js';
import type {StoreResolution} from '../docker-config/types.js';
import type {Services} from '../services/types.js';
import {type Deadline, gather, notRun, type Outcome} from './outcome.js';

/** How long `docker-credential-<helper> get` may take before the doctor calls it stalled. */
export const HELPER_GET_BOUND_MS = 5000;

export type HelperFacts = {
	helperGet: Outcome<HelperGetResult>;
	/** How long `get` took (or ran before it was stopped); undefined when it did not run. */
	helperGetMs: number | undefined;
	/** docker-credential-ecr-login on PATH with the version it prints; null when it is not there. */
	ecrLogin: HelperInfo | null;
	/** Whether its version was asked (only when it serves the registry). */
	ecrLoginAsked: boolean;
	/** ecr-login's token cache, read after `get` (undefined when ecr-login does not serve the host). */
	helperCache: HelperCache | undefined;
};

export async function gatherHelperFacts(
	services: Services,
	deadline: Deadline,
	input: {host: string | undefined; store: StoreResolution | undefined; runnable: boolean; ecrLoginPath: string | null},
): Promise<HelperFacts> {
	const {host, store} = input;
	const servedByEcrLogin = store?.kind === 'helper' && isEcrLoginHelper(store.helper);
	// Only a helper `get` runs anyway is asked its version: any run of it creates its log directory in the home.
	const askVersion = Boolean(input.ecrLoginPath && input.runnable && servedByEcrLogin);
	const started = Date.now();
	let helperGetMs: number | undefined;
	// `version` touches neither AWS nor the log, so it answers even while `get` stalls: both run at once.
	const [helperGet, version] = await Promise.all([
		input.runnable && host && store?.kind === 'helper'
			? gather(deadline, async (signal) => services.helper.get(host, store.helper, {signal}), HELPER_GET_BOUND_MS).then(
					(outcome) => {
						helperGetMs = Date.now() - started;
						return outcome;
					},
				)
			: Promise.resolve(notRun<HelperGetResult>('no credential helper to run')),
		askVersion
			? gather(deadline, async () => services.helper.find('ecr-login'), HELPER_GET_BOUND_MS)
			: Promise.resolve(notRun<HelperInfo | null>('not asked')),
	]);
	const ecrLogin: HelperInfo | null = input.ecrLoginPath
		? version.state === 'ok' && version.value
			? version.value
			: {name: 'ecr-login', path: input.ecrLoginPath}
		: null;
	const home = services.env['HOME'] || os.homedir();
	const helperCache = servedByEcrLogin ? await readHelperCache(services.env, home) : undefined;
	return {helperGet, helperGetMs, ecrLogin, ecrLoginAsked: askVersion, helperCache};
}
