/**
 * An AWS failure in the user's terms: what happened, where (operation, region, endpoint, proxy), a hint and the commands
 * that help, for each kind `classifyAwsError` tells apart.
 */
import {redactSecrets} from '../lib/log.js';
import {OPT_IN_REGIONS} from '../ecr/regions.js';
import {AwsError, classifyAwsError, isTlsErrorCode} from './errors.js';
import type {AwsErrorKind} from './types.js';
import {errorMessage, isUserError, type Explanation} from '../errors/user-errors.js';
import {commandLine} from '../lib/shell.js';

export type AwsErrorContext = {
	/** e.g. `ecr:DescribeRepositories`. */
	operation?: string;
	region?: string;
	profile?: string;
	/** The URL the call went to. */
	endpoint?: string;
	/** The proxy in effect for that URL, already masked. */
	proxy?: string;
	repository?: string;
	registryId?: string;
};

function profileFlag(profile: string | undefined): string {
	return profile ? ` --profile ${profile}` : '';
}

/**
 * How to create credentials for a profile (or the default), without the AWS CLI first: ecr-setup's sign-in (IAM
 * Identity Center, or an access key), then the AWS CLI's own commands for those who have it.
 */
export function credentialSetupSteps(profile: string | undefined): string[] {
	return [
		'ecr-setup sign-in --sso-start-url URL --sso-region R',
		`ecr-setup sign-in --access-key-id ID${profileFlag(profile)}`,
		`aws configure${profileFlag(profile)}`,
		`aws configure sso${profileFlag(profile)}`,
	];
}

function where(context: AwsErrorContext): string {
	const parts = [context.operation, context.region ? `in ${context.region}` : undefined].filter(Boolean);
	return parts.length > 0 ? ` (${parts.join(' ')})` : '';
}

/** Turn any error from an AWS call into an AwsError a user can act on. */
export function toUserError(error: unknown, context: AwsErrorContext = {}): AwsError {
	if (error instanceof AwsError) return error;
	const classified = classifyAwsError(error);
	const {kind, message, code} = classified;
	const profile = context.profile;
	const profileName = profile ?? 'default';
	// The context (endpoint URL, profile) can carry credentials too, e.g. AWS_ENDPOINT_URL=https://user:password@host.
	const make = (text: string, hint: string, nextSteps: string[] = []) =>
		new AwsError(redactSecrets(text), {
			kind,
			hint,
			nextSteps,
			cause: error,
			...(code ? {awsCode: code} : {}),
			...(classified.httpStatus ? {httpStatus: classified.httpStatus} : {}),
		});

	switch (kind) {
		case 'no-credentials': {
			return make(
				// The SDK's "Could not load credentials from any providers" says the same again.
				`No AWS credentials were found${profile ? ` for profile ${profile}` : ''}${/could not load credentials from any providers/i.test(message) ? '.' : `: ${message}`}`,
				'Sign in with `ecr-setup sign-in` (IAM Identity Center, or --access-key-id for access keys; no AWS CLI needed), or with the AWS CLI: access keys with `aws configure`, IAM Identity Center with `aws configure sso`; or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment.',
				[...credentialSetupSteps(profile), 'aws configure list-profiles'],
			);
		}

		case 'sso-expired': {
			return make(
				`The SSO session for profile ${profileName} has expired or is not signed in.`,
				`Sign in again with \`aws sso login${profileFlag(profile)}\` (or \`ecr-setup sign-in --profile ${profileName}\`, which needs no AWS CLI), then re-run ecr-setup.`,
				[`aws sso login${profileFlag(profile)}`],
			);
		}

		case 'mfa-required': {
			return make(
				`Profile ${profileName} needs an MFA code, and neither ecr-setup nor the ECR credential helper can prompt for one.`,
				'Get temporary credentials first (they work without a prompt), or use a profile without mfa_serial.',
				[
					'aws sts get-session-token --serial-number <mfa-arn> --token-code <code>',
					'export AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… AWS_SESSION_TOKEN=… (from its output)',
				],
			);
		}

		case 'invalid-credentials': {
			const optIn = context.region !== undefined && OPT_IN_REGIONS.has(context.region);
			return make(
				`AWS did not recognise the credentials${where(context)}: ${message}`,
				optIn
					? `${context.region} is an opt-in region: if it is not enabled for this account, every key is "unrecognised" there. Otherwise the access key is wrong, deleted or deactivated, or a session token is missing.`
					: 'The access key is wrong, deleted or deactivated, temporary keys are missing their AWS_SESSION_TOKEN, or the region is an opt-in region not enabled for this account.',
				[
					`aws configure list${profileFlag(profile)}`,
					`aws sts get-caller-identity${profileFlag(profile)}`,
					...(optIn
						? [`Enable ${context.region} (AWS console → Account → AWS Regions), or use another region with --region`]
						: []),
				],
			);
		}

		case 'expired-credentials': {
			return make(
				`The AWS credentials have expired${where(context)}.`,
				'Temporary credentials only last a while: get fresh ones (and unset a stale AWS_SESSION_TOKEN if you exported one).',
				[`aws sso login${profileFlag(profile)}  (SSO profiles)`, `aws sts get-caller-identity${profileFlag(profile)}`],
			);
		}

		case 'clock-skew': {
			return make(
				`AWS rejected the request because this machine's clock is off: ${message}`,
				'Signed requests are only valid for a few minutes around AWS time. Sync the clock (NTP) and try again.',
				[
					'sudo timedatectl set-ntp true  (Linux)',
					'sudo sntp -sS time.apple.com  (macOS)',
					'w32tm /resync  (Windows, as administrator)',
				],
			);
		}

		case 'access-denied': {
			const action = classified.action;
			const crossAccount = /no resource-based policy allows/i.test(message);
			return make(
				action
					? `Access denied: your identity is not allowed to perform ${action}${context.region ? ` in ${context.region}` : ''}. AWS said: ${message}`
					: `Access denied${where(context)}: ${message}`,
				crossAccount
					? 'The repository belongs to another account: its repository policy must allow your identity (ask the owning account).'
					: `Ask an administrator to allow ${action ?? 'this action'} for your identity (for pushing: ecr:GetAuthorizationToken on "*" and the push actions on the repository).`,
				[
					`aws sts get-caller-identity${profileFlag(profile)}`,
					...(crossAccount && context.repository
						? [`aws ecr get-repository-policy --repository-name ${context.repository}`]
						: []),
				],
			);
		}

		case 'repository-not-found': {
			const name = context.repository ?? 'the repository';
			return make(
				`Repository ${context.repository ? `'${name}'` : name} does not exist${context.region ? ` in ${context.region}` : ''}${context.registryId ? ` (registry ${context.registryId})` : ''}.`,
				'Check the name and region, or create it (ecr-setup push … --create-repository).',
				context.repository
					? [
							`aws ecr create-repository --repository-name ${context.repository}${context.region ? ` --region ${context.region}` : ''}`,
						]
					: [],
			);
		}

		case 'repository-exists': {
			return make(
				`Repository ${context.repository ? `'${context.repository}' ` : ''}already exists${context.region ? ` in ${context.region}` : ''}.`,
				'Use the existing repository, or pick another name.',
			);
		}

		case 'throttled': {
			return make(
				`AWS is throttling requests${where(context)}: ${message}`,
				'Wait a few seconds and try again; other tools calling ECR at the same time count against the same limit.',
			);
		}

		case 'network': {
			const target = context.endpoint ?? 'the AWS endpoint';
			const via = context.proxy ? ` through proxy ${context.proxy}` : '';
			if (isTlsErrorCode(code)) {
				return make(
					`Could not verify the TLS certificate of ${target}${via} (${code}).`,
					"A TLS-inspecting proxy or private CA is in the way: point AWS_CA_BUNDLE (or the profile's ca_bundle) at your organisation's CA bundle.",
					['export AWS_CA_BUNDLE=/path/to/corporate-ca.pem', 'ecr-setup doctor'],
				);
			}

			if (code === 'ProxyAuthenticationRequired') {
				return make(
					`The proxy${context.proxy ? ` ${context.proxy}` : ''} asked for authentication when connecting to ${target}.`,
					'Put the proxy credentials in HTTPS_PROXY (http://user:password@proxy:port) or ask for the endpoint to be allowed.',
				);
			}

			return make(
				// Node's own message usually names the code already ("connect ECONNREFUSED 127.0.0.1:9").
				`Could not reach ${target}${via}: ${code && !message.includes(code) ? `${code} — ` : ''}${message}`,
				context.proxy
					? 'Check that the proxy is up and allows this host, or exempt the host with NO_PROXY.'
					: 'Check the network and DNS. If your network needs a proxy, set HTTPS_PROXY (and NO_PROXY for exceptions).',
				['ecr-setup doctor'],
			);
		}

		case 'no-region': {
			return make('No AWS region is set.', 'Pass --region, set AWS_REGION, or give the profile a region.', [
				'ecr-setup … --region us-east-1',
				`aws configure set region us-east-1${profileFlag(profile)}`,
			]);
		}

		case 'region-disabled': {
			return make(
				`${context.region ?? 'This region'} is not enabled for this account${where(context)}: ${message}`,
				'Enable the region for the account (AWS console → Account → AWS Regions), or use another region.',
			);
		}

		case 'kms': {
			return make(
				`KMS refused the repository's encryption key${where(context)}: ${message}`,
				'The KMS key policy must allow your identity to use the key (kms:GenerateDataKey, kms:Decrypt); or use AES256 encryption.',
			);
		}

		default: {
			const status = classified.httpStatus;
			return make(
				`AWS call failed${where(context)}: ${code && !message.startsWith(code) ? `${code}: ` : ''}${message}`,
				status !== undefined && status >= 500
					? `AWS (or a proxy on the way) answered HTTP ${status} on every attempt: a temporary problem on that side. Try again in a minute; if it persists, check https://health.aws.amazon.com and the proxy.`
					: 'Run `ecr-setup doctor` for a full check of credentials, region and network.',
			);
		}
	}
}

export function awsErrorKind(error: unknown): AwsErrorKind {
	return classifyAwsError(error).kind;
}

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
		'ecr-setup sign-in   (IAM Identity Center or access keys; no AWS CLI needed)',
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
