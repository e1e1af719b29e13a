import {describe, expect, it, vi} from 'vitest';
import {policyCommand} from '../../source/commands/policy.js';
import type {CommandContext, GlobalOptions} from '../../source/commands/types.js';
import {UsageError} from '../../source/errors/user-errors.js';
import type {AwsService} from '../../source/aws/types.js';
import {createFakeServices, createRecordingIo, type RecordingIo} from '../helpers/fake-services.js';

const ACCOUNT = '123456789012';

type Setup = {
	flags?: Record<string, string | boolean | undefined>;
	positionals?: string[];
	options?: Partial<GlobalOptions>;
	io?: RecordingIo;
	aws?: Partial<AwsService>;
	arn?: string;
	region?: string | undefined;
};

function setup(options: Setup = {}) {
	const getCallerIdentity = vi.fn(async () => ({
		account: ACCOUNT,
		arn: options.arn ?? `arn:aws:iam::${ACCOUNT}:user/dev`,
		userId: 'AIDA',
		kind: 'iam-user' as const,
	}));
	const region = 'region' in options ? options.region : 'us-east-2';
	const services = createFakeServices({
		aws: {
			resolveRegion: async () => ({region, source: region ? 'AWS_REGION' : 'none'}),
			getCallerIdentity,
			...options.aws,
		},
	});
	const io = options.io ?? createRecordingIo();
	const context: CommandContext = {
		services,
		io,
		options: {
			profile: undefined,
			region: undefined,
			config: undefined,
			json: false,
			yes: false,
			dryRun: false,
			color: false,
			verbose: false,
			...options.options,
		},
		flags: options.flags ?? {},
		positionals: options.positionals ?? [],
		signal: new AbortController().signal,
	};
	return {context, io, getCallerIdentity};
}

describe('ecr-setup policy', () => {
	it('prints the push policy (the default) for the repository ARN in the account and region in force', async () => {
		const {context, io} = setup({flags: {repository: 'team/api'}});
		const result = await policyCommand.run(context);
		const printed = JSON.parse(io.stdout.join('\n'));
		expect(printed).toEqual({
			Version: '2012-10-17',
			Statement: [
				{Sid: 'GetAuthorizationToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*'},
				{
					Sid: 'PushToRepository',
					Effect: 'Allow',
					Action: [
						'ecr:BatchCheckLayerAvailability',
						'ecr:InitiateLayerUpload',
						'ecr:UploadLayerPart',
						'ecr:CompleteLayerUpload',
						'ecr:PutImage',
						'ecr:BatchGetImage',
					],
					Resource: `arn:aws:ecr:us-east-2:${ACCOUNT}:repository/team/api`,
				},
			],
		});
		expect(result.json).toEqual(printed);
		// Advice goes to stderr, so `> policy.json` captures only the document.
		expect(io.stderr.join('\n')).toContain('aws iam put-role-policy');
	});

	it('prints the pull policy with --pull, and --json gives the document alone', async () => {
		const io = createRecordingIo({json: true});
		const {context} = setup({flags: {repository: 'api', pull: true}, options: {json: true}, io});
		const result = (await policyCommand.run(context)).json as {Statement: Array<{Action: string[]; Resource: string}>};
		expect(io.stdout).toEqual([]);
		expect(result.Statement[1]).toEqual({
			Sid: 'PullFromRepository',
			Effect: 'Allow',
			Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
			Resource: `arn:aws:ecr:us-east-2:${ACCOUNT}:repository/api`,
		});
	});

	it('takes the partition from the caller’s ARN', async () => {
		const {context} = setup({
			flags: {repository: 'api'},
			region: 'us-gov-west-1',
			arn: `arn:aws-us-gov:iam::${ACCOUNT}:user/dev`,
		});
		const result = (await policyCommand.run(context)).json as {Statement: Array<{Resource: string}>};
		expect(result.Statement[1]!.Resource).toBe(`arn:aws-us-gov:ecr:us-gov-west-1:${ACCOUNT}:repository/api`);
	});

	it('refuses --push with --pull, and a missing --repository without a terminal', async () => {
		const both = setup({flags: {repository: 'api', push: true, pull: true}});
		await expect(policyCommand.run(both.context)).rejects.toThrow(/one of --push and --pull/);
		const missing = setup({});
		const error = await policyCommand.run(missing.context).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(UsageError);
		expect((error as UsageError).message).toContain('--repository');
		expect(missing.getCallerIdentity).not.toHaveBeenCalled();
	});

	it('fails naming --region when there is none', async () => {
		const {context} = setup({flags: {repository: 'api'}, region: undefined});
		await expect(policyCommand.run(context)).rejects.toMatchObject({hint: expect.stringContaining('--region')});
	});

	it('prints the GitHub OIDC trust policy for OWNER/REPO and branch with the caller’s account', async () => {
		const {context, io} = setup({flags: {'github-oidc': 'octo-org/api', branch: 'main'}});
		const result = await policyCommand.run(context);
		const printed = JSON.parse(io.stdout.join('\n'));
		expect(printed).toEqual({
			Version: '2012-10-17',
			Statement: [
				{
					Sid: 'GitHubActionsOidc',
					Effect: 'Allow',
					Principal: {Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`},
					Action: 'sts:AssumeRoleWithWebIdentity',
					Condition: {
						StringEquals: {
							'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
							'token.actions.githubusercontent.com:sub': 'repo:octo-org/api:ref:refs/heads/main',
						},
					},
				},
			],
		});
		expect(result.json).toEqual(printed);
		expect(io.stderr.join('\n')).toContain(
			'aws iam create-open-id-connect-provider --url https://token.actions.githubusercontent.com',
		);
	});

	it('scopes the trust policy to every ref of the repository without --branch', async () => {
		const {context} = setup({flags: {'github-oidc': 'octo/api'}});
		const result = (await policyCommand.run(context)).json as {
			Statement: Array<{Condition: Record<string, Record<string, string>>}>;
		};
		expect(result.Statement[0]!.Condition['StringLike']).toEqual({
			'token.actions.githubusercontent.com:sub': 'repo:octo/api:*',
		});
	});

	it('rejects a malformed OWNER/REPO before calling AWS, and flags that belong to the other policy', async () => {
		const bad = setup({flags: {'github-oidc': 'https://github.com/octo/api'}});
		await expect(policyCommand.run(bad.context)).rejects.toThrow(/must be OWNER\/REPO/);
		expect(bad.getCallerIdentity).not.toHaveBeenCalled();
		const mixed = setup({flags: {'github-oidc': 'octo/api', push: true}});
		await expect(policyCommand.run(mixed.context)).rejects.toThrow(/--push belongs to the identity policy/);
		const branchAlone = setup({flags: {repository: 'api', branch: 'main'}});
		await expect(policyCommand.run(branchAlone.context)).rejects.toThrow(/--branch only applies to --github-oidc/);
	});

	it('--create-on-push adds CreateRepository, and TagResource when the covering template tags', async () => {
		const describeCreationTemplates = vi.fn(async () => [
			{prefix: 'ROOT', appliedFor: ['CREATE_ON_PUSH' as const], resourceTagCount: 0},
			{prefix: 'team', appliedFor: ['CREATE_ON_PUSH' as const], resourceTagCount: 2},
		]);
		const tagged = setup({flags: {repository: 'team/api', 'create-on-push': true}, aws: {describeCreationTemplates}});
		const result = (await policyCommand.run(tagged.context)).json as {
			Statement: Array<{Action: string[]; Resource: string}>;
		};
		expect(describeCreationTemplates).toHaveBeenCalledWith('us-east-2', undefined, expect.anything());
		expect(result.Statement[2]).toEqual({
			Sid: 'CreateRepositoryOnPush',
			Effect: 'Allow',
			Action: ['ecr:CreateRepository', 'ecr:TagResource'],
			Resource: `arn:aws:ecr:us-east-2:${ACCOUNT}:repository/team/api`,
		});
		expect(tagged.io.stderr.join('\n')).toContain('the repository creation template "team" (team/…) creates team/api');

		const untagged = setup({flags: {repository: 'web', 'create-on-push': true}, aws: {describeCreationTemplates}});
		const plain = (await policyCommand.run(untagged.context)).json as {Statement: Array<{Action: string[]}>};
		expect(plain.Statement[2]!.Action).toEqual(['ecr:CreateRepository']);
	});

	it('--create-on-push says so when no template covers the name, and keeps TagResource when templates cannot be read', async () => {
		const none = setup({
			flags: {repository: 'web', 'create-on-push': true},
			aws: {describeCreationTemplates: async () => []},
		});
		const result = (await policyCommand.run(none.context)).json as {Statement: Array<{Action: string[]}>};
		expect(result.Statement[2]!.Action).toEqual(['ecr:CreateRepository']);
		expect(none.io.stderr.join('\n')).toContain('no create-on-push template covers web in us-east-2');
		expect(none.io.stderr.join('\n')).toContain('ecr-setup template --prefix');

		const denied = setup({
			flags: {repository: 'web', 'create-on-push': true},
			aws: {
				describeCreationTemplates: async () => {
					throw new Error('not authorized to perform: ecr:DescribeRepositoryCreationTemplates');
				},
			},
		});
		const guarded = (await policyCommand.run(denied.context)).json as {Statement: Array<{Action: string[]}>};
		expect(guarded.Statement[2]!.Action).toEqual(['ecr:CreateRepository', 'ecr:TagResource']);
		expect(denied.io.stderr.join('\n')).toContain('could not be read');
	});

	it('refuses --create-on-push with --pull, and with a repository policy', async () => {
		const pull = setup({flags: {repository: 'web', pull: true, 'create-on-push': true}});
		await expect(policyCommand.run(pull.context)).rejects.toThrow(/goes with --push/);
		const cross = setup({flags: {repository: 'web', 'allow-account': '210987654321', 'create-on-push': true}});
		await expect(policyCommand.run(cross.context)).rejects.toThrow(/--create-on-push does not go with --allow-account/);
	});

	it('--allow-account prints the repository policy for the other account’s root, and who sets it', async () => {
		const {context, io} = setup({flags: {repository: 'shared/api', 'allow-account': '210987654321'}});
		const result = await policyCommand.run(context);
		const printed = JSON.parse(io.stdout.join('\n'));
		expect(printed).toEqual({
			Version: '2012-10-17',
			Statement: [
				{
					Sid: 'AllowPushFrom210987654321',
					Effect: 'Allow',
					Principal: {AWS: 'arn:aws:iam::210987654321:root'},
					Action: [
						'ecr:BatchCheckLayerAvailability',
						'ecr:InitiateLayerUpload',
						'ecr:UploadLayerPart',
						'ecr:CompleteLayerUpload',
						'ecr:PutImage',
						'ecr:BatchGetImage',
					],
				},
			],
		});
		expect(result.json).toEqual(printed);
		const notes = io.stderr.join('\n');
		expect(notes).toContain(`the owner of the repository (account ${ACCOUNT}, you) sets it`);
		expect(notes).toContain(
			'ecr-setup doctor --repository shared/api --region us-east-2 --allow-account 210987654321 --fix',
		);
		expect(notes).toContain('aws ecr set-repository-policy --repository-name shared/api --region us-east-2');
		expect(notes).toContain(`arn:aws:ecr:us-east-2:${ACCOUNT}:repository/shared/api`);
	});

	it('--allow-role with --pull: the role is the principal; the partition follows the region', async () => {
		const role = 'arn:aws-us-gov:iam::210987654321:role/deployer';
		const {context} = setup({flags: {repository: 'api', 'allow-role': role, pull: true}, region: 'us-gov-west-1'});
		const result = (await policyCommand.run(context)).json as {
			Statement: Array<{Principal: unknown; Action: string[]}>;
		};
		expect(result.Statement[0]!.Principal).toEqual({AWS: role});
		expect(result.Statement[0]!.Action).toEqual([
			'ecr:BatchGetImage',
			'ecr:GetDownloadUrlForLayer',
			'ecr:BatchCheckLayerAvailability',
		]);
	});

	it('checks --allow-account before calling AWS, and says when the account is your own', async () => {
		const bad = setup({flags: {repository: 'api', 'allow-account': '2109'}});
		await expect(policyCommand.run(bad.context)).rejects.toThrow(/exactly 12 digits/);
		expect(bad.getCallerIdentity).not.toHaveBeenCalled();
		const own = setup({flags: {repository: 'api', 'allow-account': ACCOUNT}});
		await policyCommand.run(own.context);
		expect(own.io.stderr.join('\n')).toContain('is your own');
		const mixed = setup({flags: {'github-oidc': 'octo/api', 'allow-account': '210987654321'}});
		await expect(policyCommand.run(mixed.context)).rejects.toThrow(/--allow-account belongs to the repository policy/);
	});
});
