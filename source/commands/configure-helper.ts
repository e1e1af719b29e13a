import os from 'node:os';
import {stringFlag} from './args.js';
import {hostnameOfAuthKey} from '../docker-config/stores.js';
import {detectEngine, type EngineName} from '../engines/engines.js';
import {errorMessage} from '../errors/user-errors.js';
import {colorDiff} from '../lib/format.js';
import {analyseSudo} from '../docker-config/sudo.js';
import {helperLogReason} from '../credential-helper/store-errors.js';
import {findEngines} from '../engines/service.js';
import type {ConfigChange} from '../docker-config/types.js';
import {applyConfigChanges} from './shared.js';
import {FROM_FILE_DETAILS, FROM_FILE_FLAG, helperTargets, nothingToConfigure} from './configure-from-file.js';
import type {CommandContext, CommandDefinition} from './types.js';

const HELPER = 'ecr-login';

export const configureHelperCommand: CommandDefinition = {
	name: 'configure-helper',
	summary: 'Make docker use docker-credential-ecr-login for ECR (credHelpers)',
	usage:
		'ecr-setup configure-helper [--region R | --registry HOST ... | --from-file FILE ...] [--public] [--engine docker|podman|finch] [--dry-run] [--yes]',
	flags: [
		{
			name: 'registry',
			type: 'string',
			multiple: true,
			value: 'HOST',
			description: 'Registry host to configure (repeatable)',
		},
		{name: 'public', type: 'boolean', description: 'Also configure ECR Public (public.ecr.aws)'},
		FROM_FILE_FLAG,
	],
	details:
		'Adds "credHelpers": {"<registry>": "ecr-login"} to docker’s config.json, shows the diff first, keeps a backup\n' +
		'and writes atomically. Other keys (and any credsStore for other registries) are left as they are.\n' +
		'Without --registry or --from-file, the registry is your account’s in the region in force.\n' +
		'--engine podman writes credHelpers to podman’s auth file ($REGISTRY_AUTH_FILE, else ~/.config/containers/auth.json);\n' +
		'--engine finch adds creds_helpers: [ecr-login] to ~/.finch/finch.yaml and credHelpers to ~/.finch/config.json.\n' +
		FROM_FILE_DETAILS,
	async run(context) {
		const {services, io} = context;
		const {registries, buildFiles} = await helperTargets(context);
		if (registries.length === 0) return nothingToConfigure(context, buildFiles);
		const engine = await chooseEngine(context);
		if (engine !== 'docker') {
			const hosts = registries.map((registry) => registry.host);
			const result = await configureEngineFiles(context, engine, hosts);
			return buildFiles ? {json: {...result.json, buildFiles}} : result;
		}

		noteSudo(context);
		const config = await services.dockerConfig.read();
		const helper = await services.helper.find(HELPER);
		if (!helper) {
			io.err(
				'Warning: docker-credential-ecr-login is not on PATH. Until it is, docker will fail with ' +
					'`executable file not found in $PATH` for these registries. Install it with `ecr-setup install-helper`.',
			);
		}

		const changes: ConfigChange[] = registries.map((registry) => ({
			type: 'set-cred-helper',
			host: registry.host,
			helper: HELPER,
		}));
		const hosts = registries.map((registry) => registry.host);
		const plan = services.dockerConfig.plan(config, changes);
		if (!plan.changed) {
			io.out(
				`Already configured: ${hosts.join(', ')} ${hosts.length === 1 ? 'uses' : 'use'} docker-credential-ecr-login in ${config.path}. Nothing to change.`,
			);
			return {
				json: {
					config: config.path,
					hosts,
					changed: false,
					written: false,
					diff: '',
					backup: null,
					helper: helper?.path ?? null,
					...(buildFiles ? {buildFiles} : {}),
				},
			};
		}

		if (config.data.credsStore) {
			io.out(
				`Note: "credsStore": "${config.data.credsStore}" stays in place for other registries; credHelpers wins for these hosts.`,
			);
		}

		const staleAuths = Object.keys(config.data.auths ?? {}).filter((key) => hosts.includes(hostnameOfAuthKey(key)));
		if (staleAuths.length > 0) {
			io.out(`Note: stored tokens for ${staleAuths.join(', ')} in "auths" will no longer be used.`);
		}

		const {applied} = await applyConfigChanges(context, config, plan);
		let verified: boolean | null = null;
		if (applied && helper) {
			for (const host of hosts) {
				try {
					const result = await services.helper.get(host, HELPER, {signal: context.signal});
					verified = (verified ?? true) && result.ok;
					if (result.ok) io.out(`Verified: docker-credential-ecr-login returned credentials for ${host}.`);
					else
						io.err(
							`Warning: docker-credential-ecr-login could not get credentials for ${host}: ${result.message}` +
								(helperLogReason(result.logExcerpt) ? `\n  Its log says: ${helperLogReason(result.logExcerpt)}` : '') +
								'\n  Run `ecr-setup doctor --registry ' +
								host +
								'` to find out why.',
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
				...(buildFiles ? {buildFiles} : {}),
			},
		};
	},
};

/** --engine, else the first engine on PATH; notes (DOCKER_HOST on podman's socket, both installed) go to stderr. */
async function chooseEngine(context: CommandContext): Promise<EngineName> {
	const {services, io} = context;
	const flag = context.options.engine ?? stringFlag(context.flags, 'engine');
	const found = flag
		? {[flag.trim().toLowerCase()]: await services.runner.which(flag.trim().toLowerCase(), {env: services.env})}
		: await findEngines(services.runner, services.env);
	const detection = detectEngine({flag, found, env: services.env});
	for (const note of detection.notes) io.err(`Note: ${note}`);
	return detection.engine;
}

/** Under sudo, say which config.json this run edits and which one docker will read. */
function noteSudo(context: CommandContext): void {
	const {services, io} = context;
	if (!services.env['SUDO_USER']) return;
	let userName = '';
	try {
		userName = os.userInfo().username;
	} catch {}

	// The directory this run really edits (--config, DOCKER_CONFIG or HOME, as the service resolved it).
	const analysis = analyseSudo({
		os: process.platform,
		env: services.env,
		uid: process.getuid?.(),
		home: os.homedir(),
		userName,
		configFlag: services.dockerConfig.dir,
	});
	if (!analysis.message) return;
	io.err(`Note: ${analysis.message}`);
	for (const note of analysis.notes) io.err(`Note: ${note}`);
}

/** podman's auth file, or Finch's finch.yaml and config.json: the same diff, consent, backup and atomic write as for docker. */
async function configureEngineFiles(context: CommandContext, engine: Exclude<EngineName, 'docker'>, hosts: string[]) {
	const {services, io, options} = context;
	const {engineConfig} = services;
	const helper = engine === 'podman' ? await services.helper.find(HELPER) : null;
	if (engine === 'podman' && !helper) {
		io.err(
			'Warning: docker-credential-ecr-login is not on PATH; podman runs it like docker does. Install it with `ecr-setup install-helper`.',
		);
	}

	const files: Array<{path: string; changed: boolean; written: boolean; diff: string; backup: string | null}> = [];
	for (const target of engineConfig.targets(engine)) {
		const config = await engineConfig.read(target);
		const plan = await engineConfig.planHelper(target, config, hosts, HELPER);
		if (!plan.changed) {
			io.out(`Already configured: ${target.path}. Nothing to change.`);
			files.push({path: target.path, changed: false, written: false, diff: '', backup: null});
			continue;
		}

		io.out(`${target.path} (${target.why}):`);
		io.out(colorDiff(plan.diff.trimEnd(), io.color));
		let applied: {backupPath: string | undefined} | undefined;
		if (options.dryRun) io.out('Dry run: nothing was written.');
		else if (await io.confirm(`Write these changes to ${target.path}?`, {defaultYes: true, flag: '--yes'})) {
			applied = await engineConfig.apply(config, plan);
			io.out(`Wrote ${target.path}${applied.backupPath ? ` (backup: ${applied.backupPath})` : ''}.`);
		} else io.out('Nothing was written.');
		files.push({
			path: target.path,
			changed: true,
			written: applied !== undefined,
			diff: plan.diff,
			backup: applied?.backupPath ?? null,
		});
	}

	if (engine === 'podman') {
		const {primary} = engineConfig.podmanFiles();
		if (!files.some((file) => file.path === primary)) {
			const stale = await engineConfig
				.read({engine, role: 'podman-auth', path: primary, format: 'json', why: ''})
				.then((loaded) => Object.keys(loaded.data.auths ?? {}).filter((key) => hosts.includes(hostnameOfAuthKey(key))))
				.catch(() => []);
			if (stale.length > 0)
				io.out(
					`Note: ${primary} holds a podman login for ${stale.join(', ')}; podman uses it first until \`podman logout ${stale[0]}\`.`,
				);
		}
	}

	if (engine === 'finch' && files.some((file) => file.written))
		io.out('Restart the Finch VM so it installs the helper: finch vm stop && finch vm start');
	return {
		json: {
			engine,
			hosts,
			files,
			changed: files.some((file) => file.changed),
			written: files.some((file) => file.written),
			helper: helper?.path ?? null,
		},
	};
}
