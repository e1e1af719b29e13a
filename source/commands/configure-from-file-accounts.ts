/**
 * `configure-helper --from-file` without `--profile`, when the files name registries of other accounts than the one the
 * shell's credentials reach: the plain helper would fetch their tokens as the shell's account. Each such registry is
 * bound to the first profile (in the AWS config's order) that reaches its account; one nobody reaches keeps the plain
 * helper and is named with what to do. The shell's own account's registries and public.ecr.aws keep the plain helper.
 * One diff, one confirmation.
 */
import {boundHelperName} from '../credential-helper/wrapper.js';
import type {ConfigChange} from '../docker-config/types.js';
import type {EcrRegistry} from '../ecr/hosts.js';
import {CONCURRENCY, mapLimited, planProfileWrappers, reach, verifyProfiles} from './bind-all-profiles.js';
import {applyBindingChange, requireHelper} from './bind-profile.js';
import type {BuildFilesReport} from './configure-from-file.js';
import type {CommandContext, CommandResult} from './types.js';
import {verifyHelper} from './verify-helper.js';

const HELPER = 'ecr-login';

export type BuildRegistryAccounts = {
	/** The account the shell's credentials reach; undefined when STS could not say. */
	account: string | undefined;
	/** Registries the plain helper serves: the shell's account's, ECR Public, and those no profile reaches. */
	plain: string[];
	/** Other accounts' registries, each with the first profile that reaches its account. */
	bound: Array<{host: string; account: string; profile: string}>;
};

/** A service call that may throw at once or reject: undefined either way, unless the run was cancelled. */
async function attempt<T>(context: CommandContext, call: () => Promise<T>): Promise<T | undefined> {
	try {
		return await call();
	} catch (error) {
		if (context.signal.aborted) throw error;
		return undefined;
	}
}

/**
 * Which registries get a profile bound. Undefined when none does (no profiles, or every registry is the shell's
 * account's or ECR Public's, or no profile reaches the others): then the plain helper serves them all, as before.
 * A registry of an account no profile reaches keeps the plain helper, which works where that account's repository
 * policy lets the shell's account pull; that is said, with the way to bind one.
 */
export async function accountsOfBuildRegistries(
	context: CommandContext,
	registries: EcrRegistry[],
): Promise<BuildRegistryAccounts | undefined> {
	const {services, io} = context;
	const privates = registries.filter((registry) => registry.kind === 'private');
	if (privates.length === 0) return undefined;
	const profiles = (await attempt(context, () => services.aws.listProfiles())) ?? [];
	if (profiles.length === 0) return undefined;
	const region = privates[0]!.region;
	const account = (await attempt(context, () => services.aws.getCallerIdentity({region, signal: context.signal})))
		?.account;
	const foreign = privates.filter((registry) => registry.account !== account);
	if (foreign.length === 0) return undefined;

	io.err(
		`${foreign.length === 1 ? 'A registry' : `${foreign.length} registries`} of ${account === undefined ? 'accounts the shell’s credentials may not reach' : `other accounts than ${account}`}: asking STS which account each of ${profiles.length} profiles reaches…`,
	);
	const wanted = new Set(foreign.map((registry) => registry.account));
	const reaches = await mapLimited(profiles, CONCURRENCY, (profile) => reach(context, profile, [region]));
	const reacher = new Map<string, string>();
	for (const found of reaches)
		if ('account' in found && wanted.has(found.account) && !reacher.has(found.account))
			reacher.set(found.account, found.profile);

	const result: BuildRegistryAccounts = {account, plain: [], bound: []};
	for (const registry of registries) {
		const profile = registry.kind === 'private' && registry.account !== account && reacher.get(registry.account);
		if (registry.kind === 'private' && profile)
			result.bound.push({host: registry.host, account: registry.account, profile});
		else result.plain.push(registry.host);
		if (registry.kind === 'private' && registry.account !== account && !profile)
			io.err(
				`Note: no profile reaches account ${registry.account} (${registry.host}): it gets the plain helper, which uses the shell’s credentials${account ? ` (account ${account})` : ''} and works where that account’s repository policy allows them. To use the account’s own: \`ecr-setup sign-in\`, then \`ecr-setup configure-helper --registry ${registry.host} --profile P\`.`,
			);
	}

	return result.bound.length > 0 ? result : undefined;
}

/** Write the plain helper and the bindings in one change, then ask each helper for one of its registries. */
export async function configureBuildRegistries(
	context: CommandContext,
	accounts: BuildRegistryAccounts,
	buildFiles: BuildFilesReport,
): Promise<CommandResult> {
	const {services, io} = context;
	const helper = await requireHelper(context);
	const config = await services.dockerConfig.read();
	const current = config.data.credHelpers ?? {};
	for (const entry of accounts.bound)
		io.out(`${entry.host}: account ${entry.account}, reached by profile ${entry.profile}: bound to it.`);

	const {kept: bound, wrappers: wrapperPlans, taken} = await planProfileWrappers(context, accounts.bound, helper.path);
	const failures = taken.map(({entry, failure, fix}) => ({host: entry.host, failure, ...(fix ? {fix} : {})}));
	for (const failure of failures)
		io.err(`Not bound: ${failure.host}: ${failure.failure}${failure.fix ? `\n  → ${failure.fix}` : ''}`);

	const changes: ConfigChange[] = [
		// A registry bound to a profile already keeps its binding.
		...accounts.plain
			.filter((host) => current[host] === undefined || current[host] === HELPER)
			.map((host) => ({type: 'set-cred-helper' as const, host, helper: HELPER})),
		...bound.map((entry) => ({
			type: 'set-cred-helper' as const,
			host: entry.host,
			helper: boundHelperName(entry.profile),
		})),
	];
	const plan = services.dockerConfig.plan(config, changes);
	const changed = plan.changed || wrapperPlans.some((wrapper) => wrapper.changed);
	let outcome = {written: false, backup: null as string | null};
	if (!changed) io.out(`Already configured: every registry above has its helper in ${config.path}. Nothing to change.`);
	else
		outcome = await applyBindingChange(
			context,
			{config, plan, wrappers: wrapperPlans, removals: []},
			'Write these changes?',
		);

	let verified: boolean | null = null;
	if (outcome.written) {
		const plain = accounts.plain.length > 0 ? await verifyHelper(context, accounts.plain.slice(0, 1), HELPER) : true;
		verified = (await verifyProfiles(context, bound)) && plain;
	}

	return {
		...(failures.length > 0 ? {exitCode: 1} : {}),
		json: {
			config: config.path,
			hosts: [...accounts.plain, ...bound.map((entry) => entry.host)],
			account: accounts.account ?? null,
			bindings: bound,
			failures,
			changed,
			written: outcome.written,
			diff: plan.diff,
			backup: outcome.backup,
			helper: helper.path,
			verified,
			buildFiles,
		},
	};
}
