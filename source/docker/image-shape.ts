/**
 * What a push sends: one image manifest, or an image index with its platforms and the attestation manifests BuildKit
 * adds (provenance by default since buildx 0.10, each with the platform `unknown/unknown`). Read from
 * `docker image inspect` (on the containerd image store the image's `Descriptor` is the index, and the engine lists its
 * `Manifests` when asked) and from a raw manifest list (`docker buildx imagetools inspect --raw`, `docker manifest
 * inspect`, `podman manifest inspect`).
 */
import type {VersionJson} from './output.js';
import type {ImageShape} from './types.js';

export type {ImageShape};

const INDEX_TYPES = new Set([
	'application/vnd.oci.image.index.v1+json',
	'application/vnd.docker.distribution.manifest.list.v2+json',
]);

type Json = Record<string, unknown>;

const object = (value: unknown): Json | undefined =>
	value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;

/** `os/architecture[/variant]` from an OCI platform object (lower-case keys) or docker's inspect (capitalised). */
function platformOf(value: unknown): string | undefined {
	const platform = object(value);
	if (!platform) return undefined;
	const os = platform['os'] ?? platform['Os'];
	const architecture = platform['architecture'] ?? platform['Architecture'];
	const variant = platform['variant'] ?? platform['Variant'];
	if (typeof os !== 'string' || typeof architecture !== 'string' || !os || !architecture) return undefined;
	return typeof variant === 'string' && variant ? `${os}/${architecture}/${variant}` : `${os}/${architecture}`;
}

function isAttestation(descriptor: Json, kind?: unknown): boolean {
	const annotations = object(descriptor['annotations']);
	return (
		kind === 'attestation' ||
		annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
		platformOf(descriptor['platform']) === 'unknown/unknown'
	);
}

function fromEntries(entries: Array<{descriptor: Json; kind?: unknown; platform?: unknown}>): ImageShape {
	const platforms: string[] = [];
	let attestations = 0;
	for (const entry of entries) {
		if (isAttestation(entry.descriptor, entry.kind)) {
			attestations++;
			continue;
		}

		const platform = platformOf(entry.platform ?? entry.descriptor['platform']);
		if (platform && !platforms.includes(platform)) platforms.push(platform);
	}

	return {kind: 'index', platforms, attestations, listed: true};
}

/** A raw manifest or manifest list, as JSON text or parsed; undefined when it is neither. */
export function shapeOfManifest(input: unknown): ImageShape | undefined {
	let value: unknown = input;
	if (typeof input === 'string') {
		try {
			value = JSON.parse(input);
		} catch {
			return undefined;
		}
	}

	const manifest = object(value);
	if (!manifest) return undefined;
	const entries = manifest['manifests'];
	if (Array.isArray(entries) || INDEX_TYPES.has(String(manifest['mediaType'])))
		return fromEntries(
			(Array.isArray(entries) ? entries : []).flatMap((entry) => {
				const descriptor = object(entry);
				return descriptor ? [{descriptor}] : [];
			}),
		);
	if (manifest['config'] !== undefined || manifest['layers'] !== undefined)
		return {kind: 'manifest', platforms: [], attestations: 0, listed: true};
	return undefined;
}

/** One entry of `docker image inspect --format json` (or podman's); undefined when it names no platform at all. */
export function shapeOfInspect(input: unknown): ImageShape | undefined {
	const entry = object(Array.isArray(input) ? input[0] : input);
	if (!entry) return undefined;
	const own = platformOf(entry);
	const manifests = entry['Manifests'];
	if (Array.isArray(manifests) && manifests.length > 0)
		return fromEntries(
			manifests.flatMap((item) => {
				const summary = object(item);
				const descriptor = object(summary?.['Descriptor']);
				if (!summary || !descriptor) return [];
				return [{descriptor, kind: summary['Kind'], platform: object(summary['ImageData'])?.['Platform']}];
			}),
		);
	const descriptor = object(entry['Descriptor']);
	if (descriptor && INDEX_TYPES.has(String(descriptor['mediaType'])))
		return {kind: 'index', platforms: own ? [own] : [], attestations: 0, listed: false};
	if (!own) return undefined;
	return {kind: 'manifest', platforms: [own], attestations: 0, listed: true};
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** One line: what the push sends. */
export function describeShape(shape: ImageShape): string {
	if (shape.kind === 'manifest')
		return `one image manifest${shape.platforms.length > 0 ? ` (${shape.platforms.join(', ')})` : ''}`;
	if (!shape.listed)
		return `an image index (docker image inspect does not list its entries${shape.platforms[0] ? `; ${shape.platforms[0]} is this machine's` : ''}; BuildKit adds provenance attestations to it by default)`;
	const parts = [
		shape.platforms.length > 0 ? shape.platforms.join(', ') : 'no runnable platform named',
		...(shape.attestations > 0
			? [`${plural(shape.attestations, 'attestation manifest')} (unknown/unknown: provenance or SBOM)`]
			: []),
	];
	return `an image index: ${parts.join(' and ')}`;
}

/** Lambda takes one image manifest: an index is refused ("image manifest, config or layer media type … not supported"). */
export function lambdaProblem(shape: ImageShape): string | undefined {
	if (shape.kind === 'manifest') return undefined;
	return `Lambda takes a single image manifest, and this is ${describeShape(shape)}: Lambda would refuse it ("The image manifest, config or layer media type for the source image … is not supported").`;
}

/** The platform a single-platform push for Lambda keeps: linux/amd64 first, then linux/arm64 (the two Lambda runs). */
export function lambdaPlatform(shape: ImageShape): string | undefined {
	return (
		shape.platforms.find((platform) => platform === 'linux/amd64') ??
		shape.platforms.find((platform) => platform.startsWith('linux/arm64'))
	);
}

/** The build that gives Lambda what it takes: one platform, no provenance attestation. */
export function lambdaBuild(image: string, platform = 'linux/amd64'): string {
	return `docker buildx build --platform ${platform} --provenance=false -t ${image} --load .`;
}

/**
 * How an image reaches Lambda, for `push --lambda` and the wizard alike:
 * - `as-is`: one image manifest, which Lambda takes;
 * - `unknown`: the engine did not say what the image is;
 * - `one-platform`: an index, of which `docker push --platform` can send the linux/amd64 (else linux/arm64) manifest;
 * - `rebuild`: an index that cannot be pushed one platform alone here.
 * Both index plans carry `build`, the build that makes one manifest instead.
 */
export type LambdaPlan =
	| {action: 'as-is'}
	| {action: 'unknown'}
	| {action: 'one-platform'; platform: string; problem: string; build: string}
	| {action: 'rebuild'; problem: string; reason: string; build: string};

/** `canPushPlatform` is asked only for an index that has a platform Lambda runs. */
export async function planLambdaPush(
	image: string,
	shape: ImageShape | undefined,
	canPushPlatform: () => Promise<boolean>,
): Promise<LambdaPlan> {
	if (!shape) return {action: 'unknown'};
	const problem = lambdaProblem(shape);
	if (!problem) return {action: 'as-is'};
	const platform = lambdaPlatform(shape);
	if (platform && (await canPushPlatform()))
		return {action: 'one-platform', platform, problem, build: lambdaBuild(image, platform)};
	return {
		action: 'rebuild',
		problem,
		reason: `Lambda would refuse ${image}: it is an image index${platform ? ', and this docker cannot push one platform of it (docker push --platform needs docker 27 and an engine with API 1.46)' : ' with no linux/amd64 or linux/arm64 image'}.`,
		build: lambdaBuild(image, platform ?? 'linux/amd64'),
	};
}

const PUSH_PLATFORM_API = [1, 46] as const;

function apiAtLeast(version: unknown, [major, minor]: readonly [number, number]): boolean {
	const match = typeof version === 'string' ? /^(\d+)\.(\d+)/.exec(version) : null;
	if (!match) return false;
	const [have, haveMinor] = [Number(match[1]), Number(match[2])];
	return have > major || (have === major && haveMinor >= minor);
}

/**
 * `docker push --platform` (one platform's manifest, the index and its attestations left behind) needs Engine API
 * 1.46 on both sides: the docker CLI since 27.0, and an engine that speaks it. Podman's push has no such flag.
 */
export function pushPlatformSupported(version: VersionJson | undefined): boolean {
	return (
		apiAtLeast(version?.Client?.ApiVersion, PUSH_PLATFORM_API) &&
		apiAtLeast(version?.Server?.ApiVersion, PUSH_PLATFORM_API)
	);
}
