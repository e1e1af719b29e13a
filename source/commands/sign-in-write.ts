/**
 * How `sign-in` changes the user's AWS files: every change shown as a diff first (secrets masked), one question for all
 * of them (--yes answers it, --dry-run stops there), then each file written under its lock with a backup.
 */
import type {AwsFileWrite, LoadedAwsFile} from '../aws/aws-files.js';
import {awsFileDiff} from '../aws/aws-file-diff.js';
import {colorDiff} from '../lib/format.js';
import type {CommandContext} from './types.js';

export type AwsFileChange = {
	file: LoadedAwsFile;
	/** The same edit whatever the file holds by the time it is written. */
	edit: (text: string) => string;
	/** Secret values the new text holds: shown masked as new, never as they are. */
	secrets?: readonly string[];
};

export type AwsWriteOutcome = {
	/** Something differed from what is on disk. */
	changed: boolean;
	/** The files written (empty on a dry run, a "no", or when nothing changed). */
	written: AwsFileWrite[];
};

function diffOf(change: AwsFileChange, after: string): string {
	return awsFileDiff(change.file, after, change.secrets);
}

export async function writeAwsChanges(
	context: CommandContext,
	changes: readonly AwsFileChange[],
	question: string,
): Promise<AwsWriteOutcome> {
	const {io} = context;
	const pending = changes
		.map((change) => ({change, after: change.edit(change.file.text)}))
		.filter(({change, after}) => after !== change.file.text);
	if (pending.length === 0) return {changed: false, written: []};
	for (const {change, after} of pending) io.out(colorDiff(diffOf(change, after), io.color));
	if (context.options.dryRun) {
		io.out('Dry run: nothing was written.');
		return {changed: true, written: []};
	}

	if (!(await io.confirm(question, {defaultYes: true, flag: '--yes'}))) {
		io.out('Nothing was written.');
		return {changed: true, written: []};
	}

	// Asked at a terminal: what was shown is what is written. Otherwise a file changed meanwhile gets the same edit.
	const prompted = io.interactive && !context.options.yes;
	const written: AwsFileWrite[] = [];
	for (const {change} of pending) {
		const result = await context.services.signIn.files.write(change.file, change.edit, {
			replanIfChanged: !prompted,
			onWait: (message) => io.err(message),
		});
		if (result.replanned)
			io.err(`${result.path} changed while ecr-setup worked; the same changes were made to its new content.`);
		if (result.changed) io.out(`Wrote ${result.path}${result.backupPath ? ` (backup: ${result.backupPath})` : ''}.`);
		written.push(result);
	}

	return {changed: true, written};
}
