/** Bitbucket Pipelines: one step on the aws-cli image with the docker service; the variables are shell exports. */
import {shellQuote} from '../lib/shell.js';
import type {ResolvedInput} from './ci-input.js';
import * as parts from './ci-parts.js';

export const BITBUCKET_IMAGE = 'amazon/aws-cli:latest';

export function bitbucket(input: ResolvedInput): parts.GeneratedPipeline {
	const oidc = input.auth === 'oidc';
	const exports = Object.entries(parts.jobEnvironment(input, 'bitbucket-ecr-push'));
	const script = [
		`export ${exports.map(([name, value]) => `${name}=${shellQuote(value)}`).join(' ')}`,
		...(oidc ? [parts.writeWebIdentityToken('BITBUCKET_STEP_OIDC_TOKEN')] : []),
		parts.LOGIN_COMMAND,
		...parts.buildTagPushScript('BITBUCKET_COMMIT').split('\n'),
	];
	const step = {
		name: 'Build and push to Amazon ECR',
		...(oidc ? {oidc: true} : {}),
		services: ['docker'],
		script,
	};
	const pipeline = {image: BITBUCKET_IMAGE, pipelines: {branches: {[input.branch]: [{step}]}}};
	const notes = oidc
		? parts.roleNotes(
				input,
				'Let Bitbucket assume the role: add the IAM OIDC provider shown under Repository settings → OpenID Connect (its URL and audience), and trust it in the role.',
			)
		: parts.keyNotes('Add secured repository variables (Repository settings → Repository variables)', input);
	notes.push(
		`The docker service mounts the Docker CLI into ${BITBUCKET_IMAGE} on the default runtime; on Runtime v3 it does not, so use an image with both the docker and aws CLIs there.`,
	);
	return parts.yamlPipeline('bitbucket', 'Bitbucket Pipelines', pipeline, input, notes);
}
