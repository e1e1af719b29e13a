/** What several subcommands need: the region in force, the target registries, a consented config edit. */
import {colorDiff} from '../lib/format.js';
import {UsageError} from '../errors/user-errors.js';
import {stringListFlag} from './args.js';
import {
	PUBLIC_REGISTRY_HOST,
	hostOfRegistryString,
	parseRegistryHost,
	privateRegistryHost,
	type EcrRegistry,
} from '../ecr/hosts.js';
import {isRegionShaped} from '../ecr/regions.js';
import type {ApplyResult, EditPlan, LoadedConfig} from '../docker-config/types.js';
import type {ResolvedRegion} from '../aws/types.js';
import type {CommandContext} from './types.js';

/**
 * The region in force (--region, AWS_REGION, AWS_DEFAULT_REGION, else the profile's), asked once where a command starts;
 * the command passes it to every AWS call it makes.
 */
export async function regionInForce(context: CommandContext): Promise<ResolvedRegion> {
	return context.services.aws.resolveRegion();
}

/** The region in force; a usage error naming the flag when there is none. */
export async function requireRegion(context: CommandContext, flagHint = '--region'): Promise<string> {
	const resolved = await regionInForce(context);
	if (resolved.region) {
		if (!isRegionShaped(resolved.region)) {
			throw new UsageError(`"${resolved.region}" (from ${resolved.source}) is not an AWS region name.`, {
				hint: 'Region names look like us-east-1 or eu-west-2.',
			});
		}

		return resolved.region;
	}

	throw new UsageError('No AWS region is set.', {
		code: 'aws.no-region',
		hint: `Pass ${flagHint}, set AWS_REGION, or add "region = …" to your AWS profile.`,
		nextSteps: ['export AWS_REGION=us-east-1', 'aws configure set region us-east-1'],
	});
}

/** Parse --registry values: each must be an ECR registry host (scheme and path are stripped with a note). */
export function parseRegistryFlags(context: CommandContext): EcrRegistry[] {
	const registries: EcrRegistry[] = [];
	for (const raw of stringListFlag(context.flags, 'registry')) {
		const host = hostOfRegistryString(raw);
		const registry = parseRegistryHost(host);
		if (!registry) {
			throw new UsageError(`"${raw}" is not an Amazon ECR registry host.`, {
				hint: 'ECR hosts look like 123456789012.dkr.ecr.us-east-1.amazonaws.com (or public.ecr.aws).',
			});
		}

		if (host !== raw) context.io.err(`Note: using the host "${host}" (docker matches credHelpers keys by host only).`);
		registries.push(registry);
	}

	return registries;
}

/**
 * The registries a command works on: --registry hosts, --public, or else the caller's own registry in the region in force.
 */
export async function resolveTargetRegistries(context: CommandContext): Promise<EcrRegistry[]> {
	const registries = parseRegistryFlags(context);
	if (context.flags['public'] === true) registries.push({kind: 'public', host: PUBLIC_REGISTRY_HOST});
	if (registries.length > 0) {
		const region = context.options.region;
		for (const registry of registries) {
			if (region && registry.kind === 'private' && registry.region !== region) {
				throw new UsageError(
					`--region ${region} does not match the registry ${registry.host}, which is in ${registry.region}.`,
					{
						hint: 'The region of a private registry is part of its host; drop --region or fix the host.',
					},
				);
			}
		}

		return registries;
	}

	const region = await requireRegion(context, '--region or --registry');
	const identity = await context.services.aws.getCallerIdentity({region, signal: context.signal});
	return [parseRegistryHost(privateRegistryHost(identity.account, region))!];
}

/** Show the diff, ask (unless --yes or --dry-run), apply with a backup. Returns undefined when nothing was written. */
export async function applyConfigChanges(
	context: CommandContext,
	config: LoadedConfig,
	plan: EditPlan,
	question = `Write these changes to ${config.path}?`,
): Promise<{applied: ApplyResult | undefined}> {
	if (!plan.changed) return {applied: undefined};
	context.io.out(colorDiff(plan.diff.trimEnd(), context.io.color));
	if (context.options.dryRun) {
		context.io.out('Dry run: nothing was written.');
		return {applied: undefined};
	}

	const yes = await context.io.confirm(question, {defaultYes: true, flag: '--yes'});
	if (!yes) {
		context.io.out('Nothing was written.');
		return {applied: undefined};
	}

	// Asked and answered at a terminal: what was shown is what is written. Otherwise (--yes, no terminal) a file that
	// changed meanwhile gets the same changes on its new content.
	const prompted = context.io.interactive && !context.options.yes;
	const applied = await context.services.dockerConfig.apply(config, plan, {
		replanIfChanged: !prompted,
		onWait: (message) => context.io.err(message),
	});
	if (applied.replanned)
		context.io.err(`${config.path} changed while ecr-setup worked; the same changes were made to its new content.`);
	context.io.out(`Wrote ${applied.path}${applied.backupPath ? ` (backup: ${applied.backupPath})` : ''}.`);
	return {applied};
}
