/**
 * Scenario 13: `ecr-setup pull-through docker-hub` makes the Secrets Manager secret and the ECR rule in the stand-in,
 * the Docker Hub token piped on stdin. While it runs every process's argv is sampled over and over (`ps -eo args`,
 * which reads /proc/<pid>/cmdline): the token must never be in one, nor in anything the CLI prints. The Dockerfile
 * named with --dockerfile is rewritten to the cache's URIs with a backup of the old one next to it. Run again, the rule
 * and secret are reused without a token; an upstream that needs one, with no terminal and no --password-stdin, is a
 * usage error (exit 2) and nothing is created.
 */
import {randomBytes} from 'node:crypto';
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {describeRun, ecrSetup, type Env, makeHome, output, resetStandIn, run, standInState} from './harness.js';

const ACCOUNT_HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
// Shaped like a Docker Hub personal access token; random, so that no file holds it.
const TOKEN = `dckr_pat_${randomBytes(18).toString('base64url')}`;

/** Samples every process's argv until stopped (bounded: at most 3000 samples). */
function sampleArgv(env: Env): {stop: () => Promise<string[]>} {
	const samples: string[] = [];
	let running = true;
	const loop = (async () => {
		while (running && samples.length < 3000) {
			const result = await run('ps', ['-eo', 'args'], {env, timeoutMs: 10_000});
			samples.push(result.stdout);
		}
	})();
	return {
		async stop() {
			running = false;
			await loop;
			return samples;
		},
	};
}

const DOCKERFILE = [
	'# syntax=docker/dockerfile:1',
	'ARG BASE=alpine:3.20',
	'FROM --platform=$BUILDPLATFORM node:22 AS build',
	'RUN npm ci',
	'FROM docker.io/library/nginx:1.27',
	'COPY --from=build /app /usr/share/nginx/html',
	'FROM ghcr.io/acme/tools:1',
	'FROM ${BASE}',
	'',
].join('\n');

describe('scenario 13: pull-through cache rules', () => {
	const {env, home} = makeHome('s13-pull-through');
	const dockerfile = path.join(home, 'app', 'Dockerfile');

	beforeAll(async () => {
		await resetStandIn();
		mkdirSync(path.dirname(dockerfile), {recursive: true});
		writeFileSync(dockerfile, DOCKERFILE);
	});

	it('creates the secret and the rule with the token on stdin only, and rewrites the Dockerfile with a backup', async () => {
		const sampler = sampleArgv(env);
		const result = await ecrSetup(
			['pull-through', 'docker-hub', '--username', 'octo', '--password-stdin', '--dockerfile', dockerfile, '--yes'],
			{env, input: TOKEN},
		);
		const samples = await sampler.stop();
		expect(result.code, describeRun(result)).toBe(0);

		// The sampler really watched the command run, so it could have caught a leak.
		expect(samples.length).toBeGreaterThan(3);
		expect(samples.some((sample) => sample.includes('dist/cli.js pull-through docker-hub'))).toBe(true);
		for (const sample of samples) expect(sample.includes(TOKEN), 'the token appeared in a process argv').toBe(false);
		expect(output(result)).not.toContain(TOKEN);
		expect(output(result)).not.toContain(TOKEN.slice(0, 16));

		const state = await standInState();
		const secret = state.secrets.find((candidate) => candidate.name === 'ecr-pullthroughcache/docker-hub');
		expect(secret).toBeDefined();
		expect(JSON.parse(secret!.value)).toEqual({username: 'octo', accessToken: TOKEN});
		expect(state.pullThroughRules).toEqual([
			{
				region: 'us-east-1',
				prefix: 'docker-hub',
				upstreamRegistryUrl: 'registry-1.docker.io',
				credentialArn: secret!.arn,
			},
		]);
		expect(state.calls.map((call) => call.operation)).toEqual(
			expect.arrayContaining(['CreateSecret', 'CreatePullThroughCacheRule', 'ValidatePullThroughCacheRule']),
		);

		expect(readFileSync(dockerfile, 'utf8')).toBe(
			DOCKERFILE.replace('node:22', `${ACCOUNT_HOST}/docker-hub/library/node:22`).replace(
				'docker.io/library/nginx:1.27',
				`${ACCOUNT_HOST}/docker-hub/library/nginx:1.27`,
			),
		);
		const backups = readdirSync(path.dirname(dockerfile)).filter((name) =>
			name.startsWith('Dockerfile.ecr-setup-backup-'),
		);
		expect(backups).toHaveLength(1);
		expect(readFileSync(path.join(path.dirname(dockerfile), backups[0]!), 'utf8')).toBe(DOCKERFILE);
		expect(output(result)).toContain('${BASE} stays as it is');
	});

	it('run again: the rule and its secret are reused, no token is needed and nothing is created', async () => {
		const before = (await standInState()).calls.length;
		const result = await ecrSetup(['pull-through', 'docker-hub', '--yes', '--no-template'], {env});
		expect(result.code, describeRun(result)).toBe(0);
		expect(output(result)).toContain('reusing it');
		const calls = (await standInState()).calls.slice(before).map((call) => call.operation);
		expect(calls).not.toContain('CreateSecret');
		expect(calls).not.toContain('CreatePullThroughCacheRule');
		expect(calls).toContain('ValidatePullThroughCacheRule');
	});

	it('no terminal and no --password-stdin for an upstream that needs a token: exit 2, nothing created', async () => {
		const result = await ecrSetup(['pull-through', 'ghcr', '--username', 'octo', '--yes'], {env});
		expect(result.code, describeRun(result)).toBe(2);
		expect(output(result)).toContain('--password-stdin');
		const state = await standInState();
		expect(state.secrets.map((secret) => secret.name)).toEqual(['ecr-pullthroughcache/docker-hub']);
		expect(state.pullThroughRules.map((rule) => rule.prefix)).toEqual(['docker-hub']);
	});
});
