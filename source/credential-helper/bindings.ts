/**
 * The rules of profile bindings as plain functions: whether a profile reaches the registry's own account, which profile
 * serves which registries when every profile is bound at once, and which wrappers a config no longer names.
 */
import type {AwsProfile} from '../aws/types.js';
import {privateRegistryHost, type EcrRegistry} from '../ecr/hosts.js';
import {profileOfHelperName} from './wrapper.js';

/** Why the profile's account is not the registry's (a cross-account push), or undefined when it is the same one. */
export function accountMismatch(registry: EcrRegistry, account: string, profile: string): string | undefined {
	if (registry.kind !== 'private' || registry.account === account) return undefined;
	return (
		`Profile ${profile} reaches account ${account}, but ${registry.host} belongs to account ${registry.account}. ` +
		`Pushes from ${account} work only where the repository policy in ${registry.account} allows that account.`
	);
}

/** What will keep docker-credential-ecr-login from using the profile, though ecr-setup itself can. */
export function profileWarnings(profile: AwsProfile, helperVersion: string | undefined): string[] {
	const warnings: string[] = [];
	if (profile.mfa)
		warnings.push(
			`Profile ${profile.name} asks for an MFA code (mfa_serial), and docker-credential-ecr-login cannot ask for one: pushes through it fail. Bind a profile whose role needs no MFA, or one with credential_process.`,
		);
	// Measured on 0.6.x: it panics on a profile that names an [sso-session] section (and reads the legacy form).
	if (profile.ssoSession && helperVersion && /^0\.[0-6]\./.test(helperVersion))
		warnings.push(
			`docker-credential-ecr-login ${helperVersion} stops with a panic on a profile that uses [sso-session ${profile.ssoSession}]. Upgrade it (ecr-setup install-helper --method binary), or write profile ${profile.name} in the legacy form (sso_start_url and sso_region in the profile).`,
		);
	return warnings;
}

/** What STS said about one profile: its account, or why it could not say. */
export type ProfileReach =
	| {profile: string; region: string | undefined; account: string}
	| {profile: string; region: string | undefined; failure: string; fix: string | undefined};

export type AccountBinding = {
	account: string;
	/** The profile the account's registries are bound to. */
	profile: string;
	/** Every profile that reaches the account, in the order they were listed. */
	reachedBy: string[];
	hosts: string[];
};

export type AllProfilesPlan = {
	bindings: AccountBinding[];
	/** Profiles STS could not place (expired session, no credentials, MFA…), with their fix. */
	failures: Array<{profile: string; failure: string; fix: string | undefined}>;
	/** Accounts no region was known for (no --region and no profile region). */
	withoutRegion: Array<{account: string; profiles: string[]}>;
};

/**
 * Bind each account's registries (in `regions`, or else in the regions of the profiles that reach it) to the first
 * profile that reaches it, in the order the profiles are listed — unless a registry is already bound to another profile
 * that reaches the account, which then stays as it is.
 */
export function planAllProfiles(input: {
	reaches: ProfileReach[];
	regions: string[];
	current: Readonly<Record<string, string>>;
}): AllProfilesPlan {
	const failures: AllProfilesPlan['failures'] = [];
	const byAccount = new Map<string, {profiles: string[]; regions: string[]}>();
	for (const reach of input.reaches) {
		if ('failure' in reach) {
			failures.push({profile: reach.profile, failure: reach.failure, fix: reach.fix});
			continue;
		}

		const entry = byAccount.get(reach.account) ?? {profiles: [], regions: []};
		entry.profiles.push(reach.profile);
		if (reach.region && !entry.regions.includes(reach.region)) entry.regions.push(reach.region);
		byAccount.set(reach.account, entry);
	}

	const bindings: AccountBinding[] = [];
	const withoutRegion: AllProfilesPlan['withoutRegion'] = [];
	for (const [account, entry] of byAccount) {
		const regions = input.regions.length > 0 ? input.regions : entry.regions;
		if (regions.length === 0) {
			withoutRegion.push({account, profiles: entry.profiles});
			continue;
		}

		const first = entry.profiles[0]!;
		const hostsByProfile = new Map<string, string[]>();
		for (const region of regions) {
			const host = privateRegistryHost(account, region);
			const kept = profileOfHelperName(input.current[host]);
			const profile = kept && entry.profiles.includes(kept) ? kept : first;
			hostsByProfile.set(profile, [...(hostsByProfile.get(profile) ?? []), host]);
		}

		for (const [profile, hosts] of hostsByProfile) bindings.push({account, profile, reachedBy: entry.profiles, hosts});
	}

	return {bindings, failures, withoutRegion};
}

/** The credHelpers values (and credsStore) of a config that are bindings: the wrappers it needs. */
export function boundProfiles(config: {credHelpers?: Record<string, string>; credsStore?: string}): string[] {
	const names = [...Object.values(config.credHelpers ?? {}), ...(config.credsStore ? [config.credsStore] : [])];
	const profiles = names.map((name) => profileOfHelperName(name)).filter((profile) => profile !== undefined);
	return [...new Set(profiles)].sort();
}

/** The profiles whose wrappers `before` needed and `after` no longer does: what a restore or an unbind may remove. */
export function wrappersNoLongerNamed(
	before: {credHelpers?: Record<string, string>; credsStore?: string},
	after: {credHelpers?: Record<string, string>; credsStore?: string},
): string[] {
	const still = new Set(boundProfiles(after));
	return boundProfiles(before).filter((profile) => !still.has(profile));
}

/** credHelpers after an unbind: each bound host goes back to the plain helper (and the shell's AWS environment). */
export function unbindChanges(
	credHelpers: Readonly<Record<string, string>>,
	hosts: string[],
): {unbound: Array<{host: string; profile: string}>; notBound: string[]} {
	const unbound: Array<{host: string; profile: string}> = [];
	const notBound: string[] = [];
	for (const host of hosts) {
		const profile = profileOfHelperName(credHelpers[host]);
		if (profile) unbound.push({host, profile});
		else notBound.push(host);
	}

	return {unbound, notBound};
}
