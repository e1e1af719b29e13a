/** GitHub Actions: configure-aws-credentials (OIDC or keys), amazon-ecr-login, then build, tag and push. */
import {parseRegistryHost} from '../ecr/hosts.js';
import type {ResolvedInput} from './ci-input.js';
import {buildTagPushScript, keyNotes, roleNotes, type GeneratedPipeline, yamlPipeline} from './ci-parts.js';

/** Pinned action majors (their `action.yml` inputs are what the GitHub test checks against). */
export const GITHUB_ACTIONS = {
	checkout: 'actions/checkout@v7',
	configureAwsCredentials: 'aws-actions/configure-aws-credentials@v6',
	amazonEcrLogin: 'aws-actions/amazon-ecr-login@v2',
} as const;

export function github(input: ResolvedInput): GeneratedPipeline {
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
						run: buildTagPushScript('IMAGE_TAG', 'REGISTRY', input.build),
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
	return yamlPipeline('github', 'GitHub Actions', workflow, input, notes);
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
