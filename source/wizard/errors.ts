/**
 * What the wizard tells a person when an AWS call or a push fails. Classification prefers the kind the service layer
 * attached (`error.kind`, or a UserError code `aws.<kind>`), and falls back to the messages AWS and docker print.
 */
import type {AwsErrorKind} from '../services/types.js';
import {errorMessage} from '../lib/errors.js';
import {commandLine} from './shell.js';

const AWS_KINDS: readonly AwsErrorKind[] = [
	'no-credentials',
	'sso-expired',
	'invalid-credentials',
	'expired-credentials',
	'clock-skew',
	'access-denied',
	'repository-not-found',
	'repository-exists',
	'throttled',
	'network',
	'no-region',
	'region-disabled',
	'mfa-required',
	'kms',
	'unknown',
];

const AWS_PATTERNS: Array<[AwsErrorKind, RegExp]> = [
	['sso-expired', /SSO session .*(?:expired|invalid)|Token has expired and refresh failed|Error loading SSO Token|sso.*(?:token|session).*expired/i],
	['no-credentials', /Unable to locate credentials|Could not load credentials|NoCredentialProviders|CredentialsProviderError|no credentials/i],
	['clock-skew', /Signature expired|RequestTimeTooSkewed|clock skew|SignatureExpired/i],
	['expired-credentials', /ExpiredToken|security token included in the request is expired/i],
	['invalid-credentials', /InvalidClientTokenId|UnrecognizedClientException|security token included in the request is invalid|SignatureDoesNotMatch|InvalidAccessKeyId/i],
	['mfa-required', /\bMFA\b|mfa_serial/i],
	['repository-not-found', /RepositoryNotFoundException|does not exist in the registry/i],
	['repository-exists', /RepositoryAlreadyExistsException|already exists in the registry/i],
	['throttled', /Throttling|Rate exceeded|TooManyRequests/i],
	['region-disabled', /region .*(?:not enabled|disabled|opt.?in)/i],
	['no-region', /Region is missing|must specify a region|no region/i],
	['kms', /KmsException|KMS/],
	['access-denied', /AccessDenied|not authorized to perform|UnauthorizedOperation/i],
	['network', /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|getaddrinfo|socket hang up|i\/o timeout|network/i],
];

export function awsErrorKind(error: unknown): AwsErrorKind {
	if (typeof error === 'object' && error !== null) {
		const kind = (error as {kind?: unknown}).kind;
		if (typeof kind === 'string' && (AWS_KINDS as readonly string[]).includes(kind)) return kind as AwsErrorKind;
		const code = (error as {code?: unknown}).code;
		if (typeof code === 'string' && code.startsWith('aws.')) {
			const fromCode = code.slice(4);
			if ((AWS_KINDS as readonly string[]).includes(fromCode)) return fromCode as AwsErrorKind;
		}
	}

	const text = `${(error as {name?: string} | undefined)?.name ?? ''} ${errorMessage(error)}`;
	for (const [kind, pattern] of AWS_PATTERNS) if (pattern.test(text)) return kind;
	return 'unknown';
}

export type Explanation = {title: string; detail: string; nextSteps: string[]};

export function explainAwsError(kind: AwsErrorKind, error: unknown, profile: string | undefined): Explanation {
	const named = profile ? ` --profile ${profile}` : '';
	const message = errorMessage(error);
	switch (kind) {
		case 'no-credentials':
			return {
				title: 'No AWS credentials found',
				detail: 'Neither the environment nor ~/.aws holds credentials for this profile.',
				nextSteps: ['aws configure sso   (single sign-on)', 'aws configure       (access keys)', 'or set AWS_PROFILE to a profile that has credentials'],
			};
		case 'sso-expired':
			return {
				title: `The SSO session${profile ? ` of profile ${profile}` : ''} has expired`,
				detail: 'Sign in again in your browser; the wizard continues afterwards.',
				nextSteps: [`aws sso login${named}`],
			};
		case 'invalid-credentials':
			return {
				title: 'AWS rejected the credentials',
				detail: 'The access key is unknown or revoked, a session token is missing, or the region is not enabled for this account.',
				nextSteps: ['Check AWS_ACCESS_KEY_ID / AWS_SESSION_TOKEN and ~/.aws/credentials', `aws configure${named}`],
			};
		case 'expired-credentials':
			return {
				title: 'The AWS session credentials have expired',
				detail: 'Temporary credentials (a session token) ran out.',
				nextSteps: ['Fetch fresh credentials (or unset the stale AWS_SESSION_TOKEN)', profile ? `aws sso login${named}` : 'aws configure'],
			};
		case 'clock-skew':
			return {
				title: "This computer's clock is off",
				detail: 'AWS refuses signed requests when the local clock differs from AWS time by more than about 5 minutes.',
				nextSteps: ['Turn on automatic time sync (timedatectl set-ntp true, or your OS time settings)'],
			};
		case 'mfa-required':
			return {title: 'This profile needs an MFA code', detail: message, nextSteps: ['Use a profile without mfa_serial, or SSO']};
		case 'access-denied':
			return {title: 'Access denied', detail: message, nextSteps: ['ecr-setup policy   (the IAM policy this needs)']};
		case 'network':
			return {
				title: 'AWS could not be reached',
				detail: message,
				nextSteps: ['Check the network, and HTTPS_PROXY / NO_PROXY if you are behind a proxy'],
			};
		case 'region-disabled':
			return {title: 'That region is not enabled for this account', detail: message, nextSteps: ['Pick another region, or opt in to it in the AWS console']};
		case 'no-region':
			return {title: 'No AWS region', detail: message, nextSteps: ['Pass --region, or set AWS_REGION']};
		default:
			return {title: 'The AWS call failed', detail: message, nextSteps: []};
	}
}

/** `aws sso login` with the profile: what the hand-over runs. */
export function ssoLoginCommand(profile: string | undefined): {file: string; args: string[]; text: string} {
	const args = ['sso', 'login', ...(profile ? ['--profile', profile] : [])];
	return {file: 'aws', args, text: commandLine(['aws', ...args])};
}

export type PushFailureKind =
	| 'no-basic-auth'
	| 'token-expired'
	| 'denied'
	| 'repository-missing'
	| 'tag-immutable'
	| 'image-missing'
	| 'network'
	| 'unknown';

const PUSH_PATTERNS: Array<[PushFailureKind, RegExp]> = [
	['no-basic-auth', /no basic auth credentials|credentials not found|executable file not found|error getting credentials/i],
	['token-expired', /authorization token has expired|token.*expired|reauthenticate/i],
	['repository-missing', /name unknown|repository with name .* does not exist|repository.*not.?found|does not exist in the registry/i],
	['tag-immutable', /tag invalid|already exists .*immutable|immutable/i],
	['image-missing', /does not exist locally|No such image|An image does not exist/i],
	['denied', /denied|not authorized|403|forbidden/i],
	['network', /i\/o timeout|dial tcp|connection refused|EOF|no such host|TLS handshake|network|ECONNRESET|ETIMEDOUT/i],
];

const PUSH_KIND_ALIASES: Record<string, PushFailureKind> = {
	'no-basic-auth': 'no-basic-auth',
	'no-credentials': 'no-basic-auth',
	'helper-missing': 'no-basic-auth',
	'helper-failed': 'no-basic-auth',
	'token-expired': 'token-expired',
	'expired-token': 'token-expired',
	denied: 'denied',
	'access-denied': 'denied',
	'denied-iam': 'denied',
	'iam-denied': 'denied',
	'repository-missing': 'repository-missing',
	'repository-not-found': 'repository-missing',
	'name-unknown': 'repository-missing',
	'tag-immutable': 'tag-immutable',
	'image-missing': 'image-missing',
	'image-not-found': 'image-missing',
	network: 'network',
};

export function pushFailureKind(error: unknown): PushFailureKind {
	const kind = typeof error === 'object' && error !== null ? (error as {kind?: unknown}).kind : undefined;
	if (typeof kind === 'string' && kind in PUSH_KIND_ALIASES) return PUSH_KIND_ALIASES[kind]!;
	const text = errorMessage(error);
	for (const [candidate, pattern] of PUSH_PATTERNS) if (pattern.test(text)) return candidate;
	return 'unknown';
}

export function explainPushFailure(kind: PushFailureKind, context: {repository: string; tag: string; registry: string}): Explanation {
	switch (kind) {
		case 'no-basic-auth':
			return {
				title: 'no basic auth credentials',
				detail: `Docker had no credentials for ${context.registry}: no credential helper serves this host and no login is stored.`,
				nextSteps: ['Configure the Amazon ECR credential helper (recommended), or log in once'],
			};
		case 'token-expired':
			return {
				title: 'The stored login has expired',
				detail: 'ECR logins last 12 hours. The credential helper renews them by itself.',
				nextSteps: ['Configure the credential helper (recommended), or log in again'],
			};
		case 'denied':
			return {
				title: 'Denied by IAM',
				detail: `Your identity may not push to ${context.repository}: it needs ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage and ecr:BatchCheckLayerAvailability on it.`,
				nextSteps: ['ecr-setup policy   (prints a least-privilege policy)', 'Ask an administrator to attach it'],
			};
		case 'repository-missing':
			return {
				title: 'The repository does not exist',
				detail: `ECR never creates ${context.repository} on push; it must exist in this account and region.`,
				nextSteps: ['Create the repository'],
			};
		case 'tag-immutable':
			return {
				title: `Tag ${context.tag} already exists and the repository is immutable`,
				detail: 'An immutable repository never moves a tag. Push under another tag.',
				nextSteps: ['Choose another tag (the git short SHA is a good one)'],
			};
		case 'image-missing':
			return {title: 'The local image was not found', detail: 'Docker has no image under that name.', nextSteps: ['Choose another image']};
		case 'network':
			return {
				title: 'The registry could not be reached',
				detail: 'The upload failed on the network (a proxy, a firewall or a dropped connection).',
				nextSteps: ['Retry', 'Check HTTPS_PROXY / NO_PROXY'],
			};
		default:
			return {title: 'The push failed', detail: 'Docker reported an error the wizard does not recognise.', nextSteps: ['Open the troubleshooter']};
	}
}
