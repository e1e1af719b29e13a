/**
 * `doctor --registry HOST` in a shell with no AWS variables: docker reaches HOST with the profile bound to it, so the
 * doctor's own AWS checks use that profile too — else they would test credentials docker never uses for HOST.
 */
import {OVERRIDDEN_VARIABLES} from '../credential-helper/wrapper.js';
import {boundWrapper} from '../credential-helper/wrapper-service.js';
import type {Services} from '../services/types.js';
import {parseTargetInput} from './target.js';
import type {DoctorTargetInput} from './types.js';

/** The variables that choose credentials (not AWS_SDK_LOAD_CONFIG or an expiry, which only qualify them). */
const CHOOSING = OVERRIDDEN_VARIABLES.filter(
	(name) => name !== 'AWS_SDK_LOAD_CONFIG' && name !== 'AWS_CREDENTIAL_EXPIRATION',
);

export type BoundProfile = {profile: string; host: string; wrapper: string} | {note: string} | undefined;

export async function boundProfileFor(
	services: Pick<Services, 'dockerConfig' | 'wrappers' | 'env'>,
	input: DoctorTargetInput,
	profileFlag: string | undefined,
): Promise<BoundProfile> {
	if (profileFlag !== undefined || CHOOSING.some((name) => services.env[name])) return undefined;
	const host = parseTargetInput(input).registry?.host;
	if (!host) return undefined;
	const config = await services.dockerConfig.read().catch(() => undefined);
	if (!config) return undefined;
	const store = services.dockerConfig.resolveStore(config, host);
	if (store.kind !== 'helper') return undefined;
	const bound = await boundWrapper(services.wrappers, store.helper).catch(() => undefined);
	if (!bound) return undefined;
	return 'note' in bound ? bound : {...bound, host};
}
