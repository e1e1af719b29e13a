/**
 * Every registry a build pulls from, read from its Dockerfiles and compose files: a compose file's services' images
 * and the Dockerfiles of its builds (relative to it), each reference's registry host as docker decides it, and which
 * hosts are ECR's. A file that cannot be read, or is malformed, is a BuildFileError naming the file and line.
 */
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {parseRegistryHost} from '../ecr/hosts.js';
import {DOCKER_HUB_HOST, ImageRefError, isRegistryComponent, parseImageRef, registryHostOf} from '../ecr/image-ref.js';
import {UserError} from '../errors/user-errors.js';
import {errorCode} from '../files/errors.js';
import {
	BuildFileSyntaxError,
	type BuildFilesScan,
	type FoundReference,
	type NamedReference,
	type RegistryUse,
} from './build-file-types.js';
import type {Expansion} from './build-variables.js';
import {composeReferences, type ComposeBuild, type Environment} from './compose-file.js';
import {dockerfileReferences, type DockerfileOptions} from './dockerfile.js';

export type ScanOptions = {
	/** The environment compose interpolates with (a `.env` next to the compose file fills what it lacks). */
	env: Environment;
	/** Reads a file as UTF-8 text; injected by tests. */
	read?: (file: string) => Promise<string>;
};

/** A build file that cannot be read, or says something docker would refuse. Code `build-file`. */
export class BuildFileError extends UserError {
	constructor(
		readonly file: string,
		readonly line: number | undefined,
		detail: string,
		options: {column?: number | undefined; hint?: string; cause?: unknown} = {},
	) {
		// file:line:column, as compilers print it: editors and terminals open the file there.
		const where = [file, line, line === undefined ? undefined : options.column].filter((part) => part !== undefined);
		super(`${where.join(':')}: ${detail.replace(/\.?$/, '.')}`, {
			code: 'build-file',
			hint: options.hint ?? `Fix ${file} there, then run ecr-setup again. ecr-setup wrote nothing.`,
			cause: options.cause,
		});
		this.name = 'BuildFileError';
	}
}

/** Compose files are told apart by name (`*.yml`, `*.yaml`); anything else is read as a Dockerfile. */
export function isComposeFile(file: string): boolean {
	return /\.ya?ml$/i.test(file);
}

/** Read every file and what it leads to (a compose build's Dockerfile). Throws BuildFileError. */
export async function scanBuildFiles(files: readonly string[], options: ScanOptions): Promise<BuildFilesScan> {
	const read = options.read ?? ((file: string) => readFile(file, 'utf8'));
	const scan: BuildFilesScan = {files: [], references: [], unresolved: [], skipped: []};
	for (const file of files) {
		const text = await readText(file, read);
		if (isComposeFile(file)) await scanCompose(scan, file, text, options.env, read);
		else
			addReferences(
				scan,
				file,
				withLines(file, () => dockerfileReferences(text)),
			);
	}

	return scan;
}

async function scanCompose(
	scan: BuildFilesScan,
	file: string,
	text: string,
	environment: Environment,
	read: Read,
): Promise<void> {
	const directory = path.dirname(file);
	const env = {...(await dotEnv(path.join(directory, '.env'), read)), ...definedOnly(environment)};
	const compose = await withLinesAsync(file, () => composeReferences(text, env));
	addReferences(scan, file, compose.references);
	for (const build of compose.builds) {
		const dockerfileOptions: DockerfileOptions = {buildArgs: build.args, contexts: new Set(build.contexts)};
		const inline = build.inline;
		if (inline !== undefined) {
			const references = withLines(file, () => dockerfileReferences(inline, dockerfileOptions), build.inlineLine);
			addReferences(
				scan,
				file,
				references.map((reference) => ({...reference, line: build.inlineLine + reference.line})),
			);
			continue;
		}

		const target = dockerfileOf(file, build);
		if ('skipped' in target) {
			scan.skipped.push({file, line: build.line, service: build.service, reason: target.skipped});
			continue;
		}

		const found = await readFirst(target.candidates, read, file, build);
		addReferences(
			scan,
			found.file,
			withLines(found.file, () => dockerfileReferences(found.text, dockerfileOptions)),
		);
	}
}

type Read = (file: string) => Promise<string>;

/** The first of the candidate Dockerfiles there is; none: the error names the compose file's line and the first. */
async function readFirst(
	candidates: string[],
	read: Read,
	composeFile: string,
	build: ComposeBuild,
): Promise<{file: string; text: string}> {
	for (const candidate of candidates) {
		let text: string;
		try {
			text = await read(candidate);
		} catch (error) {
			const missing = errorCode(error) === 'ENOENT';
			if (missing && candidate !== candidates.at(-1)) continue;
			const what = `services.${build.service}.build: cannot read ${missing ? candidates[0] : candidate}`;
			throw readError(composeFile, build.line, error, what);
		}

		return {file: candidate, text: textOnly(candidate, text)};
	}

	throw new Error('no candidate Dockerfile');
}

function addReferences(scan: BuildFilesScan, file: string, references: NamedReference[]): void {
	if (!scan.files.includes(file)) scan.files.push(file);
	for (const reference of references) record(scan, file, reference);
}

/** The registries of a scan, each with its references, in the order the files first name them. */
export function registryUses(scan: BuildFilesScan): RegistryUse[] {
	const uses = new Map<string, RegistryUse>();
	for (const reference of scan.references) {
		const use = uses.get(reference.host) ?? {
			host: reference.host,
			ecr: parseRegistryHost(reference.host),
			references: [],
		};
		use.references.push(reference);
		uses.set(reference.host, use);
	}

	return [...uses.values()];
}

/**
 * The registry host of an expanded reference. With a variable unset, the host is still known when it comes before
 * the variable (`host/app:${TAG}`), or when the variable is in the tag of a Docker Hub name (`golang:${VERSION}`).
 * Throws ImageRefError for a complete reference that is malformed.
 */
export function hostOfExpansion(expansion: Expansion): string | undefined {
	const {value, firstMissing} = expansion;
	if (firstMissing === undefined) return registryHostOf(parseImageRef(value));
	const known = value.slice(0, firstMissing);
	const slash = known.indexOf('/');
	if (slash !== -1) {
		const first = known.slice(0, slash);
		return registryHostOf({registry: isRegistryComponent(first) ? first : undefined});
	}

	return /[:@]/.test(known) && !value.slice(firstMissing).includes('/') ? DOCKER_HUB_HOST : undefined;
}

function record(scan: BuildFilesScan, file: string, reference: NamedReference): void {
	const {line, source, expansion} = reference;
	let host: string | undefined;
	try {
		host = hostOfExpansion(expansion);
	} catch (error) {
		if (error instanceof ImageRefError)
			throw new BuildFileError(file, line, `"${expansion.value}" is not a valid image reference: ${error.message}`);
		throw error;
	}

	if (host === undefined) {
		scan.unresolved.push({file, line, source, reference: expansion.value, missing: expansion.missing});
		return;
	}

	const found: FoundReference = {file, line, source, reference: expansion.value, host};

	const duplicate = scan.references.some(
		(other) => other.file === file && other.line === line && other.reference === found.reference,
	);
	if (!duplicate) scan.references.push(found);
}

/** Where a compose build's Dockerfile is: the named one, else `Dockerfile`, else `Containerfile` (podman's name). */
function dockerfileOf(composeFile: string, build: ComposeBuild): {candidates: string[]} | {skipped: string} {
	const {context, dockerfile} = build;
	if (context.missing.length > 0)
		return {skipped: `its build context (${context.value}) uses unset variables: ${context.missing.join(', ')}`};
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(context.value) || /^git@|^github\.com\/|\.git(#.*)?$/.test(context.value))
		return {skipped: `its build context is remote (${context.value}); pass its Dockerfile with --from-file`};
	if (dockerfile?.missing.length)
		return {skipped: `its dockerfile (${dockerfile.value}) uses unset variables: ${dockerfile.missing.join(', ')}`};
	const directory = path.join(path.dirname(composeFile), context.value);
	const names = dockerfile ? [dockerfile.value] : ['Dockerfile', 'Containerfile'];
	return {candidates: names.map((name) => (path.isAbsolute(name) ? name : path.join(directory, name)))};
}

async function readText(file: string, read: Read): Promise<string> {
	try {
		return textOnly(file, await read(file));
	} catch (error) {
		throw error instanceof BuildFileError ? error : readError(file, undefined, error);
	}
}

/** A NUL byte: an image archive or a binary passed by mistake, which no parser should be shown. */
function textOnly(file: string, text: string): string {
	if (text.includes('\u0000'))
		throw new BuildFileError(file, undefined, 'it is not a text file', {
			hint: 'Pass a Dockerfile, a Containerfile or a compose file (*.yml, *.yaml).',
		});
	return text;
}

/** `what` leads the message when the file read is not the one named (a compose build's Dockerfile). */
function readError(file: string, line: number | undefined, error: unknown, what?: string): BuildFileError {
	const code = errorCode(error);
	const why =
		code === 'ENOENT'
			? 'there is no such file'
			: code === 'EACCES' || code === 'EPERM'
				? 'permission denied'
				: code === 'EISDIR'
					? 'it is a directory'
					: error instanceof Error
						? error.message
						: String(error);
	const hint =
		code === 'EISDIR'
			? 'Name the Dockerfile or compose file in it.'
			: 'Check the path (a relative one is from the directory ecr-setup runs in; a compose build’s from the compose file). ecr-setup wrote nothing.';
	return new BuildFileError(file, line, what ? `${what}: ${why}` : why, {hint, cause: error});
}

/** A syntax error of the text, as a BuildFileError naming the file; `offset` moves lines of an inline Dockerfile. */
function withLines<T>(file: string, parse: () => T, offset = 0): T {
	try {
		return parse();
	} catch (error) {
		throw located(file, error, offset);
	}
}

async function withLinesAsync<T>(file: string, parse: () => Promise<T>): Promise<T> {
	try {
		return await parse();
	} catch (error) {
		throw located(file, error, 0);
	}
}

function located(file: string, error: unknown, offset: number): unknown {
	if (!(error instanceof BuildFileSyntaxError)) return error;
	const line = error.line + offset;
	return new BuildFileError(file, line, error.message, {column: error.column});
}

/** A compose `.env`: `NAME=value` lines (`export` allowed, quotes dropped, `#` comments); none there: nothing. */
async function dotEnv(file: string, read: Read): Promise<Record<string, string>> {
	let text: string;
	try {
		text = await read(file);
	} catch {
		return {};
	}

	const values: Record<string, string> = {};
	for (const line of text.split(/\r?\n/)) {
		const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/.exec(line);
		if (!match) continue;
		const raw = match[2]!;
		const quoted = /^(["'])(.*)\1$/.exec(raw);
		values[match[1]!] = quoted ? quoted[2]! : raw.replace(/\s+#.*$/, '');
	}

	return values;
}

function definedOnly(env: Environment): Record<string, string> {
	return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** `file:line` of the first few references (relative to `directory` when given), so a long list stays one line. */
export function referencePlaces(references: readonly FoundReference[], directory?: string): string {
	const name = (file: string) => (directory ? path.relative(directory, file) || file : file);
	const shown = references.slice(0, 3).map((reference) => `${name(reference.file)}:${reference.line}`);
	const more = references.length - shown.length;
	return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}
