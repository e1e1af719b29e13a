/** buildx pipelines: platforms, provenance, the registry cache in the form ECR stores, and Lambda's one manifest. */
import {execFileSync} from 'node:child_process';
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {UsageError} from '../../source/errors/user-errors.js';
import {type CiKind, generatePipeline, type PipelineInput} from '../../source/generators/ci.js';

const ACCOUNT = '012345678901';
const REGION = 'eu-west-2';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const BASE: PipelineInput = {
	account: ACCOUNT,
	region: REGION,
	repository: 'team/web-app',
	registry: REGISTRY,
	auth: 'oidc',
	roleArn: `arn:aws:iam::${ACCOUNT}:role/ci`,
	dockerfile: `docker/it's "odd" $HOME.Dockerfile`,
};
const generate = (kind: CiKind, build: PipelineInput['build']) => generatePipeline(kind, {...BASE, build});

// A docker that prints each argument on its own line: what a shell really hands it.
const bin = mkdtempSync(join(tmpdir(), 'ecr-setup-buildx-'));
writeFileSync(join(bin, 'docker'), '#!/bin/sh\nprintf "docker"; for a in "$@"; do printf " [%s]" "$a"; done; echo\n');
chmodSync(join(bin, 'docker'), 0o755);
afterAll(() => rmSync(bin, {recursive: true, force: true}));

function runScript(script: string, env: Record<string, string>): string[] {
	return execFileSync('sh', ['-ec', script], {
		encoding: 'utf8',
		env: {PATH: `${bin}:/usr/bin:/bin`, HOME: '/nonexistent', ...env},
		timeout: 5000,
	})
		.trim()
		.split('\n');
}

const githubRun = (content: string): string =>
	(parse(content).jobs.push.steps as Array<{name: string; run?: string}>).find((step) => step.name.startsWith('Build'))!
		.run!;

describe('a multi-platform buildx build (GitHub Actions)', () => {
	const pipeline = generate('github', {platforms: ['linux/amd64', 'linux/arm64']});

	it('sets up QEMU for arm64 and a docker-container builder, then builds both platforms and pushes with the ECR cache', () => {
		const calls = runScript(githubRun(pipeline.content), {
			REGISTRY,
			ECR_REPOSITORY: BASE.repository,
			DOCKERFILE: BASE.dockerfile!,
			IMAGE_TAG: 'abc123',
		});
		const cache = `type=registry,ref=${REGISTRY}/team/web-app:buildcache`;
		expect(calls).toEqual([
			'docker [run] [--privileged] [--rm] [tonistiigi/binfmt] [--install] [arm64]',
			'docker [buildx] [create] [--name] [ecr-setup] [--driver] [docker-container] [--use]',
			[
				'docker [buildx] [build] [--file]',
				`[${BASE.dockerfile}]`,
				'[--platform] [linux/amd64,linux/arm64] [--provenance=mode=min]',
				`[--cache-from] [${cache}]`,
				`[--cache-to] [${cache},mode=max,image-manifest=true,oci-mediatypes=true]`,
				`[--tag] [${REGISTRY}/team/web-app:abc123] [--push] [.]`,
			].join(' '),
		]);
	});

	it('pushes nothing separately, and says where the cache lives and what immutable tags need', () => {
		expect(githubRun(pipeline.content)).not.toMatch(/docker push|docker tag/);
		expect(pipeline.notes.join('\n')).toMatch(/linux\/amd64, linux\/arm64 into one image index, provenance mode=min/);
		expect(pipeline.notes.join('\n')).toMatch(/team\/web-app:buildcache .*--immutable-except buildcache/);
		expect(pipeline.notes.join('\n')).toMatch(/QEMU/);
	});
});

describe('a Lambda build', () => {
	it('is one platform without provenance and without QEMU', () => {
		const pipeline = generate('github', {lambda: true});
		const calls = runScript(githubRun(pipeline.content), {
			REGISTRY,
			ECR_REPOSITORY: 'fn',
			DOCKERFILE: 'Dockerfile',
			IMAGE_TAG: 't',
		});
		expect(calls[0]).toBe('docker [buildx] [create] [--name] [ecr-setup] [--driver] [docker-container] [--use]');
		expect(calls[1]).toContain('[--platform] [linux/amd64] [--provenance=false]');
		expect(pipeline.notes[pipeline.notes.length - 2]).toMatch(/one image manifest, as Lambda takes it/);
	});

	it('on arm64 too, and without the cache when asked', () => {
		const run = githubRun(generate('github', {lambda: true, platforms: ['linux/arm64'], cache: false}).content);
		expect(run).toContain('--platform linux/arm64 --provenance=false --tag');
		expect(run).not.toContain('--cache');
	});

	it.each([
		[{lambda: true, platforms: ['linux/amd64', 'linux/arm64']}, /Lambda runs one platform/],
		[{lambda: true, platforms: ['linux/s390x']}, /Lambda runs one platform/],
		[{lambda: true, provenance: 'mode=max'}, /drop --provenance/],
		[{provenance: 'yes'}, /expected true, false, mode=min or mode=max/],
		[{platforms: ['amd64']}, /expected os\/architecture/],
		[{platforms: ['linux/amd64; rm -rf /']}, /expected os\/architecture/],
	])('refuses %j', (build, message) => {
		expect(() => generate('github', build)).toThrow(UsageError);
		expect(() => generate('github', build)).toThrow(message);
	});
});

describe('the other CI systems', () => {
	it('GitLab and CircleCI log in, then run the same buildx build', () => {
		const gitlab = parse(generate('gitlab', {platforms: ['linux/amd64', 'linux/arm64']}).content);
		const script: string[] = gitlab['push-to-ecr'].script;
		expect(script[0]).toContain('docker login --username AWS --password-stdin');
		expect(script.at(-1)).toMatch(
			/^docker buildx build .* --platform linux\/amd64,linux\/arm64 .*image-manifest=true,oci-mediatypes=true.* --push \.$/,
		);
		const circleci = parse(generate('circleci', {provenance: 'false'}).content);
		const steps = circleci.jobs['push-to-ecr'].steps as Array<{run?: {command: string}}>;
		expect(steps.at(-1)!.run!.command).toContain('--platform linux/amd64 --provenance=false');
	});

	it('Jenkins sets up the builder in its build stage and builds and pushes after the login', () => {
		const content = generatePipeline('jenkins', {...BASE, auth: 'keys', build: {platforms: ['linux/arm64']}}).content;
		expect(content).toContain(
			"                sh 'docker run --privileged --rm tonistiigi/binfmt --install arm64'\n                sh 'docker buildx create --name ecr-setup --driver docker-container --use'",
		);
		const login = content.indexOf('docker login');
		const build = content.indexOf('docker buildx build');
		expect(login).toBeGreaterThan(-1);
		expect(build).toBeGreaterThan(login);
		expect(content).not.toContain('docker push');
	});

	it('Bitbucket cannot run a builder of its own: a usage error saying why', () => {
		expect(() => generate('bitbucket', {platforms: ['linux/amd64']})).toThrow(/no privileged containers/);
	});

	it('without build options every pipeline is the plain docker build, tag and push', () => {
		expect(generatePipeline('github', BASE).content).not.toContain('buildx');
	});
});
