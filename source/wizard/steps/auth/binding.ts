/**
 * Which profile the authentication step binds the registry to: the one the identity step used, so docker gets the same
 * credentials without `export AWS_PROFILE` — or none, with the reason, when the identity came from somewhere a profile
 * cannot name (keys in the environment, the default chain).
 */
import type {AwsProfile} from '../../../aws/types.js';
import {accountMismatch, profileWarnings} from '../../../credential-helper/bindings.js';
import {profileNameProblem} from '../../../credential-helper/wrapper.js';
import {parseRegistryHost} from '../../../ecr/hosts.js';

export type BindingChoice = {bind: true; profile: string; notes: string[]} | {bind: false; reason: string | undefined};

export function chooseBinding(input: {
	profile: string | undefined;
	profiles: AwsProfile[];
	host: string;
	/** The account the identity step found. */
	account: string | undefined;
	helperVersion: string | undefined;
}): BindingChoice {
	const {profile, profiles, host, account, helperVersion} = input;
	if (!profile) return {bind: false, reason: undefined};
	const settings = profiles.find((entry) => entry.name === profile);
	if (!settings)
		return {
			bind: false,
			reason: `Profile ${profile} is not in the AWS config files, so docker-credential-ecr-login uses the AWS environment docker is started with.`,
		};
	const problem = profileNameProblem(profile);
	if (problem)
		return {
			bind: false,
			reason: `${problem} docker-credential-ecr-login uses the AWS environment docker is started with: set AWS_PROFILE there.`,
		};
	const registry = parseRegistryHost(host);
	const mismatch = registry && account ? accountMismatch(registry, account, profile) : undefined;
	return {
		bind: true,
		profile,
		notes: [...(mismatch ? [mismatch] : []), ...profileWarnings(settings, helperVersion)],
	};
}
