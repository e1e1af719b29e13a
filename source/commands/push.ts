/**
 * `ecr-setup push`: tag a local image with its ECR URI and push it. Everything the command line says is checked before
 * the first AWS call; the repository is settled (push-repository.ts) before anything changes.
 */
import {booleanFlag, stringFlag} from './args.js';
import {UsageError, UserError} from '../errors/user-errors.js';
import {ImageRefError, ecrImageUri, parseImageRef} from '../ecr/image-ref.js';
import {validateRepositoryName, validateTag} from '../ecr/names.js';
import {createOnPushActions} from '../ecr/creation-templates.js';
import {describeRepositorySettings, tagIsImmutable} from '../ecr/repository-settings.js';
import type {RepositoryInfo} from '../aws/types.js';
import {localImageMissing, pushedJson, tagAndPush} from './push-docker.js';
import {pushToPublic} from './push-public.js';
import {readShapeFlags, settlePushShape, shapeJson} from './push-shape.js';
import {describeCreateOnPush, planRepository} from './push-repository.js';
import {givenSettingFlags, REPOSITORY_SETTING_FLAGS, repositorySettingsFromFlags} from './repository-flags.js';
import {requireRegion} from './shared.js';
import type {CommandContext, CommandDefinition} from './types.js';

/** The image, repository and tag the command line names, each checked; a UsageError naming what is wrong. */
function readTarget(context: CommandContext): {image: string; repository: string; tag: string} {
	const {flags, positionals} = context;
	const image = positionals[0];
	if (!image)
		throw new UsageError('Which image? Name the local image to push.', {
			hint: 'ecr-setup push IMAGE --repository NAME',
		});
	if (positionals.length > 1) throw new UsageError(`One image at a time (got ${positionals.join(', ')}).`);
	let source: ReturnType<typeof parseImageRef>;
	try {
		source = parseImageRef(image);
	} catch (error) {
		if (error instanceof ImageRefError)
			throw new UsageError(`"${image}" is not a valid image reference: ${error.message}`);
		throw error;
	}

	const repository = stringFlag(flags, 'repository');
	if (!repository)
		throw new UsageError('--repository is required: the ECR repository to push to.', {
			hint: 'e.g. --repository my-app',
		});
	const nameCheck = validateRepositoryName(repository);
	if (!nameCheck.ok) throw new UsageError(`--repository ${repository}: ${nameCheck.reason}`);
	const tag = stringFlag(flags, 'tag') ?? source.tag ?? 'latest';
	const tagCheck = validateTag(tag);
	if (!tagCheck.ok) throw new UsageError(`--tag ${tag}: ${tagCheck.reason}`);
	return {image, repository, tag};
}

export const pushCommand: CommandDefinition = {
	name: 'push',
	summary: 'Tag a local image with its ECR URI and push it',
	usage:
		'ecr-setup push IMAGE --repository NAME [--tag T] [--region R | --public] [--create-repository [SETTINGS]] [--lambda] [--platform P]',
	flags: [
		{name: 'repository', type: 'string', value: 'NAME', description: 'ECR repository name (not the full URI)'},
		{
			name: 'tag',
			type: 'string',
			value: 'TAG',
			description: 'Tag to push as (default: the image’s own tag, else latest)',
		},
		{name: 'create-repository', type: 'boolean', description: 'Create the repository if it does not exist'},
		{
			name: 'public',
			type: 'boolean',
			description: 'Push to ECR Public: public.ecr.aws/<your registry alias>/NAME (its API is in us-east-1)',
		},
		{
			name: 'lambda',
			type: 'boolean',
			description:
				'The image is for AWS Lambda: it must be one image manifest, so an index (multi-platform, or with provenance attestations) is pushed one platform alone, or refused',
		},
		{
			name: 'platform',
			type: 'string',
			value: 'OS/ARCH',
			description: "Push only this platform's manifest (docker push --platform; docker 27+, engine API 1.46+)",
		},
		...REPOSITORY_SETTING_FLAGS,
	],
	details: [
		'Example: ecr-setup push my-app:latest --repository my-app --region eu-west-1 --create-repository',
		'         ecr-setup push my-app:1.4 --repository team/my-app --create-repository --immutable-except latest --keep-images 30',
		'         ecr-setup push my-tool:1.0 --public --repository my-tool --create-repository',
		'A repository that does not exist is created on push by ECR itself when a repository creation template applied',
		'for CREATE_ON_PUSH covers its name (then the template decides its settings, and the pushing identity needs',
		'ecr:CreateRepository). The settings flags apply only to a repository --create-repository creates.',
		'Before pushing it says what docker will send: one image manifest, or an image index with its platforms and the',
		'attestation manifests BuildKit adds (provenance). Lambda refuses an index: with --lambda an index is pushed one',
		'platform alone (asked first; --platform P or --yes answers), or refused with the build that makes one manifest.',
	].join('\n'),
	async run(context) {
		const {services, io, flags} = context;
		const {image, repository, tag} = readTarget(context);
		const {lambda} = readShapeFlags(context);
		if (lambda && booleanFlag(flags, 'public'))
			throw new UsageError('--lambda and --public do not go together: Lambda pulls images from private ECR only.', {
				code: 'usage.lambda',
			});
		if (booleanFlag(flags, 'public')) return pushToPublic(context, {image, repository, tag});
		const create = booleanFlag(flags, 'create-repository');
		const settingFlags = givenSettingFlags(flags);
		if (settingFlags.length > 0 && !create) {
			throw new UsageError(
				`${settingFlags.join(', ')} set up a repository that ecr-setup creates: add --create-repository.`,
				{
					hint: 'A repository that exists keeps its settings, and one created on push takes its template’s.',
				},
			);
		}

		const settings = repositorySettingsFromFlags(flags);
		const region = await requireRegion(context);

		const [local, existing] = await Promise.all([
			services.docker.inspectImage(image),
			services.aws.describeRepository(region, repository, undefined, {signal: context.signal}),
		]);
		if (!local) throw localImageMissing(image);
		const {platform} = await settlePushShape(context, image, local.shape);

		if (existing && settingFlags.length > 0)
			io.err(`Note: ${repository} exists already and keeps its own settings (${settingFlags.join(', ')} not applied).`);
		const plan = await planRepository(context, {region, repository, existing, create, settings});
		if (plan.kind === 'create' && context.options.dryRun) {
			io.out(
				`Dry run: would create ${repository} in ${region} (${describeRepositorySettings(settings)}), tag ${image} and push it.`,
			);
			return {json: {dryRun: true, repository, region, tag}};
		}

		// Undefined when ECR creates it on the push: then there is no tag in it yet to collide with.
		let repo: RepositoryInfo | undefined;
		let host: string;
		if (plan.kind === 'create-on-push') {
			host = plan.host;
			io.out(describeCreateOnPush(plan.template, repository, region));
		} else {
			repo =
				plan.kind === 'exists'
					? plan.repository
					: await services.aws.createRepository(region, {name: repository, ...settings});
			if (plan.kind === 'create') io.out(`Created repository ${repo.uri} (${describeRepositorySettings(settings)}).`);
			host = repo.uri.slice(0, repo.uri.indexOf('/'));
		}

		if (repo && tagIsImmutable(tag, repo.imageTagMutability, repo.exclusionFilters)) {
			const taken = await services.aws.describeImageTag(region, repository, tag, repo.registryId);
			if (taken) {
				throw new UserError(
					`The tag "${tag}" already exists in ${repository}, and the repository's tags are immutable.`,
					{
						code: 'ecr.tag-immutable',
						hint: 'Push under a new tag (for example the git commit SHA); nothing was pushed.',
						nextSteps: [`ecr-setup push ${image} --repository ${repository} --tag <new-tag>`],
					},
				);
			}
		}

		const target = ecrImageUri(host, repository, tag);
		const createdOnPush =
			plan.kind === 'create-on-push'
				? {template: plan.template.prefix, requiredActions: createOnPushActions(plan.template)}
				: undefined;
		if (context.options.dryRun) {
			io.out(`Dry run: would tag ${image} as ${target} and push it.`);
			return {
				json: {dryRun: true, image: target, repository, region, tag, ...(createdOnPush ? {createdOnPush} : {})},
			};
		}

		const result = await tagAndPush(context, image, target, platform);
		return pushedJson(
			result,
			{image: target, repository, registry: host, tag},
			{
				region,
				createdRepository: plan.kind === 'create',
				...(createdOnPush ? {createdOnPush} : {}),
				...shapeJson(local.shape, platform),
			},
		);
	},
};
