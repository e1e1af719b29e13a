/**
 * `configure-helper --registry HOST --profile P` and `--unbind`: docker fetches HOST's credentials with profile P through
 * a wrapper of docker-credential-ecr-login (credential-helper/wrapper.ts). One diff (config.json and the wrapper's full
 * text), one confirmation; the wrapper is written first and taken back when the config write fails.
 */
import {credentialSetupSteps} from '../aws/explain-error.js';
import {awsConfigFiles} from '../aws/profiles.js';
import type {AwsProfile} from '../aws/types.js';
import {accountMismatch, profileWarnings, unbindChanges, wrappersNoLongerNamed} from '../credential-helper/bindings.js';
import type {HelperInfo} from '../credential-helper/types.js';
import type {WrapperRemoval} from '../credential-helper/wrapper-service.js';
import {ECR_LOGIN_HELPER, assertBindableProfile} from '../credential-helper/wrapper.js';
import type {EcrRegistry} from '../ecr/hosts.js';
import type {LoadedConfig} from '../docker-config/types.js';
import {hostnameOfAuthKey} from '../docker-config/stores.js';
import {UsageError, UserError, errorMessage} from '../errors/user-errors.js';
import {colorDiff} from '../lib/format.js';
import {type BindingChange, bindingUnchanged, planBinding, writeBinding} from '../services/binding.js';
import {verifyHelper} from './verify-helper.js';

export type {BindingChange} from '../services/binding.js';
import type {CommandContext, CommandResult} from './types.js';

/** The real helper, whose absolute path the wrapper runs: without it there is nothing to bind to. */
export async function requireHelper(context: CommandContext): Promise<HelperInfo> {
	const helper = await context.services.helper.find(ECR_LOGIN_HELPER);
	if (helper) return helper;
	throw new UserError('docker-credential-ecr-login is not on PATH, so there is no helper to bind a profile to.', {
		code: 'helper.not-found',
		hint: 'A bound profile’s wrapper runs docker-credential-ecr-login by its full path. Install it first. Nothing was changed.',
		nextSteps: ['ecr-setup install-helper'],
	});
}

/** The profile's settings; a usage error listing the profiles there are when it is not one of them. */
export async function requireProfile(context: CommandContext, profile: string): Promise<AwsProfile> {
	const all = await context.services.aws.listProfiles();
	const found = all.find((entry) => entry.name === profile);
	if (found) return found;
	const profiles = all.map((entry) => entry.name);
	const files = awsConfigFiles(context.services.env);
	throw new UsageError(`There is no AWS profile "${profile}".`, {
		code: 'aws.profile-not-found',
		hint:
			profiles.length > 0
				? `The profiles in ${files.configPath} and ${files.credentialsPath}: ${profiles.join(', ')}.`
				: `${files.configPath} and ${files.credentialsPath} define no profiles.`,
		nextSteps: credentialSetupSteps(profile),
	});
}

/** A question that a dry run does not ask: it shows what would happen as if the answer were yes. */
async function agree(context: CommandContext, question: string): Promise<boolean> {
	if (context.options.dryRun) return true;
	return context.io.confirm(question, {defaultYes: false, flag: '--yes'});
}

export type BindingOutcome = {written: boolean; backup: string | null; removed: string[]};

/** Show every change (config diff, each wrapper's diff, the removals), ask once, then write in an order that can fail safely. */
export async function applyBindingChange(
	context: CommandContext,
	change: BindingChange,
	question: string,
): Promise<BindingOutcome> {
	const {io, services, options} = context;
	const wrappers = change.wrappers.filter((wrapper) => wrapper.changed);
	if (change.plan.changed) io.out(colorDiff(change.plan.diff.trimEnd(), io.color));
	for (const wrapper of wrappers) {
		if (wrapper.modeOnly) io.out(`${wrapper.path}: mode back to 0755 (only you may change it); its text stays.`);
		else
			io.out(
				`${wrapper.before === undefined ? 'New' : 'Changed'} wrapper (${wrapper.why}):\n${colorDiff(wrapper.diff, io.color)}`,
			);
	}

	for (const removal of change.removals)
		io.out(`Removes ${removal.path} (profile ${removal.profile}’s wrapper, which config.json no longer names).`);
	if (options.dryRun) {
		io.out('Dry run: nothing was written.');
		return {written: false, backup: null, removed: []};
	}

	if (!(await io.confirm(question, {defaultYes: true, flag: '--yes'}))) {
		io.out('Nothing was written.');
		return {written: false, backup: null, removed: []};
	}

	const written = await writeBinding(services, change, {out: (line) => io.out(line), err: (line) => io.err(line)});
	return {written: true, backup: written.backup, removed: written.removed};
}

/** Which account the profile reaches; on a cross-account binding or when STS cannot say, ask before going on. */
async function checkAccount(
	context: CommandContext,
	registries: EcrRegistry[],
	profile: string,
): Promise<string | null> {
	const {services, io} = context;
	const aws = services.aws.withProfile?.(profile) ?? services.aws;
	const region = registries.find((registry) => registry.kind === 'private')?.region;
	let account: string;
	try {
		account = (await aws.getCallerIdentity({...(region ? {region} : {}), signal: context.signal})).account;
	} catch (error) {
		io.err(`Warning: could not find out which AWS account profile ${profile} reaches: ${errorMessage(error)}`);
		if (!(await agree(context, `Bind profile ${profile} anyway?`))) throw cancelled();
		return null;
	}

	io.out(`Profile ${profile} reaches account ${account}.`);
	for (const registry of registries) {
		const mismatch = accountMismatch(registry, account, profile);
		if (!mismatch) continue;
		io.err(`Note: ${mismatch}`);
		if (!(await agree(context, `Bind ${registry.host} to profile ${profile} all the same?`))) throw cancelled();
	}

	return account;
}

function cancelled(): UserError {
	return new UserError('Nothing was bound.', {code: 'helper.bind-declined'});
}

function staleAuthsNote(context: CommandContext, config: LoadedConfig, hosts: string[]): void {
	const stale = Object.keys(config.data.auths ?? {}).filter((key) => hosts.includes(hostnameOfAuthKey(key)));
	if (stale.length > 0)
		context.io.out(`Note: stored tokens for ${stale.join(', ')} in "auths" will no longer be used.`);
}

/** configure-helper --profile P: credHelpers[host] = ecr-login-P for each registry, and P's wrapper on PATH. */
export async function bindProfile(
	context: CommandContext,
	registries: EcrRegistry[],
	profile: string,
): Promise<CommandResult> {
	const {services, io} = context;
	assertBindableProfile(profile);
	const settings = await requireProfile(context, profile);
	const helper = await requireHelper(context);
	for (const warning of profileWarnings(settings, helper.version)) io.err(`Warning: ${warning}`);
	const account = await checkAccount(context, registries, profile);
	const hosts = registries.map((registry) => registry.host);
	const change = await planBinding(services, profile, hosts, helper.path);
	const {config, plan} = change;
	const wrapper = change.wrappers[0]!;
	const summary = {config: config.path, hosts, profile, account, helper: helper.path, wrapper: wrapper.path};
	if (bindingUnchanged(change)) {
		io.out(
			`Already bound: ${hosts.join(', ')} ${hosts.length === 1 ? 'uses' : 'use'} profile ${profile} through ${wrapper.path}. Nothing to change.`,
		);
		return {json: {...summary, changed: false, written: false, diff: '', wrapperDiff: '', backup: null}};
	}

	staleAuthsNote(context, config, hosts);
	const outcome = await applyBindingChange(
		context,
		change,
		plan.changed ? `Write these changes to ${config.path} and ${wrapper.path}?` : `Write ${wrapper.path}?`,
	);
	const verified = outcome.written ? await verifyHelper(context, hosts, wrapper.helperName) : null;
	return {
		json: {
			...summary,
			changed: true,
			written: outcome.written,
			diff: plan.diff,
			wrapperDiff: wrapper.diff,
			backup: outcome.backup,
			verified,
		},
	};
}

/** configure-helper --unbind: each bound host goes back to the plain helper; wrappers no host names any more go too. */
export async function unbindRegistries(context: CommandContext, registries: EcrRegistry[]): Promise<CommandResult> {
	const {services, io} = context;
	const config = await services.dockerConfig.read();
	const credHelpers = config.data.credHelpers ?? {};
	const hosts = registries.map((registry) => registry.host);
	const {unbound, notBound} = unbindChanges(credHelpers, hosts);
	for (const host of notBound) io.out(`${host} is not bound to a profile: nothing to unbind.`);
	if (unbound.length === 0)
		return {json: {config: config.path, unbound: [], changed: false, written: false, removed: []}};

	const plan = services.dockerConfig.plan(
		config,
		unbound.map(({host}) => ({type: 'set-cred-helper', host, helper: ECR_LOGIN_HELPER})),
	);
	const after = {...config.data, credHelpers: {...credHelpers}};
	for (const {host} of unbound) after.credHelpers[host] = ECR_LOGIN_HELPER;
	const removals: WrapperRemoval[] = [];
	for (const profile of wrappersNoLongerNamed(config.data, after)) {
		const planned = await services.wrappers.planRemoval(profile);
		if ('removal' in planned) removals.push(planned.removal);
		else io.err(`Note: ${planned.note}`);
	}

	io.out(
		`${unbound.map(({host, profile}) => `${host} (profile ${profile})`).join(', ')}: back to docker-credential-ecr-login with the AWS environment docker is started with.`,
	);
	const outcome = await applyBindingChange(
		context,
		{config, plan, wrappers: [], removals},
		`Write these changes to ${config.path}?`,
	);
	return {
		json: {
			config: config.path,
			unbound,
			changed: true,
			written: outcome.written,
			diff: plan.diff,
			backup: outcome.backup,
			removed: outcome.removed,
		},
	};
}
