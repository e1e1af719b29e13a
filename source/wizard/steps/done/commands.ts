/** The non-interactive commands that do what the wizard just did, for scripts and the next time. */
import {commandLine} from '../../../lib/shell.js';
import type {WizardState} from '../../state.js';

export function equivalentCommands(state: WizardState): string[] {
	const global = [
		...(state.profile ? ['--profile', state.profile] : []),
		...(state.region ? ['--region', state.region] : []),
	];
	const lines: string[] = [];
	if (state.registry && state.auth?.method === 'helper') {
		lines.push(commandLine(['ecr-setup', 'configure-helper', '--registry', state.registry, '--yes']));
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
		if (state.profile) steps.push(`The helper uses your shell's AWS credentials: export AWS_PROFILE=${state.profile}`);
	}

	if (state.auth?.method === 'login')
		steps.push('The login lasts 12 hours; run the wizard again or configure the credential helper');
	steps.push('ecr-setup ci github   (a workflow that pushes from GitHub Actions)');
	steps.push('ecr-setup policy      (a least-privilege IAM policy for pushing)');
	return steps;
}
