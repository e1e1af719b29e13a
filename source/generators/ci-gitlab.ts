/** GitLab CI: a docker-in-docker job; OIDC through an id_token the AWS CLI exchanges for the role. */
import type {ResolvedInput} from './ci-input.js';
import {
	LOGIN_COMMAND,
	buildTagPushScript,
	keyNotes,
	pipelineVariables,
	roleNotes,
	webIdentityVariables,
	writeWebIdentityToken,
	type GeneratedPipeline,
	yamlPipeline,
} from './ci-parts.js';

export const GITLAB_DOCKER_IMAGE = 'docker:28';
export const GITLAB_DIND_SERVICE = 'docker:28-dind';

export function gitlab(input: ResolvedInput): GeneratedPipeline {
	const oidc = input.auth === 'oidc';
	const jobVariables: Record<string, string> = {
		DOCKER_TLS_CERTDIR: '/certs',
		...(oidc ? webIdentityVariables(input, 'gitlab-$CI_PROJECT_ID-$CI_PIPELINE_ID') : {}),
	};
	const job = {
		stage: 'push',
		image: GITLAB_DOCKER_IMAGE,
		services: [GITLAB_DIND_SERVICE],
		variables: jobVariables,
		...(oidc ? {id_tokens: {AWS_ID_TOKEN: {aud: 'sts.amazonaws.com'}}} : {}),
		before_script: ['apk add --no-cache aws-cli', ...(oidc ? [writeWebIdentityToken('AWS_ID_TOKEN')] : [])],
		script: [LOGIN_COMMAND, ...buildTagPushScript('CI_COMMIT_SHA').split('\n')],
		rules: [{if: `$CI_COMMIT_BRANCH == "${input.branch}"`}],
	};
	const pipeline = {stages: ['push'], variables: pipelineVariables(input), 'push-to-ecr': job};
	const notes = oidc
		? roleNotes(
				input,
				'Let GitLab assume the role: the account needs an IAM OIDC provider for your GitLab URL (e.g. gitlab.com, audience sts.amazonaws.com); trust it with the condition `gitlab.com:sub` like `project_path:GROUP/PROJECT:ref_type:branch:ref:' +
					input.branch +
					'`.',
			)
		: keyNotes('Add masked, protected CI/CD variables (Settings → CI/CD → Variables)', input);
	return yamlPipeline('gitlab', 'GitLab CI', pipeline, input, notes);
}
