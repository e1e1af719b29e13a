/**
 * The real DockerConfigService: reads docker's config.json and changes it the way docker's own `configfile.Save` does
 * (files/atomic-file.ts), plus what docker does not do: refuse when the file changed since it was read, and a
 * timestamped backup before every write (write.ts, restore.ts).
 */
import {accessSync, constants as fsConstants, statSync} from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import {delimiter, join, resolve} from 'node:path';
import {atomicFiles, type FileSystem} from '../files/atomic-file.js';
import {planEdit} from './edit.js';
import {readConfigFile} from './read.js';
import {fileSystemError} from './errors.js';
import {CONFIG_FILE_NAME} from './location.js';
import {listBackups, readBackupBytes, restoreBackup} from './restore.js';
import {platformDefaultStore, resolveStore} from './stores.js';
import type {
	ApplyOptions,
	ApplyResult,
	ConfigChange,
	DockerConfigService,
	EditPlan,
	LoadedConfig,
	StoreResolution,
} from './types.js';
import {applyPlan, type ConfigWriter} from './write.js';

export type DockerConfigServiceOptions = {
	/** The config directory (see locateConfigDir); relative paths are taken from the current directory. */
	dir: string;
	now?: () => Date;
	/** For DOCKER_AUTH_CONFIG and the PATH searched for the platform default store (default process.env). */
	env?: Record<string, string | undefined>;
	/**
	 * The helper docker falls back to when the file configures no store at all (see platformDefaultStore). By default it is
	 * detected as docker does: the platform's store, if `docker-credential-<name>` is on env.PATH (Linux: `pass` when the
	 * `pass` program is there, else `secretservice`). A name forces one; null turns the fallback off.
	 */
	platformDefault?: string | null;
	platform?: string;
	fs?: FileSystem;
};

/** Synchronous PATH lookup (resolveStore is synchronous); honours PATHEXT on Windows. */
export function onPathSync(
	command: string,
	env: Record<string, string | undefined>,
	platform: string = process.platform,
): boolean {
	const extensions = platform === 'win32' ? (env['PATHEXT'] ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : [''];
	const separator = platform === 'win32' ? ';' : delimiter;
	for (const directory of (env['PATH'] ?? env['Path'] ?? '').split(separator)) {
		if (!directory) continue;
		for (const extension of extensions) {
			const candidate = join(directory, command + extension);
			try {
				if (!statSync(candidate).isFile()) continue;
				if (platform !== 'win32') accessSync(candidate, fsConstants.X_OK);
				return true;
			} catch {}
		}
	}

	return false;
}

/** docker's DetectDefaultStore: the platform store when its helper binary is on PATH, else none. */
export function detectPlatformDefault(
	env: Record<string, string | undefined>,
	platform: string = process.platform,
): string | undefined {
	const name = platformDefaultStore(platform, onPathSync('pass', env, platform));
	return name && onPathSync(`docker-credential-${name}`, env, platform) ? name : undefined;
}

export function createDockerConfigService(options: DockerConfigServiceOptions): DockerConfigService {
	const dir = resolve(options.dir);
	const configPath = join(dir, CONFIG_FILE_NAME);
	const now = options.now ?? (() => new Date());
	const env = options.env ?? process.env;
	const files = atomicFiles({fs: options.fs ?? nodeFs, explain: fileSystemError});
	const writer: ConfigWriter = {files, now};
	const place = {dir, configPath};
	const platform = options.platform ?? process.platform;
	let platformDefault: string | undefined | null = options.platformDefault;

	return {
		dir,

		read(): Promise<LoadedConfig> {
			return readConfigFile(files, configPath);
		},

		resolveStore(config: LoadedConfig, host: string): StoreResolution {
			if (platformDefault === undefined) platformDefault = detectPlatformDefault(env, platform) ?? null;
			return resolveStore(config.data, host, env, {platformDefault: platformDefault ?? undefined});
		},

		plan(config: LoadedConfig, changes: ConfigChange[]): EditPlan {
			return planEdit(config, changes);
		},

		apply(config: LoadedConfig, plan: EditPlan, options?: ApplyOptions): Promise<ApplyResult> {
			return applyPlan(writer, config, plan, options);
		},

		listBackups: () => listBackups(writer, place),

		async readBackup(backupPath: string): Promise<string> {
			return (await readBackupBytes(writer, resolve(backupPath))).toString('utf8');
		},

		restore(backupPath?: string, options: {shown?: string} = {}): Promise<ApplyResult & {restoredFrom: string}> {
			return restoreBackup(writer, place, backupPath === undefined ? undefined : resolve(backupPath), options);
		},
	};
}
