/** What a command works on, settled from its flags before it acts: the caller, the region, the repository. */
import type {CallerIdentity} from '../aws/types.js';
import {validateRepositoryName} from '../ecr/names.js';
import {UsageError} from '../errors/user-errors.js';
import {stringFlag} from './args.js';
import {requireRegion} from './shared.js';
import type {CommandContext} from './types.js';

/**
 * The repository name from --repository. Without it: a usage error naming the flag when nobody can be asked; in a
 * terminal, the region's only repository is offered.
 */
async function resolveRepository(context: CommandContext, region: string | undefined): Promise<string> {
	const given = stringFlag(context.flags, 'repository');
	if (given !== undefined) return given;
	const missing = (found?: string[]) =>
		new UsageError('Which repository? Pass --repository NAME.', {
			code: 'usage.repository',
			hint: 'Give the ECR repository name only, e.g. --repository my-team/my-app.',
			...(found && found.length > 0 ? {nextSteps: found.slice(0, 10).map((name) => `--repository ${name}`)} : {}),
		});
	if (!context.io.interactive || region === undefined) throw missing();
	const repositories = await context.services.aws.listRepositories(region, {signal: context.signal});
	if (repositories.length === 1) {
		const only = repositories[0]!.name;
		if (
			await context.io.confirm(`Use the repository ${only} (the only one in ${region})?`, {
				defaultYes: true,
				flag: '--repository',
			})
		) {
			return only;
		}
	}

	throw missing(repositories.map((repository) => repository.name));
}

/**
 * The region in force, the caller there, and the repository. --repository is checked before any AWS call, so a typo
 * costs nothing.
 */
export async function resolveRepositoryTarget(
	context: CommandContext,
): Promise<{region: string; identity: CallerIdentity; repository: string}> {
	const repositoryFlag = stringFlag(context.flags, 'repository');
	if (repositoryFlag !== undefined) {
		const valid = validateRepositoryName(repositoryFlag);
		if (!valid.ok)
			throw new UsageError(`--repository "${repositoryFlag}": ${valid.reason}`, {code: 'usage.repository'});
	} else if (!context.io.interactive) {
		await resolveRepository(context, undefined);
	}

	const region = await requireRegion(context);
	const identity = await context.services.aws.getCallerIdentity({region, signal: context.signal});
	const repository = await resolveRepository(context, region);
	return {region, identity, repository};
}
