import {injected} from '../../components/injected.js';
import {awsForProfile} from '../../../services/context.js';
import type {AwsService, CallerIdentity} from '../../../aws/types.js';

export type IdentityPrefetch = {
	/**
	 * The prefetched answer when it was for this profile and nobody took it yet: a promise of the identity, of null (the
	 * prefetch did not ask AWS: several profiles, so the step asks which one) or rejected with AWS's error.
	 */
	take(profile: string | undefined): Promise<CallerIdentity | null> | undefined;
};

/** `profile`: the one in force before anyone picks (the --profile flag, AWS_PROFILE, or undefined for the default chain). */
export function startIdentityPrefetch(
	aws: AwsService,
	profile: string | undefined,
	signal: AbortSignal,
): IdentityPrefetch {
	// setImmediate: after the first frame is on the screen, since loading the SDK takes the main thread for a while.
	const result = new Promise((resolve) => {
		setImmediate(resolve);
	}).then(async (): Promise<CallerIdentity | null> => {
		signal.throwIfAborted();
		if (profile === undefined && aws.withProfile) {
			// The identity step offers a choice when several profiles exist: nothing to ask AWS before that.
			const profiles = await aws.listProfiles().catch(() => []);
			if (profiles.length > 1) return null;
		}

		return awsForProfile(aws, profile).getCallerIdentity({signal});
	});
	// Nobody may ever take it (the person quits on the welcome screen): its failure is not an unhandled rejection.
	result.catch(() => undefined);
	let taken = false;
	return {
		take(wanted) {
			if (taken || wanted !== profile) return undefined;
			taken = true;
			return result;
		},
	};
}

const prefetch = injected<IdentityPrefetch>();
export const IdentityPrefetchProvider = prefetch.Provider;
export const useIdentityPrefetch = prefetch.use;
