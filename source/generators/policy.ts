/**
 * Least-privilege IAM documents for one ECR repository (ecr:GetAuthorizationToken on *, the rest on its ARN only), the
 * repository policy that lets another account (or one of its roles) push or pull, and the trust policy that lets GitHub
 * Actions assume a role through OIDC. Pure: inputs in, policy objects out; every rejected input says which rule it broke.
 */
import {AUTH_ACTIONS, PULL_ACTIONS, PUSH_ACTIONS} from '../ecr/actions.js';
import {createOnPushActions} from '../ecr/creation-templates.js';
import {UsageError} from '../errors/user-errors.js';
import {partitionOf} from '../ecr/partitions.js';
import {isRegionShaped, partitionOfRegion} from '../ecr/regions.js';
import {validateRepositoryName} from '../ecr/names.js';

export const POLICY_VERSION = '2012-10-17';

export {AUTH_ACTIONS, PULL_ACTIONS, PUSH_ACTIONS} from '../ecr/actions.js';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const STS_AUDIENCE = 'sts.amazonaws.com';

export type PolicyStatement = {
	Sid: string;
	Effect: 'Allow';
	Action: string | string[];
	Resource?: string | string[];
	Principal?: {Federated: string} | {AWS: string};
	Condition?: Record<string, Record<string, string>>;
};

export type PolicyDocument = {
	Version: typeof POLICY_VERSION;
	Statement: PolicyStatement[];
};

export type IdentityPolicyInput = {
	account: string;
	region: string;
	repository: string;
	/** Default: the partition of the region (aws, aws-cn, aws-us-gov, …). */
	partition?: string;
	access: 'push' | 'pull';
	/**
	 * The repository may not exist yet and a create-on-push template makes ECR create it on the first push: the pusher
	 * then needs ecr:CreateRepository on it, and ecr:TagResource when the template tags what it creates (`tags`).
	 */
	createOnPush?: {tags: boolean};
};

export type RepositoryPolicyInput = {
	/** The account whose identities may push (or pull): the principal is its root, so its own IAM policies decide who. */
	account?: string;
	/** Only this role of that account (an IAM role ARN); its account is the account when none is given. */
	roleArn?: string;
	/** The repository's region: it decides the partition of the principal's ARN. */
	region: string;
	access: 'push' | 'pull';
};

export type GithubTrustPolicyInput = {
	account: string;
	/** OWNER/REPO on GitHub. */
	ownerRepo: string;
	/** Only this branch may assume the role; every ref of the repository when omitted. */
	branch?: string;
	partition?: string;
};

// ───────────────────────────── validation shared with the pipeline generator ─────────────────────────────

const PARTITIONS = new Set([
	'aws',
	'aws-cn',
	'aws-us-gov',
	'aws-iso',
	'aws-iso-b',
	'aws-iso-e',
	'aws-iso-f',
	'aws-eusc',
]);
const ROLE_ARN =
	/^arn:(?<partition>aws[a-z-]*):iam::(?<account>\d{12}):role\/(?:[\w+=,.@-]+\/)*(?<name>[\w+=,.@-]{1,64})$/;
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;

export function assertAccount(account: string): void {
	if (!/^\d{12}$/.test(account)) {
		throw new UsageError(`"${account}" is not an AWS account ID: an account ID is exactly 12 digits.`, {
			code: 'usage.account',
		});
	}
}

export function assertRegion(region: string): void {
	if (!isRegionShaped(region)) {
		throw new UsageError(`"${region}" is not an AWS region name (like us-east-1 or eu-west-2).`, {
			code: 'usage.region',
			hint: 'Pass --region with a region such as us-east-1.',
		});
	}
}

export function assertRepository(repository: string): void {
	const result = validateRepositoryName(repository);
	if (!result.ok) {
		throw new UsageError(`"${repository}" is not a valid ECR repository name. ${result.reason}`, {
			code: 'usage.repository',
			hint: 'Pass --repository with the repository name only, e.g. --repository my-team/my-app.',
		});
	}
}

export function assertPartition(partition: string): void {
	if (!PARTITIONS.has(partition)) {
		throw new UsageError(`"${partition}" is not an AWS partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, …).`, {
			code: 'usage.partition',
		});
	}
}

/** An IAM role ARN: arn:<partition>:iam::<12-digit account>:role/[path/]<name>. */
export function assertRoleArn(roleArn: string): void {
	if (!ROLE_ARN.test(roleArn)) {
		throw new UsageError(
			`"${roleArn}" is not an IAM role ARN: it must look like arn:aws:iam::123456789012:role/NAME (12-digit account, role name of letters, digits and +=,.@_-).`,
			{
				code: 'usage.role-arn',
				hint: "Copy the ARN from the role's summary in the IAM console, or pass --role-arn with it.",
			},
		);
	}
}

export function assertOwnerRepo(ownerRepo: string): {owner: string; repo: string} {
	const parts = ownerRepo.split('/');
	const [owner, repo] = parts;
	const rule =
		'it must be OWNER/REPO as on GitHub: the owner 1–39 letters, digits or single hyphens (not at either end), the repository 1–100 letters, digits, ".", "_" or "-"';
	if (
		parts.length !== 2 ||
		owner === undefined ||
		repo === undefined ||
		!GITHUB_OWNER.test(owner) ||
		!GITHUB_REPO.test(repo) ||
		repo === '.' ||
		repo === '..'
	) {
		throw new UsageError(`"${ownerRepo}" is not a GitHub repository: ${rule}.`, {
			code: 'usage.github-repository',
			hint: 'Pass --github-oidc with the repository as it appears in its URL, e.g. --github-oidc octo-org/my-app.',
		});
	}

	return {owner, repo};
}

/**
 * A branch name as git accepts it (git check-ref-format), kept to what can be written unquoted into a pipeline
 * condition: no spaces, control characters, quotes or backslashes. `*` only where the caller matches patterns.
 */
export function assertBranch(branch: string, options: {allowWildcard?: boolean} = {}): void {
	const problems: string[] = [];
	if (branch.length === 0) problems.push('it is empty');
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u0020\u007F~^:?[\\'"`$]/.test(branch))
		problems.push('it contains a space, a control character or one of ~ ^ : ? [ \\ \' " ` $');
	if (!options.allowWildcard && branch.includes('*')) problems.push('it contains "*"');
	if (branch.includes('..') || branch.includes('@{') || branch.includes('//'))
		problems.push('it contains "..", "@{" or "//"');
	if (branch.startsWith('/') || branch.endsWith('/') || branch.endsWith('.') || branch.startsWith('-')) {
		problems.push('it starts with "/" or "-", or ends with "/" or "."');
	}

	if (branch.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'))) {
		problems.push('a part starts with "." or ends with ".lock"');
	}

	if (problems.length > 0) {
		throw new UsageError(`"${branch}" is not a usable branch name: ${problems.join('; ')}.`, {
			code: 'usage.branch',
			hint: 'Pass --branch with a git branch name such as main or release/2.0.',
		});
	}
}

// ───────────────────────────── policies ─────────────────────────────

export function repositoryArn(partition: string, region: string, account: string, repository: string): string {
	return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

/** The identity policy a CI user or role needs to push to (or pull from) exactly one repository. */
export function generateIdentityPolicy(input: IdentityPolicyInput): PolicyDocument {
	assertAccount(input.account);
	assertRegion(input.region);
	assertRepository(input.repository);
	const partition = input.partition ?? partitionOfRegion(input.region);
	assertPartition(partition);
	if (input.access !== 'push' && input.access !== 'pull') {
		throw new UsageError(`Access must be "push" or "pull", not "${String(input.access)}".`, {code: 'usage.access'});
	}

	const push = input.access === 'push';
	if (input.createOnPush && !push) {
		throw new UsageError('Create on push goes with --push: a pull never creates a repository.', {
			code: 'usage.create-on-push',
		});
	}

	const resource = repositoryArn(partition, input.region, input.account, input.repository);
	const statements: PolicyStatement[] = [
		{Sid: 'GetAuthorizationToken', Effect: 'Allow', Action: [...AUTH_ACTIONS], Resource: '*'},
		{
			Sid: push ? 'PushToRepository' : 'PullFromRepository',
			Effect: 'Allow',
			Action: [...(push ? PUSH_ACTIONS : PULL_ACTIONS)],
			Resource: resource,
		},
	];
	if (input.createOnPush) {
		statements.push({
			Sid: 'CreateRepositoryOnPush',
			Effect: 'Allow',
			Action: createOnPushActions({resourceTagCount: input.createOnPush.tags ? 1 : 0}),
			Resource: resource,
		});
	}

	return {Version: POLICY_VERSION, Statement: statements};
}

// ───────────────────────────── repository policies (resource-based) ─────────────────────────────

const ROLE_NAME_OF = /:role\/(?:.*\/)?([^/]+)$/;

/**
 * The statement a repository policy needs so that another account (its root: every identity its IAM policies allow)
 * or one role of it may push or pull. A repository policy names no Resource: it is the repository's own.
 */
export function repositoryPolicyStatement(input: RepositoryPolicyInput): PolicyStatement {
	assertRegion(input.region);
	const partition = partitionOf(input.region).id;
	let account = input.account;
	if (account !== undefined) assertAccount(account);
	if (input.roleArn !== undefined) {
		assertRoleArn(input.roleArn);
		const [, rolePartition, , , roleAccount] = input.roleArn.split(':');
		if (account !== undefined && roleAccount !== account) {
			throw new UsageError(`The role ${input.roleArn} is in account ${roleAccount}, not ${account}.`, {
				code: 'usage.role-arn',
				hint: 'Give the role of the account you allow, or only one of --allow-account and --allow-role.',
			});
		}

		if (rolePartition !== partition) {
			throw new UsageError(
				`The role ${input.roleArn} is in the partition ${rolePartition}, but ${input.region} is in ${partition}.`,
				{
					code: 'usage.role-arn',
				},
			);
		}

		account = roleAccount;
	}

	if (account === undefined) {
		throw new UsageError(
			'Whose pushes should the repository policy allow? Pass --allow-account ID or --allow-role ARN.',
			{
				code: 'usage.allow-account',
			},
		);
	}

	const push = input.access === 'push';
	const role =
		input.roleArn === undefined ? '' : (ROLE_NAME_OF.exec(input.roleArn)?.[1] ?? '').replaceAll(/[^A-Za-z0-9]/g, '');
	return {
		// Sids are letters and digits only.
		Sid: `Allow${push ? 'Push' : 'Pull'}From${account}${role ? `Role${role}` : ''}`,
		Effect: 'Allow',
		Principal: {AWS: input.roleArn ?? `arn:${partition}:iam::${account}:root`},
		Action: [...(push ? PUSH_ACTIONS : PULL_ACTIONS)],
	};
}

/** A whole repository policy holding only that statement. */
export function generateRepositoryPolicy(input: RepositoryPolicyInput): PolicyDocument {
	return {Version: POLICY_VERSION, Statement: [repositoryPolicyStatement(input)]};
}

export type MergedPolicy =
	| {ok: true; document: {Version: string; Statement: unknown[]; [key: string]: unknown}; changed: boolean}
	| {ok: false; error: string};

/**
 * A repository policy with `statement` added to what is there: every statement of the existing policy is kept (a
 * SetRepositoryPolicy replaces the whole policy, so whatever is not sent again is lost), except one with the same Sid,
 * which the new statement replaces. `existing` is null when the repository has no policy.
 */
export function mergeRepositoryPolicy(existing: string | null, statement: PolicyStatement): MergedPolicy {
	if (existing === null || existing.trim() === '') {
		return {ok: true, document: {Version: POLICY_VERSION, Statement: [statement]}, changed: true};
	}

	let parsed: unknown;
	try {
		parsed = JSON.parse(existing);
	} catch (error) {
		return {ok: false, error: `the repository policy is not valid JSON (${(error as Error).message})`};
	}

	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		return {ok: false, error: 'the repository policy is not a JSON object'};
	}

	const document = parsed as Record<string, unknown>;
	const raw = document['Statement'];
	const statements: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
	const sameSid = (entry: unknown) =>
		typeof entry === 'object' && entry !== null && (entry as {Sid?: unknown}).Sid === statement.Sid;
	const index = statements.findIndex(sameSid);
	const unchanged = index !== -1 && JSON.stringify(statements[index]) === JSON.stringify(statement);
	const merged =
		index === -1 ? [...statements, statement] : statements.map((entry, at) => (at === index ? statement : entry));
	return {
		ok: true,
		document: {
			...document,
			Version: typeof document['Version'] === 'string' ? document['Version'] : POLICY_VERSION,
			Statement: merged,
		},
		changed: !unchanged,
	};
}

/** The subject claim GitHub puts in its OIDC token for a workflow run on a branch (or any ref: `*`). */
export function githubSubject(ownerRepo: string, branch?: string): string {
	return branch === undefined ? `repo:${ownerRepo}:*` : `repo:${ownerRepo}:ref:refs/heads/${branch}`;
}

/** The trust policy of a role that workflows of one GitHub repository (optionally one branch) may assume via OIDC. */
export function generateGithubOidcTrustPolicy(input: GithubTrustPolicyInput): PolicyDocument {
	assertAccount(input.account);
	assertOwnerRepo(input.ownerRepo);
	if (input.branch !== undefined) assertBranch(input.branch, {allowWildcard: true});
	const partition = input.partition ?? 'aws';
	assertPartition(partition);
	const subject = githubSubject(input.ownerRepo, input.branch);
	const exact = !subject.includes('*');
	return {
		Version: POLICY_VERSION,
		Statement: [
			{
				Sid: 'GitHubActionsOidc',
				Effect: 'Allow',
				Principal: {Federated: `arn:${partition}:iam::${input.account}:oidc-provider/${GITHUB_OIDC_HOST}`},
				Action: 'sts:AssumeRoleWithWebIdentity',
				Condition: exact
					? {StringEquals: {[`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: subject}}
					: {
							StringEquals: {[`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE},
							StringLike: {[`${GITHUB_OIDC_HOST}:sub`]: subject},
						},
			},
		],
	};
}
