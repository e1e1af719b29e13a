/**
 * The region in force: --region, else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` (the order the
 * AWS CLI uses). A blank flag or variable does not count.
 */
import {readProfile} from './profiles.js';
import type {RegionSource, ResolvedRegion, Env} from './types.js';

/** Where an AWS call goes when no region is set: STS answers there for the commercial partition. */
export const FALLBACK_REGION = 'us-east-1';

/** The rule itself, over values already read. */
export function pickRegion(sources: {
	flag?: string | undefined;
	env: Env;
	profileRegion?: string | undefined;
}): ResolvedRegion {
	const candidates: Array<[RegionSource, string | undefined]> = [
		['flag', sources.flag],
		['AWS_REGION', sources.env['AWS_REGION']],
		['AWS_DEFAULT_REGION', sources.env['AWS_DEFAULT_REGION']],
	];
	for (const [source, value] of candidates) {
		const region = value?.trim();
		if (region) return {region, source};
	}

	return sources.profileRegion
		? {region: sources.profileRegion, source: 'profile'}
		: {region: undefined, source: 'none'};
}

/** The rule for a profile by name; its files are read only when the flag and the environment leave the region open. */
export async function resolveRegion(options: {
	flag?: string | undefined;
	profile?: string | undefined;
	env: Env;
}): Promise<ResolvedRegion> {
	const {flag, env} = options;
	const withoutProfile = pickRegion({flag, env});
	if (withoutProfile.region) return withoutProfile;
	return pickRegion({flag, env, profileRegion: (await readProfile(options.profile, env))?.region});
}
