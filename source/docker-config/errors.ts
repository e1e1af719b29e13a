/**
 * Why config.json cannot be used, and where in it, or why it cannot be read or written: each a UserError that names
 * the file (and line and column when there is one) and says how to fix it.
 */
import {dirname} from 'node:path';
import {UserError} from '../errors/user-errors.js';
import {errorCode} from '../files/errors.js';

export type ConfigErrorReason = 'syntax' | 'encoding' | 'type' | 'invalid-auth' | 'duplicate-key' | 'too-deep';

export type ConfigErrorOptions = {
	file: string;
	line?: number;
	column?: number;
	reason: ConfigErrorReason;
	detail: string;
	hint?: string;
};

/** config.json cannot be used: names the file, line and column, and says how to fix it. Code `docker.config`. */
export class ConfigError extends UserError {
	readonly file: string;
	/** 1-based; undefined when the problem has no position. */
	readonly line: number | undefined;
	/** 1-based, in characters. */
	readonly column: number | undefined;
	readonly reason: ConfigErrorReason;
	/** The problem alone, without the file and position. */
	readonly detail: string;

	constructor(options: ConfigErrorOptions) {
		// file:line:column, as compilers print it (editors and terminals open it there); the next step says it in words.
		const where = options.line === undefined ? options.file : `${options.file}:${options.line}:${options.column ?? 1}`;
		super(`${where}: ${options.detail}.`, {
			code: 'docker.config',
			hint:
				options.hint ??
				`Fix ${options.file} at that spot (docker reads it as strict JSON: no comments, no trailing commas), then run ecr-setup again. ecr-setup wrote nothing.`,
			nextSteps: [
				options.line === undefined
					? `Open ${options.file} in an editor.`
					: `Open ${options.file} in an editor and go to line ${options.line}, column ${options.column ?? 1}.`,
			],
		});
		this.name = 'ConfigError';
		this.file = options.file;
		this.line = options.line;
		this.column = options.column;
		this.reason = options.reason;
		this.detail = options.detail;
	}
}

/** The file is not what it was when ecr-setup read it (e.g. `docker login` ran meanwhile). Code `docker.config.changed`. */
export class ConfigChangedError extends UserError {
	readonly file: string;

	constructor(file: string) {
		super(`${file} changed after ecr-setup read it, so ecr-setup did not write it.`, {
			code: 'docker.config.changed',
			hint: 'Something else (often `docker login`) edited the file meanwhile. Run the command again: it will start from the new content.',
		});
		this.name = 'ConfigChangedError';
		this.file = file;
	}
}

/** A ConfigError at `offset` of `text`: the problem's position, read the way an editor counts lines and columns. */
export function configErrorAt(
	text: string,
	offset: number,
	options: Omit<ConfigErrorOptions, 'line' | 'column'>,
): ConfigError {
	return new ConfigError({...options, ...lineColumnAt(text, offset)});
}

/** 1-based line and column (in code points) of a UTF-16 offset. \n, \r\n and \r end a line. */
export function lineColumnAt(text: string, offset: number): {line: number; column: number} {
	let line = 1;
	let lineStart = 0;
	const end = Math.min(Math.max(offset, 0), text.length);
	for (let index = 0; index < end; index++) {
		const code = text.charCodeAt(index);
		if (code === 10 || (code === 13 && text.charCodeAt(index + 1) !== 10)) {
			line++;
			lineStart = index + 1;
		}
	}

	return {line, column: [...text.slice(lineStart, end)].length + 1};
}

/** Turn an fs failure into a UserError that says what to do; the config file itself is untouched at this point. */
export function fileSystemError(error: unknown, target: string, action: 'read' | 'write'): UserError {
	if (error instanceof UserError) return error;
	const code = errorCode(error);
	const directory = dirname(target);
	const untouched = action === 'write' ? ' The config file was not changed.' : '';
	switch (code) {
		case 'EACCES':
		case 'EPERM': {
			return new UserError(
				`Permission denied: ecr-setup cannot ${action} ${action === 'write' ? `in ${directory}` : target}.${untouched}`,
				{
					code: 'docker.config.permission',
					hint: `Check who owns it (ls -ld ${directory} ${target}). If an earlier \`sudo docker …\` left it owned by root, give it back with \`sudo chown -R "$(id -un)" ${directory}\`, or use another directory with --config DIR.`,
					nextSteps: [`ls -ld ${directory} ${target}`, `sudo chown -R "$(id -un)" ${directory}`],
					cause: error,
				},
			);
		}

		case 'EROFS': {
			return new UserError(
				`${directory} is on a read-only file system, so ecr-setup cannot ${action} there.${untouched}`,
				{
					code: 'docker.config.read-only',
					hint: 'Point docker and ecr-setup at a writable directory: --config DIR, or export DOCKER_CONFIG=DIR.',
					cause: error,
				},
			);
		}

		case 'ENOSPC':
		case 'EDQUOT': {
			return new UserError(`No space left on the device holding ${directory} (${code}).${untouched}`, {
				code: 'docker.config.disk-full',
				hint: `Free some space on that file system (df -h ${directory}), then run the command again.`,
				cause: error,
			});
		}

		case 'EISDIR': {
			return new UserError(`${target} is a directory, not a file.`, {
				code: 'docker.config.not-a-file',
				hint: `Move it away (docker expects a JSON file there), then run the command again.`,
				cause: error,
			});
		}

		case 'ENOTDIR': {
			return new UserError(`A part of ${directory} is a file, not a directory.${untouched}`, {
				code: 'docker.config.not-a-directory',
				hint: 'Check the --config / DOCKER_CONFIG path.',
				cause: error,
			});
		}

		case 'ELOOP': {
			return new UserError(`${target} is a symbolic link loop.`, {
				code: 'docker.config.symlink-loop',
				hint: `Point the link at a real file (ls -l ${target}).`,
				cause: error,
			});
		}

		default: {
			const message = error instanceof Error ? error.message : String(error);
			return new UserError(`Could not ${action} ${target}: ${message}.${untouched}`, {
				code: 'docker.config.io',
				hint: 'Check the file and its directory, then run the command again.',
				cause: error,
			});
		}
	}
}
