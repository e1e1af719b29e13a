/**
 * What the doctor knows of a profile binding (credHelpers value `ecr-login-<profile>`): the wrapper docker would run,
 * whether ecr-setup wrote it and for that profile, its mode and owner, whether the profile exists, and whether the real
 * helper it runs is still there.
 */
import {constants as fsConstants} from 'node:fs';
import {access} from 'node:fs/promises';
import type {AwsProfile} from '../aws/types.js';
import {profileOfHelperName} from '../credential-helper/wrapper.js';
import type {WrapperFile} from '../credential-helper/wrapper-service.js';
import type {StoreResolution} from '../docker-config/types.js';
import {errorMessage} from '../errors/user-errors.js';
import type {Services} from '../services/types.js';

export type BindingFact = {
	profile: string;
	/** The wrapper docker finds on PATH (executable), null when there is none, or why it could not be read. */
	wrapper: WrapperFile | null | {error: string};
	/** The profile's settings in the AWS config or credentials file; undefined when neither defines it. */
	settings: AwsProfile | undefined;
	/** The helper the wrapper runs exists and is executable (undefined when the wrapper names none). */
	helperRuns: boolean | undefined;
	/** This process's user id (POSIX), to judge the wrapper's owner. */
	uid: number | undefined;
};

export async function gatherBindingFact(
	services: Pick<Services, 'wrappers'>,
	store: StoreResolution | undefined,
	profiles: AwsProfile[],
): Promise<BindingFact | undefined> {
	if (store?.kind !== 'helper') return undefined;
	const profile = profileOfHelperName(store.helper);
	if (!profile) return undefined;
	const wrapper = await services.wrappers.find(profile).catch((error: unknown) => ({error: errorMessage(error)}));
	const helperPath = wrapper && 'own' in wrapper ? wrapper.own?.helperPath : undefined;
	const helperRuns = helperPath
		? await access(helperPath, fsConstants.X_OK).then(
				() => true,
				() => false,
			)
		: undefined;
	return {
		profile,
		wrapper,
		settings: profiles.find((entry) => entry.name === profile),
		helperRuns,
		uid: process.getuid?.(),
	};
}
