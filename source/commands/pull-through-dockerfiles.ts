/**
 * `pull-through --dockerfile FILE`: each file read (and checked as BuildKit reads it) before anything is created in
 * AWS, then its FROM lines pointed at the cache (docker/dockerfile-rewrite.ts): the diff shown, a yes, a backup and an
 * atomic write (docker/build-file-write.ts).
 */
import {BuildFileSyntaxError} from '../docker/build-file-types.js';
import {replaceBuildFile} from '../docker/build-file-write.js';
import {dockerfileReferences} from '../docker/dockerfile.js';
import {type CacheTarget, type FromLeft, type FromRewrite, rewriteFromLines} from '../docker/dockerfile-rewrite.js';
import {UsageError, UserError} from '../errors/user-errors.js';
import {readTextFile} from '../files/atomic-file.js';
import {editDiff} from '../lib/diff.js';
import type {CommandContext} from './types.js';

export type LoadedDockerfile = {path: string; text: string};

export type DockerfileOutcome = {
	path: string;
	rewrites: FromRewrite[];
	left: FromLeft[];
	written: boolean;
	backupPath: string | null;
};

function syntaxError(path: string, error: BuildFileSyntaxError): UserError {
	return new UserError(`${path}:${error.line}: ${error.message}`, {
		code: 'build-file.syntax',
		hint: 'Fix the Dockerfile (docker build refuses it too), then run the command again. Nothing was created.',
	});
}

/** Read and check every --dockerfile before anything is created; a missing or malformed one is refused first. */
export async function loadDockerfiles(paths: readonly string[]): Promise<LoadedDockerfile[]> {
	const loaded: LoadedDockerfile[] = [];
	for (const path of paths) {
		const text = await readTextFile(path);
		if (text === undefined) {
			throw new UsageError(`--dockerfile ${path}: there is no such file. Nothing was created.`, {
				code: 'usage.dockerfile-missing',
				hint: 'Give the path of a Dockerfile (or Containerfile), relative to where you run the command.',
			});
		}

		try {
			dockerfileReferences(text);
		} catch (error) {
			if (error instanceof BuildFileSyntaxError) throw syntaxError(path, error);
			throw error;
		}

		loaded.push({path, text});
	}

	return loaded;
}

/** Rewrite each file's FROM lines the cache serves: diff, yes (or --yes), backup, atomic write; --dry-run writes none. */
export async function rewriteDockerfiles(
	context: CommandContext,
	files: readonly LoadedDockerfile[],
	target: CacheTarget,
): Promise<DockerfileOutcome[]> {
	const {io, options} = context;
	const say = (text: string) => (options.json ? io.err(text) : io.out(text));
	const outcomes: DockerfileOutcome[] = [];
	for (const file of files) {
		let result: ReturnType<typeof rewriteFromLines>;
		try {
			result = rewriteFromLines(file.text, target);
		} catch (error) {
			if (error instanceof BuildFileSyntaxError) throw syntaxError(file.path, error);
			throw error;
		}

		const outcome: DockerfileOutcome = {
			path: file.path,
			rewrites: result.rewrites,
			left: result.left,
			written: false,
			backupPath: null,
		};
		outcomes.push(outcome);
		for (const left of result.left) say(`${file.path}:${left.line}: ${left.reference} stays as it is: ${left.reason}.`);
		if (result.rewrites.length === 0) {
			say(`${file.path}: no FROM line pulls from ${target.upstream.title}; nothing to change.`);
			continue;
		}

		say(`\n${editDiff(file.path, file.text, result.text)}`);
		if (options.dryRun) {
			say(`Dry run: ${file.path} was not changed.`);
			continue;
		}

		const count = result.rewrites.length;
		const question = `Point ${count} FROM line${count === 1 ? '' : 's'} of ${file.path} at the cache?`;
		if (!(await io.confirm(question, {defaultYes: true, flag: '--yes'}))) {
			say(`${file.path} was not changed.`);
			continue;
		}

		const written = await replaceBuildFile(file.path, file.text, result.text);
		outcome.written = true;
		outcome.backupPath = written.backupPath ?? null;
		say(`Rewrote ${file.path}${written.backupPath ? ` (the old one is in ${written.backupPath})` : ''}.`);
	}

	return outcomes;
}
