/** The table of known release sums that ships with ecr-setup, and its lookup. */
import {describe, expect, it} from 'vitest';
import {
	KNOWN_HELPER_CHECKSUMS,
	isHttpsUrl,
	knownChecksum,
	knownVersions,
} from '../../source/credential-helper/release-checksums.js';
import {DEFAULT_HELPER_VERSION, releasePlatform} from '../../source/credential-helper/platform.js';

const PLATFORMS = ['linux-amd64', 'linux-arm64', 'darwin-amd64', 'darwin-arm64', 'windows-amd64', 'windows-arm64'];

describe('knownChecksum', () => {
	it('finds the sum of a release by version and the release server’s platform name', () => {
		expect(knownChecksum('0.12.0', 'linux-amd64')?.sha256).toBe(
			'a22ab6d59dbac777b8fb31984709461da00a4c778b6ae14c8d3729e8d5ded1a6',
		);
		expect(knownChecksum('0.8.0', 'windows-amd64')?.sha256).toBe(
			'eb385f5c69dd62087a9c59cbade8feeb47bd9c8ec2addb84b4427dda8d704201',
		);
	});

	it('is undefined for a version or platform the table does not hold, and for inherited keys', () => {
		expect(knownChecksum('0.13.0', 'linux-amd64')).toBeUndefined();
		expect(knownChecksum('0.12.0', 'windows-amd64')).toBeUndefined();
		expect(knownChecksum('0.12.0', 'plan9-amd64')).toBeUndefined();
		expect(knownChecksum('__proto__', 'linux-amd64')).toBeUndefined();
		expect(knownChecksum('0.12.0', 'constructor')).toBeUndefined();
	});

	it('the default release of the binary method is known for linux and macOS on both architectures', () => {
		for (const [os, arch] of [
			['linux', 'x64'],
			['linux', 'arm64'],
			['darwin', 'x64'],
			['darwin', 'arm64'],
		] as const) {
			expect(knownChecksum(DEFAULT_HELPER_VERSION, releasePlatform(os, arch)!), `${os}/${arch}`).toBeDefined();
		}
	});

	it('a lookup in another table reads that table only', () => {
		const table = {'1.0.0': {'linux-amd64': {sha256: 'a'.repeat(64), source: 'here'}}};
		expect(knownChecksum('1.0.0', 'linux-amd64', table)).toEqual({sha256: 'a'.repeat(64), source: 'here'});
		expect(knownChecksum('0.12.0', 'linux-amd64', table)).toBeUndefined();
	});
});

describe('the shipped table', () => {
	const entries = Object.entries(KNOWN_HELPER_CHECKSUMS).flatMap(([version, platforms]) =>
		Object.entries(platforms).map(([platform, known]) => ({version, platform, ...known})),
	);

	it('holds only lowercase 64-hex sums for release platform names, each with an https source', () => {
		expect(entries.length).toBeGreaterThanOrEqual(40);
		for (const entry of entries) {
			expect(entry.version, JSON.stringify(entry)).toMatch(/^\d+\.\d+\.\d+$/);
			expect(PLATFORMS, JSON.stringify(entry)).toContain(entry.platform);
			expect(entry.sha256, JSON.stringify(entry)).toMatch(/^[0-9a-f]{64}$/);
			expect(isHttpsUrl(entry.source), JSON.stringify(entry)).toBe(true);
		}
	});

	it('never gives two releases the same sum', () => {
		const sums = entries.map((entry) => entry.sha256);
		expect(new Set(sums).size).toBe(sums.length);
	});

	it('knownVersions lists a platform’s releases newest first', () => {
		const linux = knownVersions('linux-amd64');
		expect(linux[0]).toBe('0.12.0');
		expect(linux.indexOf('0.10.1')).toBeLessThan(linux.indexOf('0.9.1'));
		expect(knownVersions('windows-amd64')).toEqual(['0.8.0', '0.7.1', '0.7.0', '0.6.0']);
	});
});
