/**
 * The real DockerConfigService: reads docker's config.json and changes it the way docker's own `configfile.Save` does
 * (mkdir 0700, temp file in the same directory, fsync, rename over the symlink target, mode and owner kept), plus what
 * docker does not do: refuse when the file changed since it was read, and a timestamped backup before every write.
 */
import {accessSync, constants as fsConstants, statSync} from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import {basename, delimiter, dirname, join, resolve} from 'node:path';
import {BACKUP_INFIX, backupFileName, backupTimeOf} from './backups.js';
import {planEdit} from './edit.js';
import {ConfigChangedError, fileSystemError} from './errors.js';
import {CONFIG_FILE_NAME} from './location.js';
import {decodeConfigBytes, parseDockerConfig} from './parse.js';
import {platformDefaultStore, resolveStore} from './stores.js';
import {UserError} from '../errors/user-errors.js';
import {atomicFiles, type CurrentFile, type FileSystem} from '../files/atomic-file.js';
import type {ApplyResult, ConfigChange, DockerConfigService, EditPlan, LoadedConfig, StoreResolution} from './types.js';

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
	const {fs, resolveWritePath, readCurrent} = files;
	const platform = options.platform ?? process.platform;
	let platformDefault: string | undefined | null = options.platformDefault;

	/** Throws ConfigChangedError unless the file still holds exactly `expected` (undefined = must not exist). */
	async function assertUnchanged(config: LoadedConfig, expected: string): Promise<CurrentFile> {
		const realPath = await resolveWritePath(config.path);
		const current = await readCurrent(realPath);
		const same =
			realPath === config.realPath &&
			current.exists === config.exists &&
			(current.exists ? current.bytes.equals(Buffer.from(expected, 'utf8')) : expected === '');
		if (!same) throw new ConfigChangedError(config.path);
		return current;
	}

	async function writeBackup(realPath: string, bytes: Buffer): Promise<string> {
		const name = backupFileName(basename(realPath), now());
		for (let attempt = 0; attempt < 1000; attempt++) {
			const target = join(dirname(realPath), attempt === 0 ? name : `${name}-${attempt}`);
			if (await files.createExclusive(target, bytes)) return target;
		}

		throw new UserError(`Could not find a free backup name next to ${realPath}.`, {
			code: 'docker.config.io',
			hint: 'Remove old ecr-setup backups.',
		});
	}

	async function readBackupBytes(source: string): Promise<Buffer> {
		try {
			return await fs.readFile(source);
		} catch (error) {
			throw new UserError(`Cannot read the backup ${source}.`, {
				code: 'docker.config.backup-unreadable',
				hint: 'Check the path (ecr-setup restore-config --list shows the backups).',
				cause: error,
			});
		}
	}

	async function listBackups(): Promise<Array<{path: string; createdAt: Date}>> {
		const realPath = await resolveWritePath(configPath).catch(() => configPath);
		const places = new Map<string, Set<string>>();
		const add = (directory: string, prefix: string) => {
			const prefixes = places.get(directory) ?? new Set<string>();
			prefixes.add(prefix);
			places.set(directory, prefixes);
		};

		add(dirname(realPath), basename(realPath));
		add(dir, CONFIG_FILE_NAME);
		const found = new Map<string, Date>();
		for (const [directory, prefixes] of places) {
			let names: string[];
			try {
				names = await fs.readdir(directory);
			} catch {
				continue;
			}

			for (const name of names) {
				const infix = name.lastIndexOf(BACKUP_INFIX);
				if (infix === -1 || !prefixes.has(name.slice(0, infix))) continue;
				const createdAt = backupTimeOf(name);
				if (createdAt) found.set(join(directory, name), createdAt);
			}
		}

		return [...found]
			.map(([path, createdAt]) => ({path, createdAt}))
			.sort(
				(a, b) =>
					b.createdAt.getTime() - a.createdAt.getTime() ||
					attemptOf(b.path) - attemptOf(a.path) ||
					(a.path < b.path ? 1 : -1),
			);
	}

	return {
		dir,

		async read(): Promise<LoadedConfig> {
			const realPath = await resolveWritePath(configPath);
			const current = await readCurrent(realPath);
			if (!current.exists) return {dir, path: configPath, realPath, exists: false, text: '', data: {}, mode: undefined};
			const text = decodeConfigBytes(current.bytes, configPath);
			const data = parseDockerConfig(text, configPath);
			return {dir, path: configPath, realPath, exists: true, text, data, mode: current.mode};
		},

		resolveStore(config: LoadedConfig, host: string): StoreResolution {
			if (platformDefault === undefined) platformDefault = detectPlatformDefault(env, platform) ?? null;
			return resolveStore(config.data, host, env, {platformDefault: platformDefault ?? undefined});
		},

		plan(config: LoadedConfig, changes: ConfigChange[]): EditPlan {
			return planEdit(config, changes);
		},

		async apply(config: LoadedConfig, plan: EditPlan): Promise<ApplyResult> {
			if (!plan.changed) return {path: config.path, backupPath: undefined};

			const current = await assertUnchanged(config, plan.baseText);
			await files.ensureDirectoryFor(config.realPath);
			const backupPath = current.exists ? await writeBackup(config.realPath, current.bytes) : undefined;
			try {
				await files.replaceFile(
					config.realPath,
					Buffer.from(plan.newText, 'utf8'),
					current.exists ? current : undefined,
					async () => {
						await assertUnchanged(config, plan.baseText);
					},
				);
			} catch (error) {
				// Nothing was replaced: a backup of an unchanged file would only be clutter.
				if (backupPath) await fs.unlink(backupPath).catch(() => undefined);
				throw error;
			}

			await files.removeStaleTemps(config.realPath);
			return {path: config.path, backupPath};
		},

		listBackups,

		async readBackup(backupPath: string): Promise<string> {
			return (await readBackupBytes(resolve(backupPath))).toString('utf8');
		},

		async restore(backupPath?: string, options: {shown?: string} = {}): Promise<ApplyResult & {restoredFrom: string}> {
			const source = backupPath === undefined ? (await listBackups())[0]?.path : resolve(backupPath);
			if (!source) {
				throw new UserError(`There is no ecr-setup backup of ${configPath}.`, {
					code: 'docker.config.no-backup',
					hint: 'ecr-setup makes a backup next to config.json each time it changes the file; name one explicitly if you moved it.',
				});
			}

			const bytes = await readBackupBytes(source);
			// Only ever put back something docker can read.
			parseDockerConfig(bytes, source);
			const realPath = await resolveWritePath(configPath);
			const current = await readCurrent(realPath);
			// What the person saw in the diff is what gets replaced, or nothing is written.
			if (options.shown !== undefined && (current.exists ? current.bytes.toString('utf8') : '') !== options.shown)
				throw new ConfigChangedError(configPath);
			if (current.exists && current.bytes.equals(bytes))
				return {path: configPath, backupPath: undefined, restoredFrom: source};
			await files.ensureDirectoryFor(realPath);
			const saved = current.exists ? await writeBackup(realPath, current.bytes) : undefined;
			try {
				await files.replaceFile(realPath, bytes, current.exists ? current : undefined, async () => {
					const latest = await readCurrent(realPath);
					const same =
						latest.exists === current.exists &&
						(!latest.exists || !current.exists || latest.bytes.equals(current.bytes));
					if (!same) throw new ConfigChangedError(configPath);
				});
			} catch (error) {
				if (saved) await fs.unlink(saved).catch(() => undefined);
				throw error;
			}

			return {path: configPath, backupPath: saved, restoredFrom: source};
		},
	};
}

function attemptOf(path: string): number {
	const match = /Z-(\d+)$/.exec(path);
	return match ? Number(match[1]) : 0;
}
