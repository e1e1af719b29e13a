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
});
