/**
 * `ecr-setup template` through the real AWS service against the AWS stand-in: what is shown before the yes is what ECR
 * is sent; an existing prefix, --dry-run, a no and a missing --yes change nothing; --list reads every page back.
 */
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {createAwsService} from '../../source/aws/service.js';
import {AwsError} from '../../source/aws/errors.js';
import {templateCommand} from '../../source/commands/template.js';
import type {CommandContext, GlobalOptions, ParsedFlags} from '../../source/commands/types.js';
import type {AwsService} from '../../source/aws/types.js';
import {UsageError, UserError} from '../../source/errors/user-errors.js';
import {awsEnv, type StandIn, startAwsStandIn} from '../helpers/aws-stand-in/index.js';
import {createFakeServices, createRecordingIo, type RecordingIo} from '../helpers/fake-services.js';

let standIn: StandIn;
beforeEach(async () => {
	standIn = await startAwsStandIn();
});
afterEach(async () => {
	vi.unstubAllEnvs();
	await standIn.close();
});

function realAws(): AwsService {
	const env = awsEnv(standIn.url, {AWS_REGION: 'eu-west-1'});
	// The SDK's credential chain and endpoint settings read process.env itself.
	for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
	vi.stubEnv('AWS_PROFILE', '');
	return createAwsService({env, maxAttempts: 1});
}

async function run(
	flags: ParsedFlags,
	settings: {global?: Partial<GlobalOptions>; io?: RecordingIo; aws?: AwsService} = {},
) {
	const options: GlobalOptions = {
		profile: undefined,
		region: undefined,
		config: undefined,
		json: false,
		yes: false,
		dryRun: false,
		color: false,
		verbose: false,
		...settings.global,
	};
	const io = settings.io ?? createRecordingIo({json: options.json, yes: options.yes});
	const context: CommandContext = {
		services: createFakeServices({aws: settings.aws ?? realAws()}),
		options,
		flags,
		positionals: [],
		io,
		signal: new AbortController().signal,
	};
	const result = await templateCommand.run(context);
	return {result, io, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n')};
}

function templatesInStandIn() {
	return standIn.model.templatesOf('eu-west-1', standIn.model.identity.account);
}

const createCalls = () => standIn.requests.filter((call) => call.operation === 'CreateRepositoryCreationTemplate');

describe('ecr-setup template: creating one', () => {
	it('shows the settings and the exact request, asks, and sends exactly that request', async () => {
		const io = createRecordingIo({interactive: true, answers: [true]});
		const {stdout, result} = await run(
			{
				prefix: 'team',
				'immutable-except': ['latest', 'dev-*'],
				encryption: 'KMS',
				'kms-key': 'alias/images',
				'keep-images': '30',
				description: 'Team images',
			},
			{io},
		);
		expect(io.questions).toEqual(['Create this template in eu-west-1?']);
		expect(stdout).toContain('In eu-west-1, the repository creation template "team" (team/…):');
		expect(stdout).toContain('tags:         immutable tags except latest, dev-*');
		expect(stdout).toContain('encryption:   KMS (alias/images)');
		expect(stdout).toContain('lifecycle:    keep the newest 30 tagged images');
		expect(stdout).toContain('ecr-setup policy --repository NAME --push --create-on-push');
		expect(stdout).toContain('Created the repository creation template "team" (team/…) in eu-west-1.');
		// The request printed before the question is byte for byte what reached ECR.
		const shown = stdout.slice(stdout.indexOf('CreateRepositoryCreationTemplate request:\n') + 42);
		const printed = JSON.parse(shown.slice(0, shown.indexOf('\n}') + 2)) as Record<string, unknown>;
		expect(createCalls()).toHaveLength(1);
		expect(createCalls()[0]!.input).toEqual(printed);
		expect(printed).toMatchObject({
			prefix: 'team',
			appliedFor: ['CREATE_ON_PUSH'],
			imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
			imageTagMutabilityExclusionFilters: [
				{filterType: 'WILDCARD', filter: 'latest'},
				{filterType: 'WILDCARD', filter: 'dev-*'},
			],
			encryptionConfiguration: {encryptionType: 'KMS', kmsKey: 'alias/images'},
			description: 'Team images',
		});
		expect(templatesInStandIn()).toEqual([expect.objectContaining({prefix: 'team', appliedFor: ['CREATE_ON_PUSH']})]);
		expect(result.json).toMatchObject({region: 'eu-west-1', prefix: 'team', created: true, dryRun: false});
	});

	it('an existing prefix is refused before anything is shown or asked, and nothing changes', async () => {
		standIn.model.templatesOf('eu-west-1', standIn.model.identity.account).push({
			prefix: 'ROOT',
			appliedFor: ['PULL_THROUGH_CACHE'],
			createdAt: 0,
			updatedAt: 0,
		});
		const io = createRecordingIo({interactive: true, answers: [true]});
		const error = await run({prefix: 'ROOT'}, {io}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(UserError);
		expect(error).not.toBeInstanceOf(UsageError);
		expect(error).toMatchObject({code: 'template.exists', exitCode: 1});
		expect((error as Error).message).toBe(
			'The repository creation template ROOT (every name) already exists in eu-west-1; nothing was changed.',
		);
		expect(io.questions).toEqual([]);
		expect(io.stdout).toEqual([]);
		expect(createCalls()).toEqual([]);
		expect(templatesInStandIn()).toHaveLength(1);
	});

	it('a prefix taken between the look and the create is the same error', async () => {
		const aws = {
			describeCreationTemplates: async () => [],
			createCreationTemplate: async () => {
				throw new AwsError('already exists', {kind: 'unknown', awsCode: 'TemplateAlreadyExistsException'});
			},
			resolveRegion: async () => ({region: 'eu-west-1', source: 'AWS_REGION' as const}),
		} as unknown as AwsService;
		await expect(run({prefix: 'team'}, {aws, global: {yes: true}})).rejects.toMatchObject({code: 'template.exists'});
	});

	it('--dry-run shows it all and creates nothing; a no creates nothing; no terminal and no --yes names --yes', async () => {
		const dry = await run({prefix: 'web', immutable: true}, {global: {dryRun: true}});
		expect(dry.stdout).toContain('"imageTagMutability": "IMMUTABLE"');
		expect(dry.stdout).toContain('Dry run: no template was created.');
		expect(dry.result.json).toMatchObject({created: false, dryRun: true});

		const declined = await run({prefix: 'web'}, {io: createRecordingIo({interactive: true, answers: [false]})});
		expect(declined.stdout).toContain('No template was created.');

		await expect(run({prefix: 'web'})).rejects.toMatchObject({hint: expect.stringContaining('--yes')});
		expect(createCalls()).toEqual([]);
		expect(templatesInStandIn()).toEqual([]);
	});

	it('--json --yes: one document on stdout, the settings on stderr', async () => {
		const {io, stderr, result} = await run(
			{prefix: 'ROOT', 'mutable-except': ['release-*']},
			{global: {json: true, yes: true}},
		);
		expect(io.stdout).toEqual([]);
		expect(stderr).toContain('the repository creation template ROOT (every name)');
		expect(result.json).toEqual({
			region: 'eu-west-1',
			prefix: 'ROOT',
			created: true,
			dryRun: false,
			request: {
				prefix: 'ROOT',
				appliedFor: ['CREATE_ON_PUSH'],
				imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
				imageTagMutabilityExclusionFilters: [{filterType: 'WILDCARD', filter: 'release-*'}],
			},
			notes: expect.arrayContaining([expect.stringContaining('ecr:CreateRepository')]),
		});
		expect(templatesInStandIn()[0]).toMatchObject({prefix: 'ROOT', imageTagMutability: 'MUTABLE_WITH_EXCLUSION'});
	});

	it.each([
		[{}, /--prefix PREFIX/],
		[{prefix: 'Team'}, /neither ROOT nor a repository name/],
		[{prefix: 'web', 'kms-key': 'k', encryption: 'AES256'}, /--kms-key goes with --encryption KMS/],
		[{prefix: 'web', encryption: 'DES'}, /is not AES256 or KMS/],
		[{prefix: 'web', 'keep-images': 'ten'}, /--keep-images takes a whole number/],
		[{prefix: 'web', 'keep-images': '0'}, /--keep-images takes a whole number/],
		[{prefix: 'web', 'immutable-except': ['a'], 'mutable-except': ['b']}, /not both/],
		[{prefix: 'web', description: 'x'.repeat(257)}, /at most 256 characters/],
		[{prefix: 'web', role: 'ecr-role'}, /is not an IAM role ARN/],
	])('refuses %o before any AWS call', async (flags, message) => {
		await expect(run(flags as ParsedFlags, {global: {yes: true}})).rejects.toThrow(message);
		expect(standIn.requests).toEqual([]);
	});
});

describe('ecr-setup template --list', () => {
	it('lists every template of the region (across pages) with its settings', async () => {
		const aws = realAws();
		await aws.createCreationTemplate('eu-west-1', {prefix: 'ROOT', appliedFor: ['CREATE_ON_PUSH']});
		await aws.createCreationTemplate('eu-west-1', {
			prefix: 'team',
			appliedFor: ['CREATE_ON_PUSH', 'REPLICATION'],
			imageTagMutability: 'IMMUTABLE',
			description: 'Team images',
		});
		await aws.createCreationTemplate('eu-west-1', {prefix: 'cache', appliedFor: ['PULL_THROUGH_CACHE']});
		const {stdout, result} = await run({list: true}, {aws});
		expect(stdout).toContain('ROOT (every name no other template covers)\n  applied for:  CREATE_ON_PUSH');
		expect(stdout).toContain(
			'team (team/…)\n  applied for:  CREATE_ON_PUSH, REPLICATION\n  tags:         immutable tags',
		);
		expect(stdout).toContain('description:  Team images');
		expect(stdout).toContain('cache (cache/…)\n  applied for:  PULL_THROUGH_CACHE');
		const json = result.json as {region: string; templates: Array<{prefix: string; settings: string[]}>};
		expect(json.region).toBe('eu-west-1');
		expect(json.templates.map((template) => template.prefix)).toEqual(['ROOT', 'team', 'cache']);
	});

	it('says when there are none, and refuses a setting flag with --list', async () => {
		const {stdout} = await run({list: true});
		expect(stdout).toContain(
			'No repository creation templates in eu-west-1. Create one: ecr-setup template --prefix ROOT',
		);
		await expect(run({list: true, prefix: 'team'})).rejects.toThrow(/--prefix belongs to creating one/);
	});
});
