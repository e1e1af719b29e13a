/** How an install plan is shown and, for sudo, handed to the terminal: always the exact argv that will run. */
import type {InstallPlan} from '../../../credential-helper/types.js';
import {installCommandText} from '../../../credential-helper/platform.js';

export {installCommandText};

/** What a sudo plan hands over: one command, or `sh -c` when it has commands to run first. */
export function installHandOver(plan: InstallPlan): {file: string; args: string[]} {
	if (plan.before.length === 0) return {file: plan.command[0]!, args: plan.command.slice(1)};
	return {file: 'sh', args: ['-c', installCommandText(plan)]};
}
