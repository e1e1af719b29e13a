import {errorMessage} from '../lib/errors.js';
import type {ConfigChange} from '../services/types.js';
import {applyConfigChanges, resolveTargetRegistries} from './shared.js';
import type {CommandDefinition} from './types.js';

const HELPER = 'ecr-login';

export const configureHelperCommand: CommandDefinition = {
	name: 'configure-helper',
	summary: 'Make docker use docker-credential-ecr-login for ECR (credHelpers)',
	usage: 'ecr-setup configure-helper [--region R | --registry HOST ...] [--public] [--dry-run] [--yes]',
	flags: [
		{name: 'registry', type: 'string', multiple: true, value: 'HOST', description: 'Registry host to configure (repeatable)'},
		{name: 'public', type: 'boolean', description: 'Also configure ECR Public (public.ecr.aws)'},
	],
	details:
		'Adds "credHelpers": {"<registry>": "ecr-login"} to docker’s config.json, shows the diff first, keeps a backup\n' +
		'and writes atomically. Other keys (and any credsStore for other registries) are left as they are.\n' +
		'Without --registry, the registry is your account’s in the region in force.',
	async run(context) {
		const {services, io} = context;
		const registries = await resolveTargetRegistries(context);
		const config = await services.dockerConfig.read();
		const helper = await services.helper.find(HELPER);
		if (!helper) {
			io.err(
				'Warning: docker-credential-ecr-login is not on PATH. Until it is, docker will fail with ' +
					'`executable file not found in $PATH` for these registries. Install it with `ecr-setup install-helper`.',
			);
		}

		const changes: ConfigChange[] = registries.map((registry) => ({type: 'set-cred-helper', host: registry.host, helper: HELPER}));
		const hosts = registries.map((registry) => registry.host);
		const plan = services.dockerConfig.plan(config, changes);
		if (!plan.changed) {
			io.out(`Already configured: ${hosts.join(', ')} ${hosts.length === 1 ? 'uses' : 'use'} docker-credential-ecr-login in ${config.path}. Nothing to change.`);
			return {json: {config: config.path, hosts, changed: false, written: false, diff: '', backup: null, helper: helper?.path ?? null}};
		}

		if (config.data.credsStore) {
			io.out(`Note: "credsStore": "${config.data.credsStore}" stays in place for other registries; credHelpers wins for these hosts.`);
		}

		const staleAuths = Object.keys(config.data.auths ?? {}).filter((key) => hosts.some((host) => key === host || key.includes(`//${host}`)));
		if (staleAuths.length > 0) {
			io.out(`Note: stored tokens for ${staleAuths.join(', ')} in "auths" will no longer be used.`);
		}

		const {applied} = await applyConfigChanges(context, config, plan);
		let verified: boolean | null = null;
		if (applied && helper) {
			for (const host of hosts) {
				try {
					const result = await services.helper.get(host, HELPER);
					verified = (verified ?? true) && result.ok;
					if (result.ok) io.out(`Verified: docker-credential-ecr-login returned credentials for ${host}.`);
					else
						io.err(
							`Warning: docker-credential-ecr-login could not get credentials for ${host}: ${result.message}` +
								(result.logExcerpt ? `\n  From its log: ${result.logExcerpt}` : '') +
								'\n  Run `ecr-setup doctor --registry ' + host + '` to find out why.',
						);
				} catch (error) {
					verified = false;
					io.err(`Warning: could not run docker-credential-ecr-login: ${errorMessage(error)}`);
				}
			}
		}

		return {
			json: {
				config: config.path,
				hosts,
				changed: true,
				written: applied !== undefined,
				diff: plan.diff,
				backup: applied?.backupPath ?? null,
				helper: helper?.path ?? null,
				verified,
			},
		};
	},
};
