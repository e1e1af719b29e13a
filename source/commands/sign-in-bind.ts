/**
 * After `sign-in` wrote profiles: each account's registries bound to one of them — `configure-helper --all-profiles`
 * for just those profiles, with its table, its diff and its one confirmation. Offered at a terminal (where no helper or
 * no docker means a note, not a failure); --bind-registries asks for it anywhere.
 */
import {isUserError} from '../errors/user-errors.js';
import {booleanFlag} from './args.js';
import {bindAllProfiles} from './bind-all-profiles.js';
import {requireHelper} from './bind-profile.js';
import {requireDockerEngine} from './configure-helper.js';
import type {CommandContext, CommandResult} from './types.js';

export async function offerBinding(
	context: CommandContext,
	profiles: readonly string[],
): Promise<CommandResult | undefined> {
	const {io, options} = context;
	if (profiles.length === 0) return undefined;
	const asked = booleanFlag(context.flags, 'bind-registries');
	// Unasked, only a person is offered it: runs with --yes or --json bind only when told to.
	const offered = !asked && io.interactive && !options.yes && !options.json && !options.dryRun;
	if (!asked && !offered) return undefined;
	try {
		await requireDockerEngine(context, '--bind-registries');
		await requireHelper(context);
	} catch (error) {
		if (!offered || !isUserError(error)) throw error;
		io.err(`(Registries not bound: ${error.message})`);
		return undefined;
	}

	io.err(
		'Each account’s registry can be bound to its profile: docker then pushes to it with that profile, whatever AWS_PROFILE says.',
	);
	const bound = await bindAllProfiles(context, options.region ? [options.region] : [], profiles);
	// Offered and nothing could be bound: the sign-in itself still succeeded.
	return offered ? {json: bound.json} : bound;
}
