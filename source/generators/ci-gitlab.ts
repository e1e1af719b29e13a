/** GitLab CI: a docker-in-docker job; OIDC through an id_token the AWS CLI exchanges for the role. */
import type {ResolvedInput} from './ci-input.js';
import * as parts from './ci-parts.js';

export const GITLAB_DOCKER_IMAGE = 'docker:28';
export const GITLAB_DIND_SERVICE = 'docker:28-dind';

export function gitlab(input: ResolvedInput): parts.GeneratedPipeline {
	const oidc = input.auth === 'oidc';
	const jobVariables: Record<string, string> = {
		DOCKER_TLS_CERTDIR: '/certs',
		...(oidc ? parts.webIdentityVariables(input, 'gitlab-$CI_PROJECT_ID-$CI_PIPELINE_ID') : {}),
	};
	const job = {
		stage: 'push',
		image: GITLAB_DOCKER_IMAGE,
		services: [GITLAB_DIND_SERVICE],
		variables: jobVariables,
		...(oidc ? {id_tokens: {AWS_ID_TOKEN: {aud: 'sts.amazonaws.com'}}} : {}),
		before_script: ['apk add --no-cache aws-cli', ...(oidc ? [parts.writeWebIdentityToken('AWS_ID_TOKEN')] : [])],
		script: [
			parts.LOGIN_COMMAND,
			...parts.buildTagPushScript('CI_COMMIT_SHA', 'ECR_REGISTRY', input.build).split('\n'),
		],
		rules: [{if: `$CI_COMMIT_BRANCH == "${input.branch}"`}],
	};
	const pipeline = {stages: ['push'], variables: parts.pipelineVariables(input), 'push-to-ecr': job};
	const notes = oidc
		? parts.roleNotes(
				input,
				'Let GitLab assume the role: the account needs an IAM OIDC provider for your GitLab URL (e.g. gitlab.com, audience sts.amazonaws.com); trust it with the condition `gitlab.com:sub` like `project_path:GROUP/PROJECT:ref_type:branch:ref:' +
					input.branch +
					'`.',
			)
		: parts.keyNotes('Add masked, protected CI/CD variables (Settings → CI/CD → Variables)', input);
	return parts.yamlPipeline('gitlab', 'GitLab CI', pipeline, input, notes);
}
