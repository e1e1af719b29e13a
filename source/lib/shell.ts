/**
 * Commands shown to the user are argv arrays; these render them so that copying them into a shell runs the same argv.
 * The one quoting of the project for commands people copy (wizard, doctor, install-helper).
 */
import type {InstallPlan} from '../services/types.js';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(argument: string): string {
	if (argument.length > 0 && SAFE.test(argument)) return argument;
	return `'${argument.replaceAll("'", `'"'"'`)}'`;
}

export function commandLine(argv: readonly string[]): string {
	return argv.map((argument) => shellQuote(argument)).join(' ');
}

/** The shell text of an install plan, every command in the order it runs (a download when nothing is spawned). */
export function installCommandText(plan: InstallPlan): string {
	if (plan.command.length === 0) {
		return plan.download
			? `download ${plan.download.url}${plan.target ? ` to ${plan.target.path}` : ''}`
			: plan.description;
	}

	return [...plan.before, plan.command].map((argv) => commandLine(argv)).join(' && ');
}
