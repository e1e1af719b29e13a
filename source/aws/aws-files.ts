/**
 * Reading and changing the user's AWS config and credentials files (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE
 * honoured): under the file's lock, a timestamped backup of what is there, then an atomic replace. The credentials file
 * holds secret keys: it is written private (0600) whatever its mode was. Text that is not valid UTF-8 is refused rather
 * than rewritten, because rewriting it would change bytes ecr-setup never meant to touch.
 */
import {dirname} from 'node:path';
import {UserError} from '../errors/user-errors.js';
import {atomicFiles, type AtomicFiles, type CurrentFile, type FileSystem} from '../files/atomic-file.js';
import {errorCode} from '../files/errors.js';
import {type LockHolder, withFileLock} from '../files/lock.js';
import {replaceWithBackup} from '../docker-config/write.js';
import {awsConfigFiles} from './profiles.js';
import type {Env} from './types.js';

export type AwsFileKind = 'config' | 'credentials';

export type LoadedAwsFile = {kind: AwsFileKind; path: string; realPath: string; exists: boolean; text: string};

export type AwsFileWrite = {path: string; backupPath: string | undefined; changed: boolean; replanned: boolean};

export type AwsFileWriteOptions = {
	/** A file that changed since it was read gets the same edit on its new content (else: refused, nothing written). */
	replanIfChanged: boolean;
	onWait?: (message: string) => void;
};

export type AwsFiles = {
	path(kind: AwsFileKind): string;
	read(kind: AwsFileKind): Promise<LoadedAwsFile>;
	/** Apply `edit` to the file as read (or, with replanIfChanged, as it is now); nothing is written when it changes nothing. */
	write(file: LoadedAwsFile, edit: (text: string) => string, options: AwsFileWriteOptions): Promise<AwsFileWrite>;
};

/** A failed read or write of an AWS file, in words that say what to do; the file itself is untouched at this point. */
export function awsFileError(error: unknown, target: string, action: 'read' | 'write'): UserError {
	if (error instanceof UserError) return error;
	const code = errorCode(error);
	const directory = dirname(target);
	const untouched = action === 'write' ? ' Nothing was changed.' : '';
	const message = error instanceof Error ? error.message : String(error);
	switch (code) {
		case 'EACCES':
		case 'EPERM': {
			return new UserError(`Permission denied: ecr-setup cannot ${action} ${target}.${untouched}`, {
				code: 'aws.file.permission',
				hint: `Check who owns it (ls -ld ${directory} ${target}); an earlier \`sudo aws …\` can leave it owned by root.`,
				nextSteps: [`ls -ld ${directory} ${target}`],
				cause: error,
			});
		}

		case 'EROFS': {
			return new UserError(`${directory} is on a read-only file system.${untouched}`, {
				code: 'aws.file.read-only',
				hint: 'Point AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at a writable place.',
				cause: error,
			});
		}

		case 'ENOSPC':
		case 'EDQUOT': {
			return new UserError(`No space left on the device holding ${directory} (${code}).${untouched}`, {
				code: 'aws.file.disk-full',
				hint: `Free some space (df -h ${directory}), then run the command again.`,
				cause: error,
			});
		}

		default: {
			return new UserError(`Could not ${action} ${target}: ${message}.${untouched}`, {
				code: 'aws.file.io',
				hint: 'Check the file and its directory, then run the command again.',
				cause: error,
			});
		}
	}
}

function changedError(path: string): UserError {
	return new UserError(`${path} changed after ecr-setup showed its changes, so ecr-setup did not write it.`, {
		code: 'aws.file.changed',
		hint: 'Something else (aws configure, an editor) wrote it meanwhile. Run the command again: it starts from the new content.',
	});
}

function decode(bytes: Buffer, path: string): string {
	const text = bytes.toString('utf8');
	if (!Buffer.from(text, 'utf8').equals(bytes)) {
		throw new UserError(`${path} is not UTF-8 text, so ecr-setup will not rewrite it.`, {
			code: 'aws.file.encoding',
			hint: 'Save it as UTF-8 (the AWS CLI reads it so too), then run the command again.',
		});
	}

	return text;
}

function waitMessage(path: string, holder: LockHolder | undefined): string {
	return `Waiting for another ecr-setup${holder ? ` (pid ${holder.pid})` : ''} to finish writing ${path}…`;
}

export function createAwsFiles(options: {env: Env; now?: () => Date; fs?: FileSystem}): AwsFiles {
	const files: AtomicFiles = atomicFiles({explain: awsFileError, ...(options.fs ? {fs: options.fs} : {})});
	const now = options.now ?? (() => new Date());
	const paths = awsConfigFiles(options.env);
	const pathOf = (kind: AwsFileKind) => (kind === 'config' ? paths.configPath : paths.credentialsPath);

	async function current(realPath: string, path: string): Promise<{file: CurrentFile; text: string}> {
		const file = await files.readCurrent(realPath);
		return {file, text: file.exists ? decode(file.bytes, path) : ''};
	}

	return {
		path: pathOf,
		async read(kind) {
			const path = pathOf(kind);
			const realPath = await files.resolveWritePath(path);
			const {file, text} = await current(realPath, path);
			return {kind, path, realPath, exists: file.exists, text};
		},
		async write(loaded, edit, writeOptions) {
			const onWait = writeOptions.onWait;
			return withFileLock(
				loaded.realPath,
				async () => {
					const before = await current(loaded.realPath, loaded.path);
					const replanned = before.text !== loaded.text;
					if (replanned && !writeOptions.replanIfChanged) throw changedError(loaded.path);
					const next = edit(before.text);
					if (next === before.text) return {path: loaded.path, backupPath: undefined, changed: false, replanned};
					// Secret keys: private whatever the file's mode was; the config file keeps its own mode.
					const base: CurrentFile =
						before.file.exists && loaded.kind === 'credentials' ? {...before.file, mode: 0o600} : before.file;
					const backupPath = await replaceWithBackup(
						{files, now},
						loaded.realPath,
						Buffer.from(next, 'utf8'),
						base,
						async () => {
							if ((await current(loaded.realPath, loaded.path)).text !== before.text) throw changedError(loaded.path);
						},
					);
					await files.removeStaleTemps(loaded.realPath);
					return {path: loaded.path, backupPath, changed: true, replanned};
				},
				onWait ? {onWait: (holder) => onWait(waitMessage(loaded.path, holder))} : {},
			);
		},
	};
}
