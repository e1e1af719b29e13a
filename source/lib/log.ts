/**
 * The `--verbose` debug log: one line per process run and per AWS request attempt, on stderr (or above the wizard's
 * live area). Everything written goes through `redactSecrets` first: access keys, secret keys, session tokens, ECR
 * tokens and passwords, docker `auth` values, Authorization headers and proxy passwords never reach it.
 * Off by default; when off, `debug` costs one boolean check.
 */

export type DebugFields = Record<string, string | number | boolean | undefined | null | readonly string[]>;

type Sink = (line: string) => void;

let sink: Sink | undefined;
let started = 0;
/** Exact values to mask wherever they appear (the environment's secret key and session token, fetched ECR passwords). */
const knownSecrets = new Set<string>();

const SECRET_ENV = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_ACCESS_KEY_ID'];

/** Turn the log on (write = where lines go, default stderr). The environment's AWS secrets are registered for masking. */
export function enableDebugLog(
	options: {write?: Sink; env?: Record<string, string | undefined>; now?: () => number} = {},
): void {
	sink = options.write ?? ((line) => process.stderr.write(`${line}\n`));
	started = (options.now ?? Date.now)();
	for (const name of SECRET_ENV) registerSecret(options.env?.[name]);
	for (const [name, value] of Object.entries(options.env ?? {})) {
		const proxy = /^(?:https?|all)_proxy$/i.test(name) ? value : undefined;
		const password = proxy ? /\/\/[^/@:\s]*:([^/@\s]+)@/.exec(proxy)?.[1] : undefined;
		registerSecret(password);
	}
}

/** Send later lines somewhere else (the wizard routes them through Ink's console so they print above the screen). */
export function redirectDebugLog(write: Sink): void {
	if (sink) sink = write;
}

export function disableDebugLog(): void {
	sink = undefined;
	knownSecrets.clear();
}

export function debugEnabled(): boolean {
	return sink !== undefined;
}

/** A value that must never be shown, masked wherever it appears in later log lines. Short values are ignored. */
export function registerSecret(value: string | undefined): void {
	if (value && value.length >= 8) knownSecrets.add(value);
}

/** `scope message key=value …`, redacted, when the log is on. */
export function debug(scope: string, message: string, fields: DebugFields = {}): void {
	if (!sink) return;
	const parts = [`[debug +${Math.max(0, Date.now() - started)}ms] ${scope}: ${message}`];
	for (const [key, value] of Object.entries(fields)) {
		if (value === undefined || value === null) continue;
		parts.push(`${key}=${Array.isArray(value) ? JSON.stringify(value) : String(value)}`);
	}

	try {
		sink(redactSecrets(parts.join(' ')));
	} catch {
		// A closed stderr must not break the command.
	}
}

const MASK = '****';

/**
 * Mask everything secret-shaped. Shapes, not just names: a token pasted into an error message has no label.
 * Hex runs (digests, git SHAs, account ids) are kept: they are identifiers, not secrets, and the log needs them.
 */
export function redactSecrets(text: string): string {
	let out = text;
	for (const secret of knownSecrets) out = out.split(secret).join(MASK);
	return (
		out
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
			.replace(/((?:^|\s)(?:--password|-p)(?:\s+|=))(?!-)\S+/g, `$1${MASK}`)
			// Proxy (or any URL) credentials: scheme://user:password@host.
			.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+:[^/@\s]+@/gi, `$1${MASK}@`)
			// Signed-request pieces an SDK message can echo.
			.replace(/(X-Amz-Signature=|Signature=)[0-9a-f]{16,}/gi, `$1${MASK}`)
			.replace(/(Credential=)[^/\s,]+/g, `$1${MASK}`)
			// Access key ids: the prefix says which kind it was; the rest is gone.
			.replace(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, `$1${MASK}`)
			// ECR tokens and passwords: base64 of "AWS:…" and of JSON ({"payload"…, "expiration"…}).
			.replace(/\b(?:QVdTO|eyJ)[A-Za-z0-9+/_-]{12,}={0,2}/g, MASK)
			// Any other long base64 run (session tokens are hundreds of characters), unless it is plain hex.
			.replace(/(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{60,}={0,2}(?![A-Za-z0-9+/=_-])/g, (run) =>
				/^[0-9a-f]+$/i.test(run) ? run : MASK,
			)
			// A 40-character secret access key standing alone (mixed case or with / or +; a hex SHA-1 is kept).
			.replace(/(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g, (run) =>
				/^[0-9a-f]+$/i.test(run) || !(/[A-Z]/.test(run) && /[a-z]/.test(run)) ? run : MASK,
			)
	);
}
