import {describe, expect, it, vi} from 'vitest';
import {pushCommand} from '../../source/commands/push.js';
import type {CommandContext} from '../../source/commands/types.js';
import type {RepositoryInfo} from '../../source/aws/types.js';
import {createFakeServices, createRecordingIo} from '../helpers/fake-services.js';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const repo = (overrides: Partial<RepositoryInfo> = {}): RepositoryInfo => ({
	name: 'my-app',
	uri: `${HOST}/my-app`,
	arn: 'arn:aws:ecr:us-east-1:123456789012:repository/my-app',
	registryId: '123456789012',
	region: 'us-east-1',
	imageTagMutability: 'MUTABLE',
	scanOnPush: false,
	encryptionType: 'AES256',
	...overrides,
});

function setup(
	options: {
		existing?: RepositoryInfo | null;
		local?: boolean;
		flags?: Record<string, unknown>;
		positionals?: string[];
		tagTaken?: boolean;
	} = {},
) {
	const calls: string[] = [];
	const services = createFakeServices({
		aws: {
			resolveRegion: async () => ({region: 'us-east-1', source: 'flag'}),
			describeRepository: async () => (options.existing === undefined ? repo() : options.existing),
			createRepository: vi.fn(async (_region, input) => {
				calls.push(`create ${input.name} ${input.imageTagMutability}`);
				return repo({name: input.name, uri: `${HOST}/${input.name}`});
			}),
			describeImageTag: async () => (options.tagTaken ? {digest: 'sha256:old', tags: ['v1']} : null),
		},
		docker: {
			inspectImage: async () =>
				options.local === false ? null : {id: 'sha256:abc', repoTags: ['my-app:v1'], repoDigests: []},
			tag: async (source, target) => {
				calls.push(`tag ${source} ${target}`);
			},
			push: async (ref, pushOptions) => {
				calls.push(`push ${ref}`);
				pushOptions?.onEvent?.({type: 'layer', id: 'aa11', status: 'pushed'});
				return {digest: 'sha256:feed', size: 528, tag: 'v1', layers: 1};
			},
		},
	});
	const io = createRecordingIo();
	const ctx = {
		services,
		io,
		options: {json: false, yes: false, dryRun: false, color: false, verbose: false},
		flags: {repository: 'my-app', ...options.flags},
		positionals: options.positionals ?? ['my-app:v1'],
		signal: new AbortController().signal,
	} as unknown as CommandContext;
	return {ctx, io, calls};
}

describe('push', () => {
	it('tags with the full ECR URI, pushes and prints URI and digest', async () => {
		const {ctx, io, calls} = setup();
		const result = await pushCommand.run(ctx);
		expect(calls).toEqual([`tag my-app:v1 ${HOST}/my-app:v1`, `push ${HOST}/my-app:v1`]);
		expect(io.stdout).toEqual([`Pushed ${HOST}/my-app:v1`, 'Digest sha256:feed']);
		expect(result.json).toMatchObject({image: `${HOST}/my-app:v1`, digest: 'sha256:feed', createdRepository: false});
	});

	it('refuses a missing repository unless asked to create it (ECR never creates on push)', async () => {
		const {ctx, calls} = setup({existing: null});
		await expect(pushCommand.run(ctx)).rejects.toMatchObject({
			code: 'ecr.repository',
			hint: expect.stringContaining('--create-repository'),
		});
		expect(calls).toEqual([]);
	});

	it('creates the repository with --create-repository', async () => {
		const {ctx, calls} = setup({existing: null, flags: {'create-repository': true, immutable: true}});
		await pushCommand.run(ctx);
		expect(calls[0]).toBe('create my-app IMMUTABLE');
		expect(calls).toContain(`push ${HOST}/my-app:v1`);
	});

	it('refuses, before pushing, a tag that exists in an immutable repository', async () => {
		const {ctx, calls} = setup({existing: repo({imageTagMutability: 'IMMUTABLE'}), tagTaken: true});
		await expect(pushCommand.run(ctx)).rejects.toMatchObject({code: 'ecr.tag-immutable'});
		expect(calls).toEqual([]);
	});

	it('says so when the image is not there locally', async () => {
		const {ctx} = setup({local: false});
		await expect(pushCommand.run(ctx)).rejects.toMatchObject({code: 'image.local'});
	});

	it.each([
		[{flags: {repository: '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app'}}, 'full image URI'],
		[{flags: {repository: 'My-App'}}, 'lower case'],
		[{flags: {tag: '-bad'}}, 'must start'],
		[{positionals: []}, 'Which image'],
		[{positionals: ['Bad Image']}, 'not a valid image reference'],
	])('validates input before any side effect (%j)', async (options, message) => {
		const {ctx, calls} = setup(options as never);
		await expect(pushCommand.run(ctx)).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining(message)});
		expect(calls).toEqual([]);
	});
});
