/**
 * Writing a build file ecr-setup changed (a Dockerfile's FROM lines): under the file's lock, only when it still holds
 * what the diff was made from, a timestamped backup next to it (`Dockerfile.ecr-setup-backup-<time>`), then an
 * atomic replace that keeps its mode. A failure leaves the file as it was.
 */
import {dirname} from 'node:path';
import {UserError} from '../errors/user-errors.js';
import {atomicFiles, type FileSystem} from '../files/atomic-file.js';
import {errorCode} from '../files/errors.js';
import {withFileLock} from '../files/lock.js';
import {replaceWithBackup} from '../docker-config/write.js';

export type BuildFileWrite = {path: string; backupPath: string | undefined};

function changedError(path: string): UserError {
	return new UserError(`${path} changed after ecr-setup showed its changes, so ecr-setup did not write it.`, {
		code: 'build-file.changed',
		hint: 'Something else (an editor, git) wrote it meanwhile. Run the command again: it starts from the new content.',
	});
}

/** A failed read or write of a build file, in words that say what to do; the file is untouched at this point. */
export function buildFileError(error: unknown, target: string, action: 'read' | 'write'): UserError {
	if (error instanceof UserError) return error;
	const code = errorCode(error);
	const untouched = action === 'write' ? ' Nothing was changed.' : '';
	const message = error instanceof Error ? error.message : String(error);
	const permission = code === 'EACCES' || code === 'EPERM';
	return new UserError(
		permission
			? `Permission denied: ecr-setup cannot ${action} ${target}.${untouched}`
			: `Could not ${action} ${target}: ${message}.${untouched}`,
		{
			code: permission ? 'build-file.permission' : 'build-file.io',
			hint: permission
				? `Check who owns it and its directory (ls -ld ${dirname(target)} ${target}).`
				: 'Check the file and its directory, then run the command again.',
			cause: error,
		},
	);
}

/** Replace `path`'s content `expected` with `next`; refused (nothing written) when the file no longer holds `expected`. */
export async function replaceBuildFile(
	path: string,
	expected: string,
	next: string,
	options: {now?: () => Date; fs?: FileSystem} = {},
): Promise<BuildFileWrite> {
	const files = atomicFiles({explain: buildFileError, ...(options.fs ? {fs: options.fs} : {})});
	const now = options.now ?? (() => new Date());
	const realPath = await files.resolveWritePath(path);
	const holds = async () => {
		const current = await files.readCurrent(realPath);
		if (!current.exists || !current.bytes.equals(Buffer.from(expected, 'utf8'))) throw changedError(path);
		return current;
	};

	return withFileLock(realPath, async () => {
		const current = await holds();
		const backupPath = await replaceWithBackup({files, now}, realPath, Buffer.from(next, 'utf8'), current, async () => {
			await holds();
		});
		await files.removeStaleTemps(realPath);
		return {path, backupPath};
	});
}
