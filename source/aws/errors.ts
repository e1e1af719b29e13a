/**
 * What went wrong with an AWS call, as a kind: `classifyAwsError` is pure over the error as the SDK raises it (`name`,
 * `$metadata.httpStatusCode`, `message`, Node's `code` for network failures). explain-error.ts puts it in the user's terms.
 */
import {UserError} from '../errors/user-errors.js';
import {redact} from '../lib/redact.js';
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

/** A certificate that could not be verified: a TLS-inspecting proxy or private CA, not a network that is down. */
export function isTlsErrorCode(code: string | undefined): boolean {
	return code !== undefined && TLS_CODES.has(code);
}

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
	// Secret keys, session tokens, ECR tokens, signatures and labelled secrets (a credential_process or proxy can echo them).
	return redact(message);
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
