/**
 * Pipelines that build with docker buildx: several platforms in one image index, provenance chosen rather than
 * defaulted, and a BuildKit cache kept in the ECR repository itself. ECR stores that cache only as an OCI image
 * manifest (`image-manifest=true,oci-mediatypes=true`); the default cache manifest list is refused. Lambda takes one
 * image manifest, so a Lambda build is one platform without provenance. Platforms and the provenance value are checked
 * against strict patterns first, so they stand in shell code as they are.
 */
import {UsageError} from '../errors/user-errors.js';
import type {CiKind} from './ci-kinds.js';

/** What the command line asks of the build; absent fields take the defaults below. */
export type BuildOptions = {
	/** e.g. ['linux/amd64', 'linux/arm64'] (default linux/amd64). */
	platforms?: string[];
	/** buildx's --provenance: true, false, mode=min or mode=max (default mode=min; false for Lambda). */
	provenance?: string;
	/** Keep a registry cache at <repository>:buildcache (default true). */
	cache?: boolean;
	/** The image is for AWS Lambda. */
	lambda?: boolean;
};

export type ResolvedBuild = {platforms: string[]; provenance: string; cache: boolean; lambda: boolean};

export const CACHE_TAG = 'buildcache';
export const BUILDER_NAME = 'ecr-setup';
/** Registers QEMU for the platforms the runner cannot run natively (what docker/setup-qemu-action runs). */
export const BINFMT_IMAGE = 'tonistiigi/binfmt';

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;
const PROVENANCE = new Set(['true', 'false', 'mode=min', 'mode=max']);
const LAMBDA_PLATFORMS = new Set(['linux/amd64', 'linux/arm64']);

export function resolveBuild(kind: CiKind, options: BuildOptions | undefined): ResolvedBuild | undefined {
	if (options === undefined) return undefined;
	const lambda = options.lambda === true;
	const platforms = options.platforms ?? ['linux/amd64'];
	if (platforms.length === 0) throw new UsageError('--platform names no platform.', {code: 'usage.platform'});
	for (const platform of platforms) {
		if (!PLATFORM.test(platform))
			throw new UsageError(`--platform ${platform}: expected os/architecture[/variant], e.g. linux/arm64.`, {
				code: 'usage.platform',
			});
	}

	if (lambda && (platforms.length > 1 || !LAMBDA_PLATFORMS.has(platforms[0]!)))
		throw new UsageError(
			`Lambda runs one platform, linux/amd64 or linux/arm64, from one image manifest: --platform ${platforms.join(',')} does not fit.`,
			{code: 'usage.platform', hint: 'Pass --platform linux/amd64 (or linux/arm64) with --lambda.'},
		);
	const provenance = options.provenance ?? (lambda ? 'false' : 'mode=min');
	if (!PROVENANCE.has(provenance))
		throw new UsageError(`--provenance ${provenance}: expected true, false, mode=min or mode=max.`, {
			code: 'usage.provenance',
		});
	if (lambda && provenance !== 'false')
		throw new UsageError('Lambda refuses an image index, and a provenance attestation makes one: drop --provenance.', {
			code: 'usage.provenance',
		});
	// Its docker service runs no privileged containers: no docker-container builder, no QEMU.
	if (kind === 'bitbucket')
		throw new UsageError(
			'Bitbucket Pipelines cannot run a buildx builder of its own (its docker service allows no privileged containers), so --platform, --provenance, --lambda and the registry cache are not offered there.',
			{code: 'usage.buildx', hint: 'Generate it without those flags, or build on another CI system.'},
		);
	return {platforms, provenance, cache: options.cache ?? true, lambda};
}

/** The commands that set up the builder (QEMU first when a platform other than linux/amd64 is built). */
export function builderSetup(build: ResolvedBuild): string[] {
	const emulated = build.platforms.filter((platform) => platform !== 'linux/amd64');
	return [
		...(emulated.length > 0
			? [`docker run --privileged --rm ${BINFMT_IMAGE} --install ${emulatedArchitectures(emulated)}`]
			: []),
		`docker buildx create --name ${BUILDER_NAME} --driver docker-container --use`,
	];
}

function emulatedArchitectures(platforms: string[]): string {
	return [...new Set(platforms.map((platform) => platform.split('/')[1]!))].join(',');
}

/** One `docker buildx build --push` of the tag, with the cache in the repository. */
export function buildxCommand(build: ResolvedBuild, tagVariable: string, registryVariable: string): string {
	const repository = `$${registryVariable}/$ECR_REPOSITORY`;
	const cacheRef = `type=registry,ref=${repository}:${CACHE_TAG}`;
	return [
		'docker buildx build --file "$DOCKERFILE"',
		`--platform ${build.platforms.join(',')}`,
		`--provenance=${build.provenance}`,
		...(build.cache
			? [`--cache-from "${cacheRef}"`, `--cache-to "${cacheRef},mode=max,image-manifest=true,oci-mediatypes=true"`]
			: []),
		`--tag "${repository}:$${tagVariable}"`,
		'--push .',
	].join(' ');
}

export function buildxScript(build: ResolvedBuild, tagVariable: string, registryVariable: string): string {
	return [...builderSetup(build), buildxCommand(build, tagVariable, registryVariable)].join('\n');
}

/** What the user should know about such a build. */
export function buildxNotes(build: ResolvedBuild, repository: string): string[] {
	const notes = [
		`The image is built with docker buildx for ${build.platforms.join(', ')}${build.platforms.length > 1 ? ' into one image index' : ''}, provenance ${build.provenance}${build.lambda ? ': one image manifest, as Lambda takes it' : ''}.`,
	];
	if (build.platforms.some((platform) => platform !== 'linux/amd64'))
		notes.push(
			'Platforms other than linux/amd64 build under QEMU emulation (slow); a native runner per platform is faster.',
		);
	if (build.cache)
		notes.push(
			`The build cache is kept in ${repository}:${CACHE_TAG} (image-manifest=true,oci-mediatypes=true, the form ECR stores). With immutable tags, exclude "${CACHE_TAG}" (--immutable-except ${CACHE_TAG}), or the second run cannot update it.`,
		);
	return notes;
}
