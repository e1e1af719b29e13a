import {describe, expect, it} from 'vitest';
import {UsageError} from '../../source/errors/user-errors.js';
import {
	assertBranch,
	assertOwnerRepo,
	assertRoleArn,
	generateGithubOidcTrustPolicy,
	generateIdentityPolicy,
	type PolicyDocument,
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
		expect(statement.Principal?.Federated).toBe(`arn:aws-us-gov:iam::123456789012:oidc-provider/${HOST}`);
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
