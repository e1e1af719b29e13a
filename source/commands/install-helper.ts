import {booleanFlag, stringFlag} from './args.js';
import {UsageError, UserError} from '../errors/user-errors.js';
import {commandLine} from '../lib/shell.js';
import {unverifiedError} from '../credential-helper/release-download.js';
import type {HelperInfo, InstallMethod, InstallPlan} from '../credential-helper/types.js';
import type {CommandDefinition} from './types.js';

const METHODS: InstallMethod[] = ['brew', 'apt', 'dnf', 'yum', 'apk', 'go', 'binary'];

export const installHelperCommand: CommandDefinition = {
	name: 'install-helper',
	summary: 'Install docker-credential-ecr-login (brew, apt, dnf, yum, apk, go, binary)',
	usage:
		'ecr-setup install-helper [--method brew|apt|dnf|yum|apk|go|binary] [--helper-version V] [--allow-unverified] [--dry-run] [--yes]',
	flags: [
		{
			name: 'method',
			type: 'string',
			value: 'METHOD',
			description: `How to install: ${METHODS.join(', ')} (default: the best for this machine)`,
		},
		{
			name: 'helper-version',
			type: 'string',
			value: 'V',
			description: 'Release to download with --method binary (default: the newest ecr-setup knows)',
		},
		{
			name: 'allow-unverified',
			type: 'boolean',
			description: "Install a release whose SHA-256 is not in ecr-setup's table (checked by its .sha256 only)",
		},
	],
	details:
		"Shows the exact command first and asks. sudo is used only when you are not root, and the command says so. A release binary is checked against the SHA-256 sums that ship with ecr-setup and against the release's own .sha256; a version the table does not know needs --allow-unverified. Downloads use HTTPS only (ECR_SETUP_HELPER_RELEASE_URL names a mirror).",
	async run(context) {
		const {services, io, flags} = context;
		const method = stringFlag(flags, 'method');
		if (method !== undefined && !METHODS.includes(method as InstallMethod)) {
			throw new UsageError(`--method ${method} is not one of ${METHODS.join(', ')}.`);
		}

		const helperVersion = stringFlag(flags, 'helper-version');
		const allowUnverified = booleanFlag(flags, 'allow-unverified');
		if (helperVersion !== undefined && !/^\d+\.\d+\.\d+$/.test(helperVersion)) {
			throw new UsageError(`--helper-version ${helperVersion} is not a release number such as 0.12.0.`);
		}

		if ((helperVersion !== undefined || allowUnverified) && method !== 'binary') {
			throw new UsageError(
				`${helperVersion !== undefined ? '--helper-version' : '--allow-unverified'} applies to --method binary only.`,
			);
		}

		const existing = await services.helper.find('ecr-login');
		if (existing && method === undefined) {
			io.out(`docker-credential-ecr-login is already installed: ${describeHelper(existing)}.`);
			return {json: installedJson(existing, null)};
		}

		const platform = await services.helper.platform();
		const plans = services.helper.installPlans(platform, helperVersion ? {version: helperVersion} : {});
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
		if (plan.download) {
			const {url, checksumUrl, known} = plan.download;
			io.out(`  download ${url}\n  verify   ${checksumUrl}`);
			io.out(
				known
					? `  verify   against the SHA-256 ecr-setup ships for this release (${known.sha256}, from ${known.source})`
					: "  UNVERIFIED: this release is not in ecr-setup's table of known SHA-256 sums; only its own .sha256 (same server) checks it",
			);
		}

		if (plan.needsSudo) io.out('This uses sudo because you are not root; sudo may ask for your password.');
		if (context.options.dryRun) {
			io.out('Dry run: nothing was installed.');
			return {
				json: {
					installed: false,
					dryRun: true,
					method: plan.method,
					command: plan.command,
					before: plan.before,
					...verificationJson(plan),
				},
			};
		}

		// Refused before asking or downloading anything: the consent is the flag, not a prompt answered in passing.
		if (plan.download && !plan.download.known && !allowUnverified) throw unverifiedError(plan.download);

		if (!(await io.confirm('Run it?', {defaultYes: true, flag: '--yes'}))) {
			io.out('Nothing was installed.');
			return {exitCode: 1, json: {installed: false, method: plan.method}};
		}

		const installed = await services.helper.install(plan, {
			onLine: (line) => io.err(`  ${line}`),
			signal: context.signal,
			allowUnverified,
		});
		const unverified =
			plan.download && !plan.download.known ? " (unverified: not in ecr-setup's table of known sums)" : '';
		io.out(`Installed docker-credential-ecr-login: ${describeHelper(installed)}${unverified}.`);
		io.out('Next: `ecr-setup configure-helper` makes docker use it for your registry.');
		return {json: {...installedJson(installed, plan.method), ...verificationJson(plan)}};
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

/** How a release binary is checked: `verified` false means the release's own .sha256 was all there was. */
function verificationJson(plan: InstallPlan) {
	if (!plan.download) return {};
	const {version, known} = plan.download;
	return {
		helperVersion: version,
		verified: Boolean(known),
		knownSha256: known?.sha256 ?? null,
		knownSha256Source: known?.source ?? null,
	};
}
