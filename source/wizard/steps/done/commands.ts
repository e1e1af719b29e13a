/** The non-interactive commands that do what the wizard just did, for scripts and the next time. */
import {commandLine} from '../../../lib/shell.js';
import {ROOT_PREFIX} from '../../../ecr/creation-templates.js';
import type {CreatedWith, WizardState} from '../../state.js';

/**
 * `--create-repository` and the settings the wizard created the repository with, as `ecr-setup push` takes them. A
 * repository that a creation template made on the push needs none: the same push to a new name creates it again.
 */
export function creationFlags(created: CreatedWith): string[] {
	const flags = ['--create-repository'];
	const exclusions = created.exclusions ?? [];
	if (created.imageTagMutability === 'IMMUTABLE') flags.push('--immutable');
	if (created.imageTagMutability === 'IMMUTABLE_WITH_EXCLUSION')
		flags.push(...exclusions.flatMap((pattern) => ['--immutable-except', pattern]));
	if (created.imageTagMutability === 'MUTABLE_WITH_EXCLUSION')
		flags.push(...exclusions.flatMap((pattern) => ['--mutable-except', pattern]));
	if (created.scanOnPush) flags.push('--scan-on-push');
	if (created.keepImages) flags.push('--keep-images', String(created.keepImages));
	if (created.encryption === 'KMS') flags.push('--encryption', 'KMS');
	return flags;
}

export function equivalentCommands(state: WizardState): string[] {
	const global = [
		...(state.profile ? ['--profile', state.profile] : []),
		...(state.region ? ['--region', state.region] : []),
	];
	const lines: string[] = [];
	if (state.registry && state.auth?.method === 'helper') {
		const bound = state.auth.profile ? ['--profile', state.auth.profile] : [];
		lines.push(commandLine(['ecr-setup', 'configure-helper', '--registry', state.registry, ...bound, '--yes']));
	}

	if (state.auth?.method === 'login') lines.push(commandLine(['ecr-setup', 'login', ...global]));
	if (state.image && state.repository) {
		lines.push(
			commandLine([
				'ecr-setup',
				'push',
				state.image.source,
				'--repository',
				state.repository.name,
				'--tag',
				state.image.tag,
				...(state.repository.createdWith ? creationFlags(state.repository.createdWith) : []),
				...(state.image.lambda ? ['--lambda'] : []),
				...(state.image.platform ? ['--platform', state.image.platform] : []),
				...global,
			]),
		);
	}

	return lines;
}

export function nextStepsFor(state: WizardState): string[] {
	const steps: string[] = [];
	if (state.auth?.method === 'helper') {
		steps.push(
			`docker push ${state.repository ? `${state.repository.uri}:TAG` : `${state.registry ?? 'HOST'}/REPO:TAG`} now authenticates by itself`,
		);
		if (state.auth.profile)
			steps.push(
				`docker fetches its tokens with profile ${state.auth.profile}, whatever AWS variables the shell holds`,
			);
		else steps.push('The helper uses the AWS credentials of the shell docker runs in');
	}

	if (state.auth?.method === 'login')
		steps.push('The login lasts 12 hours; run the wizard again or configure the credential helper');
	const template = state.repository?.createOnPush;
	if (template) {
		const names = template.prefix === ROOT_PREFIX ? 'any new name' : `a new name under ${template.prefix}/`;
		steps.push(
			`A push to ${names} creates its repository the same way; whoever pushes needs ${template.actions.join(' and ')}`,
		);
	}

	steps.push('ecr-setup ci github   (a workflow that pushes from GitHub Actions)');
	steps.push('ecr-setup policy      (a least-privilege IAM policy for pushing)');
	return steps;
}
