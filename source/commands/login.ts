import {booleanFlag} from './args.js';
import {dockerLogin, type LoginOutcome, servedByHelper} from './registry-login.js';
import {resolveTargetRegistries} from './shared.js';
import type {CommandContext, CommandDefinition} from './types.js';
import {profileOfHelperName} from '../credential-helper/wrapper.js';

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
		const results: LoginOutcome[] = [];
		for (const registry of registries) {
			const served = servedByHelper(context, config, registry.host);
			const bound = served ? await readBinding(context, served.helper) : undefined;
			if (served && !booleanFlag(context.flags, 'force')) {
				const ignoring = services.env['AWS_ECR_IGNORE_CREDS_STORAGE'] === 'true';
				const withProfile = bound && 'profile' in bound ? ` with profile ${bound.profile}` : '';
				io.out(
					`${registry.host} is served by docker-credential-${served.helper} (${served.source})${withProfile}: docker fetches tokens by itself, no login needed.` +
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
			if (bound && 'note' in bound) io.err(`Note: ${bound.note}`);
			if (bound && 'profile' in bound && context.options.profile === undefined) {
				io.out(`Using profile ${bound.profile}, which ${bound.wrapper} binds to ${registry.host}.`);
				const aws = services.aws.withProfile?.(bound.profile) ?? services.aws;
				results.push(await dockerLogin(context, registry, {aws, profile: bound.profile}));
			} else {
				results.push(await dockerLogin(context, registry));
			}
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
