/**
 * ECR pull-through cache rules: the upstream registries ECR caches (the `upstreamRegistry` names and
 * `upstreamRegistryUrl` values CreatePullThroughCacheRule takes), which of them need credentials kept in a Secrets
 * Manager secret named `ecr-pullthroughcache/…` (keys `username` and `accessToken`), the repository prefix rules, and
 * which image references an upstream serves and what they become in the cache: `<registry>/<prefix>/<upstream path>`,
 * Docker Hub's official images under `library/`. Pure.
 */
import {DOCKER_HUB_HOST, formatImageRef, type ImageRef} from './image-ref.js';

export type UpstreamName = 'ecr-public' | 'docker-hub' | 'ghcr' | 'quay' | 'k8s' | 'gitlab' | 'azure' | 'chainguard';

export type Upstream = {
	name: UpstreamName;
	/** CreatePullThroughCacheRule's `upstreamRegistry`. */
	upstreamRegistry: string;
	/** CreatePullThroughCacheRule's `upstreamRegistryUrl`; undefined when the user names it (an Azure registry). */
	url: string | undefined;
	/** What the user calls it. */
	title: string;
	/** Whether ECR needs a Secrets Manager secret to pull from it. */
	credentials: boolean;
	/** The registry hosts docker pulls this upstream's images from, as image references name them. */
	hosts: readonly string[];
	/** Where to make the token the secret holds. */
	tokenHelp?: string;
};

export const UPSTREAMS: readonly Upstream[] = [
	{
		name: 'ecr-public',
		upstreamRegistry: 'ecr-public',
		url: 'public.ecr.aws',
		title: 'Amazon ECR Public',
		credentials: false,
		hosts: ['public.ecr.aws'],
	},
	{
		name: 'docker-hub',
		upstreamRegistry: 'docker-hub',
		url: 'registry-1.docker.io',
		title: 'Docker Hub',
		credentials: true,
		hosts: [DOCKER_HUB_HOST, 'index.docker.io', 'registry-1.docker.io'],
		tokenHelp: 'a Docker Hub personal access token (Account settings → Personal access tokens, read-only is enough)',
	},
	{
		name: 'ghcr',
		upstreamRegistry: 'github-container-registry',
		url: 'ghcr.io',
		title: 'GitHub Container Registry',
		credentials: true,
		hosts: ['ghcr.io'],
		tokenHelp: 'a GitHub personal access token (classic) with the read:packages scope',
	},
	{
		name: 'quay',
		upstreamRegistry: 'quay',
		url: 'quay.io',
		title: 'Quay',
		credentials: false,
		hosts: ['quay.io'],
	},
	{
		name: 'k8s',
		upstreamRegistry: 'k8s',
		url: 'registry.k8s.io',
		title: 'the Kubernetes registry',
		credentials: false,
		hosts: ['registry.k8s.io'],
	},
	{
		name: 'gitlab',
		upstreamRegistry: 'gitlab-container-registry',
		url: 'registry.gitlab.com',
		title: 'GitLab Container Registry',
		credentials: true,
		hosts: ['registry.gitlab.com'],
		tokenHelp: 'a GitLab personal or deploy token with the read_registry scope',
	},
	{
		name: 'azure',
		upstreamRegistry: 'azure-container-registry',
		url: undefined,
		title: 'Azure Container Registry',
		credentials: true,
		hosts: [],
		tokenHelp: 'an Azure Container Registry token or service principal password with pull access',
	},
	{
		name: 'chainguard',
		upstreamRegistry: 'chainguard',
		url: 'cgr.dev',
		title: 'Chainguard',
		credentials: true,
		hosts: ['cgr.dev'],
		tokenHelp:
			'a Chainguard pull token (chainctl auth pull-token): its identity is the user name, its password the token',
	},
];

/** Every secret ECR reads for a pull-through cache rule must have a name starting with this. */
export const SECRET_NAME_PREFIX = 'ecr-pullthroughcache/';

export function findUpstream(name: string): Upstream | undefined {
	return UPSTREAMS.find((upstream) => upstream.name === name.toLowerCase());
}

/** The upstream a rule's `upstreamRegistry` (or, from older rules, its URL) names. */
export function upstreamOfRule(rule: {upstreamRegistry?: string; upstreamRegistryUrl?: string}): Upstream | undefined {
	return (
		UPSTREAMS.find((upstream) => upstream.upstreamRegistry === rule.upstreamRegistry) ??
		UPSTREAMS.find((upstream) => upstream.url !== undefined && upstream.url === rule.upstreamRegistryUrl) ??
		(rule.upstreamRegistryUrl?.endsWith('.azurecr.io') ? findUpstream('azure') : undefined)
	);
}

/** `ecr-pullthroughcache/<prefix>`: the secret the command makes for a rule. */
export function secretNameFor(prefix: string): string {
	return `${SECRET_NAME_PREFIX}${prefix}`;
}

const PREFIX = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const AZURE_HOST = /^[a-z0-9]{5,50}\.azurecr\.io$/;

/**
 * Why ECR would refuse a rule's repository prefix, or undefined: 2 to 30 characters of lower-case name components
 * separated by `/`. ECR also takes `ROOT` for rules from another ECR registry, which this command does not make.
 */
export function pullThroughPrefixProblem(prefix: string): string | undefined {
	if (prefix === 'ROOT')
		return 'The prefix ROOT is for rules that cache another ECR registry; the upstreams here need a prefix of their own.';
	if (prefix.length < 2 || prefix.length > 30)
		return `A pull-through cache prefix is 2 to 30 characters long ("${prefix}" has ${prefix.length}).`;
	if (!PREFIX.test(prefix))
		return `"${prefix}" is not a valid prefix: lower-case letters and digits, with single ".", "_" or "-" between them and "/" between parts.`;
	return undefined;
}

/** Why an Azure registry host is refused, or undefined: `<name>.azurecr.io`, the name 5 to 50 letters and digits. */
export function azureHostProblem(host: string): string | undefined {
	return AZURE_HOST.test(host)
		? undefined
		: `"${host}" is not an Azure Container Registry host (NAME.azurecr.io, NAME 5 to 50 lower-case letters and digits).`;
}

/** The hosts an upstream serves: its own, or the Azure registry the rule names. */
export function hostsOf(upstream: Upstream, url: string): readonly string[] {
	return upstream.hosts.length > 0 ? upstream.hosts : [url];
}

/**
 * The reference's path in the cache (`library/node` for Docker Hub's `node`), or undefined when the upstream does not
 * serve it. `ref` is a parsed reference; `hosts` what hostsOf says.
 */
export function upstreamPath(ref: ImageRef, upstream: Upstream, hosts: readonly string[]): string | undefined {
	const host = ref.registry ?? DOCKER_HUB_HOST;
	if (!hosts.includes(host)) return undefined;
	// Docker Hub's official images are `library/<name>`: docker adds it to a one-part name, and so must the cache path.
	if (upstream.name === 'docker-hub' && !ref.repository.includes('/')) return `library/${ref.repository}`;
	return ref.repository;
}

/** `<registry>/<prefix>/<path>[:tag][@digest]`: where the cache serves the image. */
export function cacheReference(ref: ImageRef, registryHost: string, prefix: string, path: string): string {
	return formatImageRef({registry: registryHost, repository: `${prefix}/${path}`, tag: ref.tag, digest: ref.digest});
}
