/**
 * Docker's credentials for one ECR registry, as `login` and `push --public` settle them: nothing to do where
 * docker-credential-ecr-login serves the host (it fetches tokens by itself), else a 12-hour token handed to
 * `docker login --password-stdin`, never on argv or the screen.
 */
import type {AuthToken, AwsService} from '../aws/types.js';
import {isEcrLoginHelper} from '../credential-helper/wrapper.js';
import type {LoadedConfig} from '../docker-config/types.js';
import type {EcrRegistry} from '../ecr/hosts.js';
import {relativeTime} from '../lib/format.js';
import type {CommandContext} from './types.js';

export type LoginOutcome = {
	registry: string;
	expiresAt: string | null;
	loggedIn: boolean;
	reason?: string;
	/** The profile the token was taken with, when a binding chose it. */
	profile?: string;
};

/**
 * How docker gets credentials for the host: docker-credential-ecr-login, or a profile-bound wrapper of it
 * (`ecr-login-<profile>`), with where the config names it; undefined when another store or none serves it.
 */
export function servedByHelper(
	context: CommandContext,
	config: LoadedConfig,
	host: string,
): {helper: string; source: string} | undefined {
	const store = context.services.dockerConfig.resolveStore(config, host);
	return store.kind === 'helper' && isEcrLoginHelper(store.helper)
		? {helper: store.helper, source: store.source}
		: undefined;
}

/** A token from the registry's own API, then `docker login` (on a dry run only the token, to prove it can be had). */
export async function dockerLogin(
	context: CommandContext,
	registry: EcrRegistry,
	bound: {aws: AwsService; profile: string} | undefined = undefined,
): Promise<LoginOutcome> {
	const {services, io} = context;
	const aws = bound?.aws ?? services.aws;
	const profile = bound ? {profile: bound.profile} : {};
	// docker login follows the token: its process machinery loads while the token request is on the wire.
	if (!context.options.dryRun) services.runner.warm?.();
	let token: AuthToken;
	if (registry.kind === 'public') {
		token = await aws.getPublicAuthorizationToken();
	} else {
		// The token must come from the registry's own region (a token from another region gets 400 Bad Request).
		token = await aws.getAuthorizationToken(registry.region, registry.account);
	}

	if (context.options.dryRun) {
		io.out(
			`Dry run: would log docker in to ${registry.host} (token valid ${relativeTime(token.expiresAt, services.now())}).`,
		);
		return {
			registry: registry.host,
			expiresAt: token.expiresAt.toISOString(),
			loggedIn: false,
			reason: 'dry run',
			...profile,
		};
	}

	const outcome = await services.docker.login(registry.host, token.username, token.password);
	io.out(
		`Logged in to ${registry.host}. The token expires ${relativeTime(token.expiresAt, services.now())} (${token.expiresAt.toISOString()}).`,
	);
	if (/unencrypted/i.test(outcome.message)) {
		io.err(
			'Note: docker stored the token unencrypted in config.json (no credential store). `ecr-setup configure-helper` avoids stored tokens.',
		);
	}

	return {registry: registry.host, expiresAt: token.expiresAt.toISOString(), loggedIn: true, ...profile};
}
