/**
 * `ecr-setup policy`: the least-privilege identity policy for pushing to (or pulling from) one repository, or with
 * `--github-oidc OWNER/REPO` the trust policy of a role GitHub Actions may assume.
 */
import {stringFlag} from './args.js';
import {UsageError} from '../errors/user-errors.js';
import {partitionOfArn} from '../ecr/regions.js';
import {FALLBACK_REGION} from '../aws/region.js';
import {
	GITHUB_OIDC_HOST,
	STS_AUDIENCE,
	assertBranch,
	assertOwnerRepo,
	generateGithubOidcTrustPolicy,
	generateIdentityPolicy,
	type PolicyDocument,
} from '../generators/policy.js';
import {regionInForce} from './shared.js';
import {resolveRepositoryTarget} from './targets.js';
import type {CommandContext, CommandDefinition} from './types.js';

function printPolicy(context: CommandContext, policy: PolicyDocument, notes: string[]): void {
	context.io.out(JSON.stringify(policy, null, 2));
	for (const note of notes) context.io.err(note);
}

async function trustPolicy(context: CommandContext, ownerRepo: string): Promise<PolicyDocument> {
	const {flags, services, signal} = context;
	for (const flag of ['push', 'pull', 'repository'] as const) {
		if (flags[flag] !== undefined && flags[flag] !== false) {
			throw new UsageError(`--github-oidc prints the role's trust policy; --${flag} belongs to the identity policy.`, {
				code: 'usage.policy-kind',
				hint: 'Run `ecr-setup policy --repository NAME --push` separately for the permissions the role needs.',
			});
		}
	}

	assertOwnerRepo(ownerRepo);
	const branch = stringFlag(flags, 'branch');
	if (branch !== undefined) assertBranch(branch, {allowWildcard: true});
	const {region} = await regionInForce(context);
	// The trust policy names no region: STS is asked wherever the region in force says, else in the default.
	const identity = await services.aws.getCallerIdentity({region: region ?? FALLBACK_REGION, signal});
	const policy = generateGithubOidcTrustPolicy({
		account: identity.account,
		ownerRepo,
		partition: partitionOfArn(identity.arn),
		...(branch === undefined ? {} : {branch}),
	});
	printPolicy(context, policy, [
		`This trust policy lets workflows of ${ownerRepo}${branch === undefined ? ' (any branch, tag or pull request)' : ` on ${branch}`} assume the role in account ${identity.account}.`,
		`The account needs the IAM OIDC provider for ${GITHUB_OIDC_HOST} first:`,
		`  aws iam create-open-id-connect-provider --url https://${GITHUB_OIDC_HOST} --client-id-list ${STS_AUDIENCE}`,
		'Then: aws iam create-role --role-name ecr-push --assume-role-policy-document file://trust-policy.json',
	]);
	return policy;
}

async function identityPolicy(context: CommandContext): Promise<PolicyDocument> {
	const {flags} = context;
	if (flags['push'] === true && flags['pull'] === true) {
		throw new UsageError('Choose one of --push and --pull.', {
			code: 'usage.policy-access',
			hint: 'A pushing identity gets --push; one that only pulls gets --pull.',
		});
	}

	if (flags['branch'] !== undefined) {
		throw new UsageError('--branch only applies to --github-oidc.', {code: 'usage.branch'});
	}

	const access = flags['pull'] === true ? 'pull' : 'push';
	const {region, identity, repository} = await resolveRepositoryTarget(context);
	const policy = generateIdentityPolicy({
		account: identity.account,
		region,
		repository,
		access,
		partition: partitionOfArn(identity.arn),
	});
	printPolicy(context, policy, [
		`This policy lets an identity ${access} ${repository} in ${region} (account ${identity.account}) and nothing else.`,
		`Attach it, e.g.: aws iam put-role-policy --role-name ROLE --policy-name ecr-${access}-${repository.replaceAll('/', '-')} --policy-document file://policy.json`,
	]);
	return policy;
}

export const policyCommand: CommandDefinition = {
	name: 'policy',
	summary: 'Print least-privilege IAM policies for pushing or pulling',
	usage:
		'ecr-setup policy [--repository NAME] [--push | --pull] [--json]\n  ecr-setup policy --github-oidc OWNER/REPO [--branch B]',
	flags: [
		{name: 'repository', type: 'string', value: 'NAME', description: 'ECR repository the policy is for'},
		{name: 'push', type: 'boolean', description: 'Permissions to push (the default)'},
		{name: 'pull', type: 'boolean', description: 'Permissions to pull only'},
		{
			name: 'github-oidc',
			type: 'string',
			value: 'OWNER/REPO',
			description: 'Print the trust policy of a role this GitHub repository may assume',
		},
		{
			name: 'branch',
			type: 'string',
			value: 'B',
			description: 'With --github-oidc: only workflows on this branch (patterns with * allowed)',
		},
	],
	details:
		'The identity policy allows ecr:GetAuthorizationToken on "*" and the push (or pull) actions on the repository\'s ARN only.\n' +
		'Examples:\n' +
		'  ecr-setup policy --repository my-app --push > policy.json\n' +
		'  ecr-setup policy --github-oidc octo-org/my-app --branch main > trust-policy.json',
	async run(context) {
		if (context.positionals.length > 0) {
			throw new UsageError(`Unexpected argument "${context.positionals[0]}".`, {hint: 'See ecr-setup policy --help.'});
		}

		const ownerRepo = stringFlag(context.flags, 'github-oidc');
		const policy = ownerRepo === undefined ? await identityPolicy(context) : await trustPolicy(context, ownerRepo);
		return {json: policy};
	},
};
