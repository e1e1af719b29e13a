/**
 * Which credential store serves a registry host, resolved as docker/cli does (GetCredentialsStore and the file store's
 * Get), and the helpers that resolution rests on: the hostname of an `auths` key, DOCKER_AUTH_CONFIG, the platform default.
 */
import {authDecodes} from './fields.js';
import type {DockerConfigData, StoreResolution} from './types.js';

/**
 * docker's ConvertToHostname: `https://host:5000/v1/` → `host:5000`; `host/path` → `host`. The scheme is stripped,
 * the path too, the port kept, letter case kept.
 */
export function hostnameOfAuthKey(key: string): string {
	const scheme = key.indexOf('://');
	if (scheme !== -1) {
		let rest = key.slice(scheme + 3);
		rest = rest.split(/[/?#]/, 1)[0] ?? '';
		const at = rest.lastIndexOf('@');
		if (at !== -1) rest = rest.slice(at + 1);
		if (rest !== '' && !rest.startsWith(':')) return rest;
	}

	return key.split('/', 1)[0] ?? '';
}

/** The `auths` of DOCKER_AUTH_CONFIG, or undefined when unset, empty or unreadable (docker then ignores it). */
export function envAuthConfigs(env: Record<string, string | undefined>): Record<string, unknown> | undefined {
	const value = env['DOCKER_AUTH_CONFIG'];
	if (!value) return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(value);
	} catch {
		return undefined;
	}

	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
	const record = parsed as Record<string, unknown>;
	const key =
		Object.keys(record).find((name) => name === 'auths') ??
		Object.keys(record).find((name) => name.toLowerCase() === 'auths');
	const auths = key === undefined ? undefined : record[key];
	if (auths === undefined || auths === null) return {};
	if (typeof auths !== 'object' || Array.isArray(auths)) return undefined;
	for (const entry of Object.values(auths as Record<string, unknown>)) {
		if (entry === null) continue;
		if (typeof entry !== 'object' || Array.isArray(entry)) return undefined;
		if (!authDecodes((entry as Record<string, unknown>)['auth'])) return undefined;
	}

	return auths as Record<string, unknown>;
}

/** docker's ContainsAuth: false when the file sets no credsStore, no credHelpers and no auths (empty maps count as none). */
export function containsAuth(data: DockerConfigData): boolean {
	return (
		(typeof data.credsStore === 'string' && data.credsStore !== '') ||
		Object.keys(data.credHelpers ?? {}).length > 0 ||
		Object.keys(data.auths ?? {}).length > 0
	);
}

/**
 * The store docker picks by itself when the file configures none (credentials.DetectDefaultStore): macOS `osxkeychain`,
 * Windows `wincred`, Linux `pass` when the `pass` program exists, else `secretservice`. Docker uses it only if
 * `docker-credential-<name>` is on PATH: the caller checks that and passes the name to resolveStore as `platformDefault`.
 */
export function platformDefaultStore(platform: string, hasPass: boolean): string | undefined {
	if (platform === 'darwin') return 'osxkeychain';
	if (platform === 'win32') return 'wincred';
	if (platform === 'linux' || platform === 'freebsd') return hasPass ? 'pass' : 'secretservice';
	return undefined;
}

export type ResolveStoreOptions = {
	/**
	 * The platform default helper (see platformDefaultStore) when its `docker-credential-<name>` binary exists.
	 * Used only when the file configures no store at all (docker's ContainsAuth is false).
	 */
	platformDefault?: string | undefined;
};

/**
 * Which store docker uses for `host` (docker/cli GetCredentialsStore + the store's Get):
 * 1. DOCKER_AUTH_CONFIG whose `auths` has the exact key `host` (set, non-empty and readable);
 * 2. `credHelpers[host]`, exact string match (an empty helper name means the file store);
 * 3. `credsStore` (or the platform default when the file configures nothing);
 * 4. the file store: `auths[host]`, else the first key (in file order) whose hostname equals `host`.
 */
export function resolveStore(
	data: DockerConfigData,
	host: string,
	env: Record<string, string | undefined> = {},
	options: ResolveStoreOptions = {},
): StoreResolution {
	const envAuths = envAuthConfigs(env);
	if (envAuths && Object.hasOwn(envAuths, host)) {
		return {kind: 'env', variable: 'DOCKER_AUTH_CONFIG', authKey: host};
	}

	const helpers = data.credHelpers;
	if (helpers && host !== '' && Object.hasOwn(helpers, host)) {
		const helper = helpers[host] ?? '';
		if (helper !== '') return {kind: 'helper', helper, source: 'credHelpers', key: host};
		return fileStore(data, host);
	}

	if (typeof data.credsStore === 'string' && data.credsStore !== '') {
		return {kind: 'helper', helper: data.credsStore, source: 'credsStore'};
	}

	if (!containsAuth(data) && options.platformDefault) {
		return {kind: 'helper', helper: options.platformDefault, source: 'platform-default'};
	}

	return fileStore(data, host);
}

function fileStore(data: DockerConfigData, host: string): StoreResolution {
	const auths = data.auths ?? {};
	let authKey: string | undefined;
	if (Object.hasOwn(auths, host)) authKey = host;
	else authKey = Object.keys(auths).find((key) => hostnameOfAuthKey(key) === host);
	const entry = authKey === undefined ? undefined : auths[authKey];
	const hasAuth = Boolean(
		entry &&
			((typeof entry.auth === 'string' && entry.auth !== '') ||
				(typeof entry.identitytoken === 'string' && entry.identitytoken !== '') ||
				(typeof entry['username'] === 'string' && entry['username'] !== '')),
	);
	return {kind: 'file', authKey, hasAuth};
}
