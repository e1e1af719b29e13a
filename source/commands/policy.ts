/**
 * `ecr-setup policy`: the least-privilege identity policy for pushing to (or pulling from) one repository (with
 * `--create-on-push`, also for creating it on its first push), with `--allow-account ID` / `--allow-role ARN` the
 * repository policy that lets another account push or pull, or with `--github-oidc OWNER/REPO` the trust policy of a
 * role GitHub Actions may assume.
 */
import {booleanFlag, stringFlag} from './args.js';
import {UsageError, errorMessage} from '../errors/user-errors.js';
import {describeTemplate, templateForPush} from '../ecr/creation-templates.js';
import {partitionOfArn} from '../ecr/regions.js';
import {FALLBACK_REGION} from '../aws/region.js';
import {
	GITHUB_OIDC_HOST,
	STS_AUDIENCE,
	assertBranch,
	assertOwnerRepo,
	generateGithubOidcTrustPolicy,
	generateIdentityPolicy,
	generateRepositoryPolicy,
	repositoryArn,
	type PolicyDocument,
} from '../generators/policy.js';
import {shellQuote} from '../lib/shell.js';
import {regionInForce, requireRegion} from './shared.js';
import {resolveRepositoryTarget} from './targets.js';
import type {CommandContext, CommandDefinition} from './types.js';

function printPolicy(context: CommandContext, policy: PolicyDocument, notes: string[]): void {
	context.io.out(JSON.stringify(policy, null, 2));
	for (const note of notes) context.io.err(note);
}

async function trustPolicy(context: CommandContext, ownerRepo: string): Promise<PolicyDocument> {
	const {flags, services, signal} = context;
	for (const flag of ['push', 'pull', 'repository', 'create-on-push', 'allow-account', 'allow-role'] as const) {
		if (flags[flag] !== undefined && flags[flag] !== false) {
			const other = flag.startsWith('allow-') ? 'repository policy' : 'identity policy';
			throw new UsageError(`--github-oidc prints the role's trust policy; --${flag} belongs to the ${other}.`, {
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
	if (access === 'pull' && booleanFlag(flags, 'create-on-push')) {
		throw new UsageError('--create-on-push goes with --push: a pull never creates a repository.', {
			code: 'usage.create-on-push',
		});
	}

	const {region, identity, repository} = await resolveRepositoryTarget(context);
	const createOnPush = booleanFlag(flags, 'create-on-push')
		? await createOnPushFor(context, region, repository)
		: undefined;
	const policy = generateIdentityPolicy({
		account: identity.account,
		region,
		repository,
		access,
		partition: partitionOfArn(identity.arn),
		...(createOnPush ? {createOnPush} : {}),
	});
	printPolicy(context, policy, [
		`This policy lets an identity ${access} ${repository} in ${region} (account ${identity.account})${createOnPush ? ', create it on its first push,' : ''} and nothing else.`,
		`Attach it, e.g.: aws iam put-role-policy --role-name ROLE --policy-name ecr-${access}-${repository.replaceAll('/', '-')} --policy-document file://policy.json`,
	]);
	return policy;
}

/**
 * Whether the template that would create the repository tags it (then the pusher needs ecr:TagResource too). When the
 * templates cannot be read, ecr:TagResource is kept in: on the one repository it costs little, and without it a push
 * through a tagging template is refused.
 */
async function createOnPushFor(context: CommandContext, region: string, repository: string): Promise<{tags: boolean}> {
	const {services, io, signal} = context;
	try {
		const template = templateForPush(
			repository,
			await services.aws.describeCreationTemplates(region, undefined, {signal}),
		);
		if (!template) {
			io.err(
				`Note: no create-on-push template covers ${repository} in ${region}, so a push to it while it does not exist still answers "name unknown". Create one: ecr-setup template --prefix PREFIX`,
			);
			return {tags: false};
		}

		const tags = template.resourceTagCount > 0;
		io.err(
			`Note: ${describeTemplate(template)} creates ${repository} on its first push${tags ? ' and tags it (hence ecr:TagResource)' : ''}.`,
		);
		return {tags};
	} catch (error) {
		io.err(
			`Note: the repository creation templates of ${region} could not be read (${errorMessage(error)}); ecr:TagResource is included in case the template tags what it creates.`,
		);
		return {tags: true};
	}
}

/** The repository policy (resource-based) the owner sets so that another account, or one role of it, may push or pull. */
async function repositoryPolicy(context: CommandContext): Promise<PolicyDocument> {
	const {flags} = context;
	if (flags['push'] === true && flags['pull'] === true) {
		throw new UsageError('Choose one of --push and --pull.', {code: 'usage.policy-access'});
	}

	for (const flag of ['branch', 'create-on-push'] as const) {
		if (flags[flag] !== undefined && flags[flag] !== false) {
			throw new UsageError(`--${flag} does not go with --allow-account or --allow-role (a repository policy).`, {
				code: 'usage.policy-kind',
			});
		}
	}

	const access = flags['pull'] === true ? 'pull' : 'push';
	const allowAccount = stringFlag(flags, 'allow-account');
	const allowRole = stringFlag(flags, 'allow-role');
	const input = {
		access,
		...(allowAccount === undefined ? {} : {account: allowAccount}),
		...(allowRole === undefined ? {} : {roleArn: allowRole}),
	} as const;
	// The flags are checked before any AWS call: a typo in the account costs nothing.
	const policy = generateRepositoryPolicy({...input, region: await requireRegion(context)});
	const {region, identity, repository} = await resolveRepositoryTarget(context);
	const statement = policy.Statement[0]!;
	const principal = (statement.Principal as {AWS: string}).AWS;
	const account = principal.split(':')[4]!;
	const who = allowRole === undefined ? `account ${account} (every identity its IAM policies allow)` : allowRole;
	const location = `--repository-name ${shellQuote(repository)} --region ${region}`;
	const notes =
		account === identity.account
			? [
					`Account ${account} is your own: its identities need only identity policies (ecr-setup policy --repository ${repository} --${access}), no repository policy.`,
				]
			: [
					`This repository policy lets ${who} ${access} ${repository} in ${region}; the owner of the repository (account ${identity.account}, you) sets it:`,
					`  ecr-setup doctor --repository ${shellQuote(repository)} --region ${region} ${allowRole === undefined ? `--allow-account ${account}` : `--allow-role ${allowRole}`} --fix   (adds it to the policy there, after a diff)`,
					`  aws ecr set-repository-policy ${location} --policy-text file://repository-policy.json   (replaces the whole policy)`,
					`The identity in account ${account} also needs an identity policy allowing ecr:GetAuthorizationToken on "*" and ${statement.Action.length} actions on ${repositoryArn(partitionOfArn(principal), region, identity.account, repository)}.`,
				];
	printPolicy(context, policy, notes);
	return policy;
}

export const policyCommand: CommandDefinition = {
	name: 'policy',
	summary: 'Print least-privilege IAM policies for pushing or pulling',
	usage:
		'ecr-setup policy [--repository NAME] [--push [--create-on-push] | --pull] [--json]\n' +
		'  ecr-setup policy --repository NAME --allow-account ID [--allow-role ARN] [--push | --pull]\n' +
		'  ecr-setup policy --github-oidc OWNER/REPO [--branch B]',
	flags: [
		{name: 'repository', type: 'string', value: 'NAME', description: 'ECR repository the policy is for'},
		{name: 'push', type: 'boolean', description: 'Permissions to push (the default)'},
		{name: 'pull', type: 'boolean', description: 'Permissions to pull only'},
		{name: 'create-on-push', type: 'boolean', description: 'Also let a create-on-push template create it'},
		{name: 'allow-account', type: 'string', value: 'ID', description: 'Print the repository policy for this account'},
		{
			name: 'allow-role',
			type: 'string',
			value: 'ARN',
			description: 'The same for one role of that account only',
		},
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
		'The identity policy allows ecr:GetAuthorizationToken on "*" and the push (or pull) actions on the repository\'s ARN only;\n' +
		'--create-on-push adds ecr:CreateRepository (and ecr:TagResource when the template tags) on that ARN.\n' +
		"The repository policy (--allow-account, --allow-role) names the other account's root (or the role) as the principal:\n" +
		'a cross-account push needs it in the owning account as well as an identity policy in the pushing one.\n' +
		'Examples:\n' +
		'  ecr-setup policy --repository my-app --push > policy.json\n' +
		'  ecr-setup policy --repository my-app --push --create-on-push > policy.json\n' +
		'  ecr-setup policy --repository my-app --allow-account 210987654321 > repository-policy.json\n' +
		'  ecr-setup policy --github-oidc octo-org/my-app --branch main > trust-policy.json',
	async run(context) {
		if (context.positionals.length > 0) {
			throw new UsageError(`Unexpected argument "${context.positionals[0]}".`, {hint: 'See ecr-setup policy --help.'});
		}

		const ownerRepo = stringFlag(context.flags, 'github-oidc');
		const crossAccount =
			stringFlag(context.flags, 'allow-account') !== undefined || stringFlag(context.flags, 'allow-role') !== undefined;
		const policy =
			ownerRepo !== undefined
				? await trustPolicy(context, ownerRepo)
				: crossAccount
					? await repositoryPolicy(context)
					: await identityPolicy(context);
		return {json: policy};
	},
};
