/**
 * What went wrong with an AWS call, in the user's terms (ECR-FACTS §4 items 13–20, 24, 27, 30).
 * `classifyAwsError` is pure over the error as the SDK raises it (`name`, `$metadata.httpStatusCode`, `message`,
 * Node's `code` for network failures); `toUserError` turns it into an `AwsError` with a hint and next steps.
 */
import {UserError} from '../errors/user-errors.js';
import {redactSecrets} from '../lib/log.js';
import {OPT_IN_REGIONS} from '../ecr/regions.js';
import type {AwsErrorKind} from './types.js';

export type AwsErrorClassification = {
	kind: AwsErrorKind;
	/** The error's own words, secrets removed. */
	message: string;
	/** The AWS error code or Node error code (e.g. `AccessDeniedException`, `ENOTFOUND`). */
	code?: string;
	httpStatus?: number;
	/** For access-denied: the IAM action named in the message, e.g. `ecr:GetAuthorizationToken`. */
	action?: string;
};

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

export class AwsError extends UserError {
	readonly kind: AwsErrorKind;
	/** The AWS or Node error code behind it, when known. */
	readonly awsCode: string | undefined;
	readonly httpStatus: number | undefined;

	constructor(
		message: string,
		options: {
			kind: AwsErrorKind;
			hint?: string;
			nextSteps?: string[];
			cause?: unknown;
			awsCode?: string;
			httpStatus?: number;
		},
	) {
		super(message, {
			code: `aws.${options.kind}`,
			...(options.hint === undefined ? {} : {hint: options.hint}),
			...(options.nextSteps === undefined ? {} : {nextSteps: options.nextSteps}),
			cause: options.cause,
		});
		this.name = 'AwsError';
		this.kind = options.kind;
		this.awsCode = options.awsCode;
		this.httpStatus = options.httpStatus;
	}
}

// ───────────────────────────── reading the error ─────────────────────────────

type ErrorLike = {
	name?: unknown;
	code?: unknown;
	Code?: unknown;
	message?: unknown;
	$metadata?: {httpStatusCode?: unknown};
	cause?: unknown;
	errors?: unknown;
};

const NETWORK_CODES = new Set([
	'ENOTFOUND',
	'EAI_AGAIN',
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EPIPE',
	'ECONNABORTED',
	'EPROTO',
]);

const TLS_CODES = new Set([
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_GET_ISSUER_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'CERT_HAS_EXPIRED',
	'CERT_UNTRUSTED',
	'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The error and its causes / aggregated errors, outermost first (bounded: causes can be cyclic). */
function chain(error: unknown): ErrorLike[] {
	const out: ErrorLike[] = [];
	const queue: unknown[] = [error];
	while (queue.length > 0 && out.length < 10) {
		const next = queue.shift();
		if (typeof next !== 'object' || next === null || out.includes(next as ErrorLike)) continue;
		const item = next as ErrorLike;
		out.push(item);
		if (item.cause !== undefined) queue.push(item.cause);
		if (Array.isArray(item.errors)) queue.push(...(item.errors as unknown[]));
	}

	return out;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Remove anything secret-shaped an AWS message may echo back (access key ids, signatures, session tokens). */
export function sanitizeAwsMessage(message: string): string {
	const masked = message
		.replace(/\b((?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{4})[A-Z0-9]{12}\b/g, '$1************')
		.replace(/(X-Amz-Security-Token=)[^&\s]+/gi, '$1****')
		.replace(/(X-Amz-Signature=|Signature=)[0-9a-f]{16,}/gi, '$1****')
		.replace(/(Credential=)[^/\s,]+/g, '$1****')
		.replace(/(\/\/)[^/@\s:]+:[^/@\s]+@/g, '$1****@');
	// Secret keys, session tokens, ECR tokens and labelled secrets (a credential_process or proxy can echo them).
	return redactSecrets(masked);
}

// ───────────────────────────── classification ─────────────────────────────

const NO_CREDENTIALS =
	/could not load credentials|unable to locate credentials|nocredentialproviders|could not resolve credentials using profile|profile \S+ (?:was )?not found|missing credentials in config|credential is missing/i;
const SSO_EXPIRED =
	/sso session (?:associated with this profile )?(?:has expired|is invalid)|sso session token associated with profile=\S+ was not found or is invalid|token is expired\. to refresh|run aws sso login/i;
const MFA = /requires multi-factor authentication/i;
const NO_REGION =
	/region is missing|missing region in config|you must specify a region|region (?:is )?not (?:set|configured)/i;

function firstString(items: ErrorLike[], pick: (item: ErrorLike) => unknown): string | undefined {
	for (const item of items) {
		const value = text(pick(item));
		if (value) return value;
	}

	return undefined;
}

export function classifyAwsError(error: unknown): AwsErrorClassification {
	if (error instanceof AwsError) {
		return {
			kind: error.kind,
			message: error.message,
			...(error.awsCode ? {code: error.awsCode} : {}),
			...(error.httpStatus ? {httpStatus: error.httpStatus} : {}),
		};
	}

	const items = chain(error);
	const top = items[0] ?? {};
	const rawMessage = firstString(items, (item) => item.message) ?? (typeof error === 'string' ? error : String(error));
	const message = sanitizeAwsMessage(rawMessage);
	const names = items
		.flatMap((item) => [text(item.name), text(item.Code), text(item.code)])
		.filter((value): value is string => Boolean(value));
	const status = items
		.map((item) => item.$metadata?.httpStatusCode)
		.find((value): value is number => typeof value === 'number');
	const has = (...candidates: string[]) => candidates.find((candidate) => names.includes(candidate));
	const result = (
		kind: AwsErrorKind,
		code?: string,
		extra: Partial<AwsErrorClassification> = {},
	): AwsErrorClassification => ({
		kind,
		message,
		...(code ? {code} : {}),
		...(status === undefined ? {} : {httpStatus: status}),
		...extra,
	});
	const allMessages = items.map((item) => text(item.message) ?? '').join('\n');

	// Order matters: SSO expiry and MFA arrive as CredentialsProviderError too, and an expired signature is a
	// SignatureDoesNotMatch like a wrong secret key.
	if (SSO_EXPIRED.test(allMessages))
		return result('sso-expired', has('CredentialsProviderError', 'TokenProviderError', 'UnauthorizedException'));
	if (MFA.test(allMessages)) return result('mfa-required', has('CredentialsProviderError'));
	if (
		has('CredentialsProviderError', 'CredentialsError', 'NoCredentialProviders') ||
		NO_CREDENTIALS.test(allMessages)
	) {
		return result('no-credentials', has('CredentialsProviderError', 'CredentialsError', 'NoCredentialProviders'));
	}

	if (NO_REGION.test(allMessages)) return result('no-region');

	const clock = has('RequestTimeTooSkewed', 'RequestExpired');
	if (clock) return result('clock-skew', clock);
	const signature = has('SignatureDoesNotMatch', 'InvalidSignatureException');
	if (signature && /signature expired|is now earlier than|is now later than/i.test(allMessages))
		return result('clock-skew', signature);

	const expired = has('ExpiredToken', 'ExpiredTokenException');
	if (expired || /security token included in the request is expired/i.test(allMessages))
		return result('expired-credentials', expired);

	const disabled = has('RegionDisabledException', 'OptInRequired');
	if (disabled) return result('region-disabled', disabled);

	const invalid = has('UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidAccessKeyId', 'AuthFailure');
	if (invalid) return result('invalid-credentials', invalid);
	if (signature) return result('invalid-credentials', signature);

	const denied = has('AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess');
	if (denied || /not authorized to perform/i.test(allMessages)) {
		const action = /not authorized to perform:?\s+([\w-]+:[\w*]+)/i.exec(allMessages)?.[1];
		return result('access-denied', denied, action ? {action} : {});
	}

	const notFound = has('RepositoryNotFoundException');
	if (notFound) return result('repository-not-found', notFound);
	const exists = has('RepositoryAlreadyExistsException');
	if (exists) return result('repository-exists', exists);
	const kms = has('KmsException', 'KMSException');
	if (kms) return result('kms', kms);
	const throttled = has('ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded');
	if (throttled || status === 429 || /rate exceeded/i.test(allMessages)) return result('throttled', throttled);

	const network = names.find((name) => NETWORK_CODES.has(name) || TLS_CODES.has(name));
	if (network) return result('network', network);
	if (
		has('TimeoutError') ||
		/socket did not establish a connection|request timed out|timeout of \d+ ?ms/i.test(allMessages)
	) {
		return result('network', 'TimeoutError');
	}

	// A proxy that refuses the CONNECT answers for itself; the SDK then sees a non-AWS 407/502/503 response.
	if (status === 407) return result('network', 'ProxyAuthenticationRequired');

	return result('unknown', text(top.name) ?? text(top.code));
}

// ───────────────────────────── presenting it ─────────────────────────────

function profileFlag(profile: string | undefined): string {
	return profile ? ` --profile ${profile}` : '';
}

function where(context: AwsErrorContext): string {
	const parts = [context.operation, context.region ? `in ${context.region}` : undefined].filter(Boolean);
	return parts.length > 0 ? ` (${parts.join(' ')})` : '';
}

function isTlsProblem(code: string | undefined): boolean {
	return code !== undefined && TLS_CODES.has(code);
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
				'Give ecr-setup credentials: access keys with `aws configure`, IAM Identity Center with `aws configure sso`, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment.',
				[
					`aws configure${profileFlag(profile)}`,
					`aws configure sso${profileFlag(profile)}`,
					'aws configure list-profiles',
				],
			);
		}

		case 'sso-expired': {
			return make(
				`The SSO session for profile ${profileName} has expired or is not signed in.`,
				`Sign in again with \`aws sso login${profileFlag(profile)}\`, then re-run ecr-setup.`,
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
			if (isTlsProblem(code)) {
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
