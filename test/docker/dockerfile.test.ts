import {describe, expect, it} from 'vitest';
import {BuildFileSyntaxError} from '../../source/docker/build-file-types.js';
import {dockerfileReferences, type DockerfileOptions} from '../../source/docker/dockerfile.js';

const images = (text: string, options?: DockerfileOptions) =>
	dockerfileReferences(text, options).map((reference) => reference.expansion.value);

describe('dockerfileReferences', () => {
	it('gives each reference with its line and where it was named', () => {
		const text = [
			'# syntax=docker/dockerfile:1',
			'FROM golang:1.22 AS build',
			'RUN --mount=type=bind,from=ghcr.io/x/tools:1,target=/t make',
			'FROM alpine:3.20',
			'COPY --from=build /out /out',
			'COPY --from=quay.io/x/y:2 /y /y',
		].join('\n');
		expect(dockerfileReferences(text).map(({line, source, expansion}) => [line, source, expansion.value])).toEqual([
			[1, 'syntax', 'docker/dockerfile:1'],
			[2, 'from', 'golang:1.22'],
			[3, 'mount-from', 'ghcr.io/x/tools:1'],
			[4, 'from', 'alpine:3.20'],
			[6, 'copy-from', 'quay.io/x/y:2'],
		]);
	});

	it('honours parser directives only at the very top: later, `# escape=` is a comment', () => {
		expect(images('FROM a\n# escape=`\nRUN echo \\\nFROM not-an-instruction\nFROM b')).toEqual(['a', 'b']);
		expect(images('# escape=`\nFROM a\nRUN echo `\nFROM not-an-instruction\nFROM b')).toEqual(['a', 'b']);
	});

	it('finds the syntax frontend past a shebang line, and ignores a byte-order mark', () => {
		expect(images('#!/usr/bin/env buildctl\n# syntax=example.com/frontend:1\nFROM a')).toEqual([
			'example.com/frontend:1',
			'a',
		]);
		expect(images('\uFEFFFROM a')).toEqual(['a']);
	});

	it('expands FROM with the global ARGs only: a stage’s ARG does not reach the next FROM', () => {
		expect(images('ARG A=one\nFROM $A\nARG A=two\nFROM ${A}')).toEqual(['one', 'one']);
		expect(images('ARG R=r.io\nARG I="${R}/base:1"\nFROM $I')).toEqual(['r.io/base:1']);
	});

	it('lets a build argument replace a global ARG’s default (declared without one, too)', () => {
		const buildArgs = {B: 'x.io/b:1', C: 'y.io/c:1', UNDECLARED: 'z.io/z:1'};
		expect(images('ARG B=a\nARG C\nFROM $B\nFROM $C\nFROM ${UNDECLARED:-d}', {buildArgs})).toEqual([
			'x.io/b:1',
			'y.io/c:1',
			'd',
		]);
	});

	it('keeps a variable with no value as written, and says which', () => {
		const [reference] = dockerfileReferences('ARG TAG\nFROM r.io/app:${TAG}');
		expect(reference?.expansion).toEqual({value: 'r.io/app:${TAG}', missing: ['TAG'], firstMissing: 9});
	});

	it('does not read heredoc bodies of RUN, COPY, ADD and ONBUILD RUN, nor a JSON-form RUN as a heredoc', () => {
		expect(images('FROM a\nADD <<EOF /x\nFROM no\nEOF\nONBUILD RUN <<EOF\nFROM no\nEOF\nFROM b')).toEqual(['a', 'b']);
		// Read as a heredoc, the JSON form would leave it unterminated.
		expect(images('FROM a\nRUN ["sh", "-c", "cat <<EOF"]\nFROM b')).toEqual(['a', 'b']);
		// ENV is no heredoc instruction: its `<<` is text.
		expect(images('FROM a\nENV X=<<EOF\nFROM b')).toEqual(['a', 'b']);
	});

	it('skips named build contexts, stage names in any case and scratch', () => {
		const contexts = new Set(['base', 'assets']);
		expect(images('FROM base\nCOPY --from=assets / /\nFROM scratch AS Out\nCOPY --from=OUT / /', {contexts})).toEqual(
			[],
		);
	});

	it.each([
		['FROM alpine\nFORM alpine', 2, /unknown instruction: FORM/],
		['FROM alpine AS', 1, /one or three arguments/],
		['FROM alpine base', 1, /one or three arguments/],
		['FROM alpine AS 1st', 1, /invalid name for build stage: "1st"/],
		['FROM --platform linux/amd64 alpine', 1, /missing a value on flag: platform/],
		['ARG EMPTY=\nFROM $EMPTY', 2, /base name \(\$EMPTY\) should not be blank/],
		['FROM alpine\n\nRUN <<EOF\necho hi\n', 3, /unterminated heredoc/],
		['RUN echo\n', 1, /no FROM instruction/],
		['# escape=x\nFROM alpine', 1, /invalid escape token 'x'/],
		['# syntax=a\n# SYNTAX=b\nFROM alpine', 2, /only one syntax parser directive/],
		['FROM alpine\nCOPY --from=$STAGE / /', 2, /variable expansion is not supported for --from/],
		['FROM alpine\nRUN --mount=type=bind,from=${IMAGE},target=/x true', 2, /'from' doesn't support variable expansion/],
		['FROM alpine\nRUN --mount true', 2, /missing a value on flag: mount/],
		['ARG X=${Y\nFROM alpine', 1, /ARG X: syntax error: missing '}'/],
		['FROM ${X:%y}', 1, /unsupported modifier \(:%\)/],
	])('refuses %j at line %i', (text, line, message) => {
		let error: unknown;
		try {
			dockerfileReferences(text);
		} catch (caught) {
			error = caught;
		}

		expect(error).toBeInstanceOf(BuildFileSyntaxError);
		expect((error as BuildFileSyntaxError).line).toBe(line);
		expect((error as Error).message).toMatch(message);
	});
});
