/**
 * How ecr-setup changes config.json (or a podman or Finch file in its format): refuse when the file is not what was read,
 * keep a timestamped backup of what is there, then replace it atomically; a failed replace leaves no backup behind.
 */
import {basename, dirname, join} from 'node:path';
import {UserError} from '../errors/user-errors.js';
import type {AtomicFiles, CurrentFile} from '../files/atomic-file.js';
import {backupFileName} from './backups.js';
import {ConfigChangedError} from './errors.js';
import {type LockHolder, withFileLock} from '../files/lock.js';
import {planEdit} from './edit.js';
import {readConfigFile} from './read.js';
import type {ApplyOptions, ApplyResult, EditPlan, LoadedConfig} from './types.js';

/** The file system to write through (its failures explained for config files) and the clock that names backups. */
export type ConfigWriter = {files: AtomicFiles; now: () => Date};

/** A new backup of `bytes` next to realPath, under a name no other file has. */
export async function writeBackup(writer: ConfigWriter, realPath: string, bytes: Buffer): Promise<string> {
	const name = backupFileName(basename(realPath), writer.now());
	for (let attempt = 0; attempt < 1000; attempt++) {
		const target = join(dirname(realPath), attempt === 0 ? name : `${name}-${attempt}`);
		if (await writer.files.createExclusive(target, bytes)) return target;
	}

	throw new UserError(`Could not find a free backup name next to ${realPath}.`, {
		code: 'docker.config.io',
		hint: 'Remove old ecr-setup backups.',
	});
}

/**
 * Back up `current` (when there is a file), then replace realPath with bytes; `check` runs just before the rename and may
 * throw to abort. Returns the backup's path.
 */
export async function replaceWithBackup(
	writer: ConfigWriter,
	realPath: string,
	bytes: Buffer,
	current: CurrentFile,
	check: () => Promise<void>,
): Promise<string | undefined> {
	await writer.files.ensureDirectoryFor(realPath);
	const backupPath = current.exists ? await writeBackup(writer, realPath, current.bytes) : undefined;
	try {
		await writer.files.replaceFile(realPath, bytes, current.exists ? current : undefined, check);
	} catch (error) {
		// Nothing was replaced: a backup of an unchanged file would only be clutter.
		if (backupPath) await writer.files.fs.unlink(backupPath).catch(() => undefined);
		throw error;
	}

	return backupPath;
}

/** Throws ConfigChangedError unless the file config names still holds exactly `expected` ('' = must not exist). */
async function assertUnchanged(writer: ConfigWriter, config: LoadedConfig, expected: string): Promise<CurrentFile> {
	const realPath = await writer.files.resolveWritePath(config.path);
	const current = await writer.files.readCurrent(realPath);
	const same =
		realPath === config.realPath &&
		current.exists === config.exists &&
		(current.exists ? current.bytes.equals(Buffer.from(expected, 'utf8')) : expected === '');
	if (!same) throw new ConfigChangedError(config.path);
	return current;
}

/** Write a plan made from `config`: checked before the backup and again just before the rename. */
async function writePlan(writer: ConfigWriter, config: LoadedConfig, plan: EditPlan): Promise<ApplyResult> {
	const current = await assertUnchanged(writer, config, plan.baseText);
	const backupPath = await replaceWithBackup(
		writer,
		config.realPath,
		Buffer.from(plan.newText, 'utf8'),
		current,
		async () => {
			await assertUnchanged(writer, config, plan.baseText);
		},
	);
	await writer.files.removeStaleTemps(config.realPath);
	return {path: config.path, backupPath};
}

/** Another writer (docker login, say) can replace the file between our rename and its own; after that many tries, refuse. */
const MAX_REPLANS = 3;

/**
 * Write a plan under the file's lock, so that two ecr-setup runs never interleave. With `replanIfChanged`, a file that
 * changed since it was read (or lost the changes to another writer right after the rename) gets the same changes
 * planned again on its new content; an edit is reported done only once the file holds it.
 */
export async function applyPlan(
	writer: ConfigWriter,
	config: LoadedConfig,
	plan: EditPlan,
	options: ApplyOptions = {},
): Promise<ApplyResult> {
	if (!plan.changed) return {path: config.path, backupPath: undefined};
	const replannable = options.replanIfChanged === true && plan.changes.length > 0;
	const onWait = options.onWait;
	return withFileLock(
		config.realPath,
		async () => {
			let base = config;
			let next = plan;
			for (let attempt = 0; ; attempt++) {
				try {
					const written = next.changed ? await writePlan(writer, base, next) : undefined;
					if (!replannable) return written ?? {path: config.path, backupPath: undefined};
					const latest = await readConfigFile(writer.files, config.path);
					if (!planEdit(latest, plan.changes).changed) {
						return {
							...(written ?? {path: config.path, backupPath: undefined}),
							...(attempt > 0 ? {replanned: true} : {}),
						};
					}

					if (attempt >= MAX_REPLANS) throw new ConfigChangedError(config.path);
					base = latest;
				} catch (error) {
					if (!replannable || !(error instanceof ConfigChangedError) || attempt >= MAX_REPLANS) throw error;
					base = await readConfigFile(writer.files, config.path);
				}

				next = planEdit(base, plan.changes);
			}
		},
		onWait ? {onWait: (holder) => onWait(waitMessage(config.path, holder))} : {},
	);
}

function waitMessage(path: string, holder: LockHolder | undefined): string {
	return `Waiting for another ecr-setup${holder ? ` (pid ${holder.pid})` : ''} to finish writing ${path}…`;
}
