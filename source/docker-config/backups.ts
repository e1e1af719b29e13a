/** The names of ecr-setup's backups of config.json, which carry the time they were made. */
export const BACKUP_INFIX = '.ecr-setup-backup-';

/** `config.json.ecr-setup-backup-2026-11-27T20-50-54-123Z`: sortable, no colons (Windows-safe). */
export function backupFileName(realFileName: string, when: Date): string {
	return `${realFileName}${BACKUP_INFIX}${when.toISOString().replaceAll(':', '-').replace('.', '-')}`;
}

/** The time encoded in a backup name, or undefined when the name is not one of ours. */
export function backupTimeOf(fileName: string): Date | undefined {
	const at = fileName.lastIndexOf(BACKUP_INFIX);
	if (at === -1) return undefined;
	const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z(?:-\d+)?$/.exec(
		fileName.slice(at + BACKUP_INFIX.length),
	);
	if (!match) return undefined;
	const date = new Date(`${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z`);
	return Number.isNaN(date.getTime()) ? undefined : date;
}

export type Backup = {path: string; createdAt: Date};

/** Newest first; of two made in the same millisecond, the one with the higher `-N` suffix (made later) first. */
export function newestFirst(a: Backup, b: Backup): number {
	return (
		b.createdAt.getTime() - a.createdAt.getTime() || attemptOf(b.path) - attemptOf(a.path) || (a.path < b.path ? 1 : -1)
	);
}

function attemptOf(path: string): number {
	const match = /Z-(\d+)$/.exec(path);
	return match ? Number(match[1]) : 0;
}
