/**
 * The real DockerConfigService: reads docker's config.json and changes it the way docker's own `configfile.Save` does
 * (mkdir 0700, temp file in the same directory, fsync, rename over the symlink target, mode and owner kept), plus what
 * docker does not do: refuse when the file changed since it was read, and a timestamped backup before every write.
 */
import {randomBytes} from 'node:crypto';
import {accessSync, constants as fsConstants, statSync} from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import {basename, delimiter, dirname, join, resolve} from 'node:path';
import {BACKUP_INFIX, backupFileName, backupTimeOf} from './backups.js';
import {planEdit} from './edit.js';
import {ConfigChangedError} from './errors.js';
import {CONFIG_FILE_NAME} from './location.js';
import {decodeConfigBytes, parseDockerConfig} from './parse.js';
import {platformDefaultStore, resolveStore} from './stores.js';
import {UserError} from '../errors/user-errors.js';
import type {ApplyResult, ConfigChange, DockerConfigService, EditPlan, LoadedConfig, StoreResolution} from './types.js';

/** The file-system calls the service makes; tests swap single calls to inject faults (ENOSPC, EROFS, …). */
export type ConfigFileSystem = Pick<
	typeof nodeFs,
	'open' | 'lstat' | 'readlink' | 'realpath' | 'mkdir' | 'rename' | 'unlink' | 'link' | 'readdir' | 'readFile' | 'stat'
>;

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
	fs?: ConfigFileSystem;
};

/** Temp files of a dead writer older than this are removed on the next write (a live or recent one is left alone). */
const STALE_TEMP_MS = 10 * 60 * 1000;

const MAX_SYMLINK_HOPS = 40;

type CurrentFile = {exists: false} | {exists: true; bytes: Buffer; mode: number; uid: number; gid: number};

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

function processIsAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return errorCode(error) === 'EPERM';
	}
}

function errorCode(error: unknown): string | undefined {
	return typeof error === 'object' && error !== null && 'code' in error
		? String((error as {code: unknown}).code)
		: undefined;
}

/** Turn an fs failure into a UserError that says what to do; the config file itself is untouched at this point. */
export function fileSystemError(error: unknown, target: string, action: 'read' | 'write'): UserError {
	if (error instanceof UserError) return error;
	const code = errorCode(error);
	const directory = dirname(target);
	const untouched = action === 'write' ? ' The config file was not changed.' : '';
	switch (code) {
		case 'EACCES':
		case 'EPERM': {
			return new UserError(
				`Permission denied: ecr-setup cannot ${action} ${action === 'write' ? `in ${directory}` : target}.${untouched}`,
				{
					code: 'docker.config.permission',
					hint: `Check who owns it (ls -ld ${directory} ${target}). If an earlier \`sudo docker …\` left it owned by root, give it back with \`sudo chown -R "$(id -un)" ${directory}\`, or use another directory with --config DIR.`,
					nextSteps: [`ls -ld ${directory} ${target}`, `sudo chown -R "$(id -un)" ${directory}`],
					cause: error,
				},
			);
		}

		case 'EROFS': {
			return new UserError(
				`${directory} is on a read-only file system, so ecr-setup cannot ${action} there.${untouched}`,
				{
					code: 'docker.config.read-only',
					hint: 'Point docker and ecr-setup at a writable directory: --config DIR, or export DOCKER_CONFIG=DIR.',
					cause: error,
				},
			);
		}

		case 'ENOSPC':
		case 'EDQUOT': {
			return new UserError(`No space left on the device holding ${directory} (${code}).${untouched}`, {
				code: 'docker.config.disk-full',
				hint: `Free some space on that file system (df -h ${directory}), then run the command again.`,
				cause: error,
			});
		}

		case 'EISDIR': {
			return new UserError(`${target} is a directory, not a file.`, {
				code: 'docker.config.not-a-file',
				hint: `Move it away (docker expects a JSON file there), then run the command again.`,
				cause: error,
			});
		}

		case 'ENOTDIR': {
			return new UserError(`A part of ${directory} is a file, not a directory.${untouched}`, {
				code: 'docker.config.not-a-directory',
				hint: 'Check the --config / DOCKER_CONFIG path.',
				cause: error,
			});
		}

		case 'ELOOP': {
			return new UserError(`${target} is a symbolic link loop.`, {
				code: 'docker.config.symlink-loop',
				hint: `Point the link at a real file (ls -l ${target}).`,
				cause: error,
			});
		}

		default: {
			const message = error instanceof Error ? error.message : String(error);
			return new UserError(`Could not ${action} ${target}: ${message}.${untouched}`, {
				code: 'docker.config.io',
				hint: 'Check the file and its directory, then run the command again.',
				cause: error,
			});
		}
	}
}

export function createDockerConfigService(options: DockerConfigServiceOptions): DockerConfigService {
	const dir = resolve(options.dir);
	const configPath = join(dir, CONFIG_FILE_NAME);
	const now = options.now ?? (() => new Date());
	const env = options.env ?? process.env;
	const fs = options.fs ?? nodeFs;
	const platform = options.platform ?? process.platform;
	let platformDefault: string | undefined | null = options.platformDefault;

	/** Where writes go: symlinks followed (relative ones from their own directory), dangling ones too, as docker's Save does. */
	async function resolveRealPath(path: string, depth = 0): Promise<string> {
		let current = resolve(path);
		for (let hops = 0; hops <= MAX_SYMLINK_HOPS; hops++) {
			let isLink: boolean;
			try {
				isLink = (await fs.lstat(current)).isSymbolicLink();
			} catch (error) {
				const code = errorCode(error);
				if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fileSystemError(error, current, 'read');
				// Missing (or a dangling link's target): the name in its parent's real directory.
				const parent = dirname(current);
				if (parent === current || depth > MAX_SYMLINK_HOPS) return current;
				return join(await resolveRealPath(parent, depth + 1), basename(current));
			}

			if (!isLink) {
				try {
					return await fs.realpath(current);
				} catch (error) {
					throw fileSystemError(error, current, 'read');
				}
			}

			const target = await fs.readlink(current);
			current = resolve(dirname(current), target);
		}

		throw fileSystemError(Object.assign(new Error('too many symbolic links'), {code: 'ELOOP'}), path, 'read');
	}

	async function readCurrent(realPath: string): Promise<CurrentFile> {
		let handle: nodeFs.FileHandle;
		try {
			handle = await fs.open(realPath, 'r');
		} catch (error) {
			if (errorCode(error) === 'ENOENT') return {exists: false};
			throw fileSystemError(error, realPath, 'read');
		}

		try {
			const stats = await handle.stat();
			if (stats.isDirectory())
				throw fileSystemError(Object.assign(new Error('is a directory'), {code: 'EISDIR'}), realPath, 'read');
			const bytes = await handle.readFile();
			return {exists: true, bytes, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid};
		} catch (error) {
			throw fileSystemError(error, realPath, 'read');
		} finally {
			await handle.close().catch(() => undefined);
		}
	}

	/** Throws ConfigChangedError unless the file still holds exactly `expected` (undefined = must not exist). */
	async function assertUnchanged(config: LoadedConfig, expected: string): Promise<CurrentFile> {
		const realPath = await resolveRealPath(config.path);
		const current = await readCurrent(realPath);
		const same =
			realPath === config.realPath &&
			current.exists === config.exists &&
			(current.exists ? current.bytes.equals(Buffer.from(expected, 'utf8')) : expected === '');
		if (!same) throw new ConfigChangedError(config.path);
		return current;
	}

	async function ensureDirectory(directory: string): Promise<void> {
		try {
			await fs.mkdir(directory, {recursive: true, mode: 0o700});
		} catch (error) {
			throw fileSystemError(error, join(directory, CONFIG_FILE_NAME), 'write');
		}
	}

	function tempPathFor(target: string): string {
		return join(dirname(target), `${basename(target)}.ecr-setup-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
	}

	/** Write bytes to a new temp file next to target, created 0600 then given `mode`, owner kept when root, fsynced. */
	async function writeTemp(
		target: string,
		bytes: Buffer,
		mode: number,
		owner?: {uid: number; gid: number},
	): Promise<string> {
		const temp = tempPathFor(target);
		let handle: nodeFs.FileHandle | undefined;
		try {
			handle = await fs.open(temp, 'wx', 0o600);
			await handle.writeFile(bytes);
			if (mode !== 0o600) await handle.chmod(mode);
			if (owner && process.getuid?.() === 0) await handle.chown(owner.uid, owner.gid).catch(() => undefined);
			await handle.sync();
			await handle.close();
			handle = undefined;
			return temp;
		} catch (error) {
			await handle?.close().catch(() => undefined);
			await fs.unlink(temp).catch(() => undefined);
			throw fileSystemError(error, target, 'write');
		}
	}

	async function syncDirectory(directory: string): Promise<void> {
		// Makes the rename durable. Not supported everywhere (Windows): best effort.
		try {
			const handle = await fs.open(directory, 'r');
			await handle.sync().catch(() => undefined);
			await handle.close();
		} catch {}
	}

	/** A new file holding bytes, never replacing an existing one: temp file, then link (fails if the name exists). */
	async function createExclusive(target: string, bytes: Buffer): Promise<boolean> {
		const temp = await writeTemp(target, bytes, 0o600);
		try {
			await fs.link(temp, target);
		} catch (error) {
			const code = errorCode(error);
			if (code === 'EEXIST') {
				await fs.unlink(temp).catch(() => undefined);
				return false;
			}

			// No hard links on this file system: check, then rename (a same-millisecond race is harmless for backups).
			const exists = await fs.lstat(target).then(
				() => true,
				() => false,
			);
			if (exists) {
				await fs.unlink(temp).catch(() => undefined);
				return false;
			}

			try {
				await fs.rename(temp, target);
				return true;
			} catch (renameError) {
				await fs.unlink(temp).catch(() => undefined);
				throw fileSystemError(renameError, target, 'write');
			}
		}

		await fs.unlink(temp).catch(() => undefined);
		return true;
	}

	async function writeBackup(realPath: string, bytes: Buffer): Promise<string> {
		const name = backupFileName(basename(realPath), now());
		for (let attempt = 0; attempt < 1000; attempt++) {
			const target = join(dirname(realPath), attempt === 0 ? name : `${name}-${attempt}`);
			if (await createExclusive(target, bytes)) return target;
		}

		throw new UserError(`Could not find a free backup name next to ${realPath}.`, {
			code: 'docker.config.io',
			hint: 'Remove old ecr-setup backups.',
		});
	}

	/** Atomically replace realPath with bytes; `check` runs just before the rename and may throw to abort. */
	async function replaceFile(
		realPath: string,
		bytes: Buffer,
		current: CurrentFile,
		check?: () => Promise<void>,
	): Promise<void> {
		const mode = current.exists ? current.mode : 0o600;
		const owner = current.exists ? {uid: current.uid, gid: current.gid} : undefined;
		const temp = await writeTemp(realPath, bytes, mode, owner);
		try {
			await check?.();
			await fs.rename(temp, realPath);
		} catch (error) {
			await fs.unlink(temp).catch(() => undefined);
			throw fileSystemError(error, realPath, 'write');
		}

		await syncDirectory(dirname(realPath));
	}

	/** Temp files a killed writer left next to the target: removed once their process is gone and they are old. */
	async function removeStaleTemps(target: string): Promise<void> {
		const directory = dirname(target);
		let names: string[];
		try {
			names = await fs.readdir(directory);
		} catch {
			return;
		}

		// `config.json.ecr-setup-tmp-<pid>-<hex>` and the backups' `config.json.ecr-setup-backup-<time>.ecr-setup-tmp-<pid>-<hex>`.
		for (const name of names) {
			const match = name.startsWith(`${basename(target)}.`) ? /\.ecr-setup-tmp-(\d+)-[0-9a-f]+$/.exec(name) : null;
			if (!match) continue;
			const pid = Number(match[1]);
			if (pid === process.pid || processIsAlive(pid)) continue;
			const path = join(directory, name);
			const stats = await fs.lstat(path).catch(() => undefined);
			if (stats?.isFile() && Date.now() - stats.mtimeMs > STALE_TEMP_MS) await fs.unlink(path).catch(() => undefined);
		}
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
		const realPath = await resolveRealPath(configPath).catch(() => configPath);
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
			const realPath = await resolveRealPath(configPath);
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
			await ensureDirectory(dirname(config.realPath));
			const backupPath = current.exists ? await writeBackup(config.realPath, current.bytes) : undefined;
			try {
				await replaceFile(config.realPath, Buffer.from(plan.newText, 'utf8'), current, async () => {
					await assertUnchanged(config, plan.baseText);
				});
			} catch (error) {
				// Nothing was replaced: a backup of an unchanged file would only be clutter.
				if (backupPath) await fs.unlink(backupPath).catch(() => undefined);
				throw error;
			}

			await removeStaleTemps(config.realPath);
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
			const realPath = await resolveRealPath(configPath);
			const current = await readCurrent(realPath);
			// What the person saw in the diff is what gets replaced, or nothing is written.
			if (options.shown !== undefined && (current.exists ? current.bytes.toString('utf8') : '') !== options.shown)
				throw new ConfigChangedError(configPath);
			if (current.exists && current.bytes.equals(bytes))
				return {path: configPath, backupPath: undefined, restoredFrom: source};
			await ensureDirectory(dirname(realPath));
			const saved = current.exists ? await writeBackup(realPath, current.bytes) : undefined;
			try {
				await replaceFile(realPath, bytes, current, async () => {
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
