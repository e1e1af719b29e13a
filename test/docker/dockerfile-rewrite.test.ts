/** The FROM rewriter over a table of Dockerfiles: only the image word of FROMs the upstream serves changes. */
import {describe, expect, it} from 'vitest';
import {BuildFileSyntaxError} from '../../source/docker/build-file-types.js';
import {type CacheTarget, rewriteFromLines} from '../../source/docker/dockerfile-rewrite.js';
import {findUpstream, hostsOf} from '../../source/ecr/pull-through.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'a1'.repeat(32)}`;

function target(name: string, prefix = name, url?: string): CacheTarget {
	const upstream = findUpstream(name)!;
	return {upstream, hosts: hostsOf(upstream, url ?? upstream.url ?? ''), registryHost: HOST, prefix};
}

const dockerHub = target('docker-hub');

const TABLE: Array<{name: string; before: string; after: string; target?: CacheTarget; left?: number}> = [
	{
		name: 'a Docker Hub official image (short name)',
		before: 'FROM node:22\nRUN npm ci\n',
		after: `FROM ${HOST}/docker-hub/library/node:22\nRUN npm ci\n`,
	},
	{
		name: 'the same image with its full name',
		before: 'FROM docker.io/library/node:22\n',
		after: `FROM ${HOST}/docker-hub/library/node:22\n`,
	},
	{
		name: 'a Docker Hub user image and index.docker.io',
		before: 'FROM bitnami/redis:7\nFROM index.docker.io/grafana/grafana\n',
		after: `FROM ${HOST}/docker-hub/bitnami/redis:7\nFROM ${HOST}/docker-hub/grafana/grafana\n`,
	},
	{
		name: 'multi-stage: stage names and scratch stay, every base image moves',
		before: [
			'FROM golang:1.23 AS build',
			'RUN go build -o /app .',
			'FROM build AS test',
			'FROM scratch',
			'COPY --from=build /app /app',
			'FROM alpine:3.20 as final',
			'',
		].join('\n'),
		after: [
			`FROM ${HOST}/docker-hub/library/golang:1.23 AS build`,
			'RUN go build -o /app .',
			'FROM build AS test',
			'FROM scratch',
			'COPY --from=build /app /app',
			`FROM ${HOST}/docker-hub/library/alpine:3.20 as final`,
			'',
		].join('\n'),
	},
	{
		name: 'a digest is kept, with and without a tag',
		before: `FROM node:22@${DIGEST}\nFROM python@${DIGEST}\n`,
		after: `FROM ${HOST}/docker-hub/library/node:22@${DIGEST}\nFROM ${HOST}/docker-hub/library/python@${DIGEST}\n`,
	},
	{
		name: '--platform (with a variable) and its spacing are kept',
		before: 'FROM  --platform=$BUILDPLATFORM   node:22-slim  AS deps\n',
		after: `FROM  --platform=$BUILDPLATFORM   ${HOST}/docker-hub/library/node:22-slim  AS deps\n`,
	},
	{
		name: 'comments, blank lines and a line continuation',
		before:
			'# syntax=docker/dockerfile:1\n# base image\nFROM \\\n  # the runtime\n  --platform=linux/amd64 \\\n  node:22 \\\n  AS app\n\nRUN echo hi # not a comment\n',
		after: `# syntax=docker/dockerfile:1\n# base image\nFROM \\\n  # the runtime\n  --platform=linux/amd64 \\\n  ${HOST}/docker-hub/library/node:22 \\\n  AS app\n\nRUN echo hi # not a comment\n`,
	},
	{
		name: 'lowercase from, CRLF line endings',
		before: 'from node:22\r\nrun true\r\n',
		after: `from ${HOST}/docker-hub/library/node:22\r\nrun true\r\n`,
	},
	{
		name: 'an ARG reference is left alone and reported',
		before: 'ARG BASE=node:22\nFROM ${BASE}\nARG VERSION\nFROM node:${VERSION}\n',
		after: 'ARG BASE=node:22\nFROM ${BASE}\nARG VERSION\nFROM node:${VERSION}\n',
		left: 2,
	},
	{
		name: 'an ARG reference to another registry is not reported',
		before: 'ARG TAG\nFROM ghcr.io/acme/app:${TAG}\n',
		after: 'ARG TAG\nFROM ghcr.io/acme/app:${TAG}\n',
		left: 0,
	},
	{
		name: 'other registries stay, ECR included (running it twice changes nothing)',
		before: `FROM ghcr.io/acme/base:1\nFROM quay.io/prometheus/busybox\nFROM ${HOST}/docker-hub/library/node:22\nFROM localhost:5000/app\n`,
		after: `FROM ghcr.io/acme/base:1\nFROM quay.io/prometheus/busybox\nFROM ${HOST}/docker-hub/library/node:22\nFROM localhost:5000/app\n`,
	},
	{
		name: 'ghcr: only ghcr.io images, no library/ added',
		target: target('ghcr', 'github'),
		before: 'FROM ghcr.io/acme/base:1\nFROM node:22\n',
		after: `FROM ${HOST}/github/acme/base:1\nFROM node:22\n`,
	},
	{
		name: 'ecr-public keeps the path after public.ecr.aws',
		target: target('ecr-public'),
		before: 'FROM public.ecr.aws/docker/library/node:22\n',
		after: `FROM ${HOST}/ecr-public/docker/library/node:22\n`,
	},
	{
		name: 'an Azure registry: only the one the rule names',
		target: target('azure', 'azure', 'myregistry.azurecr.io'),
		before: 'FROM myregistry.azurecr.io/team/app:2\nFROM other1.azurecr.io/x\n',
		after: `FROM ${HOST}/azure/team/app:2\nFROM other1.azurecr.io/x\n`,
	},
	{
		name: 'heredoc bodies are not instructions',
		before: 'FROM node:22\nRUN <<EOF\nFROM node:22\nEOF\n',
		after: `FROM ${HOST}/docker-hub/library/node:22\nRUN <<EOF\nFROM node:22\nEOF\n`,
	},
	{
		name: 'the backtick escape directive',
		before: '# escape=`\nFROM `\n  node:22\n',
		after: `# escape=\`\nFROM \`\n  ${HOST}/docker-hub/library/node:22\n`,
	},
];

describe('rewriteFromLines', () => {
	for (const row of TABLE) {
		it(row.name, () => {
			const result = rewriteFromLines(row.before, row.target ?? dockerHub);
			expect(result.text).toBe(row.after);
			if (row.left !== undefined) expect(result.left).toHaveLength(row.left);
			// Every rewrite is reported with its line and both references, and only the rewritten lines differ.
			const changed = row.before.split('\n').filter((line, index) => line !== result.text.split('\n')[index]);
			expect(changed.length).toBeLessThanOrEqual(result.rewrites.length);
			for (const rewrite of result.rewrites) expect(result.text.split('\n')[rewrite.line - 1]).toContain(rewrite.to);
		});
	}

	it('says why an ARG-named image is left, naming the argument', () => {
		const {left} = rewriteFromLines('ARG BASE=node:22\nFROM ${BASE}\n', dockerHub);
		expect(left).toEqual([{line: 2, reference: '${BASE}', reason: expect.stringContaining('BASE')}]);
	});

	it('reports each rewrite with where it came from', () => {
		const {rewrites} = rewriteFromLines('FROM node:22 AS a\nFROM a\nFROM redis\n', dockerHub);
		expect(rewrites).toEqual([
			{line: 1, from: 'node:22', to: `${HOST}/docker-hub/library/node:22`},
			{line: 3, from: 'redis', to: `${HOST}/docker-hub/library/redis`},
		]);
	});

	it('refuses a file BuildKit refuses, with its line', () => {
		expect(() => rewriteFromLines('RUN true\n', dockerHub)).toThrow(BuildFileSyntaxError);
		expect(() => rewriteFromLines('FROM node:22\nFROM Node:22\n', dockerHub)).toThrow(/line|valid image reference/);
	});
});
