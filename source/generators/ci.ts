/**
 * CI pipelines that build an image and push it to the user's ECR repository, one per CI system. Pure: the user's
 * values in, a file path, its text and what to configure out.
 *
 * Two rules hold for every pipeline:
 * - The ECR password only ever travels through a pipe into `docker login --password-stdin`; never argv, never echoed.
 * - User values are written once, as variables (YAML built with the `yaml` document API, Groovy and shell strings
 *   escaped); the scripts only reference those variables, so no value is ever spliced into shell code unquoted.
 */
import {Document} from 'yaml';
import {UsageError} from '../errors/user-errors.js';
import {parseRegistryHost} from '../ecr/hosts.js';
import {partitionOfRegion} from '../ecr/regions.js';
import {assertAccount, assertBranch, assertOwnerRepo, assertRegion, assertRepository, assertRoleArn} from './policy.js';

import {CI_KINDS, OIDC_CAPABLE, isCiKind, type CiAuth, type CiKind} from './ci-kinds.js';

export {CI_KINDS, OIDC_CAPABLE, defaultAuth, isCiKind, type CiAuth, type CiKind} from './ci-kinds.js';

/** Pinned action majors (their `action.yml` inputs are what the GitHub test checks against). */
export const GITHUB_ACTIONS = {
	checkout: 'actions/checkout@v7',
	configureAwsCredentials: 'aws-actions/configure-aws-credentials@v6',
	amazonEcrLogin: 'aws-actions/amazon-ecr-login@v2',
} as const;

export const GITLAB_DOCKER_IMAGE = 'docker:28';
export const GITLAB_DIND_SERVICE = 'docker:28-dind';
export const CIRCLECI_MACHINE_IMAGE = 'ubuntu-2404:current';
export const BITBUCKET_IMAGE = 'amazon/aws-cli:latest';
export const JENKINS_CREDENTIALS_ID = 'aws-ecr-push';
export const CIRCLECI_CONTEXT = 'aws-ecr';
/** Where the OIDC token is written for the AWS CLI (outside the build context, so `docker build .` never sends it). */
export const WEB_IDENTITY_TOKEN_FILE = '/tmp/aws-web-identity-token';
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
};

export type GeneratedPipeline = {
	path: string;
	content: string;
	/** What the user must set up: secrets, variables, roles. */
	notes: string[];
	/** The role ARN is the placeholder: the user must create a role and put its ARN in. */
	placeholderRole: boolean;
};

export const DEFAULT_PATHS: Record<CiKind, string> = {
	github: '.github/workflows/ecr-push.yml',
	gitlab: '.gitlab-ci.yml',
	jenkins: 'Jenkinsfile',
	circleci: '.circleci/config.yml',
	bitbucket: 'bitbucket-pipelines.yml',
};

export function placeholderRoleArn(account: string, region: string): string {
	return `arn:${partitionOfRegion(region)}:iam::${account}:role/${PLACEHOLDER_ROLE_NAME}`;
}

/** The one login line every non-GitHub pipeline uses: the password goes from aws to docker through a pipe. */
export const LOGIN_COMMAND =
	'aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$ECR_REGISTRY"';

function buildTagPushScript(tagVariable: string, registryVariable = 'ECR_REGISTRY'): string {
	const local = `"$IMAGE_NAME:$${tagVariable}"`;
	const remote = `"$${registryVariable}/$ECR_REPOSITORY:$${tagVariable}"`;
	return [
		`docker build --file "$DOCKERFILE" --tag ${local} .`,
		`docker tag ${local} ${remote}`,
		`docker push ${remote}`,
	].join('\n');
}

type Resolved = Required<Omit<PipelineInput, 'roleArn' | 'sourceRepository'>> & {
	roleArn: string | undefined;
	placeholderRole: boolean;
	sourceRepository: string | undefined;
};

function resolveInput(kind: CiKind, input: PipelineInput): Resolved {
	assertAccount(input.account);
	assertRegion(input.region);
	assertRepository(input.repository);
	if (input.auth !== 'oidc' && input.auth !== 'keys') {
		throw new UsageError(`--auth must be "oidc" or "keys", not "${String(input.auth)}".`, {code: 'usage.auth'});
	}

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
	return {...input, imageName, dockerfile, branch, roleArn, placeholderRole, sourceRepository: input.sourceRepository};
}

function yamlText(value: unknown, header: string[]): string {
	const document = new Document(value);
	document.commentBefore = header.map((line) => (line === '' ? '' : ` ${line}`)).join('\n');
	return document.toString({lineWidth: 0, blockQuote: 'literal'});
}

function header(kind: string, input: Resolved): string[] {
	return [
		`Generated by ecr-setup: builds the image and pushes it to Amazon ECR (${kind}).`,
		`Repository: ${input.registry}/${input.repository}, region ${input.region}, on pushes to ${input.branch}.`,
	];
}

function roleNotes(input: Resolved, trustHint: string): string[] {
	const notes: string[] = [];
	if (input.placeholderRole) {
		notes.push(
			`The role ARN is a placeholder (${input.roleArn}): create the role, then put its ARN in the pipeline (or pass --role-arn).`,
		);
	}

	notes.push(trustHint);
	notes.push(
		`Give the role only what pushing needs: \`ecr-setup policy --repository ${input.repository} --push\` prints that policy.`,
	);
	return notes;
}

function keyNotes(where: string, input: Resolved): string[] {
	return [
		`${where}: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of an IAM user that may only push here (\`ecr-setup policy --repository ${input.repository} --push\` prints its policy).`,
	];
}

// ───────────────────────────── GitHub Actions ─────────────────────────────

function github(input: Resolved): GeneratedPipeline {
	const oidc = input.auth === 'oidc';
	const credentials: Record<string, string> = oidc
		? {'role-to-assume': input.roleArn!, 'aws-region': input.region}
		: {
				'aws-access-key-id': '${{ secrets.AWS_ACCESS_KEY_ID }}',
				'aws-secret-access-key': '${{ secrets.AWS_SECRET_ACCESS_KEY }}',
				...(input.roleArn === undefined ? {} : {'role-to-assume': input.roleArn}),
				'aws-region': input.region,
			};
	const registryAccount = parseRegistryHost(input.registry);
	const workflow = {
		name: 'Push to Amazon ECR',
		on: {push: {branches: [input.branch]}, workflow_dispatch: {}},
		permissions: oidc ? {'id-token': 'write', contents: 'read'} : {contents: 'read'},
		env: {ECR_REPOSITORY: input.repository, IMAGE_NAME: input.imageName, DOCKERFILE: input.dockerfile},
		jobs: {
			push: {
				name: 'Build and push to Amazon ECR',
				'runs-on': 'ubuntu-latest',
				steps: [
					{name: 'Check out', uses: GITHUB_ACTIONS.checkout},
					{name: 'Configure AWS credentials', uses: GITHUB_ACTIONS.configureAwsCredentials, with: credentials},
					{
						name: 'Log in to Amazon ECR',
						id: 'ecr-login',
						uses: GITHUB_ACTIONS.amazonEcrLogin,
						with: {
							registries: registryAccount?.kind === 'private' ? registryAccount.account : input.account,
							'mask-password': 'true',
						},
					},
					{
						name: 'Build, tag and push the image',
						env: {REGISTRY: '${{ steps.ecr-login.outputs.registry }}', IMAGE_TAG: '${{ github.sha }}'},
						run: buildTagPushScript('IMAGE_TAG', 'REGISTRY'),
					},
				],
			},
		},
	};
	const notes = oidc
		? roleNotes(
				input,
				`Let GitHub Actions assume the role: the account needs the IAM OIDC provider token.actions.githubusercontent.com (audience sts.amazonaws.com), and \`ecr-setup policy --github-oidc ${input.sourceRepository ?? 'OWNER/REPO'} --branch ${input.branch}\` prints the role's trust policy.`,
			)
		: [
				...keyNotes('Add repository secrets (Settings → Secrets and variables → Actions)', input),
				...(input.roleArn === undefined
					? []
					: [
							`The keys are used to assume ${input.roleArn}: that user needs sts:AssumeRole on it, the role must trust the user, and the push policy belongs on the role.`,
						]),
			];
	return {
		path: DEFAULT_PATHS.github,
		content: yamlText(workflow, header('GitHub Actions', input)),
		notes,
		placeholderRole: input.placeholderRole,
	};
}

// ───────────────────────────── GitLab CI ─────────────────────────────

function gitlab(input: Resolved): GeneratedPipeline {
	const oidc = input.auth === 'oidc';
	const jobVariables: Record<string, string> = {DOCKER_TLS_CERTDIR: '/certs'};
	if (oidc) {
		Object.assign(jobVariables, {
			AWS_ROLE_ARN: input.roleArn!,
			AWS_WEB_IDENTITY_TOKEN_FILE: WEB_IDENTITY_TOKEN_FILE,
			AWS_ROLE_SESSION_NAME: 'gitlab-$CI_PROJECT_ID-$CI_PIPELINE_ID',
		});
	}

	const job = {
		stage: 'push',
		image: GITLAB_DOCKER_IMAGE,
		services: [GITLAB_DIND_SERVICE],
		variables: jobVariables,
		...(oidc ? {id_tokens: {AWS_ID_TOKEN: {aud: 'sts.amazonaws.com'}}} : {}),
		before_script: [
			'apk add --no-cache aws-cli',
			// The AWS CLI exchanges this file for role credentials (sts:AssumeRoleWithWebIdentity), keeping the token off argv.
			...(oidc ? [`printf '%s' "$AWS_ID_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"`] : []),
		],
		script: [LOGIN_COMMAND, ...buildTagPushScript('CI_COMMIT_SHA').split('\n')],
		rules: [{if: `$CI_COMMIT_BRANCH == "${input.branch}"`}],
	};
	const pipeline = {
		stages: ['push'],
		variables: {
			AWS_REGION: input.region,
			AWS_DEFAULT_REGION: input.region,
			ECR_REGISTRY: input.registry,
			ECR_REPOSITORY: input.repository,
			IMAGE_NAME: input.imageName,
			DOCKERFILE: input.dockerfile,
		},
		'push-to-ecr': job,
	};
	const notes = oidc
		? roleNotes(
				input,
				'Let GitLab assume the role: the account needs an IAM OIDC provider for your GitLab URL (e.g. gitlab.com, audience sts.amazonaws.com); trust it with the condition `gitlab.com:sub` like `project_path:GROUP/PROJECT:ref_type:branch:ref:' +
					input.branch +
					'`.',
			)
		: keyNotes('Add masked, protected CI/CD variables (Settings → CI/CD → Variables)', input);
	return {
		path: DEFAULT_PATHS.gitlab,
		content: yamlText(pipeline, header('GitLab CI', input)),
		notes,
		placeholderRole: input.placeholderRole,
	};
}

// ───────────────────────────── CircleCI ─────────────────────────────

function circleci(input: Resolved): GeneratedPipeline {
	const oidc = input.auth === 'oidc';
	const environment: Record<string, string> = {
		AWS_REGION: input.region,
		AWS_DEFAULT_REGION: input.region,
		ECR_REGISTRY: input.registry,
		ECR_REPOSITORY: input.repository,
		IMAGE_NAME: input.imageName,
		DOCKERFILE: input.dockerfile,
	};
	if (oidc) {
		Object.assign(environment, {
			AWS_ROLE_ARN: input.roleArn!,
			AWS_WEB_IDENTITY_TOKEN_FILE: WEB_IDENTITY_TOKEN_FILE,
			AWS_ROLE_SESSION_NAME: 'circleci-ecr-push',
		});
	}

	const steps: unknown[] = ['checkout'];
	if (oidc) {
		steps.push({
			run: {
				name: "Hand CircleCI's OIDC token to the AWS CLI",
				command: `printf '%s' "$CIRCLE_OIDC_TOKEN_V2" > "$AWS_WEB_IDENTITY_TOKEN_FILE"`,
			},
		});
	}

	steps.push(
		{run: {name: 'Log in to Amazon ECR', command: LOGIN_COMMAND}},
		{run: {name: 'Build, tag and push the image', command: buildTagPushScript('CIRCLE_SHA1')}},
	);
	const config = {
		version: 2.1,
		jobs: {'push-to-ecr': {machine: {image: CIRCLECI_MACHINE_IMAGE}, environment, steps}},
		workflows: {
			'push-to-ecr': {
				jobs: [{'push-to-ecr': {context: [CIRCLECI_CONTEXT], filters: {branches: {only: [input.branch]}}}}],
			},
		},
	};
	const notes = oidc
		? [
				`Create the context "${CIRCLECI_CONTEXT}" (Organization Settings → Contexts): CircleCI only issues OIDC tokens to jobs that use a context.`,
				...roleNotes(
					input,
					'Let CircleCI assume the role: the account needs the IAM OIDC provider oidc.circleci.com/org/<ORGANIZATION_ID> (audience: the organization ID); trust it in the role.',
				),
			]
		: keyNotes(`Create the context "${CIRCLECI_CONTEXT}" (Organization Settings → Contexts) with the variables`, input);
	return {
		path: DEFAULT_PATHS.circleci,
		content: yamlText(config, header('CircleCI', input)),
		notes,
		placeholderRole: input.placeholderRole,
	};
}

// ───────────────────────────── Bitbucket Pipelines ─────────────────────────────

/** A POSIX shell word that stands for exactly `value`. */
export function shellQuote(value: string): string {
	return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

function bitbucket(input: Resolved): GeneratedPipeline {
	const oidc = input.auth === 'oidc';
	const exports: Array<[string, string]> = [
		['AWS_REGION', input.region],
		['AWS_DEFAULT_REGION', input.region],
		['ECR_REGISTRY', input.registry],
		['ECR_REPOSITORY', input.repository],
		['IMAGE_NAME', input.imageName],
		['DOCKERFILE', input.dockerfile],
	];
	if (oidc) {
		exports.push(
			['AWS_ROLE_ARN', input.roleArn!],
			['AWS_WEB_IDENTITY_TOKEN_FILE', WEB_IDENTITY_TOKEN_FILE],
			['AWS_ROLE_SESSION_NAME', 'bitbucket-ecr-push'],
		);
	}

	const script = [
		`export ${exports.map(([name, value]) => `${name}=${shellQuote(value)}`).join(' ')}`,
		...(oidc ? [`printf '%s' "$BITBUCKET_STEP_OIDC_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"`] : []),
		LOGIN_COMMAND,
		...buildTagPushScript('BITBUCKET_COMMIT').split('\n'),
	];
	const step = {
		name: 'Build and push to Amazon ECR',
		...(oidc ? {oidc: true} : {}),
		services: ['docker'],
		script,
	};
	const pipeline = {image: BITBUCKET_IMAGE, pipelines: {branches: {[input.branch]: [{step}]}}};
	const notes = oidc
		? roleNotes(
				input,
				'Let Bitbucket assume the role: add the IAM OIDC provider shown under Repository settings → OpenID Connect (its URL and audience), and trust it in the role.',
			)
		: keyNotes('Add secured repository variables (Repository settings → Repository variables)', input);
	notes.push(
		`The docker service mounts the Docker CLI into ${BITBUCKET_IMAGE} on the default runtime; on Runtime v3 it does not, so use an image with both the docker and aws CLIs there.`,
	);
	return {
		path: DEFAULT_PATHS.bitbucket,
		content: yamlText(pipeline, header('Bitbucket Pipelines', input)),
		notes,
		placeholderRole: input.placeholderRole,
	};
}

// ───────────────────────────── Jenkins ─────────────────────────────

/** A Groovy single-quoted string literal (no interpolation) standing for exactly `value`. */
export function groovyString(value: string): string {
	return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function jenkins(input: Resolved): GeneratedPipeline {
	const binding = [
		`$class: 'AmazonWebServicesCredentialsBinding'`,
		`credentialsId: ${groovyString(JENKINS_CREDENTIALS_ID)}`,
		...(input.roleArn === undefined ? [] : [`roleArn: ${groovyString(input.roleArn)}`]),
	].join(', ');
	const lines = [
		...header('Jenkins', input).map((line) => `// ${line}`),
		'// Needs the Docker CLI and AWS CLI on the agent, and the "AWS Credentials" plugin (AmazonWebServicesCredentialsBinding).',
		'pipeline {',
		'    agent any',
		'    environment {',
		`        AWS_REGION = ${groovyString(input.region)}`,
		`        AWS_DEFAULT_REGION = ${groovyString(input.region)}`,
		`        ECR_REGISTRY = ${groovyString(input.registry)}`,
		`        ECR_REPOSITORY = ${groovyString(input.repository)}`,
		`        IMAGE_NAME = ${groovyString(input.imageName)}`,
		`        DOCKERFILE = ${groovyString(input.dockerfile)}`,
		'    }',
		'    stages {',
		"        stage('Build') {",
		'            steps {',
		`                sh 'docker build --file "$DOCKERFILE" --tag "$IMAGE_NAME:$GIT_COMMIT" .'`,
		'            }',
		'        }',
		"        stage('Push to Amazon ECR') {",
		'            // Multibranch jobs push only from the chosen branch; single-branch jobs push what they build.',
		'            when {',
		`                expression { env.BRANCH_NAME == null || env.BRANCH_NAME == ${groovyString(input.branch)} }`,
		'            }',
		'            steps {',
		`                withCredentials([[${binding}]]) {`,
		"                    sh '''",
		`                        ${LOGIN_COMMAND}`,
		'                        docker tag "$IMAGE_NAME:$GIT_COMMIT" "$ECR_REGISTRY/$ECR_REPOSITORY:$GIT_COMMIT"',
		'                        docker push "$ECR_REGISTRY/$ECR_REPOSITORY:$GIT_COMMIT"',
		"                    '''",
		'                }',
		'            }',
		'        }',
		'    }',
		'    post {',
		'        always {',
		"            // Agents are shared: leave no ECR token behind in the agent's docker config.",
		`            sh 'docker logout "$ECR_REGISTRY" || true'`,
		'        }',
		'    }',
		'}',
		'',
	];
	const notes = [
		`Add a Jenkins credential of kind "AWS Credentials" with the ID "${JENKINS_CREDENTIALS_ID}" (Manage Jenkins → Credentials) holding the access key of an IAM user that may only push here (\`ecr-setup policy --repository ${input.repository} --push\` prints its policy).`,
		...(input.roleArn === undefined
			? []
			: [
					`The binding assumes ${input.roleArn} with those keys: the role must trust that user and carry the push policy.`,
				]),
		'The agent needs the docker and aws CLIs; GIT_COMMIT is set when the job checks out from SCM.',
	];
	return {path: DEFAULT_PATHS.jenkins, content: lines.join('\n'), notes, placeholderRole: false};
}

const GENERATORS: Record<CiKind, (input: Resolved) => GeneratedPipeline> = {
	github,
	gitlab,
	jenkins,
	circleci,
	bitbucket,
};

export function generatePipeline(kind: CiKind, input: PipelineInput): GeneratedPipeline {
	if (!isCiKind(kind)) {
		throw new UsageError(`"${String(kind)}" is not a CI system ecr-setup knows: use one of ${CI_KINDS.join(', ')}.`, {
			code: 'usage.ci-kind',
		});
	}

	return GENERATORS[kind](resolveInput(kind, input));
}

/** OWNER/REPO of a GitHub remote URL (https, ssh or scp-like), or undefined for anything else. */
export function githubRepositoryOfRemote(url: string): string | undefined {
	const match =
		/^(?:https:\/\/(?:[^@/]+@)?github\.com\/|ssh:\/\/git@github\.com(?::\d+)?\/|git@github\.com:)([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(
			url.trim(),
		);
	if (!match) return undefined;
	return `${match[1]}/${match[2]}`;
}
