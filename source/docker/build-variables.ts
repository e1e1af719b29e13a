/**
 * `$NAME`, `${NAME}` and the `${NAME…}` modifiers, as a Dockerfile expands them in FROM (with its ARGs) and as compose
 * interpolates its values (with the environment). A variable that has no value is kept as written (`${NAME}`) and
 * reported, so a caller can still read what does not depend on it: the host of `host/app:${TAG}` is known, the host of
 * `${REGISTRY}/app` is not.
 */

export type Expansion = {
	value: string;
	/** Variables that had no value (each once, in order of use). */
	missing: string[];
	/** Where in `value` the first of them stands (undefined when none is missing). */
	firstMissing: number | undefined;
};

/** What a name stands for (an ARG's default is itself an expansion, which may miss variables), or undefined: unset. */
export type Lookup = (name: string) => Expansion | undefined;

export type ExpandOptions = {
	/** The Dockerfile's escape character (`\` or a backtick); compose has none (its only escape is `$$`). */
	escape?: string | undefined;
	/** A Dockerfile word drops its quotes, as its shell-like lexer does; YAML has already unquoted a compose value. */
	quotes?: boolean;
};

export class ExpansionError extends Error {}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Expand every variable of `text`; throws ExpansionError on a malformed `${…}`. */
export function expandVariables(text: string, lookup: Lookup, options: ExpandOptions = {}): Expansion {
	const parser = new Parser(text, lookup, options);
	const result = parser.word(undefined);
	return {...result, missing: [...new Set(result.missing)]};
}

class Parser {
	private index = 0;

	constructor(
		private readonly text: string,
		private readonly lookup: Lookup,
		private readonly options: ExpandOptions,
	) {}

	/** Read up to `stop` (a `}` of the `${…}` being read) or the end. */
	word(stop: string | undefined): Expansion {
		const out = new Builder();
		let quote: string | undefined;
		while (this.index < this.text.length) {
			const char = this.text[this.index]!;
			if (quote === undefined && char === stop) return out.result();
			const escapeChar = this.options.escape;
			if (escapeChar !== undefined && char === escapeChar && quote !== "'") {
				const next = this.text[this.index + 1];
				if (next === undefined) {
					this.index++;
					continue;
				}

				// Inside double quotes only the quote, `$` and the escape itself are escaped; elsewhere the escape stays.
				if (quote === '"' && next !== '"' && next !== '$' && next !== escapeChar) out.text(char);
				out.text(next);
				this.index += 2;
				continue;
			}

			if (this.options.quotes && (char === "'" || char === '"') && (quote === undefined || quote === char)) {
				quote = quote === undefined ? char : undefined;
				this.index++;
				continue;
			}

			if (char === '$' && quote !== "'") {
				this.dollar(out);
				continue;
			}

			out.text(char);
			this.index++;
		}

		if (stop !== undefined) throw new ExpansionError("syntax error: missing '}'");
		if (quote !== undefined) throw new ExpansionError(`unmatched ${quote === '"' ? 'double' : 'single'} quote`);
		return out.result();
	}

	private dollar(out: Builder): void {
		this.index++;
		const next = this.text[this.index];
		if (next === '$' && this.options.escape === undefined) {
			// Compose writes a literal dollar as `$$`.
			out.text('$');
			this.index++;
			return;
		}

		if (next !== '{') {
			const name = this.name();
			if (name === '') out.text('$');
			else out.variable(name, this.lookup(name), `$${name}`);
			return;
		}

		this.index++;
		const name = this.name();
		if (name === '') throw new ExpansionError('syntax error: bad substitution');
		let modifier = this.text[this.index] ?? '';
		if (modifier === '') throw new ExpansionError("syntax error: missing '}'");
		this.index++;
		if (modifier === '}') {
			out.variable(name, this.lookup(name), `\${${name}}`);
			return;
		}

		if (modifier === ':') {
			modifier += this.text[this.index] ?? '';
			this.index++;
		}

		if (!['-', ':-', '+', ':+', '?', ':?', '#', '%', '/'].includes(modifier))
			throw new ExpansionError(`unsupported modifier (${modifier}) in substitution`);
		if (modifier === '/') {
			this.replace(out, name);
			return;
		}

		const start = this.index;
		const word = this.word('}');
		const written = `\${${name}${modifier}${this.text.slice(start, this.index)}}`;
		this.index++;
		const variable = this.lookup(name);
		const set = variable !== undefined && (!modifier.startsWith(':') || variable.value !== '');
		switch (modifier.at(-1)) {
			case '-':
				if (set) out.variable(name, variable, written);
				else out.append(word);
				return;
			case '+':
				if (set) out.append(word);
				return;
			case '?':
				// Unset, the build stops with the message: whoever builds it passes the value, which is not known here.
				out.variable(name, set ? variable : undefined, written);
				return;
			default:
				if (variable === undefined || variable.missing.length > 0 || word.missing.length > 0)
					out.variable(name, undefined, written);
				else out.text(trim(variable.value, word.value, modifier === '#' ? 'prefix' : 'suffix'));
		}
	}

	/** `${NAME/pattern/replacement}` (first match) and `${NAME//pattern/replacement}` (every match). */
	private replace(out: Builder, name: string): void {
		const dollar = this.index - name.length - 3;
		const all = this.text[this.index] === '/';
		if (all) this.index++;
		const pattern = this.word('/');
		this.index++;
		const replacement = this.word('}');
		this.index++;
		const written = this.text.slice(dollar, this.index);
		const variable = this.lookup(name);
		if (variable === undefined || variable.missing.length > 0 || pattern.missing.length > 0) {
			out.variable(name, undefined, written);
			return;
		}

		const regex = new RegExp(globToRegex(pattern.value, true), all ? 'g' : '');
		out.text(variable.value.replace(regex, () => replacement.value));
	}

	private name(): string {
		const start = this.index;
		if (!NAME_START.test(this.text[this.index] ?? '')) return '';
		while (NAME_CHAR.test(this.text[this.index] ?? '')) this.index++;
		return this.text.slice(start, this.index);
	}
}

class Builder {
	private value = '';
	private readonly missing: string[] = [];
	private firstMissing: number | undefined;

	text(text: string): void {
		this.value += text;
	}

	/** A variable's value, or (none known) the variable as written, marked missing. */
	variable(name: string, variable: Expansion | undefined, written: string): void {
		if (variable !== undefined) {
			this.append(variable);
			return;
		}

		this.firstMissing ??= this.value.length;
		this.missing.push(name);
		this.value += written;
	}

	append(result: Expansion): void {
		if (result.firstMissing !== undefined) this.firstMissing ??= this.value.length + result.firstMissing;
		this.missing.push(...result.missing);
		this.value += result.value;
	}

	result(): Expansion {
		return {value: this.value, missing: this.missing, firstMissing: this.firstMissing};
	}
}

/** `#`/`##` remove the shortest/longest matching prefix, `%`/`%%` the suffix; the doubled form arrives as a leading `#`/`%`. */
function trim(value: string, pattern: string, side: 'prefix' | 'suffix'): string {
	const mark = side === 'prefix' ? '#' : '%';
	const greedy = pattern.startsWith(mark);
	const regex = new RegExp(`^${globToRegex(greedy ? pattern.slice(1) : pattern, false)}$`);
	const lengths = [...Array(value.length + 1).keys()];
	if (greedy) lengths.reverse();
	for (const length of lengths) {
		const part = side === 'prefix' ? value.slice(0, length) : value.slice(value.length - length);
		if (regex.test(part)) return side === 'prefix' ? value.slice(length) : value.slice(0, value.length - length);
	}

	return value;
}

/** A shell pattern (`*`, `?`, `[…]`) as a regular expression. */
function globToRegex(pattern: string, greedy: boolean): string {
	let out = '';
	for (let index = 0; index < pattern.length; index++) {
		const char = pattern[index]!;
		if (char === '*') out += greedy ? '.*' : '.*?';
		else if (char === '?') out += '.';
		else if (char === '[' && pattern.indexOf(']', index + 1) !== -1) {
			const end = pattern.indexOf(']', index + 1);
			out += `[${pattern
				.slice(index + 1, end)
				.replace(/^!/, '^')
				.replaceAll('\\', '\\\\')}]`;
			index = end;
		} else out += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
	}

	return out;
}
