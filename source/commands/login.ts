import {booleanFlag} from './args.js';
import {dockerLogin, type LoginOutcome, servedByHelper} from './registry-login.js';
import {resolveTargetRegistries} from './shared.js';
import type {CommandDefinition} from './types.js';

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
		'Prefer `ecr-setup configure-helper`: the credential helper fetches fresh tokens by itself, so pushes never expire.',
	async run(context) {
		const {services, io} = context;
		const registries = await resolveTargetRegistries(context);
		const config = await services.dockerConfig.read();
		const results: LoginOutcome[] = [];
		for (const registry of registries) {
			const helper = servedByHelper(context, config, registry.host);
			if (helper && !booleanFlag(context.flags, 'force')) {
				const ignoring = services.env['AWS_ECR_IGNORE_CREDS_STORAGE'] === 'true';
				io.out(
					`${registry.host} is served by docker-credential-ecr-login (${helper}): docker fetches tokens by itself, no login needed.` +
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

			results.push(await dockerLogin(context, registry));
		}

		return {json: {registries: results}};
	},
};
