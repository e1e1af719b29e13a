import {describe, expect, it} from 'vitest';
import {UsageError} from '../../source/errors/user-errors.js';
import {
	assertBranch,
	assertOwnerRepo,
	assertRoleArn,
	generateGithubOidcTrustPolicy,
	generateIdentityPolicy,
	generateRepositoryPolicy,
	mergeRepositoryPolicy,
	type PolicyDocument,
	repositoryPolicyStatement,
} from '../../source/generators/policy.js';

// ECR's documented action lists for push and pull, written out here rather than imported, so a change to the generator shows up.
const EXPECTED_PUSH = [
	'ecr:BatchCheckLayerAvailability',
	'ecr:InitiateLayerUpload',
	'ecr:UploadLayerPart',
	'ecr:CompleteLayerUpload',
	'ecr:PutImage',
	'ecr:BatchGetImage',
];
const EXPECTED_PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];

/** The IAM policy grammar this tool relies on: Version, a Statement array, each with Effect/Action and Resource or Principal. */
function expectValidIamPolicy(policy: PolicyDocument): void {
	// Round-trip through JSON: what the user pastes is the serialised form.
	const parsed = JSON.parse(JSON.stringify(policy)) as Record<string, unknown>;
	expect(Object.keys(parsed).sort()).toEqual(['Statement', 'Version']);
	expect(parsed['Version']).toBe('2012-10-17');
	expect(Array.isArray(parsed['Statement'])).toBe(true);
	const statements = parsed['Statement'] as Array<Record<string, unknown>>;
	expect(statements.length).toBeGreaterThan(0);
	const sids = new Set<string>();
	for (const statement of statements) {
		for (const key of Object.keys(statement))
			expect(['Sid', 'Effect', 'Action', 'Resource', 'Principal', 'Condition']).toContain(key);
		expect(statement['Effect']).toBe('Allow');
		const actions = statement['Action'];
		for (const action of Array.isArray(actions) ? actions : [actions]) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
		expect(statement['Resource'] !== undefined || statement['Principal'] !== undefined).toBe(true);
		if (typeof statement['Sid'] === 'string') {
			expect(statement['Sid']).toMatch(/^[A-Za-z0-9]+$/);
			expect(sids.has(statement['Sid'])).toBe(false);
			sids.add(statement['Sid']);
		}
	}
}

describe('generateIdentityPolicy', () => {
	it('grants GetAuthorizationToken on * and exactly the push actions on the repository ARN', () => {
		const policy = generateIdentityPolicy({
			account: '123456789012',
			region: 'eu-west-2',
			repository: 'team/web-app',
			access: 'push',
		});
		expectValidIamPolicy(policy);
		expect(policy.Statement).toHaveLength(2);
		const [auth, push] = policy.Statement;
		expect(auth).toMatchObject({Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*'});
		expect(push!.Action).toEqual(EXPECTED_PUSH);
		expect(push!.Resource).toBe('arn:aws:ecr:eu-west-2:123456789012:repository/team/web-app');
	});

	it('grants exactly the pull actions for --pull', () => {
		const policy = generateIdentityPolicy({
			account: '123456789012',
			region: 'us-east-1',
			repository: 'api',
			access: 'pull',
		});
		expectValidIamPolicy(policy);
		expect(policy.Statement[1]!.Action).toEqual(EXPECTED_PULL);
		expect(policy.Statement[1]!.Resource).toBe('arn:aws:ecr:us-east-1:123456789012:repository/api');
		const allActions = policy.Statement.flatMap((statement) => statement.Action);
		expect(allActions).not.toContain('ecr:PutImage');
	});

	it('never grants anything but GetAuthorizationToken on *', () => {
		for (const access of ['push', 'pull'] as const) {
			const policy = generateIdentityPolicy({account: '123456789012', region: 'us-east-1', repository: 'api', access});
			const wildcard = policy.Statement.filter((statement) => statement.Resource === '*');
			expect(wildcard.flatMap((statement) => statement.Action)).toEqual(['ecr:GetAuthorizationToken']);
		}
	});

	it('uses the partition of the region, or the one given', () => {
		const china = generateIdentityPolicy({
			account: '123456789012',
			region: 'cn-north-1',
			repository: 'api',
			access: 'push',
		});
		expect(china.Statement[1]!.Resource).toBe('arn:aws-cn:ecr:cn-north-1:123456789012:repository/api');
		const gov = generateIdentityPolicy({
			account: '123456789012',
			region: 'us-gov-west-1',
			repository: 'api',
			access: 'push',
			partition: 'aws-us-gov',
		});
		expect(gov.Statement[1]!.Resource).toBe('arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/api');
	});

	it('rejects bad inputs with the rule they broke', () => {
		const base = {account: '123456789012', region: 'us-east-1', repository: 'api', access: 'push'} as const;
		expect(() => generateIdentityPolicy({...base, repository: 'My-App'})).toThrow(/lower case/);
		expect(() =>
			generateIdentityPolicy({...base, repository: '123456789012.dkr.ecr.us-east-1.amazonaws.com/api'}),
		).toThrow(/full image URI/);
		expect(() => generateIdentityPolicy({...base, account: '1234'})).toThrow(/exactly 12 digits/);
		expect(() => generateIdentityPolicy({...base, region: 'Virginia'})).toThrow(UsageError);
		expect(() => generateIdentityPolicy({...base, partition: 'azure'})).toThrow(/not an AWS partition/);
	});
});

describe('generateGithubOidcTrustPolicy', () => {
	const HOST = 'token.actions.githubusercontent.com';

	it('trusts the GitHub OIDC provider for one branch with StringEquals on aud and sub', () => {
		const policy = generateGithubOidcTrustPolicy({
			account: '123456789012',
			ownerRepo: 'octo-org/web-app',
			branch: 'main',
		});
		expectValidIamPolicy(policy);
		expect(policy.Statement).toHaveLength(1);
		const statement = policy.Statement[0]!;
		expect(statement.Principal).toEqual({Federated: `arn:aws:iam::123456789012:oidc-provider/${HOST}`});
		expect(statement.Action).toBe('sts:AssumeRoleWithWebIdentity');
		expect(statement.Condition).toEqual({
			StringEquals: {
				[`${HOST}:aud`]: 'sts.amazonaws.com',
				[`${HOST}:sub`]: 'repo:octo-org/web-app:ref:refs/heads/main',
			},
		});
		expect(statement.Resource).toBeUndefined();
	});

	it('matches every ref of the repository with StringLike when no branch is given', () => {
		const statement = generateGithubOidcTrustPolicy({account: '123456789012', ownerRepo: 'octo/app'}).Statement[0]!;
		expect(statement.Condition).toEqual({
			StringEquals: {[`${HOST}:aud`]: 'sts.amazonaws.com'},
			StringLike: {[`${HOST}:sub`]: 'repo:octo/app:*'},
		});
	});

	it('uses StringLike for a branch pattern', () => {
		const statement = generateGithubOidcTrustPolicy({
			account: '123456789012',
			ownerRepo: 'octo/app',
			branch: 'release/*',
		}).Statement[0]!;
		expect(statement.Condition?.['StringLike']).toEqual({[`${HOST}:sub`]: 'repo:octo/app:ref:refs/heads/release/*'});
	});

	it('puts the partition in the provider ARN', () => {
		const statement = generateGithubOidcTrustPolicy({
			account: '123456789012',
			ownerRepo: 'octo/app',
			partition: 'aws-us-gov',
		}).Statement[0]!;
		expect(statement.Principal).toEqual({Federated: `arn:aws-us-gov:iam::123456789012:oidc-provider/${HOST}`});
	});

	it('rejects what is not OWNER/REPO, saying the rule', () => {
		for (const bad of [
			'octo',
			'octo/app/extra',
			'-octo/app',
			'octo-/app',
			'oc--to/app',
			'octo/',
			'octo/a b',
			'https://github.com/octo/app',
			'octo/..',
		]) {
			expect(() => generateGithubOidcTrustPolicy({account: '123456789012', ownerRepo: bad}), bad).toThrow(
				/must be OWNER\/REPO/,
			);
		}

		expect(assertOwnerRepo('Octo-Org/my.app_2')).toEqual({owner: 'Octo-Org', repo: 'my.app_2'});
	});

	it('rejects branches that could not be a git branch or would break a condition', () => {
		for (const bad of ['', 'a b', 'feat..x', '-x', 'x/', 'x.lock', 'x"y', 'a\nb', '$x']) {
			expect(() => assertBranch(bad), JSON.stringify(bad)).toThrow(UsageError);
		}

		expect(() => assertBranch('release/*')).toThrow(/"\*"/);
		expect(() => assertBranch('release/*', {allowWildcard: true})).not.toThrow();
		expect(() => assertBranch('feature/JIRA-12_fix.2')).not.toThrow();
	});
});

describe('assertRoleArn', () => {
	it('accepts role ARNs with paths and partitions', () => {
		for (const good of [
			'arn:aws:iam::123456789012:role/ecr-push',
			'arn:aws:iam::123456789012:role/ci/github/ecr+push@x',
			'arn:aws-cn:iam::123456789012:role/r',
		]) {
			expect(() => assertRoleArn(good), good).not.toThrow();
		}
	});

	it('rejects users, wrong services, short accounts and quotes, saying the shape', () => {
		for (const bad of [
			'arn:aws:iam::123456789012:user/bob',
			'arn:aws:sts::123456789012:assumed-role/r/s',
			'arn:aws:iam::1234:role/r',
			'ecr-push',
			"arn:aws:iam::123456789012:role/r'; rm -rf /",
		]) {
			expect(() => assertRoleArn(bad), bad).toThrow(/arn:aws:iam::123456789012:role\/NAME/);
		}
	});
});

describe('generateIdentityPolicy with create on push', () => {
	const input = {account: '123456789012', region: 'eu-west-1', repository: 'team/api', access: 'push'} as const;

	it('adds ecr:CreateRepository on the repository ARN, and ecr:TagResource when the template tags', () => {
		const plain = generateIdentityPolicy({...input, createOnPush: {tags: false}});
		expectValidIamPolicy(plain);
		expect(plain.Statement).toHaveLength(3);
		expect(plain.Statement[2]).toEqual({
			Sid: 'CreateRepositoryOnPush',
			Effect: 'Allow',
			Action: ['ecr:CreateRepository'],
			Resource: 'arn:aws:ecr:eu-west-1:123456789012:repository/team/api',
		});
		const tagged = generateIdentityPolicy({...input, createOnPush: {tags: true}});
		expect(tagged.Statement[2]!.Action).toEqual(['ecr:CreateRepository', 'ecr:TagResource']);
		// The push statement is the same as without create on push.
		expect(tagged.Statement[1]).toEqual(generateIdentityPolicy(input).Statement[1]);
	});

	it('leaves it out unless asked, and refuses it for a pull', () => {
		expect(generateIdentityPolicy(input).Statement.flatMap((statement) => statement.Action)).not.toContain(
			'ecr:CreateRepository',
		);
		expect(() => generateIdentityPolicy({...input, access: 'pull', createOnPush: {tags: false}})).toThrow(/--push/);
	});
});

describe('repository policies for other accounts', () => {
	it('allows the account root the push actions, with no Resource (the policy is the repository’s own)', () => {
		const policy = generateRepositoryPolicy({account: '210987654321', region: 'us-east-1', access: 'push'});
		expectValidIamPolicy(policy);
		expect(policy).toEqual({
			Version: '2012-10-17',
			Statement: [
				{
					Sid: 'AllowPushFrom210987654321',
					Effect: 'Allow',
					Principal: {AWS: 'arn:aws:iam::210987654321:root'},
					Action: EXPECTED_PUSH,
				},
			],
		});
	});

	it('pull actions for a pull, and the partition of the region in the root ARN', () => {
		const statement = repositoryPolicyStatement({account: '210987654321', region: 'cn-north-1', access: 'pull'});
		expect(statement.Principal).toEqual({AWS: 'arn:aws-cn:iam::210987654321:root'});
		expect(statement.Action).toEqual(EXPECTED_PULL);
		expect(statement.Sid).toBe('AllowPullFrom210987654321');
		expect(
			repositoryPolicyStatement({account: '210987654321', region: 'us-gov-west-1', access: 'push'}).Principal,
		).toEqual({AWS: 'arn:aws-us-gov:iam::210987654321:root'});
	});

	it('a role instead of the whole account: its ARN is the principal, its account implied', () => {
		const role = 'arn:aws:iam::210987654321:role/ci/ecr-pusher';
		const statement = repositoryPolicyStatement({roleArn: role, region: 'eu-west-1', access: 'push'});
		expect(statement).toMatchObject({Sid: 'AllowPushFrom210987654321Roleecrpusher', Principal: {AWS: role}});
		expect(
			repositoryPolicyStatement({account: '210987654321', roleArn: role, region: 'eu-west-1', access: 'push'}),
		).toEqual(statement);
	});

	it('refuses a role of another account or partition, a bad account, and no principal at all', () => {
		const role = 'arn:aws:iam::210987654321:role/pusher';
		expect(() =>
			repositoryPolicyStatement({account: '111122223333', roleArn: role, region: 'eu-west-1', access: 'push'}),
		).toThrow(/is in account 210987654321, not 111122223333/);
		expect(() => repositoryPolicyStatement({roleArn: role, region: 'cn-north-1', access: 'push'})).toThrow(
			/partition aws/,
		);
		expect(() => repositoryPolicyStatement({account: '2109', region: 'eu-west-1', access: 'push'})).toThrow(
			/12 digits/,
		);
		expect(() => repositoryPolicyStatement({region: 'eu-west-1', access: 'push'})).toThrow(/--allow-account/);
	});
});

describe('mergeRepositoryPolicy', () => {
	const ours = repositoryPolicyStatement({account: '210987654321', region: 'us-east-1', access: 'push'});
	const theirs = {
		Sid: 'ReadForAudit',
		Effect: 'Allow',
		Principal: {AWS: 'arn:aws:iam::999999999999:root'},
		Action: 'ecr:BatchGetImage',
	};

	it('a repository without a policy gets a policy of that statement alone', () => {
		expect(mergeRepositoryPolicy(null, ours)).toEqual({
			ok: true,
			changed: true,
			document: {Version: '2012-10-17', Statement: [ours]},
		});
	});

	it('keeps every existing statement (a single object too) and adds ours after them', () => {
		const merged = mergeRepositoryPolicy(JSON.stringify({Version: '2008-10-17', Statement: theirs}), ours);
		expect(merged).toEqual({ok: true, changed: true, document: {Version: '2008-10-17', Statement: [theirs, ours]}});
	});

	it('replaces a statement with the same Sid, and says when nothing changes', () => {
		const stale = {...ours, Action: ['ecr:PutImage']};
		const replaced = mergeRepositoryPolicy(JSON.stringify({Version: '2012-10-17', Statement: [stale, theirs]}), ours);
		expect(replaced).toMatchObject({ok: true, changed: true, document: {Statement: [ours, theirs]}});
		const again = mergeRepositoryPolicy(JSON.stringify({Version: '2012-10-17', Statement: [theirs, ours]}), ours);
		expect(again).toMatchObject({ok: true, changed: false});
	});

	it('refuses to merge into what is not a JSON policy', () => {
		expect(mergeRepositoryPolicy('{not json', ours)).toMatchObject({
			ok: false,
			error: expect.stringContaining('not valid JSON'),
		});
		expect(mergeRepositoryPolicy('[1]', ours)).toMatchObject({ok: false});
	});
});
