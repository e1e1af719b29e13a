/**
 * `push` says what it will send and, for --lambda, makes it one image manifest: the real docker service over a scripted
 * runner, answering with captured `docker image inspect` and `docker version` output.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {pushCommand} from '../../source/commands/push.js';
import type {CommandContext} from '../../source/commands/types.js';
import type {RepositoryInfo} from '../../source/aws/types.js';
import {createDockerService} from '../../source/docker/service.js';
import {createFakeRunner, type ScriptedCommand} from '../helpers/fake-runner.js';
import {createFakeServices, createRecordingIo, type RecordingIo} from '../helpers/fake-services.js';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const TARGET = `${HOST}/my-app:1.0`;
const shapes = (name: string) => readFileSync(new URL(`../fixtures/image-shapes/${name}`, import.meta.url), 'utf8');
const pushFixture = (name: string) =>
	readFileSync(new URL(`../fixtures/docker-push/${name}.txt`, import.meta.url), 'utf8');

/** docker image inspect on the containerd store as the CLI prints it: the index's Descriptor, no Manifests. */
function cliIndexInspect(): string {
	const entries = JSON.parse(shapes('docker-containerd-inspect.json')) as Array<Record<string, unknown>>;
	delete entries[0]!['Manifests'];
	return JSON.stringify(entries);
}

const OLD_ENGINE = pushFixture('version-ok').replaceAll('"ApiVersion":"1.50"', '"ApiVersion":"1.41"');

const repo: RepositoryInfo = {
	name: 'my-app',
	uri: `${HOST}/my-app`,
	arn: 'arn:aws:ecr:us-east-1:123456789012:repository/my-app',
	registryId: '123456789012',
	region: 'us-east-1',
	imageTagMutability: 'MUTABLE',
	scanOnPush: false,
	encryptionType: 'AES256',
};

function setup(options: {
	inspect: string;
	version?: string;
	flags?: Record<string, unknown>;
	io?: RecordingIo;
	pushArgs?: string[];
}) {
	const script: ScriptedCommand[] = [
		{file: 'docker', args: ['image', 'inspect', '--format', 'json', 'my-app:1.0'], result: {stdout: options.inspect}},
		...(options.version === undefined
			? []
			: [{file: 'docker', args: ['version', '--format', 'json'], result: {stdout: options.version}}]),
		...(options.pushArgs
			? [
					{file: 'docker', args: ['tag', 'my-app:1.0', TARGET]},
					{
						file: 'docker',
						args: options.pushArgs,
						lines: pushFixture('success')
							.replaceAll(`${HOST}/x`, `${HOST}/my-app`)
							.replace(/^v1: digest/m, '1.0: digest')
							.split('\n')
							.filter(Boolean),
					},
				]
			: []),
	];
	const runner = createFakeRunner(script, {path: {}});
	const services = createFakeServices({
		aws: {
			resolveRegion: async () => ({region: 'us-east-1', source: 'flag'}),
			describeRepository: async () => repo,
		},
		docker: createDockerService({runner}),
	});
	const io = options.io ?? createRecordingIo();
	const context = {
		services,
		io,
		options: {json: false, yes: false, dryRun: false, color: false, verbose: false},
		flags: {repository: 'my-app', ...options.flags},
		positionals: ['my-app:1.0'],
		signal: new AbortController().signal,
	} as unknown as CommandContext;
	return {context, io, runner};
}

describe('push: what it sends', () => {
	it('says a single-platform image is one manifest, and pushes it as it is', async () => {
		const {context, io, runner} = setup({
			inspect: shapes('podman-image-inspect.json'),
			pushArgs: ['push', TARGET],
		});
		const result = await pushCommand.run(context);
		expect(io.stderr).toContain('my-app:1.0 is one image manifest (linux/amd64).');
		expect(result.json).toMatchObject({shape: {kind: 'manifest', platforms: ['linux/amd64'], attestations: 0}});
		expect(result.json).not.toHaveProperty('platform');
		expect(runner.remaining()).toEqual([]);
	});

	it('--lambda with one manifest: Lambda takes it, nothing else is asked', async () => {
		const {context, io} = setup({
			inspect: shapes('podman-image-inspect.json'),
			flags: {lambda: true},
			pushArgs: ['push', TARGET],
		});
		await pushCommand.run(context);
		expect(io.stderr).toContain('Lambda takes it: one image manifest.');
		expect(io.questions).toEqual([]);
	});
});

describe('push --lambda with an image index', () => {
	it('warns, asks, and pushes linux/amd64 alone with docker push --platform where the engine can', async () => {
		const io = createRecordingIo({interactive: true, answers: [true]});
		const {context, runner} = setup({
			inspect: cliIndexInspect(),
			version: pushFixture('version-ok'),
			flags: {lambda: true},
			io,
			pushArgs: ['push', '--platform', 'linux/amd64', TARGET],
		});
		const result = await pushCommand.run(context);
		expect(io.stderr.join('\n')).toMatch(/Warning: Lambda takes a single image manifest, and this is an image index/);
		expect(io.questions[0]).toMatch(/^Push only linux\/amd64 \(docker push --platform linux\/amd64\)/);
		expect(result.json).toMatchObject({platform: 'linux/amd64', shape: {kind: 'index'}});
		expect(runner.remaining()).toEqual([]);
	});

	it('a no leaves nothing pushed and names the build that makes one manifest', async () => {
		const io = createRecordingIo({interactive: true, answers: [false]});
		const {context, runner} = setup({
			inspect: cliIndexInspect(),
			version: pushFixture('version-ok'),
			flags: {lambda: true},
			io,
		});
		await expect(pushCommand.run(context)).rejects.toMatchObject({
			code: 'push.lambda-index',
			nextSteps: ['docker buildx build --platform linux/amd64 --provenance=false -t my-app:1.0 --load .'],
		});
		expect(runner.calls.map((call) => call.args[0])).not.toContain('push');
	});

	it('without a terminal it stops with a usage error naming --platform linux/amd64', async () => {
		const {context} = setup({inspect: cliIndexInspect(), version: pushFixture('version-ok'), flags: {lambda: true}});
		await expect(pushCommand.run(context)).rejects.toMatchObject({
			exitCode: 2,
			hint: expect.stringContaining('--platform linux/amd64'),
		});
	});

	it('an engine older than API 1.46 cannot push one platform: refused, with the build instead', async () => {
		const {context, runner} = setup({inspect: cliIndexInspect(), version: OLD_ENGINE, flags: {lambda: true}});
		await expect(pushCommand.run(context)).rejects.toMatchObject({
			code: 'push.lambda-index',
			message: expect.stringContaining('docker push --platform needs docker 27'),
		});
		expect(runner.remaining()).toEqual([]);
	});
});

describe('push --platform', () => {
	it('pushes the one platform the engine lists', async () => {
		const {context, io} = setup({
			inspect: shapes('docker-containerd-inspect.json'),
			version: pushFixture('version-ok'),
			flags: {platform: 'linux/amd64'},
			pushArgs: ['push', '--platform', 'linux/amd64', TARGET],
		});
		await pushCommand.run(context);
		expect(io.stderr).toContain(
			'Pushing linux/amd64 alone (docker push --platform): the index and its attestations stay behind.',
		);
	});

	it('refuses a platform the index does not have, and a malformed one, before pushing', async () => {
		const missing = setup({inspect: shapes('docker-containerd-inspect.json'), flags: {platform: 'linux/arm64'}});
		await expect(pushCommand.run(missing.context)).rejects.toMatchObject({
			exitCode: 2,
			message: 'my-app:1.0 has no linux/arm64 image: it has linux/amd64.',
		});
		const malformed = setup({inspect: shapes('podman-image-inspect.json'), flags: {platform: 'amd64'}});
		await expect(pushCommand.run(malformed.context)).rejects.toMatchObject({exitCode: 2, code: 'usage.platform'});
		expect(malformed.runner.calls).toEqual([]);
	});

	it('--lambda with --public is a usage error: Lambda pulls from private ECR only', async () => {
		const {context, runner} = setup({inspect: '[]', flags: {lambda: true, public: true}});
		await expect(pushCommand.run(context)).rejects.toMatchObject({exitCode: 2, code: 'usage.lambda'});
		expect(runner.calls).toEqual([]);
	});
});
