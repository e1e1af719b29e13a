/**
 * The AWS config and credentials files as text: sections and their keys read the way the SDK's own INI parser reads
 * them (inline comments after whitespace, indented sub-sections such as `s3 =`), and edits that change only the lines
 * they must. Every other byte — comments, blank lines, line endings, sections and keys ecr-setup does not know — stays.
 */

export type IniEntry = {key: string; value: string; line: number};

export type IniSection = {
	/** Normalised: `profile dev`, `sso-session corp`, `default` (brackets, extra spaces and quotes removed). */
	name: string;
	headerLine: number;
	/** Top-level keys, in file order (a sub-section's indented keys are not among them). */
	entries: IniEntry[];
	/** The line after the section's last line. */
	end: number;
};

export type IniDocument = {
	/** Each line with its own line ending, so that joining them gives the text back byte for byte. */
	lines: string[];
	sections: IniSection[];
	/** The line ending new lines get: the file's own (CRLF when it has any). */
	eol: '\n' | '\r\n';
};

export type IniEdit =
	| {kind: 'set'; section: string; key: string; value: string}
	| {kind: 'remove'; section: string; key: string};

const HEADER = /^\s*\[([^\]]*)\]\s*(?:[#;].*)?$/;

/** What is left of a line once the SDK strips its comment: `#` or `;` at the start or after whitespace. */
function withoutComment(line: string): string {
	return line.split(/(?:^|\s)[;#]/)[0]!.trim();
}

/** `[ profile  "dev" ]` and `[profile dev]` are the same section to the SDK. */
export function normaliseSectionName(raw: string): string {
	const trimmed = raw.trim();
	const match = /^([\w-]+)\s+(["']?)(.*)\2$/.exec(trimmed);
	return match ? `${match[1]} ${match[3]}` : trimmed;
}

function splitLines(text: string): string[] {
	return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function stripEol(line: string): string {
	return line.replace(/\r?\n$/, '');
}

export function parseIni(text: string): IniDocument {
	const lines = splitLines(text);
	const sections: IniSection[] = [];
	let current: IniSection | undefined;
	let inSubSection = false;
	lines.forEach((raw, index) => {
		const line = stripEol(raw);
		const header = HEADER.exec(line);
		if (header) {
			if (current) current.end = index;
			current = {name: normaliseSectionName(header[1]!), headerLine: index, entries: [], end: lines.length};
			sections.push(current);
			inSubSection = false;
			return;
		}

		if (!current) return;
		const content = withoutComment(line);
		const equals = content.indexOf('=');
		if (equals <= 0) return;
		const key = content.slice(0, equals).trim();
		const value = content.slice(equals + 1).trim();
		const indented = line.trimStart() !== line;
		if (inSubSection && indented) return;
		inSubSection = value === '';
		current.entries.push({key, value, line: index});
	});
	return {lines, sections, eol: text.includes('\r\n') ? '\r\n' : '\n'};
}

/** Every occurrence of a section (the SDK merges them, later keys winning). */
export function sectionsNamed(document: IniDocument, name: string): IniSection[] {
	return document.sections.filter((section) => section.name === name);
}

/** A section's keys merged as the SDK merges them; undefined when there is no such section. */
export function sectionValues(document: IniDocument, name: string): Record<string, string> | undefined {
	const found = sectionsNamed(document, name);
	if (found.length === 0) return undefined;
	const values: Record<string, string> = {};
	for (const section of found) for (const entry of section.entries) values[entry.key] = entry.value;
	return values;
}

/** Every section name once, in file order. */
export function sectionNames(document: IniDocument): string[] {
	return [...new Set(document.sections.map((section) => section.name))];
}

/**
 * A value ecr-setup writes must read back the same and must not open a new line or section: no line breaks, no
 * whitespace at either end, no `#`/`;` after whitespace (the SDK would cut it off there).
 */
export function assertIniValue(value: string, what: string): void {
	if (/[\r\n]/.test(value) || value !== value.trim() || /\s[#;]/.test(value) || value === '') {
		throw new Error(`${what} cannot be written to an AWS config file as it is: ${JSON.stringify(value)}`);
	}
}

/** A section name ecr-setup writes: the SDK reads `[prefix name]` only when the name is of these characters. */
export function assertSectionName(name: string): void {
	const match = /^(?:([\w-]+) )?([\w@+.%:/-]+)$/.exec(name);
	if (!match) throw new Error(`"${name}" cannot be a section of an AWS config file`);
}

/** The part of a key line after `=` and its spaces, split into the value and what follows it (an inline comment). */
function replaceValue(line: string, value: string): string {
	const eol = /\r?\n$/.exec(line)?.[0] ?? '';
	const body = stripEol(line);
	const equals = body.indexOf('=');
	const before = body.slice(0, equals + 1);
	const after = body.slice(equals + 1);
	const comment = /\s+[#;].*$/.exec(after)?.[0] ?? '';
	const spacing = /^\s*/.exec(after)?.[0] || ' ';
	return `${before}${spacing}${value}${comment}${eol}`;
}

/** The line after which a key is added: the section's last line with a key on it (or its header). */
function insertionLine(document: IniDocument, section: IniSection): number {
	for (let index = section.end - 1; index > section.headerLine; index--) {
		const line = withoutComment(stripEol(document.lines[index]!));
		if (line !== '') return index;
	}

	return section.headerLine;
}

function applyOne(document: IniDocument, edit: IniEdit): string[] {
	const lines = [...document.lines];
	const found = sectionsNamed(document, edit.section);
	if (edit.kind === 'remove') {
		const doomed = new Set(
			found.flatMap((section) => section.entries.filter((entry) => entry.key === edit.key).map((entry) => entry.line)),
		);
		return lines.filter((_line, index) => !doomed.has(index));
	}

	assertIniValue(edit.value, `${edit.section} ${edit.key}`);
	const holding = found.filter((section) => section.entries.some((entry) => entry.key === edit.key));
	const last = holding.at(-1);
	if (last) {
		const entry = last.entries.filter((candidate) => candidate.key === edit.key).at(-1)!;
		if (entry.value !== edit.value) lines[entry.line] = replaceValue(lines[entry.line]!, edit.value);
		return lines;
	}

	const newLine = `${edit.key} = ${edit.value}${document.eol}`;
	const target = found.at(-1);
	if (target) {
		const after = insertionLine(document, target);
		// A last line without its line ending gets one before anything follows it.
		if (!/\n$/.test(lines[after]!)) lines[after] += document.eol;
		lines.splice(after + 1, 0, newLine);
		return lines;
	}

	assertSectionName(edit.section);
	const final = lines.length - 1;
	if (final >= 0 && !/\n$/.test(lines[final]!)) lines[final] += document.eol;
	if (lines.length > 0 && stripEol(lines.at(-1)!).trim() !== '') lines.push(document.eol);
	lines.push(`[${edit.section}]${document.eol}`, newLine);
	return lines;
}

/** The text with the edits made, one after another; the same text when they change nothing. */
export function applyIniEdits(text: string, edits: readonly IniEdit[]): string {
	let current = text;
	for (const edit of edits) current = applyOne(parseIni(current), edit).join('');
	return current;
}
