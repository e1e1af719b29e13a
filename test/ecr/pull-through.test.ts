/** The upstreams, their prefixes and what an image reference becomes in the cache. */
import {describe, expect, it} from 'vitest';
import {parseImageRef} from '../../source/ecr/image-ref.js';
import {
	findUpstream,
	hostsOf,
	pullThroughPrefixProblem,
	secretNameFor,
	UPSTREAMS,
	upstreamOfRule,
	upstreamPath,
} from '../../source/ecr/pull-through.js';

describe('upstreams', () => {
	it('name every upstreamRegistry of the SDK model but ECR-to-ECR, each once', () => {
		expect(UPSTREAMS.map((upstream) => upstream.upstreamRegistry).sort()).toEqual([
			'azure-container-registry',
			'chainguard',
			'docker-hub',
			'ecr-public',
			'github-container-registry',
			'gitlab-container-registry',
			'k8s',
			'quay',
		]);
	});

	it('need credentials exactly for Docker Hub, GHCR, GitLab, Azure and Chainguard', () => {
		expect(UPSTREAMS.filter((upstream) => upstream.credentials).map((upstream) => upstream.name)).toEqual([
			'docker-hub',
			'ghcr',
			'gitlab',
			'azure',
			'chainguard',
		]);
	});

	it('are found from a rule by upstreamRegistry, or by URL for rules without one', () => {
		expect(upstreamOfRule({upstreamRegistry: 'github-container-registry'})?.name).toBe('ghcr');
		expect(upstreamOfRule({upstreamRegistryUrl: 'registry-1.docker.io'})?.name).toBe('docker-hub');
		expect(upstreamOfRule({upstreamRegistryUrl: 'team.azurecr.io'})?.name).toBe('azure');
		expect(upstreamOfRule({upstreamRegistryUrl: 'example.com'})).toBeUndefined();
	});

	it('keep their secret under ecr-pullthroughcache/', () => {
		expect(secretNameFor('docker-hub')).toBe('ecr-pullthroughcache/docker-hub');
	});
});

describe('pullThroughPrefixProblem', () => {
	it.each(['docker-hub', 'ab', 'team/hub', 'a.b_c-d', 'x'.repeat(30)])('accepts %s', (prefix) => {
		expect(pullThroughPrefixProblem(prefix)).toBeUndefined();
	});
	it.each(['a', 'x'.repeat(31), 'Hub', 'hub/', '/hub', 'a--b', 'a//b', 'ROOT', 'docker_hub!'])(
		'refuses %s',
		(prefix) => {
			expect(pullThroughPrefixProblem(prefix)).toBeTypeOf('string');
		},
	);
});

describe('upstreamPath', () => {
	const hub = findUpstream('docker-hub')!;
	const path = (reference: string, name = 'docker-hub', url?: string) => {
		const upstream = findUpstream(name)!;
		return upstreamPath(parseImageRef(reference), upstream, hostsOf(upstream, url ?? upstream.url!));
	};
	it('adds library/ to Docker Hub official images only', () => {
		expect(path('node:22')).toBe('library/node');
		expect(path('docker.io/library/node')).toBe('library/node');
		expect(path('grafana/grafana')).toBe('grafana/grafana');
		expect(upstreamPath(parseImageRef('registry-1.docker.io/library/node'), hub, hub.hosts)).toBe('library/node');
	});
	it('serves only its own hosts', () => {
		expect(path('ghcr.io/a/b')).toBeUndefined();
		expect(path('ghcr.io/a/b', 'ghcr')).toBe('a/b');
		expect(path('node', 'ghcr')).toBeUndefined();
		expect(path('registry.k8s.io/pause:3.9', 'k8s')).toBe('pause');
		expect(path('team.azurecr.io/app', 'azure', 'team.azurecr.io')).toBe('app');
		expect(path('other.azurecr.io/app', 'azure', 'team.azurecr.io')).toBeUndefined();
	});
});
