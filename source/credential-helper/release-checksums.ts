/**
 * The SHA-256 sums of official docker-credential-ecr-login release binaries that ship with ecr-setup, each with the
 * published source it was taken from. A download is checked against this table as well as against the release's own
 * `.sha256`, which comes from the same server as the binary and so proves integrity, not authenticity.
 * `scripts/refresh-helper-checksums.mjs` rewrites the JSON file.
 */
import shipped from './release-checksums.json' with {type: 'json'};
import {compareVersions, parseVersion} from './versions.js';

export type KnownChecksum = {sha256: string; source: string};

/** version → `<os>-<arch>` as the release server names them (linux-amd64, darwin-arm64, windows-amd64…) → sum. */
export type ChecksumTable = Record<string, Record<string, KnownChecksum>>;

export const KNOWN_HELPER_CHECKSUMS: ChecksumTable = shipped.versions;

export function knownChecksum(
	version: string,
	releasePlatform: string,
	table: ChecksumTable = KNOWN_HELPER_CHECKSUMS,
): KnownChecksum | undefined {
	const entry = Object.hasOwn(table, version) ? table[version] : undefined;
	return entry && Object.hasOwn(entry, releasePlatform) ? entry[releasePlatform] : undefined;
}

/** Versions the table knows for a platform, newest first. */
export function knownVersions(releasePlatform: string, table: ChecksumTable = KNOWN_HELPER_CHECKSUMS): string[] {
	return Object.keys(table)
		.filter((version) => knownChecksum(version, releasePlatform, table))
		.sort((a, b) => compareVersions(parseVersion(b) ?? [], parseVersion(a) ?? []));
}

/** Downloads go over TLS only: a plain-HTTP URL (a mirror, a redirect) could be altered on the way. */
export function isHttpsUrl(url: string): boolean {
	try {
		return new URL(url).protocol === 'https:';
	} catch {
		return false;
	}
}
