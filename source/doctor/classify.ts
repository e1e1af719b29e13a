/**
 * Errors from the services, as the doctor needs them: a kind, the SDK's error name and a message.
 * Errors that already carry a kind (AwsError) keep it; raw SDK errors are classified by name and message.
 */
import type {AwsErrorKind} from '../services/types.js';
import {errorMessage} from '../lib/errors.js';
import type {FactError} from './outcome.js';

const KINDS = new Set<AwsErrorKind>([
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
]);

function field(error: unknown, name: string): unknown {
	return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPROTO']);

export function classifyError(error: unknown): FactError {
	const message = errorMessage(error);
	const name = typeof field(error, 'name') === 'string' ? (field(error, 'name') as string) : undefined;
	const ownKind = field(error, 'kind');
	if (typeof ownKind === 'string' && KINDS.has(ownKind as AwsErrorKind)) {
		return {kind: ownKind as AwsErrorKind, name: sdkName(error) ?? name, message};
	}

	return {kind: kindOf(name ?? '', message, field(error, 'code')), name, message};
}

/** The SDK error name behind a wrapped error (AwsError keeps it as cause). */
function sdkName(error: unknown): string | undefined {
	const cause = field(error, 'cause');
	const name = field(cause, 'name');
	return typeof name === 'string' ? name : undefined;
}

function kindOf(name: string, message: string, code: unknown): AwsErrorKind {
	const text = `${name} ${message}`;
	if (/SSO session .*(?:expired|invalid)|Token is expired|sso.*refresh/i.test(text)) return 'sso-expired';
	if (/mfa|MultiFactor/i.test(text) && /token|code|serial/i.test(text)) return 'mfa-required';
	if (name === 'CredentialsProviderError' || /Could not load credentials|Unable to locate credentials|NoCredentialProviders/i.test(text)) {
		return 'no-credentials';
	}

	if (/Signature expired|RequestTimeTooSkewed|InvalidSignatureException.*(?:earlier|later)/i.test(text)) return 'clock-skew';
	if (/ExpiredToken|security token included in the request is expired/i.test(text)) return 'expired-credentials';
	if (/OptInRequired|not enabled for this account|region.*(?:disabled|not enabled)/i.test(text)) return 'region-disabled';
	if (/InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch|security token included in the request is invalid/i.test(text)) {
		return 'invalid-credentials';
	}

	if (/AccessDenied|not authorized to perform|UnauthorizedOperation/i.test(text)) return 'access-denied';
	if (/RepositoryNotFoundException/.test(text)) return 'repository-not-found';
	if (/RepositoryAlreadyExistsException/.test(text)) return 'repository-exists';
	if (/Throttl|Rate exceeded|TooManyRequests/i.test(text)) return 'throttled';
	if (/Region is missing|must specify a region/i.test(text)) return 'no-region';
	if (/Kms/i.test(name)) return 'kms';
	if ((typeof code === 'string' && NETWORK_CODES.has(code)) || /ENOTFOUND|ETIMEDOUT|ECONNREFUSED|EAI_AGAIN|socket hang up|TimeoutError|getaddrinfo/i.test(text)) {
		return 'network';
	}

	return 'unknown';
}
