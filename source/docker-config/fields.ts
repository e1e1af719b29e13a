/**
 * The fields of docker's ConfigFile: their names as Go's decoder matches them (exact, else ignoring letter case) and the
 * JSON shapes it insists on. A file that breaks them is one docker cannot load, so ecr-setup refuses it too.
 */
import type {Node} from 'jsonc-parser';
import {configErrorAt, lineColumnAt} from './errors.js';

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
export const EDITED_FIELDS = new Set(['auths', 'credHelpers', 'credsStore']);

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

export function keyOf(property: Node): string {
	return property.children![0]!.value as string;
}

/** Throws a ConfigError at the first value of a known field whose type Go's decoder refuses, or at an ambiguous duplicate. */
export function validateTypes(text: string, path: string, root: Node): void {
	const fail = (at: Node, detail: string): never => {
		throw configErrorAt(text, at.offset, {
			file: path,
			reason: 'type',
			detail,
			hint: `Give that key the type docker expects (see the message), or remove it, then run ecr-setup again. ecr-setup wrote nothing.`,
		});
	};

	const duplicate = (first: Node, second: Node, where: string): never => {
		throw configErrorAt(text, second.offset, {
			file: path,
			reason: 'duplicate-key',
			detail: `${where} "${keyOf(second)}" appears twice (first on line ${lineColumnAt(text, first.offset).line}); docker would silently use the last one`,
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
						throw configErrorAt(text, innerValue.offset, {
							file: path,
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

/** Go decodeAuth: base64 "user:password" with a non-empty user; undefined for an empty string. */
export function authDecodes(auth: unknown): boolean {
	if (auth === undefined || auth === null || auth === '') return true;
	if (typeof auth !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(auth) || auth.length % 4 !== 0) return false;
	const decoded = Buffer.from(auth, 'base64').toString('latin1');
	const colon = decoded.indexOf(':');
	return colon > 0;
}
