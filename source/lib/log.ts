/**
 * The `--verbose` debug log: one line per process run and per AWS request attempt, on stderr (or above the wizard's
 * live area). Everything written goes through `redactSecrets` first: access keys, secret keys, session tokens, ECR
 * tokens and passwords, docker `auth` values, Authorization headers and proxy passwords never reach it.
 * Off by default; when off, `debug` costs one boolean check.
 */
import {redact} from './redact.js';

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

/** redact with the values registered for this run (registerSecret). */
export function redactSecrets(text: string): string {
	return redact(text, knownSecrets);
}
