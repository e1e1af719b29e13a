/**
 * ecr-setup's backups of config.json on disk: finding them (next to the real file and next to the link, when config.json
 * is a symlink), reading one, and putting one back with the same care as any other write.
 */
import {basename, dirname, join} from 'node:path';
import {UserError} from '../errors/user-errors.js';
import {BACKUP_INFIX, backupTimeOf, newestFirst, type Backup} from './backups.js';
import {ConfigChangedError} from './errors.js';
import {withFileLock} from '../files/lock.js';
import {CONFIG_FILE_NAME} from './location.js';
import {parseDockerConfig} from './parse.js';
import type {ApplyResult} from './types.js';
import {replaceWithBackup, type ConfigWriter} from './write.js';

/** Where config.json is: the config directory and the file in it as named (it may be a symlink). */
export type ConfigPlace = {dir: string; configPath: string};

/** Every backup of the file, newest first. */
export async function listBackups(writer: ConfigWriter, place: ConfigPlace): Promise<Backup[]> {
	const realPath = await writer.files.resolveWritePath(place.configPath).catch(() => place.configPath);
	const places = new Map<string, Set<string>>();
	const add = (directory: string, prefix: string) => {
		const prefixes = places.get(directory) ?? new Set<string>();
		prefixes.add(prefix);
		places.set(directory, prefixes);
	};

	add(dirname(realPath), basename(realPath));
	add(place.dir, CONFIG_FILE_NAME);
	const found = new Map<string, Date>();
	for (const [directory, prefixes] of places) {
		let names: string[];
		try {
			names = await writer.files.fs.readdir(directory);
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

	return [...found].map(([path, createdAt]) => ({path, createdAt})).sort(newestFirst);
}

export async function readBackupBytes(writer: ConfigWriter, source: string): Promise<Buffer> {
	try {
		return await writer.files.fs.readFile(source);
	} catch (error) {
		throw new UserError(`Cannot read the backup ${source}.`, {
			code: 'docker.config.backup-unreadable',
			hint: 'Check the path (ecr-setup restore-config --list shows the backups).',
			cause: error,
		});
	}
}

/**
 * Put a backup back (the newest when `source` is undefined); the current file is itself backed up first. With `shown`,
 * refuses unless the file is still the text the person agreed to replace.
 */
export async function restoreBackup(
	writer: ConfigWriter,
	place: ConfigPlace,
	source: string | undefined,
	options: {shown?: string} = {},
): Promise<ApplyResult & {restoredFrom: string}> {
	const {configPath} = place;
	const from = source ?? (await listBackups(writer, place))[0]?.path;
	if (!from) {
		throw new UserError(`There is no ecr-setup backup of ${configPath}.`, {
			code: 'docker.config.no-backup',
			hint: 'ecr-setup makes a backup next to config.json each time it changes the file; name one explicitly if you moved it.',
		});
	}

	const bytes = await readBackupBytes(writer, from);
	// Only ever put back something docker can read.
	parseDockerConfig(bytes, from);
	const realPath = await writer.files.resolveWritePath(configPath);
	return withFileLock(realPath, async () => {
		const current = await writer.files.readCurrent(realPath);
		// What the person saw in the diff is what gets replaced, or nothing is written.
		if (options.shown !== undefined && (current.exists ? current.bytes.toString('utf8') : '') !== options.shown)
			throw new ConfigChangedError(configPath);
		if (current.exists && current.bytes.equals(bytes))
			return {path: configPath, backupPath: undefined, restoredFrom: from};
		const saved = await replaceWithBackup(writer, realPath, bytes, current, async () => {
			const latest = await writer.files.readCurrent(realPath);
			const same =
				latest.exists === current.exists && (!latest.exists || !current.exists || latest.bytes.equals(current.bytes));
			if (!same) throw new ConfigChangedError(configPath);
		});
		return {path: configPath, backupPath: saved, restoredFrom: from};
	});
}
