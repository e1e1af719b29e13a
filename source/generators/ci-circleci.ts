/** CircleCI: a machine job in a context (CircleCI issues OIDC tokens only to jobs that use one). */
import type {ResolvedInput} from './ci-input.js';
import * as parts from './ci-parts.js';

export const CIRCLECI_MACHINE_IMAGE = 'ubuntu-2404:current';
export const CIRCLECI_CONTEXT = 'aws-ecr';

export function circleci(input: ResolvedInput): parts.GeneratedPipeline {
	const oidc = input.auth === 'oidc';
	const environment = parts.jobEnvironment(input, 'circleci-ecr-push');
	const steps: unknown[] = ['checkout'];
	if (oidc) {
		steps.push({
			run: {
				name: "Hand CircleCI's OIDC token to the AWS CLI",
				command: parts.writeWebIdentityToken('CIRCLE_OIDC_TOKEN_V2'),
			},
		});
	}

	steps.push(
		{run: {name: 'Log in to Amazon ECR', command: parts.LOGIN_COMMAND}},
		{
			run: {
				name: 'Build, tag and push the image',
				command: parts.buildTagPushScript('CIRCLE_SHA1', 'ECR_REGISTRY', input.build),
			},
		},
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
				...parts.roleNotes(
					input,
					'Let CircleCI assume the role: the account needs the IAM OIDC provider oidc.circleci.com/org/<ORGANIZATION_ID> (audience: the organization ID); trust it in the role.',
				),
			]
		: parts.keyNotes(
				`Create the context "${CIRCLECI_CONTEXT}" (Organization Settings → Contexts) with the variables`,
				input,
			);
	return parts.yamlPipeline('circleci', 'CircleCI', config, input, notes);
}
