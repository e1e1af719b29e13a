/** What a pipeline is generated from, checked once for every CI system, with the defaults filled in. */
import {UsageError} from '../errors/user-errors.js';
import {parseRegistryHost} from '../ecr/hosts.js';
import {partitionOfRegion} from '../ecr/regions.js';
import {type BuildOptions, type ResolvedBuild, resolveBuild} from './ci-buildx.js';
import {OIDC_CAPABLE, assertCiAuth, type CiAuth, type CiKind} from './ci-kinds.js';
import {assertAccount, assertBranch, assertOwnerRepo, assertRegion, assertRepository, assertRoleArn} from './policy.js';

/** Role name used when OIDC is chosen but no role ARN was given: obviously a placeholder, still a well-formed ARN. */
export const PLACEHOLDER_ROLE_NAME = 'REPLACE-ME-ecr-setup-ci-role';

export type PipelineInput = {
	account: string;
	region: string;
	repository: string;
	/** The private registry host, <account>.dkr.ecr.<region>.amazonaws.com. */
	registry: string;
	auth: CiAuth;
	roleArn?: string;
	/** Local image name used for the build (default: the repository name). */
	imageName?: string;
	/** Default: Dockerfile */
	dockerfile?: string;
	/** Branch whose pushes run the pipeline (default: main). */
	branch?: string;
	/** The code's repository on the CI platform (GitHub: OWNER/REPO), when known: named in the notes. */
	sourceRepository?: string;
	/** Build with docker buildx (platforms, provenance, a registry cache); absent: docker build, tag and push. */
	build?: BuildOptions;
};

export type ResolvedInput = Required<Omit<PipelineInput, 'roleArn' | 'sourceRepository' | 'build'>> & {
	roleArn: string | undefined;
	placeholderRole: boolean;
	sourceRepository: string | undefined;
	build: ResolvedBuild | undefined;
};

export function placeholderRoleArn(account: string, region: string): string {
	return `arn:${partitionOfRegion(region)}:iam::${account}:role/${PLACEHOLDER_ROLE_NAME}`;
}

export function resolveInput(kind: CiKind, input: PipelineInput): ResolvedInput {
	assertAccount(input.account);
	assertRegion(input.region);
	assertRepository(input.repository);
	assertCiAuth(input.auth);
	const registry = parseRegistryHost(input.registry);
	if (registry === undefined || registry.kind !== 'private') {
		throw new UsageError(
			`"${input.registry}" is not a private ECR registry host: it must look like ${input.account}.dkr.ecr.${input.region}.amazonaws.com.`,
			{code: 'usage.registry'},
		);
	}

	if (registry.region !== input.region) {
		throw new UsageError(
			`The registry ${input.registry} is in ${registry.region}, but the region is ${input.region}: a token from one region does not open a registry in another.`,
			{code: 'usage.registry-region', hint: `Pass --region ${registry.region}.`},
		);
	}

	const imageName = input.imageName ?? input.repository;
	assertRepository(imageName);
	const dockerfile = input.dockerfile ?? 'Dockerfile';
	// eslint-disable-next-line no-control-regex
	if (dockerfile.length === 0 || /[\u0000-\u001F\u007F]/.test(dockerfile)) {
		throw new UsageError('The Dockerfile path must be non-empty and contain no control characters or line breaks.', {
			code: 'usage.dockerfile',
		});
	}

	const branch = input.branch ?? 'main';
	assertBranch(branch);

	if (input.auth === 'oidc' && !OIDC_CAPABLE[kind]) {
		throw new UsageError(`${kind} has no built-in OIDC identity token for AWS, so --auth oidc cannot work there.`, {
			code: 'usage.auth',
			hint: 'Use --auth keys (a Jenkins "AWS Credentials" credential), or run the agent with an instance role.',
		});
	}

	if (input.roleArn !== undefined) assertRoleArn(input.roleArn);
	if (
		input.auth === 'keys' &&
		input.roleArn !== undefined &&
		(kind === 'gitlab' || kind === 'circleci' || kind === 'bitbucket')
	) {
		throw new UsageError(
			`With --auth keys, the ${kind} pipeline uses the keys' own identity: --role-arn is only used with --auth oidc there.`,
			{
				code: 'usage.role-arn',
				hint: 'Drop --role-arn, or use --auth oidc.',
			},
		);
	}

	const placeholderRole = input.auth === 'oidc' && input.roleArn === undefined;
	const roleArn = placeholderRole ? placeholderRoleArn(input.account, input.region) : input.roleArn;
	if (input.sourceRepository !== undefined && kind === 'github') assertOwnerRepo(input.sourceRepository);
	const build = resolveBuild(kind, input.build);
	return {
		...input,
		imageName,
		dockerfile,
		branch,
		roleArn,
		placeholderRole,
		sourceRepository: input.sourceRepository,
		build,
	};
}
