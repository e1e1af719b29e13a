/**
 * One AWS call, run the same way whatever it asks: a cancelled call is a CancelledError, any other failure an AwsError
 * that names the operation, region, endpoint, proxy and profile. Timeouts and retries sit below, in the clients.
 */
import {CancelledError, isUserError} from '../errors/user-errors.js';
import {debug} from '../lib/log.js';
import {AwsError} from './errors.js';
import {type AwsErrorContext, credentialSetupSteps, toUserError} from './explain-error.js';
import {type AwsServiceName, describeProxyFor, endpointUrl} from './http.js';
import {awsConfigFiles, listProfiles} from './profiles.js';
import type {Env} from './types.js';

export type AwsCaller = {
	/** Run one call; `context` says what it was, for the error. */
	call<T>(
		service: AwsServiceName,
		region: string,
		context: AwsErrorContext,
		signal: AbortSignal | undefined,
		run: () => Promise<T>,
	): Promise<T>;
	/** The AwsError a failure of such a call becomes (for failures that are collected, not thrown). */
	explain(error: unknown, service: AwsServiceName, region: string, context: AwsErrorContext): AwsError;
};

/** The SDK's send/handle option for a signal, when there is one. */
export function abortWith(signal: AbortSignal | undefined): {abortSignal?: AbortSignal} {
	return signal ? {abortSignal: signal} : {};
}

/** The answer, or null when AWS says that what was asked for does not exist (`missing`, e.g. ImageNotFoundException). */
export async function nullWhenMissing<T>(missing: string, run: () => Promise<T>): Promise<T | null> {
	try {
		return await run();
	} catch (error) {
		const name = typeof error === 'object' && error !== null ? (error as {name?: unknown}).name : undefined;
		if (name === missing) return null;
		throw error;
	}
}

export function createAwsCaller({env, profile}: {env: Env; profile: string | undefined}): AwsCaller {
	function explain(error: unknown, service: AwsServiceName, region: string, extra: AwsErrorContext): AwsError {
		const endpoint = endpointUrl(service, region, env);
		const proxy = describeProxyFor(endpoint, env);
		return toUserError(error, {region, endpoint, ...(proxy ? {proxy} : {}), ...(profile ? {profile} : {}), ...extra});
	}

	/** "Could not load credentials" for a profile that is not defined anywhere is really a typo or a missing file. */
	async function missingProfileError(original: AwsError): Promise<AwsError | undefined> {
		if (!profile) return undefined;
		const known = await listProfiles(env).catch(() => undefined);
		if (!known || known.some((item) => item.name === profile)) return undefined;
		const files = awsConfigFiles(env);
		const names = known.map((item) => item.name);
		return new AwsError(`Profile ${profile} is not defined in ${files.configPath} or ${files.credentialsPath}.`, {
			kind: 'no-credentials',
			hint:
				names.length > 0
					? `Known profiles: ${names.join(', ')}. Pass one of them with --profile (or AWS_PROFILE), or create ${profile}.`
					: `No profiles are defined yet: create ${profile} with \`ecr-setup sign-in\` (no AWS CLI needed), or \`aws configure --profile ${profile}\` or \`aws configure sso --profile ${profile}\`.`,
			nextSteps: [...credentialSetupSteps(profile), 'aws configure list-profiles'],
			cause: original.cause,
			...(original.awsCode ? {awsCode: original.awsCode} : {}),
		});
	}

	return {
		explain,
		async call(service, region, context, signal, run) {
			if (signal?.aborted) throw new CancelledError();
			try {
				return await run();
			} catch (error) {
				// Whatever an aborted call fails with (AbortError, a socket reset), the user cancelled it.
				if (error instanceof CancelledError || signal?.aborted) throw new CancelledError();
				// Already explained (a CA bundle that cannot be read, an unusable answer): keep its code and hint.
				if (isUserError(error)) throw error;
				const explained = explain(error, service, region, context);
				debug('aws', `${context.operation ?? 'call'} failed`, {region, kind: explained.kind, code: explained.awsCode});
				if (explained.kind === 'no-credentials' && profile) throw (await missingProfileError(explained)) ?? explained;
				throw explained;
			}
		},
	};
}
