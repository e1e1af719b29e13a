/** The one unified diff of the project: what a write will change, shown before anything is written. */
import {createTwoFilesPatch} from 'diff';

/** An edit of an existing file: both headers name it, labelled with what each side is. */
export function editDiff(
	path: string,
	before: string,
	after: string,
	labels = {before: 'before', after: 'after ecr-setup'},
): string {
	return createTwoFilesPatch(path, path, before, after, labels.before, labels.after);
}

/** A generated file against what is on disk (`/dev/null` when there is nothing yet), three lines of context. */
export function fileDiff(displayPath: string, before: string | undefined, content: string): string {
	return createTwoFilesPatch(
		before === undefined ? '/dev/null' : displayPath,
		displayPath,
		before ?? '',
		content,
		undefined,
		undefined,
		{context: 3},
	)
		.replace(/^=+\n/, '')
		.trimEnd();
}
