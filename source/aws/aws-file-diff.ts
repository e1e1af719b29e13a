/** A change to the AWS config or credentials file as the user is shown it: a diff with every secret masked. */
import {editDiff, fileDiff} from '../lib/diff.js';
import {redact} from '../lib/redact.js';
import type {LoadedAwsFile} from './aws-files.js';

const SECRET_KEYS =
	/^([ \t]*(?:aws_secret_access_key|aws_session_token|aws_security_token)[ \t]*=[ \t]*)(\S.*?)[ \t]*$/gm;

/** The credentials file as a diff may show it: every secret masked, a new one marked so the change still shows. */
export function maskCredentials(text: string, secrets: readonly string[] = []): string {
	return redact(
		text.replace(
			SECRET_KEYS,
			(_line, key: string, value: string) => `${key}****${secrets.includes(value) ? ' (new)' : ''}`,
		),
		secrets,
	);
}

/** The diff from the file as loaded to `after`; the credentials file's secrets (and `secrets` anywhere) masked. */
export function awsFileDiff(file: LoadedAwsFile, after: string, secrets: readonly string[] = []): string {
	const show = (text: string) => (file.kind === 'credentials' ? maskCredentials(text, secrets) : text);
	return file.exists
		? editDiff(file.path, show(file.text), show(after)).trimEnd()
		: fileDiff(file.path, undefined, show(after));
}
