/**
 * The smallest textual edit that changes config.json: every byte the change does not need (unknown keys, key order,
 * whitespace, line endings) stays as it was, and inserted lines follow the file's own layout.
 */
import {applyEdits, modify, parseTree, type Edit, type Node} from 'jsonc-parser';
import {editDiff} from '../lib/diff.js';
import {findField, keyOf} from './fields.js';
import {JSON_WHITESPACE} from './parse.js';
import type {ConfigChange, EditPlan, LoadedConfig} from './types.js';

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

/** The text between the start of the line holding `offset` and `offset`. */
function lineTextBefore(text: string, offset: number): string {
	let start = offset;
	while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
	return text.slice(start, offset);
}

function lineIndentAt(text: string, offset: number): string {
	return /^[ \t]*/.exec(lineTextBefore(text, offset))![0];
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
