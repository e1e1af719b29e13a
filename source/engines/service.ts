/**
 * The registry-credential files of podman and Finch, read, planned and written with the same safety as docker's
 * config.json: a unified diff first, a timestamped backup, an atomic write that keeps mode and owner and refuses when the
 * file changed since it was read. The JSON edit is docker-config's `planEdit` (podman's auth.json and Finch's config.json
 * are docker's format); the read and the write are docker-config's, pointed at these files. Finch's `finch.yaml` is edited
 * through the `yaml` Document API so its comments and other keys stay.
 */
import os from 'node:os';
import {resolve} from 'node:path';
import {editDiff} from '../lib/diff.js';
import {parseDockerConfig} from '../docker-config/parse.js';
import {planEdit} from '../docker-config/edit.js';
import {ConfigError, fileSystemError} from '../docker-config/errors.js';
import {atomicFiles} from '../files/atomic-file.js';
import {
	ENGINE_NAMES,
	detectEngine,
	finchFiles,
	podmanAuthFiles,
	podmanHelperFile,
	type EngineName,
	type PodmanAuthFiles,
} from './engines.js';
import {readConfigFile} from '../docker-config/read.js';
import {applyPlan, type ConfigWriter} from '../docker-config/write.js';
import {createDockerService} from '../docker/service.js';
import type {ApplyResult, ConfigChange, EditPlan, LoadedConfig} from '../docker-config/types.js';
import type {DockerService} from '../docker/types.js';
import type {ProcessRunner} from '../process/types.js';

type Env = Record<string, string | undefined>;

export type EngineConfigTarget = {
	engine: Exclude<EngineName, 'docker'>;
	role: 'podman-auth' | 'finch-yaml' | 'finch-config';
	path: string;
	format: 'json' | 'yaml';
	/** Why this file, in a few words (shown next to the diff). */
	why: string;
};

export type EngineConfigServiceOptions = {
	os?: string;
	env?: Env;
	home?: string;
	uid?: number | undefined;
	now?: () => Date;
};

export interface EngineConfigService {
	/** The files to change so the engine uses the helper for ECR, in the order they should be written. */
	targets(engine: Exclude<EngineName, 'docker'>): EngineConfigTarget[];
	/** Read and validate (JSON as docker would, YAML strictly); a missing file is empty. */
	read(target: EngineConfigTarget): Promise<LoadedConfig>;
	/** The edit that makes `helper` serve `hosts` (credHelpers in JSON files, creds_helpers in finch.yaml). */
	planHelper(target: EngineConfigTarget, config: LoadedConfig, hosts: string[], helper?: string): Promise<EditPlan>;
	/** Backup, atomic write; throws ConfigChangedError when the file changed since it was read. */
	apply(config: LoadedConfig, plan: EditPlan): Promise<ApplyResult>;
	/** Every file podman reads credentials from on this machine (the primary one first). */
	podmanFiles(): PodmanAuthFiles;
}

/** creds_helpers in finch.yaml lists helper names; Finch installs each into its VM on `finch vm start`. */
export async function planFinchYaml(
	config: Pick<LoadedConfig, 'path' | 'text'>,
	helper = 'ecr-login',
): Promise<EditPlan> {
	// Imported on first use: loading yaml costs about 0.3 s unbundled, and only finch.yaml needs it.
	const {isMap, isScalar, isSeq, parseDocument} = await import('yaml');
	const baseText = config.text;
	const document = parseDocument(baseText);
	const problem = document.errors[0];
	if (problem) {
		const position = problem.linePos?.[0];
		throw new ConfigError({
			file: config.path,
			...(position ? {line: position.line, column: position.col} : {}),
			reason: 'syntax',
			detail: problem.message.split('\n')[0]!.replace(/\.$/, ''),
			hint: `Fix ${config.path} (Finch reads it as YAML), then run ecr-setup again. ecr-setup wrote nothing.`,
		});
	}

	if (document.contents !== null && !isMap(document.contents)) {
		throw new ConfigError({
			file: config.path,
			reason: 'type',
			detail: 'the top level must be a mapping (key: value lines)',
		});
	}

	const unchanged: EditPlan = {changed: false, newText: baseText, diff: '', changes: [], baseText};
	const current = document.get('creds_helpers', true);
	if (current === undefined || (isScalar(current) && (current.value === null || current.value === ''))) {
		document.set('creds_helpers', document.createNode([helper]));
	} else if (isSeq(current)) {
		const names = current.items.map((item) => (isScalar(item) ? item.value : item));
		if (names.includes(helper)) return unchanged;
		current.add(document.createNode(helper));
	} else {
		throw new ConfigError({
			file: config.path,
			reason: 'type',
			detail: 'creds_helpers must be a list of helper names',
			hint: `Make it a list (creds_helpers:\\n  - ${helper}) in ${config.path}, then run ecr-setup again. ecr-setup wrote nothing.`,
		});
	}

	const newText = document.toString();
	const diff = editDiff(config.path, baseText, newText);
	return {changed: true, newText, diff, changes: [], baseText};
}

/** The home directory as the environment names it (so tests and `sudo -H` runs agree), else the OS's answer. */
function homeFrom(env: Env, osName: string): string {
	return (osName === 'win32' ? env['USERPROFILE'] : env['HOME']) || os.homedir();
}

export function createEngineConfigService(options: EngineConfigServiceOptions = {}): EngineConfigService {
	const osName = options.os ?? process.platform;
	const env = options.env ?? process.env;
	const home = options.home ?? homeFrom(env, osName);
	const uid = 'uid' in options ? options.uid : process.getuid?.();
	const files = atomicFiles({explain: fileSystemError});
	const writer: ConfigWriter = {files, now: options.now ?? (() => new Date())};

	return {
		targets(engine) {
			if (engine === 'podman') {
				const file = podmanHelperFile({os: osName, env, home, uid});
				return [{engine, role: 'podman-auth', path: file.path, format: 'json', why: file.why}];
			}

			const finch = finchFiles({os: osName, env, home});
			return [
				{
					engine,
					role: 'finch-yaml',
					path: finch.yaml,
					format: 'yaml',
					why: 'Finch installs the helpers listed in creds_helpers into its VM',
				},
				{
					engine,
					role: 'finch-config',
					path: finch.config,
					format: 'json',
					why: 'nerdctl in the Finch VM reads it as its docker config',
				},
			];
		},

		async read(target) {
			const json = target.format === 'json';
			const config = await readConfigFile(files, resolve(target.path), json ? parseDockerConfig : () => ({}));
			if (!json && config.exists) await planFinchYaml(config); // validates; the plan itself is made later
			return config;
		},

		async planHelper(target, config, hosts, helper = 'ecr-login') {
			if (target.format === 'yaml') return planFinchYaml(config, helper);
			const changes: ConfigChange[] = hosts.map((host) => ({type: 'set-cred-helper', host, helper}));
			return planEdit(config, changes);
		},

		apply(config, plan) {
			return applyPlan(writer, config, plan);
		},

		podmanFiles() {
			return podmanAuthFiles({os: osName, env, home, uid});
		},
	};
}

// ───────────────────────────── which CLI runs images ─────────────────────────────

/** Which engine's CLI is on PATH, in detection order (docker first; the others are only looked up when it is missing). */
export async function findEngines(
	runner: ProcessRunner,
	env: Env,
): Promise<Partial<Record<EngineName, string | null>>> {
	const found: Partial<Record<EngineName, string | null>> = {};
	for (const name of ENGINE_NAMES) {
		found[name] = await runner.which(name, {env});
		if (found[name]) break;
	}

	return found;
}

/**
 * A DockerService over the engine's CLI: `engine` when given, else the first of docker, podman, finch on PATH (looked
 * up on first use, so building the services spawns nothing). podman and nerdctl (finch) take docker's subcommands and
 * `login --password-stdin`; `--config DIR` is docker's alone.
 */
export function createEngineDockerService(options: {
	runner: ProcessRunner;
	env: Env;
	configDir?: string | undefined;
	engine?: EngineName | undefined;
}): DockerService {
	let chosen: Promise<DockerService> | undefined;
	const pick = async () => {
		chosen ??= (async () => {
			const engine =
				options.engine ??
				detectEngine({found: await findEngines(options.runner, options.env), env: options.env}).engine;
			return createDockerService({
				runner: options.runner,
				env: options.env,
				binary: engine,
				...(engine === 'docker' && options.configDir !== undefined ? {configDir: options.configDir} : {}),
			});
		})();
		return chosen;
	};

	return {
		cliVersion: async () => (await pick()).cliVersion(),
		daemonStatus: async () => (await pick()).daemonStatus(),
		listImages: async () => (await pick()).listImages(),
		inspectImage: async (ref) => (await pick()).inspectImage(ref),
		tag: async (source, target) => (await pick()).tag(source, target),
		push: async (ref, pushOptions) => (await pick()).push(ref, pushOptions),
		pushPlatformSupport: async () => (await (await pick()).pushPlatformSupport?.()) ?? false,
		login: async (registry, username, password) => (await pick()).login(registry, username, password),
		logout: async (registry) => (await pick()).logout(registry),
		withEnv: (env) => createEngineDockerService({...options, env: {...options.env, ...env}}),
	};
}
