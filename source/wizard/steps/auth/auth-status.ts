/** How docker will get credentials for one registry host today, in words, from the config and its store resolution. */
import type {LoadedConfig, StoreResolution} from '../../../docker-config/types.js';
import {relativeTime} from '../../../lib/format.js';
import {storedAuthExpiry} from '../../../ecr/token.js';
import {profileOfHelperName} from '../../../credential-helper/wrapper.js';

export type AuthStatus =
	| {kind: 'ecr-helper'; text: string}
	| {kind: 'other-helper'; helper: string; text: string}
	| {kind: 'token'; expiresAt: string | undefined; expired: boolean; text: string}
	| {kind: 'none'; text: string}
	| {kind: 'env'; text: string};

export function describeAuth(config: LoadedConfig, resolution: StoreResolution, host: string, now: Date): AuthStatus {
	switch (resolution.kind) {
		case 'helper': {
			const from =
				resolution.source === 'credHelpers'
					? `credHelpers["${host}"]`
					: resolution.source === 'credsStore'
						? `credsStore (for every registry)`
						: 'the platform default (no store in the file)';
			const profile = profileOfHelperName(resolution.helper);
			if (profile) {
				return {
					kind: 'ecr-helper',
					text: `docker asks docker-credential-ecr-login with profile ${profile} (${from}): tokens are fetched and renewed by themselves.`,
				};
			}

			if (resolution.helper === 'ecr-login') {
				return {
					kind: 'ecr-helper',
					text: `docker asks docker-credential-ecr-login (${from}): tokens are fetched and renewed by themselves.`,
				};
			}

			return {
				kind: 'other-helper',
				helper: resolution.helper,
				text: `docker asks docker-credential-${resolution.helper} (${from}); it only has ECR credentials after a docker login, and they expire after 12 hours.`,
			};
		}

		case 'env':
			return {
				kind: 'env',
				text: `DOCKER_AUTH_CONFIG is set and supplies the credentials for ${host}; it wins over config.json.`,
			};

		case 'file': {
			const entry = resolution.authKey ? config.data.auths?.[resolution.authKey] : undefined;
			if (!resolution.hasAuth || !entry?.auth) {
				return {
					kind: 'none',
					text: `docker has no credentials for ${host}: a push now fails with "no basic auth credentials".`,
				};
			}

			const expiry = storedAuthExpiry(entry.auth);
			if (!expiry) {
				return {
					kind: 'token',
					expiresAt: undefined,
					expired: false,
					text: `A login is stored in ${config.path} (expiry unknown; ECR logins last 12 hours).`,
				};
			}

			const expired = expiry.getTime() <= now.getTime();
			return {
				kind: 'token',
				expiresAt: expiry.toISOString(),
				expired,
				text: expired
					? `The stored login expired ${relativeTime(expiry, now)}: a push now fails with "authorization token has expired".`
					: `A stored login works until ${expiry.toISOString().slice(11, 16)} UTC (${relativeTime(expiry, now)}); after that pushes fail.`,
			};
		}
	}
}
