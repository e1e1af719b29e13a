/** The fix most store problems share: point the registry host at docker-credential-ecr-login, installing it when missing. */
import {installCommandText} from '../../credential-helper/platform.js';
import type {ConfigChange} from '../../docker-config/types.js';
import type {DoctorFacts} from '../facts.js';
import type {CheckFix} from '../types.js';

export const ECR_LOGIN = 'ecr-login';

export function binaryOf(helper: string): string {
	return `docker-credential-${helper}`;
}

/**
 * The command that installs docker-credential-ecr-login here, as the helper service plans it. A download plan runs no
 * command (ecr-setup fetches and verifies the release itself), so `ecr-setup install-helper` is what to run then.
 */
export function installCommand(facts: DoctorFacts): string {
	const plan = facts.installPlan;
	if (!plan || plan.command.length === 0) return 'ecr-setup install-helper';
	return installCommandText(plan);
}

/** Point the host at ecr-login: the fix for most store problems (credHelpers beats credsStore for this host only). */
export function ecrLoginFix(
	facts: DoctorFacts,
	host: string,
	why: string,
	extra: ConfigChange[] = [],
	consent?: string,
): CheckFix {
	const installed = Boolean(facts.binaries[binaryOf(ECR_LOGIN)]);
	const changes: ConfigChange[] = [...extra, {type: 'set-cred-helper', host, helper: ECR_LOGIN}];
	return {
		description: `${why} Set credHelpers["${host}"] to "ecr-login" so docker asks docker-credential-ecr-login for this registry${
			installed ? '' : ' (install it first)'
		}.`,
		command: installed
			? `ecr-setup configure-helper --registry ${host}`
			: `${installCommand(facts)} && ecr-setup configure-helper --registry ${host}`,
		action: {type: 'config', changes, ...(consent ? {consent} : {})},
	};
}
