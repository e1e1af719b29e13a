/** How an install plan is shown and, for sudo, handed to the terminal: always the exact argv that will run. */
import type {InstallPlan} from '../services/types.js';
import {commandLine} from './shell.js';

/** The shell text of an install plan, every command in the order it runs (a download when nothing is spawned). */
export function installCommandText(plan: InstallPlan): string {
	if (plan.command.length === 0) {
		return plan.download ? `download ${plan.download.url}${plan.target ? ` to ${plan.target.path}` : ''}` : plan.description;
	}

	return [...plan.before, plan.command].map((argv) => commandLine(argv)).join(' && ');
}

/** What a sudo plan hands over: one command, or `sh -c` when it has commands to run first. */
export function installHandOver(plan: InstallPlan): {file: string; args: string[]} {
	if (plan.before.length === 0) return {file: plan.command[0]!, args: plan.command.slice(1)};
	return {file: 'sh', args: ['-c', installCommandText(plan)]};
}
