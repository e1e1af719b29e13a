/** Tokens docker would send from outside a credential helper: DOCKER_AUTH_CONFIG and the auths entries of config.json. */
import {envAuthConfigs, hostnameOfAuthKey} from '../../docker-config/stores.js';
import type {ConfigChange} from '../../docker-config/types.js';
import {hostOfRegistryString, parseRegistryHost} from '../../ecr/hosts.js';
import {decodeBasicAuth, storedAuthExpiry} from '../../ecr/token.js';
import {outcomeValue} from '../outcome.js';
import type {CheckFix} from '../types.js';
import {blockedBy, configData, pass, relativeTo, result, skip, type Check} from './common.js';

const ONE_HOUR_MS = 60 * 60 * 1000;

function dockerVersionAtLeast(version: string | null | undefined, major: number, minor: number): boolean | undefined {
	const match = version ? /(\d+)\.(\d+)/.exec(version) : null;
	if (!match) return undefined;
	const [have, haveMinor] = [Number(match[1]), Number(match[2])];
	return have > major || (have === major && haveMinor >= minor);
}

export const dockerAuthConfigEnv: Check = (facts) => {
	const id = 'docker.auth-config-env';
	const value = facts.env['DOCKER_AUTH_CONFIG'];
	if (!value) return pass(id, 'DOCKER_AUTH_CONFIG is not set');
	const host = facts.target.host;
	const unset = {
		description: 'Unset DOCKER_AUTH_CONFIG in this shell (and wherever it is exported) so docker uses config.json.',
		command: 'unset DOCKER_AUTH_CONFIG',
	};
	const version = outcomeValue(facts.docker.cli);
	if (dockerVersionAtLeast(version, 28, 2) === false) {
		return pass(id, `DOCKER_AUTH_CONFIG is set, but docker ${version} ignores it (only docker 28.2 and later read it)`);
	}

	const auths = envAuthConfigs(facts.env);
	if (!auths) {
		return result(
			id,
			'warn',
			'DOCKER_AUTH_CONFIG is set but is not a valid {"auths": {…}} JSON document: docker ignores it.',
			unset,
		);
	}

	if (!host) return skip(id, 'DOCKER_AUTH_CONFIG is set; no registry host to compare it with');
	if (facts.store?.kind === 'env') {
		const entry = auths[host] as {auth?: unknown} | null | undefined;
		const auth = entry && typeof entry.auth === 'string' ? entry.auth : undefined;
		const expiry = auth ? storedAuthExpiry(auth) : undefined;
		if (expiry && expiry.getTime() <= facts.now.getTime()) {
			return result(
				id,
				'fail',
				`DOCKER_AUTH_CONFIG names ${host} and wins over config.json, but its token expired ${relativeTo(expiry, facts.now)}: ECR answers "Your authorization token has expired".`,
				unset,
			);
		}

		return result(
			id,
			'warn',
			`DOCKER_AUTH_CONFIG names ${host}: docker uses it for this host and ignores config.json (credHelpers, credsStore, auths).`,
			unset,
		);
	}

	const near = Object.keys(auths).filter((key) => key !== host && hostOfRegistryString(key) === host);
	if (near.length > 0) {
		return pass(
			id,
			`DOCKER_AUTH_CONFIG is set; its key "${near[0]}" is not exactly ${host}, so docker does not use it for this host`,
		);
	}

	return pass(id, `DOCKER_AUTH_CONFIG is set but does not name ${host}`);
};

type StoredEntry = {key: string; username: string | undefined; expiry: Date | undefined; hasAuth: boolean};

export const dockerStoredToken: Check = (facts, prior) => {
	const id = 'docker.stored-token';
	const host = facts.target.host;
	if (!host) return skip(id, 'skipped: no registry host');
	if (facts.config.state === 'error')
		return blockedBy(id, prior, ['docker.config']) ?? skip(id, 'skipped: config.json is invalid');
	const auths = configData(facts).auths ?? {};
	const entries: StoredEntry[] = Object.entries(auths)
		.filter(([key]) => key === host || hostnameOfAuthKey(key) === host)
		.map(([key, value]) => {
			const auth = value && typeof value.auth === 'string' ? value.auth : '';
			return {
				key,
				username: auth ? decodeBasicAuth(auth)?.username : undefined,
				expiry: auth ? storedAuthExpiry(auth) : undefined,
				hasAuth: auth !== '',
			};
		});
	const withAuth = entries.filter((entry) => entry.hasAuth);
	if (withAuth.length === 0) return pass(id, `no token for ${host} is stored in config.json auths`);
	const store = facts.store;
	const usedKey = store?.kind === 'file' ? store.authKey : undefined;
	const servedBy =
		store?.kind === 'helper'
			? `docker-credential-${store.helper}`
			: store?.kind === 'env'
				? 'DOCKER_AUTH_CONFIG'
				: undefined;
	const now = facts.now.getTime();
	const expired = withAuth.filter((entry) => entry.expiry && entry.expiry.getTime() <= now);
	const soon = withAuth.filter(
		(entry) => entry.expiry && entry.expiry.getTime() > now && entry.expiry.getTime() - now < ONE_HOUR_MS,
	);
	const duplicates = entries.length > 1;
	const remove = (keys: string[]): CheckFix => {
		const simple = keys.every((key) => [host, `http://${host}`, `https://${host}`].includes(key));
		const login = store?.kind === 'file';
		return {
			description: `Remove ${keys.map((key) => `auths["${key}"]`).join(', ')}${login ? ` and log in again for ${host} (or use ecr-login, which fetches fresh tokens itself)` : ''}.`,
			command: simple ? `docker logout ${host}` : `ecr-setup doctor --fix --registry ${host}`,
			action: {type: 'config', changes: keys.map((key): ConfigChange => ({type: 'remove-auth', key}))},
		};
	};

	const describe = (entry: StoredEntry) =>
		`auths["${entry.key}"] expired ${relativeTo(entry.expiry!, facts.now)} (${entry.expiry!.toISOString()})`;
	// Keep the freshest valid entry (the exact key on a tie); everything else for this host is stale or shadowed.
	const valid = withAuth
		.filter((entry) => !expired.includes(entry))
		.sort(
			(a, b) =>
				(b.expiry?.getTime() ?? 0) - (a.expiry?.getTime() ?? 0) || Number(b.key === host) - Number(a.key === host),
		);
	const keep = valid[0];
	const stale = entries.filter((entry) => entry !== keep && (entry.hasAuth || duplicates)).map((entry) => entry.key);
	const used = usedKey === undefined ? undefined : withAuth.find((entry) => entry.key === usedKey);
	if (used && expired.includes(used)) {
		const others = duplicates
			? `; ${entries.length} keys name this host (${entries.map((entry) => `"${entry.key}"`).join(', ')}) and docker uses "${used.key}"`
			: '';
		return result(
			id,
			'fail',
			`${describe(used)}: docker sends it and ECR answers "denied: Your authorization token has expired"${others}.`,
			remove(stale),
		);
	}

	if (used && soon.includes(used)) {
		return result(
			id,
			'warn',
			`auths["${used.key}"] expires ${relativeTo(used.expiry!, facts.now)}: a long push may outlive it.`,
			{
				description: `Log in again for ${host}, or use ecr-login so tokens are refreshed for you.`,
				command: `ecr-setup login --registry ${host}`,
				action: {type: 'login', registry: host},
			},
		);
	}

	if (duplicates) {
		const chosen = usedKey
			? `docker uses "${usedKey}" (${usedKey === host ? 'the exact key comes first' : 'the first whose hostname matches'}) and ignores the rest, so a token refreshed under another key changes nothing`
			: `${servedBy ?? 'another store'} serves ${host}, so none of them is used`;
		return result(
			id,
			'warn',
			`${entries.length} auths keys name ${host} (${entries.map((entry) => `"${entry.key}"`).join(', ')}): ${chosen}.`,
			remove(stale),
		);
	}

	if (expired.length > 0) {
		return result(
			id,
			'warn',
			`${describe(expired[0]!)}; docker does not use it now (${servedBy ?? 'another store'} serves ${host}), but would if that store went away.`,
			remove(expired.map((entry) => entry.key)),
		);
	}

	const entry = withAuth[0]!;
	if (entry.username !== undefined && entry.username !== 'AWS' && parseRegistryHost(host)) {
		return result(
			id,
			'warn',
			`auths["${entry.key}"] holds user "${entry.username}": ECR only accepts the user "AWS" with a token.`,
			remove([entry.key]),
		);
	}

	if (!entry.expiry)
		return pass(id, `auths["${entry.key}"] holds a token whose expiry cannot be read (ECR tokens last 12 h)`);
	return pass(
		id,
		`auths["${entry.key}"] holds a token valid ${relativeTo(entry.expiry, facts.now)}${usedKey === entry.key ? '' : ` (not used: ${servedBy ?? 'another store'} serves ${host})`}`,
	);
};
