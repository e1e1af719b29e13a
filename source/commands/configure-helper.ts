import os from 'node:os';
import {booleanFlag, stringFlag, stringListFlag} from './args.js';
import {bindAllProfiles} from './bind-all-profiles.js';
import {bindProfile, unbindRegistries} from './bind-profile.js';
import {verifyHelper} from './verify-helper.js';
import {profileOfHelperName} from '../credential-helper/wrapper.js';
import {UsageError} from '../errors/user-errors.js';
import {hostnameOfAuthKey} from '../docker-config/stores.js';
import {detectEngine, type EngineName} from '../engines/engines.js';
import {colorDiff} from '../lib/format.js';
import {analyseSudo} from '../docker-config/sudo.js';
import {findEngines} from '../engines/service.js';
import type {ConfigChange} from '../docker-config/types.js';
import {applyConfigChanges} from './shared.js';
import {FROM_FILE_DETAILS, FROM_FILE_FLAG, helperTargets, nothingToConfigure} from './configure-from-file.js';
import {accountsOfBuildRegistries, configureBuildRegistries} from './configure-from-file-accounts.js';
import type {CommandContext, CommandDefinition} from './types.js';

const HELPER = 'ecr-login';

export const configureHelperCommand: CommandDefinition = {
	name: 'configure-helper',
	summary: 'Make docker use docker-credential-ecr-login for ECR (credHelpers)',
	usage:
		'ecr-setup configure-helper [--region R | --registry HOST ... | --from-file FILE ...] [--public] [--profile P | --unbind | --all-profiles [--region R ...]] [--engine docker|podman|finch] [--dry-run] [--yes]',
	flags: [
		{
			name: 'registry',
			type: 'string',
			multiple: true,
			value: 'HOST',
			description: 'Registry host to configure (repeatable)',
		},
		{name: 'public', type: 'boolean', description: 'Also configure ECR Public (public.ecr.aws)'},
		{
			name: 'region',
			type: 'string',
			multiple: true,
			value: 'R',
			description: 'AWS region (repeatable with --all-profiles: bind the registries of each of these regions)',
		},
		{
			name: 'unbind',
			type: 'boolean',
			description: 'Stop using a bound profile for --registry HOST (back to ecr-login)',
		},
		{
			name: 'all-profiles',
			type: 'boolean',
			description: 'Bind every account your AWS profiles reach to a profile that reaches it',
		},
		FROM_FILE_FLAG,
	],
	details:
		'Adds "credHelpers": {"<registry>": "ecr-login"} to docker’s config.json, shows the diff first, keeps a backup\n' +
		'and writes atomically. Other keys (and any credsStore for other registries) are left as they are.\n' +
		'Without --registry or --from-file, the registry is your account’s in the region in force.\n' +
		'--engine podman writes credHelpers to podman’s auth file ($REGISTRY_AUTH_FILE, else ~/.config/containers/auth.json);\n' +
		'--engine finch adds creds_helpers: [ecr-login] to ~/.finch/finch.yaml and credHelpers to ~/.finch/config.json.\n' +
		'\n' +
		'--profile P binds the registries to profile P: docker then fetches their credentials with P, whatever AWS\n' +
		'variables the shell holds. ecr-setup writes docker-credential-ecr-login-P (a small script that clears the keys and\n' +
		'profile of the environment, sets AWS_PROFILE=P and runs docker-credential-ecr-login) into a directory on PATH and\n' +
		'names it in credHelpers as "ecr-login-P". --unbind puts "ecr-login" back and removes wrappers no host names.\n' +
		'--all-profiles asks STS which account each profile reaches and binds that account’s registry (in each profile’s\n' +
		'region, or in every --region given) to the first profile that reaches it.\n' +
		FROM_FILE_DETAILS,
	async run(context) {
		const {services, io} = context;
		const regions = stringListFlag(context.flags, 'region');
		if (booleanFlag(context.flags, 'all-profiles')) {
			if (booleanFlag(context.flags, 'unbind')) throw new UsageError('--all-profiles and --unbind cannot be combined.');
			await requireDockerEngine(context, '--all-profiles');
			noteSudo(context);
			return bindAllProfiles(context, regions);
		}

		if (regions.length > 1)
			throw new UsageError('--region may be given once here.', {
				hint: 'Several regions are for --all-profiles; otherwise name each registry with --registry HOST.',
			});
		const {registries, buildFiles} = await helperTargets(context);
		if (registries.length === 0) return nothingToConfigure(context, buildFiles);
		if (booleanFlag(context.flags, 'unbind')) {
			await requireDockerEngine(context, '--unbind');
			noteSudo(context);
			return unbindRegistries(context, registries);
		}

		const engine = await chooseEngine(context);
		const profile = context.options.profile;
		if (engine === 'docker' && profile !== undefined) {
			noteSudo(context);
			return bindProfile(context, registries, profile);
		}

		if (engine === 'docker' && buildFiles) {
			const accounts = await accountsOfBuildRegistries(context, registries);
			if (accounts) {
				noteSudo(context);
				return configureBuildRegistries(context, accounts, buildFiles);
			}
		}

		if (profile !== undefined)
			io.err(`Note: --profile is bound for docker only; ${engine} runs the helper with the shell’s AWS environment.`);
		if (engine !== 'docker') {
			const result = await configureEngineFiles(
				context,
				engine,
				registries.map((registry) => registry.host),
			);
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

		// A host bound to a profile already goes to the helper; making it plain would drop the binding without a word.
		const current = config.data.credHelpers ?? {};
		for (const registry of registries) {
			const bound = profileOfHelperName(current[registry.host]);
			if (bound)
				io.out(
					`${registry.host} is bound to profile ${bound} (docker-credential-${current[registry.host]}): left as it is. \`ecr-setup configure-helper --registry ${registry.host} --unbind\` stops that.`,
				);
		}

		const changes: ConfigChange[] = registries
			.filter((registry) => !profileOfHelperName(current[registry.host]))
			.map((registry) => ({type: 'set-cred-helper', host: registry.host, helper: HELPER}));
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
		const verified = applied && helper ? await verifyHelper(context, hosts, HELPER) : null;

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

/** Bindings live in docker's config.json: refuse --engine podman or finch for them. */
export async function requireDockerEngine(context: CommandContext, flag: string): Promise<void> {
	const engine = await chooseEngine(context);
	if (engine !== 'docker')
		throw new UsageError(`${flag} works on docker's config.json; --engine ${engine} is not docker.`, {
			hint: 'Run it without --engine, or with --engine docker.',
		});
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
