import {describe, expect, it, vi} from 'vitest';
import {pushCommand} from '../../source/commands/push.js';
import type {CommandContext} from '../../source/commands/types.js';
import type {RepositoryInfo} from '../../source/aws/types.js';
import {AwsError} from '../../source/aws/errors.js';
import type {CreationTemplate} from '../../source/ecr/creation-templates.js';
import {keepTaggedLifecyclePolicy} from '../../source/ecr/repository-settings.js';
import {createFakeServices, createRecordingIo, type RecordingIo} from '../helpers/fake-services.js';

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
		/** What DescribeRepositoryCreationTemplates answers (an error is thrown); absent: a call is a test failure. */
		templates?: CreationTemplate[] | Error;
		io?: RecordingIo;
		dryRun?: boolean;
	} = {},
) {
	const calls: string[] = [];
	const imageLookups: string[] = [];
	const templates = options.templates;
	const services = createFakeServices({
		aws: {
			resolveRegion: async () => ({region: 'us-east-1', source: 'flag'}),
			describeRepository: async () => (options.existing === undefined ? repo() : options.existing),
			createRepository: vi.fn(async (_region, input) => {
				calls.push(`create ${input.name} ${input.imageTagMutability}`);
				return repo({name: input.name, uri: `${HOST}/${input.name}`});
			}),
			describeImageTag: async (_region, _repository, tag) => {
				imageLookups.push(tag);
				return options.tagTaken ? {digest: 'sha256:old', tags: ['v1']} : null;
			},
			getCallerIdentity: async () => ({
				account: '123456789012',
				arn: 'arn:aws:iam::123456789012:user/dev',
				userId: 'AIDA',
				kind: 'iam-user',
			}),
			...(templates === undefined
				? {}
				: {
						describeCreationTemplates: async () => {
							calls.push('describe-templates');
							if (templates instanceof Error) throw templates;
							return templates;
						},
					}),
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
	const io = options.io ?? createRecordingIo();
	const ctx = {
		services,
		io,
		options: {json: false, yes: false, dryRun: options.dryRun ?? false, color: false, verbose: false},
		flags: {repository: 'my-app', ...options.flags},
		positionals: options.positionals ?? ['my-app:v1'],
		signal: new AbortController().signal,
	} as unknown as CommandContext;
	return {ctx, io, calls, imageLookups};
}

const template = (prefix: string, overrides: Partial<CreationTemplate> = {}): CreationTemplate => ({
	prefix,
	appliedFor: ['CREATE_ON_PUSH'],
	resourceTagCount: 0,
	...overrides,
});

describe('push', () => {
	it('tags with the full ECR URI, pushes and prints URI and digest', async () => {
		const {ctx, io, calls} = setup();
		const result = await pushCommand.run(ctx);
		expect(calls).toEqual([`tag my-app:v1 ${HOST}/my-app:v1`, `push ${HOST}/my-app:v1`]);
		expect(io.stdout).toEqual([`Pushed ${HOST}/my-app:v1`, 'Digest sha256:feed']);
		expect(result.json).toMatchObject({image: `${HOST}/my-app:v1`, digest: 'sha256:feed', createdRepository: false});
	});

	it('refuses a missing repository that no create-on-push template covers, unless asked to create it', async () => {
		const {ctx, calls} = setup({
			existing: null,
			templates: [template('team'), template('ROOT', {appliedFor: ['REPLICATION']})],
		});
		await expect(pushCommand.run(ctx)).rejects.toMatchObject({
			code: 'ecr.repository',
			message: expect.stringContaining('no repository creation template applied for create on push covers that name'),
			hint: expect.stringContaining('--create-repository'),
		});
		expect(calls).toEqual(['describe-templates']);
	});

	it('creates the repository with --create-repository (without reading the templates)', async () => {
		const {ctx, calls} = setup({existing: null, flags: {'create-repository': true, immutable: true}});
		await pushCommand.run(ctx);
		expect(calls[0]).toBe('create my-app IMMUTABLE');
		expect(calls).toContain(`push ${HOST}/my-app:v1`);
		expect(calls).not.toContain('describe-templates');
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

describe('push to a repository that does not exist yet: create on push', () => {
	const denied = () =>
		new AwsError(
			'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecr:DescribeRepositoryCreationTemplates',
			{kind: 'access-denied'},
		);

	it('pushes when a create-on-push template covers the name, naming the template and the actions it needs', async () => {
		const {ctx, io, calls} = setup({
			existing: null,
			flags: {repository: 'team/api'},
			templates: [
				template('ROOT'),
				template('team', {
					imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
					exclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
					lifecyclePolicy: keepTaggedLifecyclePolicy(10),
					resourceTagCount: 2,
				}),
			],
		});
		const result = await pushCommand.run(ctx);
		expect(calls).toEqual(['describe-templates', `tag my-app:v1 ${HOST}/team/api:v1`, `push ${HOST}/team/api:v1`]);
		expect(io.stdout[0]).toBe(
			'Repository "team/api" does not exist in us-east-1: ECR will create it on push from the repository creation template "team" (team/…), ' +
				"with the template's settings (immutable tags except latest, keeps 10 tagged images). " +
				'The pushing identity needs ecr:CreateRepository and ecr:TagResource for that, besides the push actions.',
		);
		expect(result.json).toMatchObject({
			image: `${HOST}/team/api:v1`,
			createdRepository: false,
			createdOnPush: {template: 'team', requiredActions: ['ecr:CreateRepository', 'ecr:TagResource']},
		});
	});

	it('ROOT covers every name that no more specific template covers', async () => {
		const {ctx, io, calls} = setup({existing: null, templates: [template('ROOT'), template('other')]});
		const result = await pushCommand.run(ctx);
		expect(calls).toContain(`push ${HOST}/my-app:v1`);
		expect(io.stdout[0]).toContain('the repository creation template ROOT (every name)');
		expect(io.stdout[0]).toContain('needs ecr:CreateRepository for that');
		expect(result.json).toMatchObject({createdOnPush: {template: 'ROOT', requiredActions: ['ecr:CreateRepository']}});
	});

	it('a dry run says what ECR would do and changes nothing', async () => {
		const {ctx, io, calls} = setup({existing: null, templates: [template('ROOT')], dryRun: true});
		const result = await pushCommand.run(ctx);
		expect(calls).toEqual(['describe-templates']);
		expect(io.stdout).toEqual([
			expect.stringContaining('ECR will create it on push'),
			`Dry run: would tag my-app:v1 as ${HOST}/my-app:v1 and push it.`,
		]);
		expect(result.json).toMatchObject({dryRun: true, createdOnPush: {template: 'ROOT'}});
	});

	it('templates that cannot be read (access denied): says so, then refuses as without a template', async () => {
		const {ctx, io, calls} = setup({existing: null, templates: denied()});
		await expect(pushCommand.run(ctx)).rejects.toMatchObject({
			code: 'ecr.repository',
			exitCode: 1,
			message: expect.stringContaining('repository creation templates that could create it on push could not be read'),
			hint: expect.stringContaining('--create-repository'),
		});
		expect(io.stderr.join('\n')).toMatch(/templates of us-east-1 could not be read.*not authorized to perform/);
		expect(calls).toEqual(['describe-templates']);
	});

	it('templates that cannot be read: in a terminal, asks to create the repository as before', async () => {
		const io = createRecordingIo({interactive: true, answers: [true]});
		const {ctx, calls} = setup({existing: null, templates: denied(), io});
		await pushCommand.run(ctx);
		expect(io.questions).toEqual(['Repository "my-app" does not exist in us-east-1. Create it?']);
		expect(calls).toEqual([
			'describe-templates',
			'create my-app MUTABLE',
			`tag my-app:v1 ${HOST}/my-app:v1`,
			`push ${HOST}/my-app:v1`,
		]);
	});

	it('a failure other than a refusal is not taken for "no templates"', async () => {
		const network = new AwsError('connect ECONNREFUSED', {kind: 'network'});
		const {ctx, calls} = setup({existing: null, templates: network});
		await expect(pushCommand.run(ctx)).rejects.toBe(network);
		expect(calls).toEqual(['describe-templates']);
	});
});

describe('push --create-repository: the repository’s settings', () => {
	it('creates it with every setting the flags ask for and says what it created', async () => {
		const {ctx, io, calls} = setup({
			existing: null,
			flags: {
				'create-repository': true,
				'immutable-except': ['latest'],
				'scan-on-push': true,
				'kms-key': 'alias/x',
				'keep-images': '30',
			},
		});
		const create = ctx.services.aws.createRepository as ReturnType<typeof vi.fn>;
		const result = await pushCommand.run(ctx);
		expect(create).toHaveBeenCalledWith('us-east-1', {
			name: 'my-app',
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			exclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
			scanOnPush: true,
			encryption: {type: 'KMS', kmsKey: 'alias/x'},
			lifecyclePolicy: keepTaggedLifecyclePolicy(30),
		});
		expect(io.stdout[0]).toBe(
			`Created repository ${HOST}/my-app (immutable tags except latest, scan on push, KMS alias/x, keeps 30 tagged images).`,
		);
		expect(calls.at(-1)).toBe(`push ${HOST}/my-app:v1`);
		expect(result.json).toMatchObject({createdRepository: true});
	});

	it('a repository that exists keeps its settings: a note, no creation', async () => {
		const {ctx, io, calls} = setup({flags: {'create-repository': true, 'keep-images': '5', immutable: true}});
		await pushCommand.run(ctx);
		expect(io.stderr).toContain(
			'Note: my-app exists already and keeps its own settings (--immutable, --keep-images not applied).',
		);
		expect(calls).toEqual([`tag my-app:v1 ${HOST}/my-app:v1`, `push ${HOST}/my-app:v1`]);
	});

	it.each([
		[{'keep-images': '5'}, '--keep-images set up a repository that ecr-setup creates: add --create-repository'],
		[{'mutable-except': ['dev-*'], 'scan-on-push': true}, '--mutable-except, --scan-on-push set up'],
		[
			{'create-repository': true, 'keep-images': 'thirty'},
			'--keep-images takes a whole number of images (got "thirty")',
		],
		[{'create-repository': true, 'keep-images': '0'}, '--keep-images takes a whole number from 1 to 10000'],
		[{'create-repository': true, 'immutable-except': ['bad tag']}, '--immutable-except bad tag:'],
		[
			{'create-repository': true, 'immutable-except': ['a'], 'mutable-except': ['b']},
			'--immutable-except or --mutable-except, not both',
		],
		[{'create-repository': true, 'mutable-except': ['a'], immutable: true}, 'does not go with --immutable'],
		[
			{'create-repository': true, 'immutable-except': ['a', 'b', 'c', 'd', 'e', 'f']},
			'at most 5 tag filters (--immutable-except',
		],
		[{'create-repository': true, encryption: 'DES'}, '--encryption DES is not AES256 or KMS'],
		[{'create-repository': true, encryption: 'AES256', 'kms-key': 'alias/x'}, '--kms-key goes with --encryption KMS'],
	])('refuses %j before any side effect (exit 2)', async (flags, message) => {
		const {ctx, calls} = setup({existing: null, flags});
		await expect(pushCommand.run(ctx)).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining(message)});
		expect(calls).toEqual([]);
	});
});

describe('push: immutable tags with exclusions', () => {
	const excluding = repo({
		imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
		exclusionFilters: [{filterType: 'WILDCARD', filter: 'latest'}],
	});

	it('a tag an exclusion filter makes mutable is pushed without looking for it', async () => {
		const {ctx, calls, imageLookups} = setup({existing: excluding, tagTaken: true, flags: {tag: 'latest'}});
		await pushCommand.run(ctx);
		expect(imageLookups).toEqual([]);
		expect(calls).toContain(`push ${HOST}/my-app:latest`);
	});

	it('any other tag is looked up and refused when it exists', async () => {
		const {ctx, calls, imageLookups} = setup({existing: excluding, tagTaken: true});
		await expect(pushCommand.run(ctx)).rejects.toMatchObject({code: 'ecr.tag-immutable'});
		expect(imageLookups).toEqual(['v1']);
		expect(calls).toEqual([]);
	});

	it('in a mutable repository, a tag its exclusion filters match is immutable', async () => {
		const {ctx, imageLookups} = setup({
			existing: repo({
				imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
				exclusionFilters: [{filterType: 'WILDCARD', filter: 'v*'}],
			}),
			tagTaken: true,
		});
		await expect(pushCommand.run(ctx)).rejects.toMatchObject({code: 'ecr.tag-immutable'});
		expect(imageLookups).toEqual(['v1']);
	});
});
