/** `ecr-setup doctor`: find out why a push to ECR fails, and (with --fix) fix what is safe to fix. */
import {booleanFlag, stringFlag} from './args.js';
import {UsageError} from '../errors/user-errors.js';
import {readTextFile} from '../files/atomic-file.js';
import {type OutputCause, outputCauseOf} from '../docker/output-cause.js';
import {classifyPushFailure, explainPushFailure, type PushFailure} from '../docker/push-errors.js';
import {targetOfPushFailure} from '../doctor/push-failure.js';
import {assertAccount, assertRoleArn} from '../generators/policy.js';
import {boundProfileFor} from '../doctor/bound-profile.js';
import {formatReport} from '../doctor/format.js';
import {wrapWords} from '../lib/format.js';
import {applyFixes, planFixes, type FixPlan, type FixStepResult} from '../doctor/fixes.js';
import {diagnose, exitCodeOf, reportToJson} from '../doctor/run-doctor.js';
import {CHECK_IDS, type DoctorOptions, type DoctorReport, type DoctorTargetInput} from '../doctor/types.js';
import type {CommandContext, CommandDefinition, CommandResult} from './types.js';

function fixCount(plan: FixPlan): number {
	return (
		Number(plan.installHelper) +
		(plan.config.changes.length > 0 ? 1 : 0) +
		plan.login.length +
		plan.tags.length +
		plan.repositoryPolicies.length
	);
}

function formatStep(step: FixStepResult): string {
	const mark = {done: 'done', declined: 'declined', failed: 'FAILED', skipped: 'skipped', 'dry-run': 'dry run'}[
		step.status
	];
	return `  [${mark}] ${step.step}: ${step.message}`;
}

/** --allow-account / --allow-role, checked before anything runs: whose pushes the repository policy must allow. */
function allowFlags(context: CommandContext): Pick<DoctorTargetInput, 'allow'> {
	const account = stringFlag(context.flags, 'allow-account');
	const roleArn = stringFlag(context.flags, 'allow-role');
	if (account === undefined && roleArn === undefined) return {};
	if (account !== undefined) assertAccount(account);
	if (roleArn !== undefined) {
		assertRoleArn(roleArn);
		const roleAccount = roleArn.split(':')[4];
		if (account !== undefined && roleAccount !== account)
			throw new UsageError(`The role ${roleArn} is in account ${roleAccount}, not ${account}.`, {
				code: 'usage.role-arn',
				hint: 'Give only one of --allow-account and --allow-role, or a role of that account.',
			});
	}

	if (stringFlag(context.flags, 'repository') === undefined && stringFlag(context.flags, 'image') === undefined) {
		throw new UsageError('--allow-account and --allow-role are about one repository: pass --repository NAME too.', {
			code: 'usage.repository',
		});
	}

	return {allow: {account, roleArn}};
}

/** --push-log FILE (or - for stdin): what a failed push or build printed, classified. */
async function pushLogFailure(context: CommandContext): Promise<PushFailure | undefined> {
	const file = stringFlag(context.flags, 'push-log');
	if (file === undefined) return undefined;
	let text: string | undefined;
	if (file === '-') {
		if (!context.io.readStdin) throw new UsageError('This terminal cannot read stdin: pass --push-log FILE.');
		text = await context.io.readStdin();
	} else {
		text = await readTextFile(file);
		if (text === undefined)
			throw new UsageError(`There is no file ${file}.`, {
				code: 'usage.push-log',
				hint: 'Save what docker printed first: docker push IMAGE 2>&1 | tee push.log (or docker build … 2>&1 | tee push.log).',
			});
	}

	if (text.trim() === '')
		throw new UsageError(`${file === '-' ? 'stdin' : file} is empty: nothing to read a failure from.`, {
			code: 'usage.push-log',
		});
	return classifyPushFailure(text);
}

/** The failure the log names, in the report's words: its cause, why, and the command that fixes it. */
function formatPushLog(failure: PushFailure): string {
	const {message, hint, nextSteps} = explainPushFailure(failure);
	return [`docker's output: ${message}`, `  ${hint}`, ...(nextSteps[0] ? [`  $ ${nextSteps[0]}`] : []), ''].join('\n');
}

function pushLogJson(failure: PushFailure, cause: OutputCause | undefined) {
	return {
		kind: failure.kind,
		message: failure.message,
		fix: cause ? {description: cause.hint, command: cause.command ?? null} : null,
	};
}

export async function runDoctorCommand(
	context: CommandContext,
	doctorOptions: DoctorOptions = {},
): Promise<CommandResult> {
	const {io, options, flags, signal} = context;
	let {services} = context;
	const allow = allowFlags(context);
	const logged = await pushLogFailure(context);
	// A build-side cause (a pull rate limit…) is in the log alone: it fails the run though every check passes.
	const cause = logged ? outputCauseOf(logged) : undefined;
	const fromLog = logged ? targetOfPushFailure(logged) : {};
	const input: DoctorTargetInput = {
		registry: stringFlag(flags, 'registry') ?? fromLog.registry,
		repository: stringFlag(flags, 'repository') ?? (stringFlag(flags, 'registry') ? undefined : fromLog.repository),
		image: stringFlag(flags, 'image'),
		region: options.region,
		...allow,
	};
	const exitCodeWith = (report: DoctorReport) => (cause ? 1 : exitCodeOf(report));
	const jsonOf = (report: DoctorReport) =>
		logged ? {...reportToJson(report), pushLog: pushLogJson(logged, cause)} : reportToJson(report);
	const color = io.color && !services.env['NO_COLOR'];
	const fix = booleanFlag(flags, 'fix');
	const say = (text: string) => (options.json ? io.err(text) : io.out(text));
	const runOptions: DoctorOptions = {signal, ...doctorOptions};
	const bound = await boundProfileFor(services, input, options.profile);
	if (bound && 'note' in bound) io.err(`Note: ${bound.note}`);
	if (bound && 'profile' in bound && services.aws.withProfile) {
		io.err(
			`Using profile ${bound.profile} for the AWS checks: config.json binds ${bound.host} to it (${bound.wrapper}), and no AWS variables are set.`,
		);
		services = {...services, aws: services.aws.withProfile(bound.profile)};
	}

	if (!options.json) io.err('Checking docker, AWS and ECR…');
	const first = await diagnose(services, input, runOptions);
	for (const note of first.facts.target.notes) io.err(`Note: ${note}`);
	let report: DoctorReport = first.report;
	if (!options.json && logged && logged.kind !== 'unknown') io.out(formatPushLog(logged));
	if (!options.json) io.out(formatReport(report, {color}));
	const plan = planFixes(report);
	if (!fix) {
		const count = fixCount(plan);
		if (!options.json && count > 0)
			io.out(
				`\n${count} of these can be fixed for you: ecr-setup doctor --fix${input.registry ? ` --registry ${input.registry}` : ''}`,
			);
		return {exitCode: exitCodeWith(report), json: jsonOf(report)};
	}

	if (fixCount(plan) === 0) {
		say(
			report.summary.fail + report.summary.warn > 0
				? '\nNothing here can be fixed automatically; follow the fixes above.'
				: '\nNothing to fix.',
		);
		return {exitCode: exitCodeWith(report), json: jsonOf(report)};
	}

	say('\nApplying the safe fixes:');
	const steps = await applyFixes(services, first.facts, plan, io, {
		say,
		signal,
		...(options.dryRun ? {dryRun: true} : {}),
	});
	for (const step of steps) say(formatStep(step));
	if (options.dryRun) {
		say('Dry run: nothing was changed.');
		return {exitCode: exitCodeWith(report), json: jsonOf(report)};
	}

	say('\nChecking again…');
	report = (await diagnose(services, input, runOptions)).report;
	if (!options.json) io.out(formatReport(report, {color}));
	return {exitCode: exitCodeWith(report), json: jsonOf(report)};
}

export const doctorCommand: CommandDefinition = {
	name: 'doctor',
	summary: 'Find out why a push to ECR fails, and fix it',
	usage:
		'ecr-setup doctor [--registry HOST | --region R] [--repository NAME] [--image REF] [--push-log FILE|-] [--profile P] [--json] [--fix [--yes]]\n' +
		'  ecr-setup doctor --repository NAME --allow-account ID | --allow-role ARN [--fix [--yes]]   (as the repository owner)',
	flags: [
		{
			name: 'registry',
			type: 'string',
			value: 'HOST',
			description: 'The ECR registry host (default: from --image, else your account and region)',
		},
		{
			name: 'repository',
			type: 'string',
			value: 'NAME',
			description: 'The repository name (only the name, not the URI)',
		},
		{
			name: 'image',
			type: 'string',
			value: 'REF',
			description: 'The image you push: a local name (my-app:1.0) or its full ECR URI',
		},
		{
			name: 'push-log',
			type: 'string',
			value: 'FILE',
			description:
				'What a failed docker push or build printed (- reads stdin): the doctor names the cause in it and targets its registry and repository',
		},
		{
			name: 'allow-account',
			type: 'string',
			value: 'ID',
			description: "Check the repository policy for this account's pushes, not yours (the owner; --fix adds it)",
		},
		{
			name: 'allow-role',
			type: 'string',
			value: 'ARN',
			description: 'The same for one role of that account',
		},
		{
			name: 'fix',
			type: 'boolean',
			description:
				'Apply the safe fixes (config edits with a diff and a backup, login, helper install, a repository policy statement as its owner), then check again',
		},
	],
	details: [
		...wrapWords(`Checks (stable ids): ${CHECK_IDS.join(', ')}.`, 118),
		'Without --profile and with no AWS variables set, a --registry bound to a profile (configure-helper --profile P)',
		'is checked with that profile, as docker reaches it.',
		'With --push-log the cause docker printed comes first; a failure that begins in the build (a pull rate limit, a',
		'layer over the size limit, an archived base image…) is one no check sees, so the run exits 1 with its fix.',
		'Exit code: 0 when no check fails, 1 when one does, 2 on a usage error.',
		'',
		'Examples:',
		'  ecr-setup doctor --image my-app:1.0 --repository my-app',
		'  ecr-setup doctor --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com --fix',
		'  ecr-setup doctor --json',
		'  docker build -t my-app . 2>&1 | tee build.log; ecr-setup doctor --push-log build.log',
		'  ecr-setup doctor --repository shared/app --allow-account 210987654321 --fix   (let that account push)',
	].join('\n'),
	run: async (context) => runDoctorCommand(context),
};
