/** Docker image references: `[host[:port]/]path[:tag][@sha256:…]`, as docker's reference grammar splits them. */
import {parseRegistryHost, type EcrRegistry} from './hosts.js';

export type ImageRef = {
	/** The registry host exactly as written, or undefined for Docker Hub short names. */
	registry: string | undefined;
	repository: string;
	tag: string | undefined;
	digest: string | undefined;
};

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-f0-9]{32,}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export class ImageRefError extends Error {}

/** Where docker pulls a reference without a registry host from. */
export const DOCKER_HUB_HOST = 'docker.io';

/**
 * Whether the first component of a reference that has a `/` after it is a registry host, as docker decides: it holds a
 * dot or a colon, is `localhost`, or has upper case (which a repository path may not). Otherwise it is a Docker Hub path.
 */
export function isRegistryComponent(first: string): boolean {
	return first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
}

/** Parse a reference; throws ImageRefError saying which part is malformed. */
export function parseImageRef(input: string): ImageRef {
	const value = input.trim();
	if (value.length === 0) throw new ImageRefError('The image reference is empty.');
	let rest = value;
	let digest: string | undefined;
	const at = rest.indexOf('@');
	if (at !== -1) {
		digest = rest.slice(at + 1);
		rest = rest.slice(0, at);
		if (!DIGEST.test(digest)) throw new ImageRefError(`"${digest}" is not a valid digest (expected sha256:<hex>).`);
	}

	let registry: string | undefined;
	const slash = rest.indexOf('/');
	if (slash !== -1) {
		const first = rest.slice(0, slash);
		if (isRegistryComponent(first)) {
			registry = first;
			rest = rest.slice(slash + 1);
		}
	}

	let tag: string | undefined;
	const colon = rest.lastIndexOf(':');
	if (colon !== -1) {
		tag = rest.slice(colon + 1);
		rest = rest.slice(0, colon);
		if (!TAG.test(tag))
			throw new ImageRefError(
				`"${tag}" is not a valid tag: letters, digits, "_", "." and "-", up to 128, not starting with "." or "-".`,
			);
	}

	if (rest.length === 0) throw new ImageRefError(`"${value}" has no repository name.`);
	for (const component of rest.split('/')) {
		if (!PATH_COMPONENT.test(component)) {
			throw new ImageRefError(
				component !== component.toLowerCase()
					? `"${rest}" must be lower case.`
					: `"${component}" is not a valid name component (lower-case letters, digits and single separators).`,
			);
		}
	}

	return {registry, repository: rest, tag, digest};
}

export function formatImageRef(ref: {
	registry?: string | undefined;
	repository: string;
	tag?: string | undefined;
	digest?: string | undefined;
}): string {
	let out = ref.registry ? `${ref.registry}/${ref.repository}` : ref.repository;
	if (ref.tag) out += `:${ref.tag}`;
	if (ref.digest) out += `@${ref.digest}`;
	return out;
}

/** The registry host docker pulls the reference from: Docker Hub's when it names none (index.docker.io is its old name). */
export function registryHostOf(ref: Pick<ImageRef, 'registry'>): string {
	return ref.registry === undefined || ref.registry === 'index.docker.io' ? DOCKER_HUB_HOST : ref.registry;
}

/** The ECR registry the reference points at, if any. */
export function ecrRegistryOf(ref: ImageRef): EcrRegistry | undefined {
	return ref.registry ? parseRegistryHost(ref.registry) : undefined;
}

/** Full ECR URI for a repository and tag. */
export function ecrImageUri(host: string, repository: string, tag?: string): string {
	return formatImageRef({registry: host, repository, tag});
}
