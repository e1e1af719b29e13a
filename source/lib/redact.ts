/** The one redactor: every text that may hold a secret passes through `redact` before it is shown or logged. */
export const MASK = '****';

/**
 * Mask the given values (four characters or more), then everything secret-shaped. Shapes, not just names: a token
 * pasted into an error message has no label. Hex runs (digests, git SHAs, account ids) are kept: they are identifiers,
 * not secrets, and logs and diagnoses need them.
 */
export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
	let out = text;
	for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join(MASK);
	return (
		out
			// A presigned URL's session token stops at the next parameter.
			.replace(/(X-Amz-Security-Token=)[^&\s]+/gi, `$1${MASK}`)
			// Authorization / Proxy-Authorization / X-Registry-Auth headers, in header or JSON form.
			.replace(
				/((?:proxy-)?authorization|x-registry-auth|x-amz-security-token)("?\s*[:=]\s*"?)(?:(?:Basic|Bearer|AWS4-HMAC-SHA256)\s+)?[^"\r\n]+/gi,
				`$1$2${MASK}`,
			)
			// Labelled secrets: JSON keys, INI/env assignments, and the value after a password flag that some other tool echoed (masked here; ecr-setup itself only uses --password-stdin).
			.replace(
				/((?:"|\b)(?:auth|password|secret|identitytoken|registrytoken|authorizationToken|secretAccessKey|sessionToken|aws_secret_access_key|aws_session_token|aws_security_token)"?\s*[:=]\s*"?)[^"\s,}&]+/gi,
				`$1${MASK}`,
			)
			.replace(/("(?:token|accessToken|refreshToken|clientSecret)"\s*:\s*")[^"]*/gi, `$1${MASK}`)
			.replace(/\b((?:token|access_token|refresh_token)=)[^\s,"&]+/gi, `$1${MASK}`)
			.replace(/((?:^|\s)(?:--password|-p)(?:\s+|=))(?!-)\S+/g, `$1${MASK}`)
			// Bearer and Basic credentials outside a header line.
			.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`)
			// Proxy (or any URL) credentials: scheme://user:password@host.
			.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+:[^/@\s]+@/gi, `$1${MASK}@`)
			// Signed-request pieces an SDK message can echo.
			.replace(/(X-Amz-Signature=|Signature=)[0-9a-f]{16,}/gi, `$1${MASK}`)
			.replace(/(Credential=)[^/\s,]+/g, `$1${MASK}`)
			// IAM ids: the kind (AKIA, ASIA, AROA…) and four more characters stay, enough to tell which key it was.
			.replace(/\b((?:A3T[A-Z0-9]|AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{4})[A-Z0-9]{12}\b/g, `$1${MASK}`)
			// ECR tokens and passwords: base64 of "AWS:…" and of JSON ({"payload"…, "expiration"…}).
			.replace(/\b(?:QVdTO|eyJ)[A-Za-z0-9+/_-]{12,}={0,2}/g, MASK)
			// Any other long base64 run (session tokens are hundreds of characters), unless it is plain hex.
			.replace(/(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{60,}={0,2}(?![A-Za-z0-9+/=_-])/g, (run) =>
				/^[0-9a-f]+$/i.test(run) ? run : MASK,
			)
			// A 40-character secret access key standing alone (mixed case or with / or +; a hex SHA-1 is kept).
			// Shorter base64 runs that mix case and digits (tokens from helpers and wrappers); paths and names do not.
			.replace(/(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{40,}={0,2}(?![A-Za-z0-9+/=_-])/g, (run) =>
				/[a-z]/.test(run) && /[A-Z]/.test(run) && /\d/.test(run) ? MASK : run,
			)
			.replace(/(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g, (run) =>
				/^[0-9a-f]+$/i.test(run) || !(/[A-Z]/.test(run) && /[a-z]/.test(run)) ? run : MASK,
			)
	);
}
