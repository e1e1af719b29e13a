/**
 * What the wizard tells a person when an AWS call or a push fails. Classification belongs to the service layer
 * (`classifyAwsError`, `PushError`); this file only chooses the words and the way out the wizard offers.
 */
import type {AwsErrorKind} from '../aws/types.js';
import {classifyAwsError} from '../aws/errors.js';
import {errorMessage, isUserError} from '../errors/user-errors.js';
import {PushError, classifyPushFailure, explainPushFailure, type PushFailure} from '../docker/push-errors.js';
import {commandLine} from '../lib/shell.js';

export function awsErrorKind(error: unknown): AwsErrorKind {
	return classifyAwsError(error).kind;
}

/** What happened, why (`detail`), what to do about it (`hint`), and the concrete next steps. */
export type Explanation = {title: string; detail: string; hint?: string; nextSteps: string[]};

const TITLES: Record<AwsErrorKind, string> = {
	'no-credentials': 'No AWS credentials found',
	'sso-expired': 'The SSO session has expired',
	'invalid-credentials': 'AWS rejected the credentials',
	'expired-credentials': 'The AWS credentials have expired',
	'clock-skew': "This computer's clock is off",
	'access-denied': 'Access denied',
	'repository-not-found': 'The repository does not exist',
	'repository-exists': 'The repository already exists',
	throttled: 'AWS is throttling the requests',
	network: 'AWS could not be reached',
	'no-region': 'No AWS region',
	'region-disabled': 'That region is not enabled for this account',
	'mfa-required': 'This profile needs an MFA code',
	kms: 'The KMS key refused the request',
	unknown: 'The AWS call failed',
};

const DEFAULT_STEPS: Partial<Record<AwsErrorKind, (profileFlag: string) => string[]>> = {
	'no-credentials': (flag) => [
		`aws configure sso${flag}   (single sign-on)`,
		`aws configure${flag}       (access keys)`,
	],
	'sso-expired': (flag) => [`aws sso login${flag}`],
	'invalid-credentials': (flag) => [`aws configure list${flag}`],
	'expired-credentials': (flag) => [`aws sso login${flag}   (SSO profiles)`],
	'clock-skew': () => ['Turn on automatic time sync (timedatectl set-ntp true, or your OS time settings)'],
	'access-denied': () => ['ecr-setup policy   (the IAM policy this needs)'],
	network: () => ['Check the network, and HTTPS_PROXY / NO_PROXY behind a proxy'],
	'no-region': () => ['Pass --region, or set AWS_REGION'],
};

export function explainAwsError(kind: AwsErrorKind, error: unknown, profile: string | undefined): Explanation {
	const flag = profile ? ` --profile ${profile}` : '';
	const title = kind === 'sso-expired' && profile ? `The SSO session of profile ${profile} has expired` : TITLES[kind];
	if (isUserError(error)) {
		return {
			title,
			detail: error.message,
			...(error.hint ? {hint: error.hint} : {}),
			nextSteps: error.nextSteps.length > 0 ? error.nextSteps : (DEFAULT_STEPS[kind]?.(flag) ?? []),
		};
	}

	return {
		title,
		detail: classifyAwsError(error).message || errorMessage(error),
		nextSteps: DEFAULT_STEPS[kind]?.(flag) ?? [],
	};
}

/** `aws sso login` with the profile: what the hand-over runs. */
export function ssoLoginCommand(profile: string | undefined): {file: string; args: string[]; text: string} {
	const args = ['sso', 'login', ...(profile ? ['--profile', profile] : [])];
	return {file: 'aws', args, text: commandLine(['aws', ...args])};
}

/** The classified failure behind a rejected push (a PushError from the docker service, or docker's words). */
export function pushFailureOf(error: unknown, ref: string): PushFailure {
	if (error instanceof PushError) return error.failure;
	const kind = typeof error === 'object' && error !== null ? (error as {kind?: unknown}).kind : undefined;
	const failure = classifyPushFailure(errorMessage(error), {ref});
	return typeof kind === 'string' && failure.kind === 'unknown'
		? {...failure, kind: kind as PushFailure['kind']}
		: failure;
}

export function explainPush(failure: PushFailure): Explanation {
	const {message, hint, nextSteps} = explainPushFailure(failure);
	return {title: message, detail: '', hint, nextSteps};
}
