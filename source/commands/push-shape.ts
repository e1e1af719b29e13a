/**
 * Before `push` sends anything: say what docker will push (one manifest, or an index with its platforms and
 * attestations), honour --platform, and for --lambda make sure Lambda gets one image manifest, or stop with the build
 * that makes one.
 */
import {booleanFlag, stringFlag} from './args.js';
import {UsageError, UserError} from '../errors/user-errors.js';
import {describeShape, type ImageShape, lambdaBuild, planLambdaPush} from '../docker/image-shape.js';
import type {CommandContext} from './types.js';

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;

/** --platform and --lambda, checked before any AWS call. */
export function readShapeFlags(context: CommandContext): {platform?: string; lambda: boolean} {
	const platform = stringFlag(context.flags, 'platform');
	if (platform !== undefined && !PLATFORM.test(platform))
		throw new UsageError(`--platform ${platform}: expected os/architecture[/variant], e.g. linux/amd64.`, {
			code: 'usage.platform',
		});
	return {...(platform ? {platform} : {}), lambda: booleanFlag(context.flags, 'lambda')};
}

async function pushPlatformWorks(context: CommandContext): Promise<boolean> {
	return (await context.services.docker.pushPlatformSupport?.()) ?? false;
}

function noPushPlatform(image: string, platform: string): UserError {
	return new UserError(
		`docker push --platform ${platform} does not work here: it needs docker 27 or later and an engine with API 1.46 (podman's push has no --platform). Nothing was pushed.`,
		{
			code: 'docker.push-platform',
			hint: 'Build the one platform instead, without provenance, and push that image.',
			nextSteps: [lambdaBuild(image, platform)],
		},
	);
}

/** The platform to push alone, if any; throws when the push cannot give the target what it needs. */
export async function settlePushShape(
	context: CommandContext,
	image: string,
	shape: ImageShape | undefined,
): Promise<{platform?: string}> {
	const {io} = context;
	const {platform, lambda} = readShapeFlags(context);
	if (shape) io.err(`${image} is ${describeShape(shape)}.`);

	if (platform) {
		if (shape?.listed && shape.kind === 'index' && shape.platforms.length > 0 && !shape.platforms.includes(platform))
			throw new UsageError(`${image} has no ${platform} image: it has ${shape.platforms.join(', ')}.`, {
				code: 'usage.platform',
			});
		if (!(await pushPlatformWorks(context))) throw noPushPlatform(image, platform);
		io.err(`Pushing ${platform} alone (docker push --platform): the index and its attestations stay behind.`);
		return {platform};
	}

	if (!lambda) return {};
	const plan = await planLambdaPush(image, shape, () => pushPlatformWorks(context));
	if (plan.action === 'unknown') {
		io.err(
			`Note: docker did not say whether ${image} is an index; Lambda takes one image manifest (build with --provenance=false and one --platform).`,
		);
		return {};
	}

	if (plan.action === 'as-is') {
		io.err('Lambda takes it: one image manifest.');
		return {};
	}

	io.err(`Warning: ${plan.problem}`);
	if (plan.action === 'rebuild')
		throw new UserError(`${plan.reason} Nothing was pushed.`, {
			code: 'push.lambda-index',
			hint: 'Build one platform without the provenance attestation, then push again.',
			nextSteps: [plan.build],
		});

	const candidate = plan.platform;
	const yes = await io.confirm(
		`Push only ${candidate} (docker push --platform ${candidate}), which Lambda takes? The index and its attestations stay behind.`,
		{flag: `--platform ${candidate}`},
	);
	if (!yes)
		throw new UserError(`Nothing was pushed: Lambda would refuse ${image} as it is.`, {
			code: 'push.lambda-index',
			hint: `Push one platform (--platform ${candidate}), or build one without provenance.`,
			nextSteps: [plan.build],
		});
	return {platform: candidate};
}

/** What `push --json` says of the image's shape: `pushed` is what went (one platform of it, when --platform). */
export function shapeJson(shape: ImageShape | undefined, platform: string | undefined): Record<string, unknown> {
	return {
		...(shape ? {shape: {kind: shape.kind, platforms: shape.platforms, attestations: shape.attestations}} : {}),
		...(platform ? {platform} : {}),
	};
}
