/**
 * `ecr-setup push --public`: to ECR Public, `public.ecr.aws/<alias>/<repository>`. Its API lives in us-east-1 only; the
 * alias is the registry's primary one (DescribeRegistries); its repositories have none of a private repository's
 * settings, and ECR Public never creates one on push. docker needs credentials for public.ecr.aws to push: the ecr-login
 * helper when docker is configured for it, else a login with ECR Public's token.
 */
import type {PublicRepositoryInfo} from '../aws/types.js';
import {PUBLIC_REGISTRY_HOST} from '../ecr/hosts.js';
import {ecrImageUri} from '../ecr/image-ref.js';
import {UsageError, UserError} from '../errors/user-errors.js';
import {booleanFlag} from './args.js';
import {settlePushShape, shapeJson} from './push-shape.js';
import {localImageMissing, pushedJson, tagAndPush} from './push-docker.js';
import {dockerLogin, type LoginOutcome, servedByHelper} from './registry-login.js';
import {givenSettingFlags} from './repository-flags.js';
import type {CommandContext, CommandResult} from './types.js';

/** The alias image URIs use: the primary one, else the one in the repository's own URI. */
async function publicAlias(context: CommandContext, repository: PublicRepositoryInfo): Promise<string> {
	const registry = await context.services.aws.describePublicRegistry({signal: context.signal});
	const fromUri = repository.uri?.startsWith(`${PUBLIC_REGISTRY_HOST}/`)
		? repository.uri.slice(PUBLIC_REGISTRY_HOST.length + 1).split('/')[0]
		: undefined;
	const alias = registry?.alias ?? fromUri;
	if (!alias) {
		throw new UserError('Your ECR Public registry has no alias, so its images have no URI to push to.', {
			code: 'ecr.public-alias',
			hint: 'ECR Public gives a registry its default alias with its first repository; see the registry’s settings in the ECR Public console.',
		});
	}

	return alias;
}

export async function pushToPublic(
	context: CommandContext,
	{image, repository, tag}: {image: string; repository: string; tag: string},
): Promise<CommandResult> {
	const {services, io, flags} = context;
	const settingFlags = givenSettingFlags(flags);
	if (settingFlags.length > 0) {
		throw new UsageError(`${settingFlags.join(', ')} do not go with --public.`, {
			hint: 'ECR Public repositories have no tag mutability, scanning, encryption or lifecycle settings.',
		});
	}

	if (context.options.region && context.options.region !== 'us-east-1')
		io.err(`Note: ECR Public's API is in us-east-1 only; --region ${context.options.region} is not used.`);
	const [local, existing] = await Promise.all([
		services.docker.inspectImage(image),
		services.aws.describePublicRepository(repository, {signal: context.signal}),
	]);
	if (!local) throw localImageMissing(image);
	const {platform} = await settlePushShape(context, image, local.shape);

	let repo = existing;
	if (!repo) {
		const create =
			booleanFlag(flags, 'create-repository') ||
			(io.interactive &&
				(await io.confirm(
					`The public repository "${repository}" does not exist. Create it (anyone can pull from it)?`,
					{
						flag: '--create-repository',
					},
				)));
		if (!create) {
			throw new UserError(
				`Repository "${repository}" does not exist in your ECR Public registry, and ECR Public never creates one on push.`,
				{
					code: 'ecr.repository',
					hint: 'Pass --create-repository to create it (anyone can pull from a public repository), or check the name.',
				},
			);
		}

		if (context.options.dryRun) {
			io.out(`Dry run: would create the public repository ${repository}, tag ${image} and push it.`);
			return {json: {dryRun: true, public: true, repository, tag}};
		}

		repo = await services.aws.createPublicRepository(repository);
		io.out(`Created public repository ${repo.uri ?? repository}.`);
	}

	const alias = await publicAlias(context, repo);
	const target = ecrImageUri(PUBLIC_REGISTRY_HOST, `${alias}/${repository}`, tag);
	const config = await services.dockerConfig.read();
	const helper = servedByHelper(context, config, PUBLIC_REGISTRY_HOST);
	let login: LoginOutcome | undefined;
	if (helper)
		io.err(
			`docker gets tokens for ${PUBLIC_REGISTRY_HOST} from docker-credential-${helper.helper} (${helper.source}).`,
		);
	else login = await dockerLogin(context, {kind: 'public', host: PUBLIC_REGISTRY_HOST});

	if (context.options.dryRun) {
		io.out(`Dry run: would tag ${image} as ${target} and push it.`);
		return {json: {dryRun: true, public: true, image: target, repository, alias, tag}};
	}

	const result = await tagAndPush(context, image, target, platform);
	return pushedJson(
		result,
		{image: target, repository, registry: PUBLIC_REGISTRY_HOST, tag},
		{
			alias,
			public: true,
			createdRepository: existing === null,
			loggedIn: login?.loggedIn ?? false,
			...shapeJson(local.shape, platform),
		},
	);
}
