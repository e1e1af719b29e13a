/**
 * `configure-helper --all-profiles [--region R ...]`: STS says which account each AWS profile reaches; each account's
 * registries are bound to a profile that reaches it. One table, one diff, one confirmation; profiles STS cannot place
 * are listed with their fix and do not stop the others.
 */
import {awsErrorKind, explainAwsError} from '../aws/explain-error.js';
import type {AwsProfile} from '../aws/types.js';
import {
	planAllProfiles,
	profileWarnings,
	type AccountBinding,
	type ProfileReach,
} from '../credential-helper/bindings.js';
import type {WrapperPlan} from '../credential-helper/wrapper-service.js';
import {boundHelperName, profileNameProblem} from '../credential-helper/wrapper.js';
import type {ConfigChange} from '../docker-config/types.js';
import {UsageError, UserError, isUserError} from '../errors/user-errors.js';
import {applyBindingChange, requireHelper} from './bind-profile.js';
import type {CommandContext, CommandResult} from './types.js';
import {verifyHelper} from './verify-helper.js';

/** STS calls at once: a few SSO or role profiles answer slowly; many at once would only queue. */
export const CONCURRENCY = 4;

export async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await work(items[index]!);
		}
	};
	await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
	return results;
}

export async function reach(context: CommandContext, profile: AwsProfile, regions: string[]): Promise<ProfileReach> {
	const region = profile.region;
	const problem = profileNameProblem(profile.name);
	if (problem) return {profile: profile.name, region, failure: problem, fix: 'Rename the profile to bind it.'};
	const aws = context.services.aws.withProfile?.(profile.name);
	if (!aws) return {profile: profile.name, region, failure: 'cannot switch profiles here', fix: undefined};
	try {
		const callRegion = region ?? regions[0];
		const identity = await aws.getCallerIdentity({...(callRegion ? {region: callRegion} : {}), signal: context.signal});
		return {profile: profile.name, region, account: identity.account};
	} catch (error) {
		if (context.signal.aborted) throw error;
		const explanation = explainAwsError(awsErrorKind(error), error, profile.name);
		return {
			profile: profile.name,
			region,
			failure: explanation.title,
			fix: explanation.nextSteps[0] ?? explanation.hint,
		};
	}
}

function table(rows: string[][]): string {
	const widths = rows[0]!.map((_cell, column) => Math.max(...rows.map((row) => row[column]!.length)));
	return rows
		.map((row) =>
			row
				.map((cell, column) => cell.padEnd(widths[column]!))
				.join('   ')
				.trimEnd(),
		)
		.join('\n');
}

function bindingRows(bindings: AccountBinding[]): string[][] {
	return [
		['account', 'profile', 'registries'],
		...bindings.map((binding) => {
			const others = binding.reachedBy.filter((profile) => profile !== binding.profile);
			const also = others.length > 0 ? ` (also reached by ${others.join(', ')})` : '';
			return [binding.account, `${binding.profile}${also}`, binding.hosts.join(', ')];
		}),
	];
}

/** `only`: bind just these profiles (the ones `sign-in` wrote), not every profile of the AWS files. */
/**
 * Each profile's wrapper, planned once for all its entries. A wrapper name someone else's file holds takes that
 * profile's entries out (`taken`, with the reason and its fix), not the whole run.
 */
export async function planProfileWrappers<T extends {profile: string}>(
	context: CommandContext,
	entries: readonly T[],
	helperPath: string,
): Promise<{kept: T[]; wrappers: WrapperPlan[]; taken: Array<{entry: T; failure: string; fix: string | undefined}>}> {
	const wrappers = new Map<string, WrapperPlan>();
	const kept: T[] = [];
	const taken: Array<{entry: T; failure: string; fix: string | undefined}> = [];
	for (const entry of entries) {
		try {
			if (!wrappers.has(entry.profile))
				wrappers.set(entry.profile, await context.services.wrappers.plan(entry.profile, helperPath));
			kept.push(entry);
		} catch (error) {
			if (!isUserError(error) || error.code !== 'helper.wrapper-taken') throw error;
			taken.push({entry, failure: error.message, fix: error.hint});
		}
	}

	return {kept, wrappers: [...wrappers.values()], taken};
}

/** Ask each profile's wrapper for one of its registries: one is enough to prove the wrapper and its credentials work. */
export async function verifyProfiles(
	context: CommandContext,
	entries: ReadonlyArray<{profile: string; host: string}>,
): Promise<boolean> {
	let verified = true;
	for (const profile of new Set(entries.map((entry) => entry.profile))) {
		const host = entries.find((entry) => entry.profile === profile)!.host;
		verified = (await verifyHelper(context, [host], boundHelperName(profile))) && verified;
	}

	return verified;
}

export async function bindAllProfiles(
	context: CommandContext,
	regions: string[],
	only?: readonly string[],
): Promise<CommandResult> {
	const {services, io, options, flags} = context;
	if (options.profile !== undefined) throw new UsageError('--all-profiles binds every profile: drop --profile.');
	if (flags['registry'] !== undefined || flags['public'] === true)
		throw new UsageError('--all-profiles finds the registries itself: drop --registry and --public.');
	const helper = await requireHelper(context);
	const profiles = (await services.aws.listProfiles()).filter((profile) => !only || only.includes(profile.name));
	if (profiles.length === 0) {
		throw new UserError('There are no AWS profiles to bind.', {
			code: 'aws.no-profiles',
			hint: 'Add profiles with `aws configure --profile NAME` or `aws configure sso`.',
		});
	}

	io.err(`Asking STS which account each of ${profiles.length} profiles reaches…`);
	const reaches = await mapLimited(profiles, CONCURRENCY, (profile) => reach(context, profile, regions));
	const config = await services.dockerConfig.read();
	const planned = planAllProfiles({reaches, regions, current: config.data.credHelpers ?? {}});
	const failures = [...planned.failures];
	for (const {account, profiles: names} of planned.withoutRegion)
		failures.push({profile: names.join(', '), failure: `no region for account ${account}`, fix: 'Pass --region R.'});

	const {
		kept: bindings,
		wrappers: wrapperPlans,
		taken,
	} = await planProfileWrappers(context, planned.bindings, helper.path);
	for (const {entry, failure, fix} of taken) failures.push({profile: entry.profile, failure, fix});

	if (bindings.length > 0) io.out(table(bindingRows(bindings)));
	for (const name of new Set(bindings.map((binding) => binding.profile))) {
		const settings = profiles.find((profile) => profile.name === name);
		for (const warning of settings ? profileWarnings(settings, helper.version) : []) io.err(`Warning: ${warning}`);
	}

	const changes: ConfigChange[] = bindings.flatMap((binding) =>
		binding.hosts.map((host) => ({type: 'set-cred-helper' as const, host, helper: boundHelperName(binding.profile)})),
	);
	const plan = services.dockerConfig.plan(config, changes);
	const changed = plan.changed || wrapperPlans.some((wrapper) => wrapper.changed);
	let outcome = {written: false, backup: null as string | null};
	if (bindings.length > 0 && !changed)
		io.out('Already bound: every registry above uses its profile. Nothing to change.');
	if (changed) {
		outcome = await applyBindingChange(
			context,
			{config, plan, wrappers: wrapperPlans, removals: []},
			`Write these changes to ${config.path} and the ${wrapperPlans.filter((wrapper) => wrapper.changed).length} wrapper(s)?`,
		);
	}

	if (failures.length > 0) {
		io.err(`Not bound (${failures.length}):`);
		for (const failure of failures)
			io.err(`  ${failure.profile}: ${failure.failure}${failure.fix ? `\n    → ${failure.fix}` : ''}`);
	}

	const verified = outcome.written
		? await verifyProfiles(
				context,
				bindings.map((binding) => ({profile: binding.profile, host: binding.hosts[0]!})),
			)
		: null;

	return {
		...(bindings.length === 0 ? {exitCode: 1} : {}),
		json: {
			config: config.path,
			bindings,
			failures,
			changed,
			written: outcome.written,
			diff: plan.diff,
			wrappers: wrapperPlans.map((wrapper) => ({
				profile: wrapper.profile,
				path: wrapper.path,
				changed: wrapper.changed,
			})),
			backup: outcome.backup,
			verified,
		},
	};
}
