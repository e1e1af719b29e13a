/**
 * Reading config.json as docker does (docker/cli `cli/config`), strictly enough to refuse what docker could not load:
 * - docker decodes the file with Go's encoding/json: strict JSON (no BOM, comments or trailing commas), field names matched
 *   case-insensitively (`"CredHelpers"` works), duplicate keys allowed (the last wins). ecr-setup reads it the same way, but
 *   refuses a file where two keys name the same credential setting, because an edit to one of them would be ambiguous.
 * - An empty (or whitespace-only) file, and a file holding just `null`, are an empty config for docker and for us.
 * - Nesting deeper than MAX_NESTING is refused (docker's limit is 10000; no real config comes near either).
 */
import {createScanner, parseTree, visit, type Node, type ParseErrorCode} from 'jsonc-parser';
import {ConfigError, configErrorAt} from './errors.js';
import {EDITED_FIELDS, findField, keyOf, validateTypes} from './fields.js';
import type {DockerConfigData} from './types.js';

export const MAX_NESTING = 1000;

const decoder = new TextDecoder('utf-8', {fatal: true, ignoreBOM: true});

/** Offset of the first byte that is not well-formed UTF-8, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
	let index = 0;
	while (index < bytes.length) {
		const byte = bytes[index]!;
		if (byte < 0x80) {
			index++;
			continue;
		}

		let length: number;
		let min: number;
		if (byte >= 0xc2 && byte <= 0xdf) [length, min] = [2, 0x80];
		else if (byte >= 0xe0 && byte <= 0xef) [length, min] = [3, 0x800];
		else if (byte >= 0xf0 && byte <= 0xf4) [length, min] = [4, 0x10000];
		else return index;
		if (index + length > bytes.length) return index;
		let codePoint = byte & (0xff >> (length + 1));
		for (let next = 1; next < length; next++) {
			const continuation = bytes[index + next]!;
			if ((continuation & 0xc0) !== 0x80) return index;
			codePoint = (codePoint << 6) | (continuation & 0x3f);
		}

		if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return index;
		index += length;
	}

	return -1;
}

/** Bytes → text, or a ConfigError at the first invalid byte. */
export function decodeConfigBytes(bytes: Uint8Array, path: string): string {
	try {
		return decoder.decode(bytes);
	} catch {
		const bad = firstInvalidUtf8(bytes);
		const at = bad === -1 ? 0 : bad;
		const before = new TextDecoder('utf-8', {ignoreBOM: true}).decode(bytes.subarray(0, at));
		throw configErrorAt(before, before.length, {
			file: path,
			reason: 'encoding',
			detail: `byte ${at} (0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')}) is not valid UTF-8`,
			hint: `Save ${path} as UTF-8 (the file may have been written in another encoding), then run ecr-setup again. ecr-setup wrote nothing.`,
		});
	}
}

const PARSE_MESSAGES: Record<number, string> = {
	1: 'unexpected character',
	2: 'invalid number',
	3: 'expected a property name in double quotes',
	4: 'expected a value',
	5: "expected ':' after the property name",
	6: "expected ',' or a closing bracket",
	7: "expected '}'",
	8: "expected ']'",
	9: 'unexpected content after the end of the JSON document',
	10: 'comments are not allowed in JSON',
	11: 'unterminated comment',
	12: 'unterminated string',
	13: 'unterminated number',
	14: 'invalid \\u escape',
	15: 'invalid escape sequence in a string',
	16: 'control character in a string (it must be escaped)',
};

function syntaxError(text: string, path: string, offset: number, detail: string): ConfigError {
	return configErrorAt(text, offset, {file: path, reason: 'syntax', detail});
}

/** Whitespace JSON allows between tokens. jsonc-parser also accepts a BOM, NBSP and other Unicode spaces; Go does not. */
export const JSON_WHITESPACE = /^[ \t\n\r]*$/;

/** One scanner pass for what jsonc-parser tolerates and Go does not: odd whitespace, a BOM, excessive nesting. */
function checkTokens(text: string, path: string): void {
	if (text.charCodeAt(0) === 0xfeff) {
		throw new ConfigError({
			file: path,
			line: 1,
			column: 1,
			reason: 'encoding',
			detail: 'the file starts with a byte order mark (BOM), which docker does not accept',
			hint: `Save ${path} as UTF-8 without BOM (most editors offer it in the encoding menu), then run ecr-setup again. ecr-setup wrote nothing.`,
		});
	}

	const scanner = createScanner(text, false);
	let depth = 0;
	for (let kind = scanner.scan(); kind !== 17; kind = scanner.scan()) {
		// 15 Trivia, 14 LineBreak: only space, tab, \r, \n are JSON whitespace.
		if ((kind === 15 || kind === 14) && !JSON_WHITESPACE.test(scanner.getTokenValue())) {
			const value = scanner.getTokenValue();
			const bad = [...value].find((char) => !JSON_WHITESPACE.test(char)) ?? value;
			const inner = value.indexOf(bad);
			throw syntaxError(
				text,
				path,
				scanner.getTokenOffset() + Math.max(inner, 0),
				`unexpected character U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} (only spaces, tabs and line breaks may separate JSON tokens)`,
			);
		}

		if (kind === 1 || kind === 3) {
			depth++;
			if (depth > MAX_NESTING) {
				throw configErrorAt(text, scanner.getTokenOffset(), {
					file: path,
					reason: 'too-deep',
					detail: `values are nested more than ${MAX_NESTING} levels deep`,
				});
			}
		} else if (kind === 2 || kind === 4) {
			depth--;
		}
	}
}

/** The scanner reports string errors at the opening quote; point at the bad escape or control character instead. */
function offendingCharInString(text: string, quote: number): number {
	for (let index = quote + 1; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code === 34) break;
		if (code < 0x20) return index;
		if (code !== 92) continue;
		const next = text.charAt(index + 1);
		if (next === 'u') {
			if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) return index;
			index += 5;
		} else if ('"\\/bfnrt'.includes(next) && next !== '') {
			index++;
		} else {
			return index;
		}
	}

	return quote;
}

function checkSyntax(text: string, path: string): Node {
	checkTokens(text, path);
	let first: {offset: number; code: ParseErrorCode} | undefined;
	visit(
		text,
		{
			onError(code, offset) {
				first ??= {offset, code};
			},
		},
		{disallowComments: true, allowTrailingComma: false, allowEmptyContent: false},
	);
	if (first) {
		const {offset, code} = first;
		let detail = PARSE_MESSAGES[code] ?? 'invalid JSON';
		const previous = text.slice(0, offset).trimEnd();
		const here = text.charAt(offset);
		if ((here === '}' || here === ']') && previous.endsWith(',')) {
			detail = `trailing comma before '${here}' (JSON allows none)`;
			throw syntaxError(text, path, previous.length - 1, detail);
		}

		if (code === 1 && here === "'") detail = 'strings must use double quotes (") in JSON, not single quotes';
		const inString = code === 12 || code === 14 || code === 15 || code === 16;
		const at = inString ? offendingCharInString(text, offset) : offset;
		if (code === 12 && /[\r\n]/.test(text.charAt(at)))
			detail = 'line break inside a string (close the string, or write \\n)';
		throw syntaxError(text, path, at, detail);
	}

	// Belt and braces: anything the scanner let through that the JSON grammar forbids.
	try {
		JSON.parse(text);
	} catch (error) {
		const match = /position (\d+)/.exec(String((error as Error).message));
		throw syntaxError(text, path, match ? Number(match[1]) : 0, 'invalid JSON');
	}

	return parseTree(text, [], {disallowComments: true, allowTrailingComma: false})!;
}

/**
 * Parse config.json text (or its raw bytes, which are checked for valid UTF-8) as docker does.
 * Empty or whitespace-only text and `null` are an empty config. Throws ConfigError with file, line and column.
 * Known fields spelled with another letter case (Go matches them case-insensitively) are also exposed under their canonical name.
 */
export function parseDockerConfig(input: string | Uint8Array, path: string): DockerConfigData {
	const text = typeof input === 'string' ? input : decodeConfigBytes(input, path);
	// Go's decoder sees only EOF here; other Unicode spaces (NBSP, a lone BOM) are errors for it, so they go on to the checks.
	if (JSON_WHITESPACE.test(text)) return {};
	const root = checkSyntax(text, path);
	validateTypes(text, path, root);
	const parsed = JSON.parse(text) as unknown;
	if (parsed === null) return {};
	const data = parsed as DockerConfigData;
	for (const field of EDITED_FIELDS) {
		const property = findField(root, field);
		if (!property) continue;
		const key = keyOf(property);
		if (key !== field) data[field] = data[key];
		if (data[field] === null) delete data[field];
	}

	if (data.credHelpers) {
		// Go stores a null map value as the empty string.
		for (const [host, helper] of Object.entries(data.credHelpers)) if (helper === null) data.credHelpers[host] = '';
	}

	if (data.auths) {
		for (const [key, entry] of Object.entries(data.auths)) if (entry === null) data.auths[key] = {};
	}

	return data;
}
