/**
 * The one way ecr-setup writes a file it does not own outright: a temp file in the same directory, fsynced, then renamed
 * over the target (the symlink target when the path is a link), so a reader sees the old bytes or the new, never half.
 */
import {randomBytes} from 'node:crypto';
import {chmod, lstat, mkdir, open, readFile, realpath, rename, rm, stat} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {UserError, errorMessage} from '../errors/user-errors.js';

/** Replace (or create) path with content. A new file, and any directory made for it, is private; an existing file keeps its mode. */
export async function writeFileAtomically(path: string, content: string | Buffer): Promise<void> {
	let target = path;
	let mode = 0o600;
	try {
		if ((await lstat(path)).isSymbolicLink()) target = await realpath(path);
		mode = (await stat(target)).mode & 0o777;
	} catch {
		// A new file (or a dangling link, written as a new file at its own path).
	}

	const directory = dirname(target);
	const temp = join(directory, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
	try {
		await mkdir(directory, {recursive: true, mode: 0o700});
		const handle = await open(temp, 'wx', mode);
		try {
			await handle.writeFile(content);
			await handle.sync();
		} finally {
			await handle.close();
		}

		await chmod(temp, mode);
		await rename(temp, target);
	} catch (error) {
		await rm(temp, {force: true}).catch(() => undefined);
		throw error;
	}
}

/** A text file's content, or undefined when there is none; any other failure is a UserError naming the file. */
export async function readTextFile(path: string): Promise<string | undefined> {
	try {
		return await readFile(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
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
