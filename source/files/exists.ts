/** Whether something is at a path (a file, a directory, a link that resolves); any failure to look counts as no. */
import {constants as fsConstants} from 'node:fs';
import {access} from 'node:fs/promises';

export async function pathExists(path: string): Promise<boolean> {
	try {
		await access(path, fsConstants.F_OK);
		return true;
	} catch {
		return false;
	}
}
