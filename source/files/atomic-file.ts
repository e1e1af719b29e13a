/**
 * The one way ecr-setup writes a file, the way docker's own `configfile.Save` writes config.json: a temp file in the same
 * directory (created 0600, then given the old file's mode, its owner kept when running as root), fsynced, renamed over
 * the target (the symlink's target when the path is a link, a dangling one too), then the directory fsynced. A reader
 * sees the old bytes or the new, never half; temp files a killed writer left are removed by a later write.
 */
import {randomBytes} from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import {basename, dirname, join, resolve} from 'node:path';
import {UserError, errorMessage} from '../errors/user-errors.js';
import {errorCode, fileSystemFailure} from './errors.js';
import {processIsAlive} from './lock.js';

/** The file-system calls made here; tests swap single calls to inject faults (ENOSPC, EROFS, …). */
export type FileSystem = Pick<
	typeof nodeFs,
	'open' | 'lstat' | 'readlink' | 'realpath' | 'mkdir' | 'rename' | 'unlink' | 'link' | 'readdir' | 'readFile' | 'stat'
>;

/** Turns a failed call into the error the caller reports (e.g. a UserError with a hint); by default it is passed on as is. */
export type ExplainFailure = (error: unknown, target: string, action: 'read' | 'write') => unknown;

export type AtomicFileOptions = {fs?: FileSystem; explain?: ExplainFailure};

/** What a replaced file keeps: its mode, and its owner when ecr-setup runs as root. */
export type FileMetadata = {mode: number; uid: number; gid: number};

export type CurrentFile = {exists: false} | ({exists: true; bytes: Buffer} & FileMetadata);

/** Temp files of a dead writer older than this are removed on the next write (a live or recent one is left alone). */
const STALE_TEMP_MS = 10 * 60 * 1000;

const MAX_SYMLINK_HOPS = 40;

/** The careful steps of a write, over one file system, each failure explained by `explain`. */
export function atomicFiles(options: AtomicFileOptions = {}) {
	const fs = options.fs ?? nodeFs;
	const explain = options.explain ?? ((error: unknown) => error);

	/** Where a write to `path` lands: symlinks followed (relative ones from their own directory), dangling ones too. */
	async function resolveWritePath(path: string, depth = 0): Promise<string> {
		let current = resolve(path);
		for (let hops = 0; hops <= MAX_SYMLINK_HOPS; hops++) {
			let isLink: boolean;
			try {
				isLink = (await fs.lstat(current)).isSymbolicLink();
			} catch (error) {
				const code = errorCode(error);
				if (code !== 'ENOENT' && code !== 'ENOTDIR') throw explain(error, current, 'read');
				// Missing (or a dangling link's target): the name in its parent's real directory.
				const parent = dirname(current);
				if (parent === current || depth > MAX_SYMLINK_HOPS) return current;
				return join(await resolveWritePath(parent, depth + 1), basename(current));
			}

			if (!isLink) {
				try {
					return await fs.realpath(current);
				} catch (error) {
					throw explain(error, current, 'read');
				}
			}

			const target = await fs.readlink(current);
			current = resolve(dirname(current), target);
		}

		throw explain(fileSystemFailure('ELOOP', 'too many symbolic links'), path, 'read');
	}

	/** The file's bytes, mode and owner, or `exists: false` when there is none. */
	async function readCurrent(realPath: string): Promise<CurrentFile> {
		let handle: nodeFs.FileHandle;
		try {
			handle = await fs.open(realPath, 'r');
		} catch (error) {
			if (errorCode(error) === 'ENOENT') return {exists: false};
			throw explain(error, realPath, 'read');
		}

		try {
			const stats = await handle.stat();
			if (stats.isDirectory()) throw explain(fileSystemFailure('EISDIR', 'is a directory'), realPath, 'read');
			const bytes = await handle.readFile();
			return {exists: true, bytes, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid};
		} catch (error) {
			throw explain(error, realPath, 'read');
		} finally {
			await handle.close().catch(() => undefined);
		}
	}

	/** The directory `target` goes in, made private (0700) when it has to be created. */
	async function ensureDirectoryFor(target: string): Promise<void> {
		try {
			await fs.mkdir(dirname(target), {recursive: true, mode: 0o700});
		} catch (error) {
			throw explain(error, target, 'write');
		}
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
			throw explain(error, target, 'write');
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
				throw explain(renameError, target, 'write');
			}
		}

		await fs.unlink(temp).catch(() => undefined);
		return true;
	}

	/**
	 * Atomically replace realPath with bytes, keeping `previous`'s mode and owner (a new file is 0600). `check` runs just
	 * before the rename and may throw to abort.
	 */
	async function replaceFile(
		realPath: string,
		bytes: Buffer,
		previous: FileMetadata | undefined,
		check?: () => Promise<void>,
	): Promise<void> {
		const mode = previous ? previous.mode : 0o600;
		const owner = previous ? {uid: previous.uid, gid: previous.gid} : undefined;
		const temp = await writeTemp(realPath, bytes, mode, owner);
		try {
			await check?.();
			await fs.rename(temp, realPath);
		} catch (error) {
			await fs.unlink(temp).catch(() => undefined);
			throw explain(error, realPath, 'write');
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

	return {fs, resolveWritePath, readCurrent, ensureDirectoryFor, createExclusive, replaceFile, removeStaleTemps};
}

export type AtomicFiles = ReturnType<typeof atomicFiles>;

/** Where a write to `path` lands (atomicFiles().resolveWritePath, over the real file system by default). */
export function resolveWritePath(path: string, options: AtomicFileOptions = {}): Promise<string> {
	return atomicFiles(options).resolveWritePath(path);
}

/** `<name>.ecr-setup-tmp-<pid>-<hex>`: the pid is how removeStaleTemps tells a dead writer's file from a live one's. */
function tempPathFor(target: string): string {
	return join(dirname(target), `${basename(target)}.ecr-setup-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Replace (or create) path with content. A new file, and any directory made for it, is private; an existing file keeps its mode. */
export async function writeFileAtomically(
	path: string,
	content: string | Buffer,
	options: AtomicFileOptions = {},
): Promise<void> {
	const files = atomicFiles(options);
	const realPath = await files.resolveWritePath(path);
	// No file there (or none we may look at): written as a new one, and the write itself says what is wrong.
	const stats = await files.fs.stat(realPath).catch(() => undefined);
	await files.ensureDirectoryFor(realPath);
	const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
	await files.replaceFile(realPath, bytes, stats && {mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid});
	await files.removeStaleTemps(realPath);
}

/** A text file's content, or undefined when there is none; any other failure is a UserError naming the file. */
export async function readTextFile(path: string): Promise<string | undefined> {
	try {
		return await nodeFs.readFile(path, 'utf8');
	} catch (error) {
		if (errorCode(error) === 'ENOENT') return undefined;
		throw new UserError(`Cannot read ${path}: ${errorMessage(error)}`, {code: 'file.read', cause: error});
	}
}

/** writeFileAtomically for text ecr-setup generates (CI files): a failure is a UserError naming the file, with `hint`. */
export async function writeTextFile(
	path: string,
	content: string,
	hint = 'Check that the directory is writable.',
): Promise<void> {
	try {
		await writeFileAtomically(path, content);
	} catch (error) {
		throw new UserError(`Cannot write ${path}: ${errorMessage(error)}`, {code: 'file.write', hint, cause: error});
	}
}
