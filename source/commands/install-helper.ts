import {stringFlag} from './args.js';
import {UsageError, UserError} from '../errors/user-errors.js';
import {commandLine} from '../lib/shell.js';
import type {HelperInfo, InstallMethod} from '../credential-helper/types.js';
import type {CommandDefinition} from './types.js';

const METHODS: InstallMethod[] = ['brew', 'apt', 'dnf', 'yum', 'apk', 'go', 'binary'];

export const installHelperCommand: CommandDefinition = {
	name: 'install-helper',
	summary: 'Install docker-credential-ecr-login (brew, apt, dnf, yum, apk, go, binary)',
	usage: 'ecr-setup install-helper [--method brew|apt|dnf|yum|apk|go|binary] [--dry-run] [--yes]',
	flags: [
		{
			name: 'method',
			type: 'string',
			value: 'METHOD',
			description: `How to install: ${METHODS.join(', ')} (default: the best for this machine)`,
		},
	],
	details: 'Shows the exact command first and asks. sudo is used only when you are not root, and the command says so.',
	async run(context) {
		const {services, io, flags} = context;
		const method = stringFlag(flags, 'method');
		if (method !== undefined && !METHODS.includes(method as InstallMethod)) {
			throw new UsageError(`--method ${method} is not one of ${METHODS.join(', ')}.`);
		}

		const existing = await services.helper.find('ecr-login');
		if (existing && method === undefined) {
			io.out(`docker-credential-ecr-login is already installed: ${describeHelper(existing)}.`);
			return {json: installedJson(existing, null)};
		}

		const platform = await services.helper.platform();
		const plans = services.helper.installPlans(platform);
		const plan = method === undefined ? plans[0] : plans.find((candidate) => candidate.method === method);
		if (!plan) {
			throw new UserError(
				method === undefined
					? `No install method fits this machine (${platform.os}/${platform.arch}${platform.distro ? `, ${platform.distro}` : ''}).`
					: `--method ${method} is not available here (${platform.os}${platform.distro ? `, ${platform.distro}` : ''}).`,
				{
					code: 'helper.no-install-method',
					hint:
						plans.length > 0
							? `Available here: ${plans.map((candidate) => candidate.method).join(', ')}.`
							: 'Install it by hand:',
					nextSteps: ['https://github.com/awslabs/amazon-ecr-credential-helper#installing'],
				},
			);
		}

		io.out(`${plan.description}`);
		for (const before of plan.before) io.out(`  $ ${commandLine(before)}`);
		if (plan.command.length > 0) io.out(`  $ ${commandLine(plan.command)}`);
		if (plan.download) io.out(`  download ${plan.download.url}\n  verify   ${plan.download.checksumUrl}`);
		if (plan.needsSudo) io.out('This uses sudo because you are not root; sudo may ask for your password.');
		if (context.options.dryRun) {
			io.out('Dry run: nothing was installed.');
			return {json: {installed: false, dryRun: true, method: plan.method, command: plan.command, before: plan.before}};
		}

		if (!(await io.confirm('Run it?', {defaultYes: true, flag: '--yes'}))) {
			io.out('Nothing was installed.');
			return {exitCode: 1, json: {installed: false, method: plan.method}};
		}

		const installed = await services.helper.install(plan, {
			onLine: (line) => io.err(`  ${line}`),
			signal: context.signal,
		});
		io.out(`Installed docker-credential-ecr-login: ${describeHelper(installed)}.`);
		io.out('Next: `ecr-setup configure-helper` makes docker use it for your registry.');
		return {json: installedJson(installed, plan.method)};
	},
};

function describeHelper(helper: HelperInfo): string {
	return `${helper.path}${helper.version ? ` (${helper.version})` : ''}`;
}

/** `method` null: it was there already. */
function installedJson(helper: HelperInfo, method: InstallMethod | null) {
	return {
		installed: true,
		alreadyInstalled: method === null,
		path: helper.path,
		version: helper.version ?? null,
		method,
	};
}
