/**
 * The images a Dockerfile (or Containerfile) pulls, read as BuildKit's parser reads it: parser directives at the top
 * (`# syntax=`, `# escape=`), comments, line continuations with the escape character (comment and blank lines inside
 * them skipped), heredoc bodies (`RUN <<EOF … EOF`, not instructions), global ARGs (before the first FROM) expanded in
 * FROM, stage names (`AS name`, any case) that later FROMs and `--from`s name, and `scratch`. Pure: text in, references
 * out; a malformed file throws BuildFileSyntaxError with its line.
 */
import {BuildFileSyntaxError, type NamedReference} from './build-file-types.js';
import {ExpansionError, expandVariables, type Expansion} from './build-variables.js';

export type DockerfileOptions = {
	/** Build arguments (compose's `build.args`): each replaces the default of the global ARG it names. */
	buildArgs?: Readonly<Record<string, string>>;
	/** Named build contexts (compose's `additional_contexts`): a FROM or `--from` naming one uses it, not an image. */
	contexts?: ReadonlySet<string>;
};

const INSTRUCTIONS = new Set([
	'add',
	'arg',
	'cmd',
	'copy',
	'entrypoint',
	'env',
	'expose',
	'from',
	'healthcheck',
	'label',
	'maintainer',
	'onbuild',
	'run',
	'shell',
	'stopsignal',
	'user',
	'volume',
	'workdir',
]);
/** Only these carry heredocs (ONBUILD too, when the instruction it holds is one of them). */
const HEREDOC_INSTRUCTIONS = new Set(['run', 'copy', 'add']);
const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const HEREDOC = /^(\d*)<<(-?)\s*([^<]*)$/;
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;
/** A `$` that starts a variable: BuildKit refuses those in `--from` and in a mount's `from`. */
const VARIABLE = /\$[{A-Za-z_0-9]/;

type Instruction = {keyword: string; flags: string[]; args: string; line: number};

function dockerfileLines(text: string): string[] {
	return text
		.replace(/^\uFEFF/, '')
		.split('\n')
		.map((line) => line.replace(/\r$/, ''));
}

/** The escape character (`\\` unless an `# escape=` directive at the top says `` ` ``). Throws BuildFileSyntaxError. */
export function dockerfileEscape(text: string): string {
	const directives = parserDirectives(dockerfileLines(text), 0);
	const escapeChar = directives.get('escape')?.value ?? '\\';
	if (escapeChar !== '\\' && escapeChar !== '`')
		throw new BuildFileSyntaxError(
			`invalid escape token '${escapeChar}' does not match \` or \\`,
			directives.get('escape')!.line,
		);
	return escapeChar;
}

/** Every image the Dockerfile pulls, in file order. Throws BuildFileSyntaxError. */
export function dockerfileReferences(text: string, options: DockerfileOptions = {}): NamedReference[] {
	const lines = dockerfileLines(text);
	const directives = parserDirectives(lines, 0);
	const escapeChar = dockerfileEscape(text);

	// BuildKit finds the frontend past a shebang line; the escape directive it only honours at the very top.
	const syntax = lines[0]?.startsWith('#!') ? parserDirectives(lines, 1).get('syntax') : directives.get('syntax');
	const found: Array<NamedReference & {stageOrImage?: string}> = [];
	if (syntax) found.push(literal(syntax.line, 'syntax', syntax.value.split(' ')[0]!));

	const globals = new Map<string, Expansion>();
	const stages = new Set<string>();
	let stageCount = 0;
	const continuation = continuationPattern(escapeChar);
	for (let index = 0; index < lines.length; index++) {
		const startLine = index + 1;
		const first = lines[index]!.trimStart();
		let [buffer, ended] = cutContinuation(isComment(first) ? '' : first, continuation);
		if (ended && buffer.length === 0) continue;
		while (!ended && index + 1 < lines.length) {
			index++;
			const raw = lines[index]!;
			if (isComment(raw) || raw.trim() === '') continue;
			const [part, last] = cutContinuation(raw, continuation);
			buffer += part;
			ended = last;
		}

		const instruction = splitInstruction(buffer, escapeChar, startLine);
		if (!INSTRUCTIONS.has(instruction.keyword))
			throw new BuildFileSyntaxError(`unknown instruction: ${instruction.keyword.toUpperCase()}`, startLine);
		if (buffer.includes('<<') && carriesHeredocs(instruction)) {
			for (const heredoc of heredocs(buffer)) {
				const end = lines.findIndex(
					(line, at) => at > index && (heredoc.chomp ? line.replace(/^\t+/, '') : line) === heredoc.name,
				);
				if (end === -1)
					throw new BuildFileSyntaxError(`unterminated heredoc: no line "${heredoc.name}" ends it`, startLine);
				index = end;
			}
		}

		switch (instruction.keyword) {
			case 'arg': {
				if (stageCount === 0) globalArgs(instruction, escapeChar, globals, options.buildArgs ?? {});
				break;
			}

			case 'from': {
				stageCount++;
				const from = fromInstruction(instruction, escapeChar, globals);
				const base = from.base.value;
				const known =
					from.base.missing.length === 0 &&
					(base === 'scratch' || stages.has(base) || options.contexts?.has(base) === true);
				if (!known) found.push({line: startLine, source: 'from', expansion: from.base});
				if (from.stage) stages.add(from.stage);
				break;
			}

			case 'copy': {
				const value = flagValue(instruction, 'from');
				if (value !== undefined)
					found.push({...literal(startLine, 'copy-from', value), stageOrImage: value.toLowerCase()});
				break;
			}

			case 'run': {
				for (const value of mountSources(instruction))
					found.push({...literal(startLine, 'mount-from', value), stageOrImage: value.toLowerCase()});
				break;
			}

			default:
		}
	}

	if (stageCount === 0) throw new BuildFileSyntaxError('no FROM instruction: this is not a Dockerfile', 1);
	// A `--from` may name any stage, one defined further down too; a number is a stage's index.
	return found
		.filter(({stageOrImage}) => {
			if (stageOrImage === undefined) return true;
			if (/^\d+$/.test(stageOrImage) || stageOrImage === 'scratch' || stages.has(stageOrImage)) return false;
			return options.contexts?.has(stageOrImage) !== true;
		})
		.map(({stageOrImage: _, ...reference}) => reference);
}

/** `# name=value` lines at the top, until the first line that is not one. A directive given twice is an error. */
function parserDirectives(lines: string[], start: number): Map<string, {value: string; line: number}> {
	const found = new Map<string, {value: string; line: number}>();
	for (let index = start; index < lines.length; index++) {
		const line = lines[index]!.trimStart();
		if (!line.startsWith('#')) break;
		const match = DIRECTIVE.exec(line.slice(1).trimStart());
		const name = match?.[1]?.toLowerCase();
		if (!match || name === undefined || !DIRECTIVES.has(name)) break;
		if (found.has(name)) throw new BuildFileSyntaxError(`only one ${name} parser directive can be used`, index + 1);
		found.set(name, {value: match[2]!, line: index + 1});
	}

	return found;
}

function isComment(line: string): boolean {
	return line.trimStart().startsWith('#');
}

function continuationPattern(escapeChar: string): RegExp {
	const token = escapeChar === '\\' ? '\\\\' : escapeChar;
	return new RegExp(`([^${token}])${token}[ \\t]*$|^${token}[ \\t]*$`);
}

/** The line without its continuation mark, and whether the instruction ends on it. */
function cutContinuation(line: string, continuation: RegExp): [string, boolean] {
	if (!continuation.test(line)) return [line, true];
	return [line.replace(continuation, '$1'), false];
}

/** Keyword, the leading `--flag` words (unquoted, escapes applied) and the rest, as BuildKit splits an instruction. */
function splitInstruction(text: string, escapeChar: string, line: number): Instruction {
	const trimmed = text.trim();
	const space = /\s/.exec(trimmed);
	const keyword = (space ? trimmed.slice(0, space.index) : trimmed).toLowerCase();
	let rest = space ? trimmed.slice(space.index).trimStart() : '';
	const flags: string[] = [];
	while (rest.startsWith('--')) {
		let word = '';
		let quote: string | undefined;
		let index = 0;
		for (; index < rest.length; index++) {
			const char = rest[index]!;
			if (quote === undefined && /\s/.test(char)) break;
			if (char === quote) quote = undefined;
			else if (quote === undefined && (char === '"' || char === "'")) quote = char;
			else if (char === escapeChar && index + 1 < rest.length) word += rest[++index];
			else word += char;
		}

		rest = rest.slice(index).trimStart();
		if (word === '--') break;
		flags.push(word);
	}

	return {keyword, flags, args: rest, line};
}

function carriesHeredocs(instruction: Instruction): boolean {
	let {keyword, args} = instruction;
	if (keyword === 'onbuild') {
		const sub = splitInstruction(args, '\\', instruction.line);
		keyword = sub.keyword;
		args = sub.args;
	}

	if (!HEREDOC_INSTRUCTIONS.has(keyword)) return false;
	return !isJsonArray(args);
}

function isJsonArray(args: string): boolean {
	if (!args.startsWith('[')) return false;
	try {
		const parsed: unknown = JSON.parse(args);
		return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string');
	} catch {
		return false;
	}
}

/** The heredocs an instruction opens (`<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<EOF`), in order: their bodies follow it. */
function heredocs(text: string): Array<{name: string; chomp: boolean}> {
	const docs: Array<{name: string; chomp: boolean}> = [];
	for (const word of shellWords(text)) {
		const match = HEREDOC.exec(word);
		if (!match || match[3] === '') continue;
		const name = match[3]!.replace(/["']/g, '');
		if (name !== '' && !/\s/.test(name)) docs.push({name, chomp: match[2] === '-'});
	}

	return docs;
}

/** Whitespace-separated words; quoted parts (quotes kept) do not split. */
function shellWords(text: string): string[] {
	const words: string[] = [];
	let word = '';
	let quote: string | undefined;
	for (const char of text) {
		if (quote === undefined && /\s/.test(char)) {
			if (word !== '') words.push(word);
			word = '';
			continue;
		}

		if (char === quote) quote = undefined;
		else if (quote === undefined && (char === '"' || char === "'")) quote = char;
		word += char;
	}

	if (word !== '') words.push(word);
	return words;
}

/** `ARG NAME[=default] …` before the first FROM: the defaults FROM lines expand with (a build argument wins). */
function globalArgs(
	instruction: Instruction,
	escapeChar: string,
	globals: Map<string, Expansion>,
	buildArgs: Readonly<Record<string, string>>,
): void {
	for (const word of shellWords(instruction.args)) {
		const equals = word.indexOf('=');
		const name = equals === -1 ? word : word.slice(0, equals);
		const given = buildArgs[name];
		if (given !== undefined) globals.set(name, {value: given, missing: [], firstMissing: undefined});
		else if (equals !== -1)
			globals.set(name, expand(word.slice(equals + 1), escapeChar, globals, instruction.line, `ARG ${name}`));
	}
}

/** `FROM [--platform=P] IMAGE [AS name]`: the image expanded with the global ARGs, the stage name lower-cased. */
function fromInstruction(
	instruction: Instruction,
	escapeChar: string,
	globals: Map<string, Expansion>,
): {base: Expansion; stage: string | undefined} {
	flagValue(instruction, 'platform');
	const words = instruction.args.split(/\s+/).filter((word) => word !== '');
	if (!(words.length === 1 || (words.length === 3 && words[1]!.toLowerCase() === 'as')))
		throw new BuildFileSyntaxError('FROM requires either one or three arguments (IMAGE [AS NAME])', instruction.line);
	const stage = words[2]?.toLowerCase();
	if (stage !== undefined && !STAGE_NAME.test(stage))
		throw new BuildFileSyntaxError(
			`invalid name for build stage: "${words[2]}", name can't start with a number or contain symbols`,
			instruction.line,
		);
	const base = expand(words[0]!, escapeChar, globals, instruction.line, 'FROM');
	if (base.value === '' && base.missing.length === 0)
		throw new BuildFileSyntaxError(`base name (${words[0]}) should not be blank`, instruction.line);
	return {base, stage};
}

function expand(
	text: string,
	escapeChar: string,
	globals: Map<string, Expansion>,
	line: number,
	where: string,
): Expansion {
	try {
		return expandVariables(text, (name) => globals.get(name), {escape: escapeChar, quotes: true});
	} catch (error) {
		if (error instanceof ExpansionError) throw new BuildFileSyntaxError(`${where}: ${error.message}`, line);
		throw error;
	}
}

/** The value of `--name=value` (the last one given); a string flag without `=` is an error, as in BuildKit. */
function flagValue(instruction: Instruction, name: string): string | undefined {
	let value: string | undefined;
	for (const flag of instruction.flags) {
		if (flag === `--${name}`) throw new BuildFileSyntaxError(`missing a value on flag: ${name}`, instruction.line);
		if (flag.startsWith(`--${name}=`)) value = flag.slice(name.length + 3);
	}

	if (name === 'from' && value !== undefined && VARIABLE.test(value))
		throw new BuildFileSyntaxError(
			'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
			instruction.line,
		);
	return value === '' ? undefined : value;
}

/** The `from=` of each `--mount=type=…,from=…` (comma-separated fields, double quotes as in CSV). */
function mountSources(instruction: Instruction): string[] {
	const sources: string[] = [];
	for (const flag of instruction.flags) {
		if (flag === '--mount') throw new BuildFileSyntaxError('missing a value on flag: mount', instruction.line);
		if (!flag.startsWith('--mount=')) continue;
		for (const field of csvFields(flag.slice('--mount='.length))) {
			const equals = field.indexOf('=');
			if (equals === -1 || field.slice(0, equals).toLowerCase() !== 'from') continue;
			const value = field.slice(equals + 1);
			const dollar = value.indexOf('$');
			if (dollar !== -1 && dollar !== value.length - 1)
				throw new BuildFileSyntaxError(
					"'from' doesn't support variable expansion, define alias stage instead",
					instruction.line,
				);
			if (value !== '') sources.push(value);
		}
	}

	return sources;
}

function csvFields(text: string): string[] {
	const fields: string[] = [];
	let field = '';
	let quoted = false;
	for (let index = 0; index < text.length; index++) {
		const char = text[index]!;
		if (char === '"' && quoted && text[index + 1] === '"') {
			field += '"';
			index++;
		} else if (char === '"') quoted = !quoted;
		else if (char === ',' && !quoted) {
			fields.push(field);
			field = '';
		} else field += char;
	}

	fields.push(field);
	return fields;
}

function literal(line: number, source: NamedReference['source'], value: string): NamedReference {
	return {line, source, expansion: {value, missing: [], firstMissing: undefined}};
}
