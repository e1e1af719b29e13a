/**
 * Docker's client config file (`config.json`), as pure functions: where it lives, how docker reads it, which credential
 * store serves a registry host, and the smallest textual edit that changes it. Nothing here touches the disk
 * (see `source/docker-config/service.ts`).
 *
 * Fidelity notes (docker/cli `cli/config`):
 * - docker decodes the file with Go's encoding/json: strict JSON (no BOM, comments or trailing commas), field names matched
 *   case-insensitively (`"CredHelpers"` works), duplicate keys allowed (the last wins). ecr-setup reads it the same way, but
 *   refuses a file where two keys name the same credential setting, because an edit to one of them would be ambiguous.
 * - An empty (or whitespace-only) file, and a file holding just `null`, are an empty config for docker and for us.
 * - Nesting deeper than MAX_NESTING is refused (docker's limit is 10000; no real config comes near either).
 */
import {posix as posixPath, win32 as win32Path} from 'node:path';
import {
	applyEdits,
	createScanner,
	modify,
	parseTree,
	visit,
	type Edit,
	type Node,
	type ParseErrorCode,
} from 'jsonc-parser';
import {editDiff} from '../lib/diff.js';
import {UserError} from '../errors/user-errors.js';
import type {ConfigChange, DockerConfigData, EditPlan, LoadedConfig, StoreResolution} from './types.js';

export const CONFIG_FILE_NAME = 'config.json';
export const BACKUP_INFIX = '.ecr-setup-backup-';
export const MAX_NESTING = 1000;

// ───────────────────────────── errors ─────────────────────────────

export type ConfigErrorReason = 'syntax' | 'encoding' | 'type' | 'invalid-auth' | 'duplicate-key' | 'too-deep';

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

	constructor(options: {
		file: string;
		line?: number;
		column?: number;
		reason: ConfigErrorReason;
		detail: string;
		hint?: string;
	}) {
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

// ───────────────────────────── location ─────────────────────────────

export type LocateInput = {
	/** The `--config DIR` flag. */
	flag?: string | undefined;
	env?: Record<string, string | undefined>;
	/** os.homedir(). */
	home: string;
	platform?: string;
};

/** `--config` > `DOCKER_CONFIG` > `~/.docker` (Windows: `%USERPROFILE%\.docker`). Empty values count as unset, as in docker. */
export function locateConfigDir(input: LocateInput): string {
	if (input.flag) return input.flag;
	const env = input.env ?? {};
	if (env['DOCKER_CONFIG']) return env['DOCKER_CONFIG'];
	if (input.platform === 'win32') return win32Path.join(env['USERPROFILE'] || input.home, '.docker');
	return posixPath.join(input.home, '.docker');
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

// ───────────────────────────── parsing ─────────────────────────────

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
		const {line, column} = lineColumnAt(before, before.length);
		throw new ConfigError({
			file: path,
			line,
			column,
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
	const {line, column} = lineColumnAt(text, offset);
	return new ConfigError({file: path, line, column, reason: 'syntax', detail});
}

/** Whitespace JSON allows between tokens. jsonc-parser also accepts a BOM, NBSP and other Unicode spaces; Go does not. */
const JSON_WHITESPACE = /^[ \t\n\r]*$/;

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
				const {line, column} = lineColumnAt(text, scanner.getTokenOffset());
				throw new ConfigError({
					file: path,
					line,
					column,
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

type FieldType = 'string' | 'string-map' | 'string-array' | 'object-map' | 'string-map-map';

/** Fields docker's ConfigFile decodes, with the JSON shape Go insists on (null is always fine). */
const KNOWN_FIELDS: Record<string, FieldType> = {
	auths: 'object-map',
	credHelpers: 'string-map',
	credsStore: 'string',
	HttpHeaders: 'string-map',
	psFormat: 'string',
	imagesFormat: 'string',
	networksFormat: 'string',
	pluginsFormat: 'string',
	volumesFormat: 'string',
	statsFormat: 'string',
	detachKeys: 'string',
	serviceInspectFormat: 'string',
	servicesFormat: 'string',
	tasksFormat: 'string',
	secretFormat: 'string',
	configFormat: 'string',
	nodesFormat: 'string',
	pruneFilters: 'string-array',
	proxies: 'object-map',
	currentContext: 'string',
	cliPluginsExtraDirs: 'string-array',
	plugins: 'string-map-map',
	aliases: 'string-map',
	features: 'string-map',
	experimental: 'string',
};

/** Fields of one `auths` entry (docker's AuthConfig), all strings. */
const AUTH_ENTRY_FIELDS = ['username', 'password', 'auth', 'email', 'serveraddress', 'identitytoken', 'registrytoken'];

/** The settings whose duplicates make an edit ambiguous. */
const EDITED_FIELDS = new Set(['auths', 'credHelpers', 'credsStore']);

function describeNode(node: Node): string {
	if (node.type === 'property') return describeNode(node.children![1]!);
	return node.type === 'object'
		? 'an object'
		: node.type === 'array'
			? 'an array'
			: node.type === 'null'
				? 'null'
				: `a ${node.type}`;
}

/** The property node of an object whose key matches `field` as Go matches it (exact first, then case-insensitive). */
export function findField(object: Node | undefined, field: string): Node | undefined {
	if (object?.type !== 'object') return undefined;
	const properties = object.children ?? [];
	let folded: Node | undefined;
	for (const property of properties) {
		const key = property.children![0]!.value as string;
		if (key === field) return property;
		if (!folded && key.toLowerCase() === field.toLowerCase()) folded = property;
	}

	return folded;
}

function keyOf(property: Node): string {
	return property.children![0]!.value as string;
}

function validateTypes(text: string, path: string, root: Node): void {
	const fail = (at: Node, detail: string): never => {
		const {line, column} = lineColumnAt(text, at.offset);
		throw new ConfigError({
			file: path,
			line,
			column,
			reason: 'type',
			detail,
			hint: `Give that key the type docker expects (see the message), or remove it, then run ecr-setup again. ecr-setup wrote nothing.`,
		});
	};

	const duplicate = (first: Node, second: Node, where: string): never => {
		const {line} = lineColumnAt(text, first.offset);
		const {line: secondLine, column} = lineColumnAt(text, second.offset);
		throw new ConfigError({
			file: path,
			line: secondLine,
			column,
			reason: 'duplicate-key',
			detail: `${where} "${keyOf(second)}" appears twice (first on line ${line}); docker would silently use the last one`,
			hint: `Keep one of the two entries in ${path}, then run ecr-setup again. ecr-setup wrote nothing.`,
		});
	};

	if (root.type === 'null') return;
	if (root.type !== 'object') fail(root, `the top level must be a JSON object ({ … }), not ${describeNode(root)}`);

	const seen = new Map<string, Node>();
	for (const property of root.children ?? []) {
		const key = keyOf(property);
		const field =
			Object.keys(KNOWN_FIELDS).find((name) => name === key) ??
			Object.keys(KNOWN_FIELDS).find((name) => name.toLowerCase() === key.toLowerCase());
		if (!field) continue;
		if (EDITED_FIELDS.has(field)) {
			const earlier = seen.get(field);
			if (earlier) duplicate(earlier, property, 'the key');
			seen.set(field, property);
		}

		const value = property.children![1]!;
		if (value.type === 'null') continue;
		const keyNode = property.children![0]!;
		const shape = KNOWN_FIELDS[field]!;
		const label = key === field ? `"${key}"` : `"${key}" (docker reads it as "${field}")`;
		if (shape === 'string') {
			if (value.type !== 'string') fail(keyNode, `${label} must be a string, not ${describeNode(value)}`);
			continue;
		}

		if (shape === 'string-array') {
			if (value.type !== 'array') fail(keyNode, `${label} must be an array of strings, not ${describeNode(value)}`);
			for (const item of value.children ?? []) {
				if (item.type !== 'string' && item.type !== 'null')
					fail(item, `${label} must hold only strings, not ${describeNode(item)}`);
			}

			continue;
		}

		if (value.type !== 'object') fail(keyNode, `${label} must be an object, not ${describeNode(value)}`);
		const entries = new Map<string, Node>();
		for (const entry of value.children ?? []) {
			const entryKey = keyOf(entry);
			const entryValue = entry.children![1]!;
			if (field === 'credHelpers' || field === 'auths') {
				const earlier = entries.get(entryKey);
				if (earlier) duplicate(earlier, entry, `the ${field} entry`);
				entries.set(entryKey, entry);
			}

			if (entryValue.type === 'null') continue;
			const entryLabel = `${label} entry "${entryKey}"`;
			if (shape === 'string-map' && entryValue.type !== 'string') {
				fail(
					entry,
					`${entryLabel} must be a string${field === 'credHelpers' ? ' (a helper name such as "ecr-login")' : ''}, not ${describeNode(entryValue)}`,
				);
			}

			if (shape === 'object-map' || shape === 'string-map-map') {
				if (entryValue.type !== 'object')
					fail(entry, `${entryLabel} must be an object, not ${describeNode(entryValue)}`);
				for (const inner of entryValue.children ?? []) {
					const innerValue = inner.children![1]!;
					const checkString =
						shape === 'string-map-map' || field === 'proxies' || AUTH_ENTRY_FIELDS.includes(keyOf(inner));
					if (checkString && innerValue.type !== 'string' && innerValue.type !== 'null') {
						fail(inner, `${entryLabel}: "${keyOf(inner)}" must be a string, not ${describeNode(innerValue)}`);
					}

					if (field === 'auths' && keyOf(inner) === 'auth' && !authDecodes(innerValue.value)) {
						// docker's LoadFromReader fails on it, and then ignores the rest of the file.
						const {line, column} = lineColumnAt(text, innerValue.offset);
						throw new ConfigError({
							file: path,
							line,
							column,
							reason: 'invalid-auth',
							detail: `${entryLabel}: "auth" is not base64 of "user:password", so docker cannot load this file`,
							hint: `Remove that "auth" value (or log in again with \`docker login ${entryKey}\`), then run ecr-setup again. ecr-setup wrote nothing.`,
						});
					}
				}
			}
		}
	}
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

// ───────────────────────────── store resolution ─────────────────────────────

/**
 * docker's ConvertToHostname: `https://host:5000/v1/` → `host:5000`; `host/path` → `host`. The scheme is stripped,
 * the path too, the port kept, letter case kept.
 */
export function hostnameOfAuthKey(key: string): string {
	const scheme = key.indexOf('://');
	if (scheme !== -1) {
		let rest = key.slice(scheme + 3);
		rest = rest.split(/[/?#]/, 1)[0] ?? '';
		const at = rest.lastIndexOf('@');
		if (at !== -1) rest = rest.slice(at + 1);
		if (rest !== '' && !rest.startsWith(':')) return rest;
	}

	return key.split('/', 1)[0] ?? '';
}

/** Go decodeAuth: base64 "user:password" with a non-empty user; undefined for an empty string. */
function authDecodes(auth: unknown): boolean {
	if (auth === undefined || auth === null || auth === '') return true;
	if (typeof auth !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(auth) || auth.length % 4 !== 0) return false;
	const decoded = Buffer.from(auth, 'base64').toString('latin1');
	const colon = decoded.indexOf(':');
	return colon > 0;
}

/** The `auths` of DOCKER_AUTH_CONFIG, or undefined when unset, empty or unreadable (docker then ignores it). */
export function envAuthConfigs(env: Record<string, string | undefined>): Record<string, unknown> | undefined {
	const value = env['DOCKER_AUTH_CONFIG'];
	if (!value) return undefined;
	let parsed: unknown;
	try {
		parsed = JSON.parse(value);
	} catch {
		return undefined;
	}

	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
	const record = parsed as Record<string, unknown>;
	const key =
		Object.keys(record).find((name) => name === 'auths') ??
		Object.keys(record).find((name) => name.toLowerCase() === 'auths');
	const auths = key === undefined ? undefined : record[key];
	if (auths === undefined || auths === null) return {};
	if (typeof auths !== 'object' || Array.isArray(auths)) return undefined;
	for (const entry of Object.values(auths as Record<string, unknown>)) {
		if (entry === null) continue;
		if (typeof entry !== 'object' || Array.isArray(entry)) return undefined;
		if (!authDecodes((entry as Record<string, unknown>)['auth'])) return undefined;
	}

	return auths as Record<string, unknown>;
}

/** docker's ContainsAuth: false when the file sets no credsStore, no credHelpers and no auths (empty maps count as none). */
export function containsAuth(data: DockerConfigData): boolean {
	return (
		(typeof data.credsStore === 'string' && data.credsStore !== '') ||
		Object.keys(data.credHelpers ?? {}).length > 0 ||
		Object.keys(data.auths ?? {}).length > 0
	);
}

/**
 * The store docker picks by itself when the file configures none (credentials.DetectDefaultStore): macOS `osxkeychain`,
 * Windows `wincred`, Linux `pass` when the `pass` program exists, else `secretservice`. Docker uses it only if
 * `docker-credential-<name>` is on PATH: the caller checks that and passes the name to resolveStore as `platformDefault`.
 */
export function platformDefaultStore(platform: string, hasPass: boolean): string | undefined {
	if (platform === 'darwin') return 'osxkeychain';
	if (platform === 'win32') return 'wincred';
	if (platform === 'linux' || platform === 'freebsd') return hasPass ? 'pass' : 'secretservice';
	return undefined;
}

export type ResolveStoreOptions = {
	/**
	 * The platform default helper (see platformDefaultStore) when its `docker-credential-<name>` binary exists.
	 * Used only when the file configures no store at all (docker's ContainsAuth is false).
	 */
	platformDefault?: string | undefined;
};

/**
 * Which store docker uses for `host` (docker/cli GetCredentialsStore + the store's Get):
 * 1. DOCKER_AUTH_CONFIG whose `auths` has the exact key `host` (set, non-empty and readable);
 * 2. `credHelpers[host]`, exact string match (an empty helper name means the file store);
 * 3. `credsStore` (or the platform default when the file configures nothing);
 * 4. the file store: `auths[host]`, else the first key (in file order) whose hostname equals `host`.
 */
export function resolveStore(
	data: DockerConfigData,
	host: string,
	env: Record<string, string | undefined> = {},
	options: ResolveStoreOptions = {},
): StoreResolution {
	const envAuths = envAuthConfigs(env);
	if (envAuths && Object.hasOwn(envAuths, host)) {
		return {kind: 'env', variable: 'DOCKER_AUTH_CONFIG', authKey: host};
	}

	const helpers = data.credHelpers;
	if (helpers && host !== '' && Object.hasOwn(helpers, host)) {
		const helper = helpers[host] ?? '';
		if (helper !== '') return {kind: 'helper', helper, source: 'credHelpers', key: host};
		return fileStore(data, host);
	}

	if (typeof data.credsStore === 'string' && data.credsStore !== '') {
		return {kind: 'helper', helper: data.credsStore, source: 'credsStore'};
	}

	if (!containsAuth(data) && options.platformDefault) {
		return {kind: 'helper', helper: options.platformDefault, source: 'platform-default'};
	}

	return fileStore(data, host);
}

function fileStore(data: DockerConfigData, host: string): StoreResolution {
	const auths = data.auths ?? {};
	let authKey: string | undefined;
	if (Object.hasOwn(auths, host)) authKey = host;
	else authKey = Object.keys(auths).find((key) => hostnameOfAuthKey(key) === host);
	const entry = authKey === undefined ? undefined : auths[authKey];
	const hasAuth = Boolean(
		entry &&
			((typeof entry.auth === 'string' && entry.auth !== '') ||
				(typeof entry.identitytoken === 'string' && entry.identitytoken !== '') ||
				(typeof entry['username'] === 'string' && entry['username'] !== '')),
	);
	return {kind: 'file', authKey, hasAuth};
}

// ───────────────────────────── editing ─────────────────────────────

export type Layout = {indent: string; eol: string; colon: string};

/** The file's own style for inserted lines: its indentation unit (tab when none, as docker writes), line ending and colon spacing. */
export function detectLayout(text: string): Layout {
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	let indent = '\t';
	const lines = text.split(/\r?\n/);
	const spaced = lines
		.map((line) => /^( +)\S/.exec(line)?.[1]?.length)
		.filter((count): count is number => count !== undefined);
	const tabbed = lines.some((line) => /^\t+\S/.test(line));
	if (!tabbed && spaced.length > 0) indent = ' '.repeat(spaced.reduce((least, count) => Math.min(least, count)));
	const colon = /"\s*:(\s*)\S/.exec(text)?.[1] === '' ? ':' : ': ';
	return {indent, eol, colon};
}

function lineIndentAt(text: string, offset: number): string {
	let start = offset;
	while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
	return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

/** JSON text for a value, laid out like the file: multi-line objects at `base` indentation, or all on one line. */
function render(value: unknown, layout: Layout, base: string, multiline: boolean): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value);
	const entries = Object.entries(value as Record<string, unknown>);
	if (entries.length === 0) return '{}';
	const inner = base + layout.indent;
	if (!multiline)
		return `{${entries.map(([key, item]) => `${JSON.stringify(key)}${layout.colon}${render(item, layout, inner, false)}`).join(', ')}}`;
	const body = entries.map(
		([key, item]) => `${inner}${JSON.stringify(key)}${layout.colon}${render(item, layout, inner, true)}`,
	);
	return `{${layout.eol}${body.join(`,${layout.eol}`)}${layout.eol}${base}}`;
}

function isMultiline(text: string, node: Node): boolean {
	return /[\r\n]/.test(text.slice(node.offset, node.offset + node.length)) || node.children?.length === 0;
}

/** Edits adding `"key": value` as the last property of `object`, in the file's layout. */
function insertProperty(text: string, object: Node, key: string, value: unknown, layout: Layout): Edit[] {
	const children = object.children ?? [];
	const closing = object.offset + object.length - 1;
	const objectIndent = lineIndentAt(text, object.offset);
	if (children.length === 0) {
		const inner = text.slice(object.offset + 1, closing);
		if (!/[\r\n]/.test(text) && object.offset > 0) {
			// A one-line file stays on one line (a bare `{}` becomes docker's layout).
			return [
				{
					offset: object.offset + 1,
					length: inner.length,
					content: `${JSON.stringify(key)}${layout.colon}${render(value, layout, '', false)}`,
				},
			];
		}

		const childIndent = objectIndent + layout.indent;
		const content = `${layout.eol}${childIndent}${JSON.stringify(key)}${layout.colon}${render(value, layout, childIndent, true)}${layout.eol}${objectIndent}`;
		return [{offset: object.offset + 1, length: inner.length, content}];
	}

	const last = children.at(-1)!;
	const end = last.offset + last.length;
	if (isMultiline(text, object)) {
		const lastIndent = lineIndentAt(text, last.offset);
		const startsLine = /^[ \t]*$/.test(lineTextBefore(text, last.offset));
		const childIndent = startsLine ? lastIndent : objectIndent + layout.indent;
		return [
			{
				offset: end,
				length: 0,
				content: `,${layout.eol}${childIndent}${JSON.stringify(key)}${layout.colon}${render(value, layout, childIndent, true)}`,
			},
		];
	}

	const separator =
		children.length > 1 ? (/^,\s*/.exec(text.slice(children[0]!.offset + children[0]!.length))?.[0] ?? ', ') : ', ';
	return [
		{
			offset: end,
			length: 0,
			content: `${separator}${JSON.stringify(key)}${layout.colon}${render(value, layout, objectIndent, false)}`,
		},
	];
}

function lineTextBefore(text: string, offset: number): string {
	let start = offset;
	while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
	return text.slice(start, offset);
}

/** Edits removing one property of `object`, with its comma, leaving the neighbours' layout alone. */
function removeProperty(_text: string, object: Node, property: Node): Edit[] {
	const children = object.children ?? [];
	const index = children.indexOf(property);
	if (children.length === 1) {
		const inner = object.offset + 1;
		return [{offset: inner, length: object.offset + object.length - 1 - inner, content: ''}];
	}

	if (index > 0) {
		const previous = children[index - 1]!;
		const begin = previous.offset + previous.length;
		return [{offset: begin, length: property.offset + property.length - begin, content: ''}];
	}

	const next = children[1]!;
	return [{offset: property.offset, length: next.offset - property.offset, content: ''}];
}

function newFileText(value: Record<string, unknown>, layout: Layout): string {
	return `${render(value, layout, '', true)}${layout.eol}`;
}

/** Text after one change; the same text when the change is already in effect. */
function applyChange(text: string, change: ConfigChange): string {
	const layout = detectLayout(text);
	const root = JSON_WHITESPACE.test(text)
		? undefined
		: parseTree(text, [], {disallowComments: true, allowTrailingComma: false});
	const top = root?.type === 'object' ? root : undefined;

	const setIn = (field: 'credHelpers' | 'auths', key: string, value: unknown): string => {
		const property = findField(top, field);
		if (!top) return newFileText({[field]: {[key]: value}}, {...layout, indent: '\t', eol: layout.eol});
		if (!property || property.children![1]!.type === 'null') {
			if (property) {
				const valueNode = property.children![1]!;
				const base = lineIndentAt(text, property.offset);
				return applyEdits(text, [
					{
						offset: valueNode.offset,
						length: valueNode.length,
						content: render({[key]: value}, layout, base, isMultiline(text, top)),
					},
				]);
			}

			return applyEdits(text, insertProperty(text, top, field, {[key]: value}, layout));
		}

		const object = property.children![1]!;
		const existing = object.children?.find((entry) => keyOf(entry) === key);
		if (existing) {
			// Replacing a value in place: jsonc-parser's modify without formatting gives exactly that one edit.
			const path = [keyOf(property), key];
			return applyEdits(text, modify(text, path, value, {}));
		}

		return applyEdits(text, insertProperty(text, object, key, value, layout));
	};

	const removeIn = (field: 'credHelpers' | 'auths', key: string): string => {
		const object = findField(top, field)?.children?.[1];
		const entry = object?.type === 'object' ? object.children?.find((item) => keyOf(item) === key) : undefined;
		if (!object || !entry) return text;
		return applyEdits(text, removeProperty(text, object, entry));
	};

	switch (change.type) {
		case 'set-cred-helper': {
			const current = findField(top, 'credHelpers')?.children?.[1]?.children?.find(
				(entry) => keyOf(entry) === change.host,
			);
			if (current?.children?.[1]?.value === change.helper) return text;
			return setIn('credHelpers', change.host, change.helper);
		}

		case 'remove-cred-helper': {
			return removeIn('credHelpers', change.host);
		}

		case 'remove-auth': {
			return removeIn('auths', change.key);
		}

		case 'set-creds-store': {
			if (!top) return newFileText({credsStore: change.helper}, {...layout, indent: '\t'});
			const property = findField(top, 'credsStore');
			if (!property) return applyEdits(text, insertProperty(text, top, 'credsStore', change.helper, layout));
			if (property.children![1]!.value === change.helper) return text;
			return applyEdits(text, modify(text, [keyOf(property)], change.helper, {}));
		}

		case 'remove-creds-store': {
			const property = findField(top, 'credsStore');
			if (!top || !property) return text;
			return applyEdits(text, removeProperty(text, top, property));
		}
	}
}

/**
 * The smallest textual edit making `changes` true of `config.text`: every other byte (unknown keys, key order, whitespace,
 * line endings) is kept; inserted lines follow the file's indentation (a tab, like docker, when the file has none).
 * A missing or empty file becomes `{\n\t"credHelpers": {…}\n}\n`. `credsStore` is touched only by a change naming it.
 * The config must have come from parseDockerConfig (valid); `changed` is false when the text comes out identical.
 */
export function planEdit(config: LoadedConfig, changes: ConfigChange[]): EditPlan {
	const baseText = config.text;
	let newText = baseText;
	for (const change of changes) newText = applyChange(newText, change);
	const changed = newText !== baseText;
	const diff = changed ? editDiff(config.path, baseText, newText) : '';
	return {changed, newText, diff, changes, baseText};
}

/** `config.json.ecr-setup-backup-2026-11-27T20-50-54-123Z`: sortable, no colons (Windows-safe). */
export function backupFileName(realFileName: string, when: Date): string {
	return `${realFileName}${BACKUP_INFIX}${when.toISOString().replaceAll(':', '-').replace('.', '-')}`;
}

/** The time encoded in a backup name, or undefined when the name is not one of ours. */
export function backupTimeOf(fileName: string): Date | undefined {
	const at = fileName.lastIndexOf(BACKUP_INFIX);
	if (at === -1) return undefined;
	const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z(?:-\d+)?$/.exec(
		fileName.slice(at + BACKUP_INFIX.length),
	);
	if (!match) return undefined;
	const date = new Date(`${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z`);
	return Number.isNaN(date.getTime()) ? undefined : date;
}
