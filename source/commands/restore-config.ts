import {editDiff} from '../lib/diff.js';
import {UserError} from '../errors/user-errors.js';
import {colorDiff} from '../lib/format.js';
import {boundProfiles, wrappersNoLongerNamed} from '../credential-helper/bindings.js';
import type {WrapperRemoval} from '../credential-helper/wrapper-service.js';
import {parseDockerConfig} from '../docker-config/parse.js';
import type {DockerConfigData} from '../docker-config/types.js';
import type {CommandContext, CommandDefinition} from './types.js';

export const restoreConfigCommand: CommandDefinition = {
	name: 'restore-config',
	summary: 'Put back a docker config.json backup made by ecr-setup',
	usage: 'ecr-setup restore-config [BACKUP_FILE] [--list] [--dry-run] [--yes]',
	flags: [{name: 'list', type: 'boolean', description: 'List the backups, newest first'}],
	details:
		'Without BACKUP_FILE the newest backup is restored. The file being replaced is itself backed up first.\n' +
		'Profile wrappers (docker-credential-ecr-login-<profile>) that ecr-setup wrote and the backup no longer names are removed.',
	async run(context) {
		const {services, io, positionals} = context;
		const backups = await services.dockerConfig.listBackups();
		if (context.flags['list'] === true) {
			if (backups.length === 0) io.out(`No backups in ${services.dockerConfig.dir}.`);
			for (const backup of backups) io.out(`${backup.createdAt.toISOString()}  ${backup.path}`);
			return {
				json: {backups: backups.map((backup) => ({path: backup.path, createdAt: backup.createdAt.toISOString()}))},
			};
		}

		const chosen = positionals[0] ?? backups[0]?.path;
		if (!chosen) {
			throw new UserError(`There is no ecr-setup backup in ${services.dockerConfig.dir}.`, {
				code: 'config.no-backup',
				hint: 'Backups are made next to config.json each time ecr-setup changes it. Name one explicitly if you moved it.',
			});
		}

		const backupText = await services.dockerConfig.readBackup(chosen);

		const current = await services.dockerConfig.read().catch(() => undefined);
		const currentText = current?.text ?? '';
		if (currentText === backupText) {
			io.out(`${services.dockerConfig.dir}/config.json already has the content of ${chosen}. Nothing to do.`);
			return {json: {restored: false, from: chosen, changed: false}};
		}

		const path = current?.path ?? `${services.dockerConfig.dir}/config.json`;
		io.out(
			colorDiff(editDiff(path, currentText, backupText, {before: 'current', after: 'backup'}).trimEnd(), io.color),
		);
		const removals = await wrapperChanges(context, current?.data ?? {}, backupData(backupText, chosen));
		for (const removal of removals)
			io.out(`Removes ${removal.path} (profile ${removal.profile}’s wrapper, which the backup does not name).`);
		if (context.options.dryRun) {
			io.out('Dry run: nothing was written.');
			return {json: {restored: false, from: chosen, changed: true, dryRun: true}};
		}

		if (!(await io.confirm(`Restore ${path} from ${chosen}?`, {defaultYes: true, flag: '--yes'}))) {
			io.out('Nothing was written.');
			return {exitCode: 1, json: {restored: false, from: chosen}};
		}

		// Only what the diff above showed is replaced: an edit to config.json while the question waited stops the restore.
		const result = await services.dockerConfig.restore(chosen, current ? {shown: current.text} : {});
		io.out(
			`Restored ${result.path} from ${result.restoredFrom}.${result.backupPath ? ` The replaced file was saved as ${result.backupPath}.` : ''}`,
		);
		const removed: string[] = [];
		for (const removal of removals) {
			if (await services.wrappers.remove(removal)) {
				removed.push(removal.path);
				io.out(`Removed ${removal.path}.`);
			} else io.err(`Note: ${removal.path} changed after it was shown: it is left as it is.`);
		}

		return {
			json: {
				restored: true,
				from: result.restoredFrom,
				path: result.path,
				backup: result.backupPath ?? null,
				removedWrappers: removed,
			},
		};
	},
};

/** The backup's data; a backup docker could not read is refused by the restore itself, so here it names nothing. */
function backupData(text: string, path: string): DockerConfigData {
	try {
		return parseDockerConfig(text, path);
	} catch {
		return {};
	}
}

/**
 * The wrappers of ecr-setup the restored config no longer names (to remove), and a note for each binding it names whose
 * wrapper is not there (the restore brings the binding back, not the file).
 */
async function wrapperChanges(
	context: CommandContext,
	current: DockerConfigData,
	restored: DockerConfigData,
): Promise<WrapperRemoval[]> {
	const {services, io} = context;
	const removals: WrapperRemoval[] = [];
	for (const profile of wrappersNoLongerNamed(current, restored)) {
		const planned = await services.wrappers.planRemoval(profile);
		if ('removal' in planned) removals.push(planned.removal);
		else if (!planned.missing) io.err(`Note: ${planned.note}`);
	}

	for (const profile of boundProfiles(restored)) {
		if ((await services.wrappers.find(profile))?.own?.profile === profile) continue;
		io.err(
			`Note: the backup binds registries to profile ${profile}, but docker-credential-ecr-login-${profile} is not ecr-setup's wrapper on PATH; ` +
				`\`ecr-setup configure-helper --registry HOST --profile ${profile}\` writes it again.`,
		);
	}

	return removals;
}
