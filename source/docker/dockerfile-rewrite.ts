/**
 * Pointing a Dockerfile's base images at an ECR pull-through cache: each FROM whose image comes from the cache's
 * upstream (`node:22` and `docker.io/library/node:22` alike for Docker Hub) becomes
 * `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<path>`, its tag and digest kept. The FROMs are found by the one
 * Dockerfile reader (dockerfile.ts), so stage names, `scratch` and heredoc bodies are what BuildKit says they are; only
 * the image word itself changes, so comments, `--platform`, `AS name`, line continuations and line endings stay as
 * they were. An image written with a build argument (`FROM ${BASE}`) is left alone and reported. Pure.
 */
import {type ImageRef, ImageRefError, parseImageRef} from '../ecr/image-ref.js';
import {cacheReference, type Upstream, upstreamPath} from '../ecr/pull-through.js';
import {BuildFileSyntaxError} from './build-file-types.js';
import {hostOfExpansion} from './build-files.js';
import type {Expansion} from './build-variables.js';
import {dockerfileEscape, dockerfileReferences} from './dockerfile.js';

export type CacheTarget = {
	upstream: Upstream;
	/** The registry hosts the upstream's images are named with (hostsOf). */
	hosts: readonly string[];
	/** `<account>.dkr.ecr.<region>.amazonaws.com`. */
	registryHost: string;
	prefix: string;
};

export type FromRewrite = {line: number; from: string; to: string};

/** A FROM from the upstream that stays as it is, and why. */
export type FromLeft = {line: number; reference: string; reason: string};

export type DockerfileRewrite = {text: string; rewrites: FromRewrite[]; left: FromLeft[]};

type Word = {line: number; start: number; word: string};

/**
 * The image word of the FROM starting at `lineIndex`: after the keyword and the `--flag`s, through continuation lines
 * (comment and blank lines inside a continuation are skipped, as BuildKit skips them).
 */
function imageWord(lines: readonly string[], lineIndex: number, escapeChar: string): Word | undefined {
	const mark = new RegExp(`${escapeChar === '\\' ? '\\\\' : escapeChar}[ \\t]*\\r?$`);
	let keyword = true;
	for (let index = lineIndex; index < lines.length; index++) {
		const raw = lines[index]!;
		if (index > lineIndex && (/^\s*#/.test(raw) || raw.trim() === '')) continue;
		const continued = mark.test(raw);
		const body = continued ? raw.replace(mark, '') : raw;
		for (const match of body.matchAll(/\S+/g)) {
			if (keyword) {
				keyword = false;
				continue;
			}

			if (!match[0].startsWith('--')) return {line: index, start: match.index, word: match[0]};
		}

		if (!continued) return undefined;
	}

	return undefined;
}

/** Rewrite the FROMs the cache serves. Throws BuildFileSyntaxError for a file BuildKit would refuse. */
export function rewriteFromLines(text: string, target: CacheTarget): DockerfileRewrite {
	const escapeChar = dockerfileEscape(text);
	const lines = text.split('\n');
	const rewrites: FromRewrite[] = [];
	const left: FromLeft[] = [];
	for (const reference of dockerfileReferences(text)) {
		if (reference.source !== 'from') continue;
		const {value, missing} = reference.expansion;
		const word = imageWord(lines, reference.line - 1, escapeChar);
		if (missing.length > 0) {
			// A variable without a value: left alone, and said, unless the part that is known names another registry.
			const host = knownHost(reference.expansion);
			if (host === undefined || target.hosts.includes(host))
				left.push({line: reference.line, reference: word?.word ?? value, reason: argumentReason(missing)});
			continue;
		}

		let ref: ImageRef;
		try {
			ref = parseImageRef(value);
		} catch (error) {
			if (!(error instanceof ImageRefError)) throw error;
			throw new BuildFileSyntaxError(`"${value}" is not a valid image reference: ${error.message}`, reference.line);
		}
		const path = upstreamPath(ref, target.upstream, target.hosts);
		if (path === undefined) continue;
		if (!word || word.word.includes('$')) {
			left.push({
				line: reference.line,
				reference: word?.word ?? value,
				reason: argumentReason(variablesIn(word?.word ?? '')),
			});
			continue;
		}

		const quote = /^(["'])(.*)\1$/.exec(word.word);
		if ((quote?.[2] ?? word.word) !== value) {
			left.push({
				line: reference.line,
				reference: word.word,
				reason: 'it is written in a way ecr-setup does not rewrite',
			});
			continue;
		}

		const to = cacheReference(ref, target.registryHost, target.prefix, path);
		const replacement = quote ? `${quote[1]}${to}${quote[1]}` : to;
		const line = lines[word.line]!;
		lines[word.line] = line.slice(0, word.start) + replacement + line.slice(word.start + word.word.length);
		rewrites.push({line: word.line + 1, from: value, to});
	}

	return {text: lines.join('\n'), rewrites, left};
}

function knownHost(expansion: Expansion): string | undefined {
	try {
		return hostOfExpansion(expansion);
	} catch (error) {
		if (error instanceof ImageRefError) return undefined;
		throw error;
	}
}

function variablesIn(word: string): string[] {
	return [...word.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);
}

function argumentReason(names: readonly string[]): string {
	const list = names.length > 0 ? names.join(', ') : 'a build argument';
	return `the image comes from ${list}: point the ARG's default (or the --build-arg) at the cache instead`;
}
