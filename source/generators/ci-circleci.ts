/** CircleCI: a machine job in a context (CircleCI issues OIDC tokens only to jobs that use one). */
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

export const CIRCLECI_MACHINE_IMAGE = 'ubuntu-2404:current';
export const CIRCLECI_CONTEXT = 'aws-ecr';

export function circleci(input: ResolvedInput): GeneratedPipeline {
	const oidc = input.auth === 'oidc';
	const environment: Record<string, string> = {
		...pipelineVariables(input),
		...(oidc ? webIdentityVariables(input, 'circleci-ecr-push') : {}),
	};
	const steps: unknown[] = ['checkout'];
	if (oidc) {
		steps.push({
			run: {
				name: "Hand CircleCI's OIDC token to the AWS CLI",
				command: writeWebIdentityToken('CIRCLE_OIDC_TOKEN_V2'),
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
	return yamlPipeline('circleci', 'CircleCI', config, input, notes);
}
