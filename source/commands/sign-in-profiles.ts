/**
 * After an IAM Identity Center sign-in: which accounts and roles get a profile (--account/--role, --yes for all, or a
 * numbered choice at a terminal), and the profiles written to the AWS config file — shown as a diff, asked once.
 */
import type {LoadedAwsFile} from '../aws/aws-files.js';
import {profileWrite} from '../aws/sign-in-flow.js';
import type {SsoSession as SignedIn} from '../aws/sign-in-types.js';
import type {AccountRole, SsoForm, SsoSession} from '../aws/sso-config.js';
import {UsageError} from '../errors/user-errors.js';
import {stringListFlag} from './args.js';
import {writeAwsChanges} from './sign-in-write.js';
import type {CommandContext, CommandResult} from './types.js';

/** `1,3`, `2-4`, `all` (or nothing: all) to the chosen indexes; a message when the answer is not one. */
export function parseSelection(answer: string, count: number): number[] | string {
	const text = answer.trim().toLowerCase();
	if (text === '' || text === 'all' || text === 'a') return Array.from({length: count}, (_value, index) => index);
	const chosen = new Set<number>();
	for (const part of text.split(/[\s,]+/).filter(Boolean)) {
		const match = /^(\d+)(?:-(\d+))?$/.exec(part);
		if (!match) return `"${part}" is not a number or a range like 2-4.`;
		const from = Number(match[1]);
		const to = Number(match[2] ?? match[1]);
		if (from < 1 || to > count || from > to) return `${part} is not between 1 and ${count}.`;
		for (let index = from; index <= to; index++) chosen.add(index - 1);
	}

	return chosen.size === 0 ? 'Nothing was chosen.' : [...chosen].sort((a, b) => a - b);
}

function describe(role: AccountRole): string {
	return `${role.accountName} (${role.accountId})  ${role.roleName}`;
}

export async function chooseRoles(context: CommandContext, roles: AccountRole[]): Promise<AccountRole[]> {
	const {io, options} = context;
	const accounts = stringListFlag(context.flags, 'account').map((value) => value.toLowerCase());
	const roleNames = stringListFlag(context.flags, 'role').map((value) => value.toLowerCase());
	const filtered = roles.filter(
		(role) =>
			(accounts.length === 0 ||
				accounts.includes(role.accountId) ||
				accounts.includes(role.accountName.toLowerCase())) &&
			(roleNames.length === 0 || roleNames.includes(role.roleName.toLowerCase())),
	);
	if (filtered.length === 0) {
		throw new UsageError('No account and role you are assigned matches --account / --role.', {
			hint: 'You can use:',
			nextSteps: roles.map(describe),
		});
	}

	if (accounts.length > 0 || roleNames.length > 0 || options.yes || options.dryRun) return filtered;
	if (!io.interactive || !io.ask) {
		throw new UsageError(
			`Which of the ${filtered.length} accounts and roles get a profile? There is no terminal to ask in.`,
			{
				hint: 'Pass --yes for all of them, or --account ID and --role NAME (each may be given more than once).',
				nextSteps: filtered.map(describe),
			},
		);
	}

	io.err('The accounts and roles you can use:');
	for (const [index, role] of filtered.entries()) io.err(`  ${String(index + 1).padStart(2)}) ${describe(role)}`);
	for (let attempt = 0; ; attempt++) {
		const answer = parseSelection(
			await io.ask('Which get a profile? Numbers (1,3), ranges (2-4) or all [all]: ', {flag: '--yes'}),
			filtered.length,
		);
		if (typeof answer !== 'string') return answer.map((index) => filtered[index]!);
		if (attempt >= 2) throw new UsageError(answer);
		io.err(answer);
	}
}

export type WriteProfilesInput = {
	config: LoadedAwsFile;
	portal: {session: SsoSession; form: SsoForm};
	region: string;
	roles: AccountRole[];
	/** The credentials file's profiles: no new profile shares a name with one (its keys would win). */
	takenNames: string[];
	signedIn: SignedIn;
};

export async function writeProfiles(context: CommandContext, input: WriteProfilesInput): Promise<CommandResult> {
	const {io} = context;
	const {session, form} = input.portal;
	const planInput = {form, session, region: input.region, roles: input.roles, takenNames: input.takenNames};
	const {plan, edit} = profileWrite(input.config.text, planInput);
	for (const role of plan.skipped) {
		io.err(
			`Skipped ${JSON.stringify(role.roleName)} in account ${JSON.stringify(role.accountId)}: not a valid role or account id.`,
		);
	}

	const fresh = plan.profiles.filter((profile) => profile.status === 'new').length;
	const outcome = await writeAwsChanges(
		context,
		[{file: input.config, edit}],
		`Write ${fresh === 1 ? 'this profile' : `these ${fresh} profiles`}${plan.sessionStatus === 'new' ? ` and the sso-session ${session.name}` : ''} to ${input.config.path}?`,
	);
	if (!outcome.changed) io.out(`${input.config.path} already has a profile for each: nothing to change.`);
	const width = Math.max(...plan.profiles.map((profile) => profile.name.length));
	const roleWidth = Math.max(...plan.profiles.map((profile) => profile.roleName.length));
	io.out(`Profiles${form === 'session' ? ` (sso-session ${session.name})` : ' (legacy form)'}:`);
	for (const profile of plan.profiles) {
		const note = profile.status === 'existing' ? '  (already there)' : '';
		io.out(
			`  ${profile.name.padEnd(width)}  ${profile.accountId}  ${profile.roleName.padEnd(roleWidth)}  ${profile.accountName}${note}`,
		);
	}

	if (plan.profiles[0]) io.out(`Try one: ecr-setup whoami --profile ${plan.profiles[0].name}`);
	const written = outcome.written.find((file) => file.changed);
	return {
		json: {
			mode: 'sso',
			form,
			session: form === 'session' ? session.name : null,
			startUrl: session.startUrl,
			ssoRegion: session.region,
			signedIn: {
				how: input.signedIn.how,
				expiresAt: input.signedIn.expiresAt.toISOString(),
				refreshable: input.signedIn.refreshable,
				cachePath: input.signedIn.cachePath,
			},
			configPath: input.config.path,
			changed: outcome.changed,
			written: Boolean(written),
			backupPath: written?.backupPath ?? null,
			profiles: plan.profiles.map(({name, accountId, accountName, roleName, status}) => ({
				name,
				accountId,
				accountName,
				roleName,
				status,
			})),
			skipped: plan.skipped.length,
		},
	};
}
