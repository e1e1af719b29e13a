import {booleanFlag} from './args.js';
import {relativeTime} from '../lib/format.js';
import type {AuthToken} from '../aws/types.js';
import {resolveTargetRegistries} from './shared.js';
import type {CommandContext, CommandDefinition} from './types.js';
import {isEcrLoginHelper, profileOfHelperName} from '../credential-helper/wrapper.js';

export const loginCommand: CommandDefinition = {
	name: 'login',
	summary: 'docker login to an ECR registry with a 12-hour token',
	usage: 'ecr-setup login [--region R | --registry HOST] [--public]',
	flags: [
		{
			name: 'registry',
			type: 'string',
			multiple: true,
			value: 'HOST',
			description: 'Registry host, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com',
		},
		{name: 'public', type: 'boolean', description: 'Log in to ECR Public (public.ecr.aws; token from us-east-1)'},
		{name: 'force', type: 'boolean', description: 'Log in even when the credential helper already serves the registry'},
	],
	details:
		'The token is passed to `docker login --password-stdin`: it never appears in the process list, the screen or a log.\n' +
		'Prefer `ecr-setup configure-helper`: the credential helper fetches fresh tokens by itself, so pushes never expire.\n' +
		'Without --profile, a registry bound to a profile (configure-helper --profile P) gets its token with that profile.',
	async run(context) {
		const {services, io} = context;
		const registries = await resolveTargetRegistries(context);
		const config = await services.dockerConfig.read();
		const results: Array<{
			registry: string;
			expiresAt: string | null;
			loggedIn: boolean;
			reason?: string;
			profile?: string;
		}> = [];
		for (const registry of registries) {
			const store = services.dockerConfig.resolveStore(config, registry.host);
			const bound = store.kind === 'helper' ? await readBinding(context, store.helper) : undefined;
			if (store.kind === 'helper' && isEcrLoginHelper(store.helper) && !booleanFlag(context.flags, 'force')) {
				const ignoring = services.env['AWS_ECR_IGNORE_CREDS_STORAGE'] === 'true';
				const withProfile = bound && 'profile' in bound ? ` with profile ${bound.profile}` : '';
				io.out(
					`${registry.host} is served by docker-credential-${store.helper} (${store.source})${withProfile}: docker fetches tokens by itself, no login needed.` +
						(ignoring ? '' : ' A `docker login` there would fail with "not implemented".'),
				);
				results.push({
					registry: registry.host,
					expiresAt: null,
					loggedIn: false,
					reason: 'credential helper serves this registry',
				});
				continue;
			}

			// --profile says which credentials; without it the host's bound profile does, over AWS_PROFILE, as for docker.
			let aws = services.aws;
			let profile: string | undefined;
			if (bound && 'note' in bound) io.err(`Note: ${bound.note}`);
			if (bound && 'profile' in bound && context.options.profile === undefined) {
				profile = bound.profile;
				aws = services.aws.withProfile?.(profile) ?? services.aws;
				io.out(`Using profile ${profile}, which ${bound.wrapper} binds to ${registry.host}.`);
			}

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
				results.push({
					registry: registry.host,
					expiresAt: token.expiresAt.toISOString(),
					loggedIn: false,
					reason: 'dry run',
					...(profile ? {profile} : {}),
				});
				continue;
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

			results.push({
				registry: registry.host,
				expiresAt: token.expiresAt.toISOString(),
				loggedIn: true,
				...(profile ? {profile} : {}),
			});
		}

		return {json: {registries: results}};
	},
};

/** The profile a helper name binds, confirmed by ecr-setup's wrapper on PATH; a note when the wrapper cannot be trusted. */
async function readBinding(
	context: CommandContext,
	helper: string,
): Promise<{profile: string; wrapper: string} | {note: string} | undefined> {
	const profile = profileOfHelperName(helper);
	if (!profile) return undefined;
	const found = await context.services.wrappers.find(profile);
	const name = `docker-credential-${helper}`;
	if (!found) return {note: `config.json names ${helper}, but ${name} is not on PATH: docker cannot use it.`};
	if (found.own?.profile !== profile)
		return {note: `${found.path} was not written by ecr-setup for profile ${profile}: its profile is not used here.`};
	return {profile, wrapper: found.path};
}
