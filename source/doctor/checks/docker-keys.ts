/** credHelpers and auths keys meant for the registry host that docker will not match: it compares them byte for byte. */
import {hostnameOfAuthKey} from '../../docker-config/stores.js';
import type {ConfigChange} from '../../docker-config/types.js';
import {explainHostMismatch, hostOfRegistryString, parseRegistryHost} from '../../ecr/hosts.js';
import type {DoctorFacts} from '../facts.js';
import {blockedBy, configData, pass, result, skip, type Check} from './common.js';

/** Keys meant for this host that docker will not match, and why; keys docker does match are left out. */
export function nearMissKeys(
	facts: DoctorFacts,
	host: string,
): {
	credHelpers: Array<{key: string; helper: string; why: string; certain: boolean}>;
	auths: Array<{key: string; why: string}>;
} {
	const data = configData(facts);
	const target = parseRegistryHost(host);
	const candidates = new Set<string>([facts.target.rawRegistry ?? ''].filter(Boolean));
	const helpers: Array<{key: string; helper: string; why: string; certain: boolean}> = [];
	for (const [key, helper] of Object.entries(data.credHelpers ?? {})) {
		if (key === host) continue;
		const bare = hostOfRegistryString(key).replace(/:\d+$/, '');
		const certain = bare === host || candidates.has(key);
		let likely = false;
		const other = parseRegistryHost(bare);
		if (!certain && other?.kind === 'private' && target?.kind === 'private') {
			const sameAccount = other.account === target.account;
			const sameRegion = other.region === target.region;
			likely = sameAccount !== sameRegion;
		}

		if (certain || likely) helpers.push({key, helper, why: explainHostMismatch(key, host) ?? '', certain});
	}

	const auths: Array<{key: string; why: string}> = [];
	for (const key of Object.keys(data.auths ?? {})) {
		// docker itself strips scheme and path from auths keys; only what survives that can miss.
		if (key === host || hostnameOfAuthKey(key) === host) continue;
		const bare = hostOfRegistryString(key).replace(/:\d+$/, '');
		if (bare === host) auths.push({key, why: explainHostMismatch(hostnameOfAuthKey(key), host) ?? ''});
	}

	return {credHelpers: helpers, auths};
}

export const dockerHelperKey: Check = (facts, prior) => {
	const id = 'docker.helper-key';
	const host = facts.target.host;
	if (!host) return skip(id, 'skipped: no registry host');
	const blocked = blockedBy(id, prior, ['docker.config']);
	if (blocked && facts.config.state === 'error') return blocked;
	const data = configData(facts);
	const exact = Object.hasOwn(data.credHelpers ?? {}, host);
	const near = nearMissKeys(facts, host);
	const raw = facts.target.rawRegistry;
	const rawNote = raw && raw !== host ? ` (you typed "${raw}"; docker looks up "${host}")` : '';
	if (exact) {
		const extra = near.credHelpers.filter((entry) => entry.certain).map((entry) => `"${entry.key}"`);
		return pass(
			id,
			`credHelpers["${host}"] matches exactly${extra.length > 0 ? `; ${extra.join(', ')} is unused` : ''}${rawNote}`,
		);
	}

	const certain = near.credHelpers.filter((entry) => entry.certain);
	if (certain.length > 0) {
		const first = certain[0]!;
		const changes: ConfigChange[] = [
			...certain.map((entry): ConfigChange => ({type: 'remove-cred-helper', host: entry.key})),
			{type: 'set-cred-helper', host, helper: first.helper},
		];
		return result(
			id,
			'fail',
			`credHelpers key "${first.key}" was meant for ${host} but docker compares keys byte for byte and ${first.why}${rawNote}: docker never asks "${first.helper}".`,
			{
				description: `Replace the key by exactly "${host}".`,
				command: `ecr-setup configure-helper --registry ${host}`,
				action: {type: 'config', changes},
			},
		);
	}

	if (near.auths.length > 0 && facts.store?.kind === 'file') {
		const first = near.auths[0]!;
		return result(
			id,
			'fail',
			`auths key "${first.key}" was meant for ${host} but ${first.why}: docker does not use it for this host.`,
			{
				description: `Remove it and log in again for ${host}.`,
				command: `ecr-setup login --registry ${host}`,
				action: {
					type: 'config',
					changes: near.auths.map((entry): ConfigChange => ({type: 'remove-auth', key: entry.key})),
				},
			},
		);
	}

	const likely = near.credHelpers.filter((entry) => !entry.certain);
	if (likely.length > 0) {
		const first = likely[0]!;
		return result(id, 'warn', `No credHelpers key for ${host}; "${first.key}" looks meant for it but ${first.why}.`, {
			description: `Add a credHelpers key for exactly "${host}".`,
			command: `ecr-setup configure-helper --registry ${host}`,
			action: {type: 'config', changes: [{type: 'set-cred-helper', host, helper: first.helper}]},
		});
	}

	return pass(id, `no credHelpers or auths key near ${host} is mistyped${rawNote}`);
};
