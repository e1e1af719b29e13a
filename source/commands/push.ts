import {booleanFlag, stringFlag} from './args.js';
import {UsageError, UserError} from '../errors/user-errors.js';
import {humanSize} from '../lib/format.js';
import {ImageRefError, ecrImageUri, parseImageRef} from '../ecr/image-ref.js';
import {validateRepositoryName, validateTag} from '../ecr/names.js';
import type {RepositoryInfo} from '../aws/types.js';
import type {PushEvent, PushResult} from '../docker/types.js';
import {requireRegion} from './shared.js';
import type {CommandDefinition, CommandIo} from './types.js';

/** Progress on stderr: one redrawn line on a terminal, a line per layer change otherwise. */
export function createPushReporter(io: CommandIo, isTty: boolean) {
	const layers = new Map<string, {status: string; current: number; total: number}>();
	let lastLine = '';
	const summary = () => {
		let done = 0;
		let current = 0;
		let total = 0;
		for (const layer of layers.values()) {
			if (layer.status === 'pushed' || layer.status === 'exists' || layer.status === 'mounted') done++;
			current += layer.status === 'pushed' ? layer.total : layer.current;
			total += layer.total;
		}

		return `${done}/${layers.size} layers done${total > 0 ? `, ${humanSize(current)} of ${humanSize(total)}` : ''}`;
	};

	return {
		onEvent(event: PushEvent) {
			if (event.type === 'start') io.err(`The push refers to ${event.repository}`);
			if (event.type === 'layer') {
				const previous = layers.get(event.id);
				const next = {
					status: event.status,
					current: event.current ?? previous?.current ?? 0,
					total: event.total ?? previous?.total ?? 0,
				};
				layers.set(event.id, next);
				if (isTty) {
					const line = `Pushing: ${summary()}`;
					if (line !== lastLine) process.stderr.write(`\r\u001B[2K${line}`);
					lastLine = line;
				} else if (previous?.status !== event.status) {
					const label = {
						exists: 'already in the registry',
						mounted: 'mounted from another repository',
						pushed: 'pushed',
					}[event.status as string];
					io.err(`  ${event.id}: ${label ?? event.status}${event.message ? ` (${event.message})` : ''}`);
				}
			}
		},
		finish() {
			if (isTty && lastLine) process.stderr.write('\r\u001B[2K');
		},
	};
}

export const pushCommand: CommandDefinition = {
	name: 'push',
	summary: 'Tag a local image with its ECR URI and push it',
	usage: 'ecr-setup push IMAGE --repository NAME [--tag T] [--region R] [--create-repository]',
	flags: [
		{name: 'repository', type: 'string', value: 'NAME', description: 'ECR repository name (not the full URI)'},
		{
			name: 'tag',
			type: 'string',
			value: 'TAG',
			description: 'Tag to push as (default: the image’s own tag, else latest)',
		},
		{name: 'create-repository', type: 'boolean', description: 'Create the repository if it does not exist'},
		{name: 'immutable', type: 'boolean', description: 'With --create-repository: make tags immutable'},
		{name: 'scan-on-push', type: 'boolean', description: 'With --create-repository: scan images on push'},
	],
	details: 'Example: ecr-setup push my-app:latest --repository my-app --region eu-west-1 --create-repository',
	async run(context) {
		const {services, io, flags, positionals, signal} = context;
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
		const region = await requireRegion(context);

		const [local, existing] = await Promise.all([
			services.docker.inspectImage(image),
			services.aws.describeRepository(region, repository),
		]);
		if (!local) {
			throw new UserError(`There is no local image "${image}".`, {
				code: 'image.local',
				hint: 'Build or pull it first, or pick one from `docker image ls`.',
			});
		}

		let repo: RepositoryInfo;
		let created = false;
		if (existing) {
			repo = existing;
		} else {
			const create =
				booleanFlag(flags, 'create-repository') ||
				(io.interactive &&
					(await io.confirm(`Repository "${repository}" does not exist in ${region}. Create it?`, {
						flag: '--create-repository',
					})));
			if (!create) {
				throw new UserError(`Repository "${repository}" does not exist in ${region}. ECR never creates one on push.`, {
					code: 'ecr.repository',
					hint: 'Pass --create-repository to create it, or check the name and region.',
					nextSteps: [`ecr-setup doctor --repository ${repository} --region ${region}`],
				});
			}

			if (context.options.dryRun) {
				io.out(`Dry run: would create ${repository} in ${region}, tag ${image} and push it.`);
				return {json: {dryRun: true, repository, region, tag}};
			}

			repo = await services.aws.createRepository(region, {
				name: repository,
				imageTagMutability: booleanFlag(flags, 'immutable') ? 'IMMUTABLE' : 'MUTABLE',
				scanOnPush: booleanFlag(flags, 'scan-on-push'),
			});
			created = true;
			io.out(`Created repository ${repo.uri}.`);
		}

		if (repo.imageTagMutability.startsWith('IMMUTABLE')) {
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

		const host = repo.uri.slice(0, repo.uri.indexOf('/'));
		const target = ecrImageUri(host, repository, tag);
		if (context.options.dryRun) {
			io.out(`Dry run: would tag ${image} as ${target} and push it.`);
			return {json: {dryRun: true, image: target, repository, region, tag}};
		}

		await services.docker.tag(image, target);
		io.err(`Tagged ${image} as ${target}`);
		const reporter = createPushReporter(io, io.interactive && Boolean(process.stderr.isTTY));
		let result: PushResult;
		try {
			result = await services.docker.push(target, {onEvent: reporter.onEvent, signal});
		} finally {
			reporter.finish();
		}

		io.out(`Pushed ${target}`);
		io.out(`Digest ${result.digest}`);
		return {
			json: {
				image: target,
				digest: result.digest,
				size: result.size,
				repository,
				region,
				registry: host,
				tag,
				createdRepository: created,
			},
		};
	},
};
