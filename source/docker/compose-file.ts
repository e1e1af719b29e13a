/**
 * The images a compose file names: every service's `image:`, and each `build:` (a context path, or `context`,
 * `dockerfile`, `dockerfile_inline`, `args` and `additional_contexts`) for the caller to read the Dockerfile of.
 * Values are interpolated as compose does (`${VAR}`, `${VAR:-default}`, `$$`) from the environment it is given. Pure but
 * for loading `yaml` on first use; a malformed file throws BuildFileSyntaxError with its line.
 */
import {BuildFileSyntaxError, type NamedReference} from './build-file-types.js';
import {ExpansionError, expandVariables, type Expansion} from './build-variables.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export type ComposeBuild = {
	service: string;
	/** The line of the service's `build:`. */
	line: number;
	/** The build context, relative to the compose file's directory (or absolute, or a URL). */
	context: Expansion;
	/** The Dockerfile, relative to the context; undefined: the default name. */
	dockerfile: Expansion | undefined;
	/** `dockerfile_inline`, and the line its text starts after (its first line is `inlineLine + 1` for a block). */
	inline: string | undefined;
	inlineLine: number;
	/** Build arguments, interpolated; one given by name alone takes the environment's value. */
	args: Record<string, string>;
	/** Names of `additional_contexts`: a FROM naming one uses that context. */
	contexts: string[];
};

export type ComposeScan = {references: NamedReference[]; builds: ComposeBuild[]};

type Path = Array<string | number>;

/** The images and builds of a compose file. Throws BuildFileSyntaxError. */
export async function composeReferences(text: string, env: Environment): Promise<ComposeScan> {
	// Imported on first use: loading yaml costs about 0.3 s unbundled, and only compose files need it.
	const {LineCounter, parseDocument} = await import('yaml');
	const counter = new LineCounter();
	const document = parseDocument(text, {lineCounter: counter, merge: true, prettyErrors: false, uniqueKeys: true});
	const error = document.errors[0];
	if (error) {
		const position = counter.linePos(error.pos[0]);
		throw new BuildFileSyntaxError(error.message, position.line, position.col);
	}

	let data: unknown;
	try {
		data = document.toJS({maxAliasCount: 1000});
	} catch (cause) {
		throw new BuildFileSyntaxError(cause instanceof Error ? cause.message : String(cause), 1);
	}

	/** The line of the deepest node on `path` the document has (a merged key's own node lives elsewhere). */
	const lineOf = (path: Path): number => {
		for (let length = path.length; length > 0; length--) {
			const node = document.getIn(path.slice(0, length), true) as {range?: [number, number, number]} | undefined;
			if (node?.range) return counter.linePos(node.range[0]).line;
		}

		return 1;
	};

	const interpolate = (value: unknown, path: Path): Expansion => {
		if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
			throw new BuildFileSyntaxError(`${path.join('.')} must be a string`, lineOf(path));
		try {
			return expandVariables(String(value), (name) => {
				const found = env[name];
				return found === undefined ? undefined : {value: found, missing: [], firstMissing: undefined};
			});
		} catch (cause) {
			if (cause instanceof ExpansionError)
				throw new BuildFileSyntaxError(`${path.join('.')}: ${cause.message}`, lineOf(path));
			throw cause;
		}
	};

	if (!isRecord(data) || !('services' in data))
		throw new BuildFileSyntaxError('no "services": this is not a compose file', 1);
	const services = data['services'];
	if (services === null) return {references: [], builds: []};
	if (!isRecord(services)) throw new BuildFileSyntaxError('"services" must be a map', lineOf(['services']));
	const references: NamedReference[] = [];
	const builds: ComposeBuild[] = [];
	for (const [service, definition] of Object.entries(services)) {
		if (definition === null) continue;
		const at: Path = ['services', service];
		if (!isRecord(definition)) throw new BuildFileSyntaxError(`services.${service} must be a map`, lineOf(at));
		const image = definition['image'];
		if (image !== undefined && image !== null)
			references.push({
				line: lineOf([...at, 'image']),
				source: 'compose-image',
				expansion: interpolate(image, [...at, 'image']),
			});
		const build = definition['build'];
		if (build === undefined || build === null) continue;
		const parsed = composeBuild(service, build, [...at, 'build'], {env, interpolate, lineOf});
		builds.push(parsed.build);
		references.push(...parsed.references);
	}

	return {references, builds};
}

type Tools = {
	env: Environment;
	interpolate: (value: unknown, path: Path) => Expansion;
	lineOf: (path: Path) => number;
};

function composeBuild(
	service: string,
	build: unknown,
	at: Path,
	{env, interpolate, lineOf}: Tools,
): {build: ComposeBuild; references: NamedReference[]} {
	const line = lineOf(at);
	if (typeof build === 'string') {
		const context = interpolate(build, at);
		return {
			build: {
				service,
				line,
				context,
				dockerfile: undefined,
				inline: undefined,
				inlineLine: line,
				args: {},
				contexts: [],
			},
			references: [],
		};
	}

	if (!isRecord(build)) throw new BuildFileSyntaxError(`${at.join('.')} must be a path or a map`, line);
	const args: Record<string, string> = {};
	for (const [name, value] of entries(build['args'], [...at, 'args'], lineOf)) {
		// A name without a value passes the environment's value, if it has one.
		const given = value === undefined ? env[name] : interpolate(value, [...at, 'args', name]).value;
		if (given !== undefined) args[name] = given;
	}

	const references: NamedReference[] = [];
	const contexts: string[] = [];
	for (const [name, value] of entries(build['additional_contexts'], [...at, 'additional_contexts'], lineOf)) {
		contexts.push(name);
		if (value === undefined) continue;
		const path = [...at, 'additional_contexts', name];
		const expansion = interpolate(value, path);
		const prefix = 'docker-image://';
		if (!expansion.value.startsWith(prefix)) continue;
		references.push({
			line: lineOf(path),
			source: 'compose-context',
			expansion: {
				value: expansion.value.slice(prefix.length),
				missing: expansion.missing,
				firstMissing: expansion.firstMissing === undefined ? undefined : expansion.firstMissing - prefix.length,
			},
		});
	}

	const inline = build['dockerfile_inline'];
	if (inline !== undefined && typeof inline !== 'string')
		throw new BuildFileSyntaxError(
			`${at.join('.')}.dockerfile_inline must be a string`,
			lineOf([...at, 'dockerfile_inline']),
		);
	const dockerfile = build['dockerfile'];
	return {
		build: {
			service,
			line,
			context: interpolate(build['context'] ?? '.', [...at, 'context']),
			dockerfile:
				dockerfile === undefined || dockerfile === null ? undefined : interpolate(dockerfile, [...at, 'dockerfile']),
			inline: inline === undefined ? undefined : interpolate(inline, [...at, 'dockerfile_inline']).value,
			inlineLine: lineOf([...at, 'dockerfile_inline']),
			args,
			contexts,
		},
		references,
	};
}

/** A compose map (`{NAME: value}`) or list (`[NAME=value, NAME]`) as name and value pairs (no value: undefined). */
function entries(value: unknown, at: Path, lineOf: (path: Path) => number): Array<[string, unknown]> {
	if (value === undefined || value === null) return [];
	if (Array.isArray(value))
		return value.map((item, index) => {
			if (typeof item !== 'string')
				throw new BuildFileSyntaxError(`${at.join('.')} entries must be NAME=VALUE strings`, lineOf([...at, index]));
			const equals = item.indexOf('=');
			return equals === -1 ? [item, undefined] : [item.slice(0, equals), item.slice(equals + 1)];
		});
	if (!isRecord(value)) throw new BuildFileSyntaxError(`${at.join('.')} must be a map or a list`, lineOf(at));
	return Object.entries(value).map(([name, item]) => [name, item ?? undefined]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
