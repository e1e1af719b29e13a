#!/usr/bin/env node
// Refreshes source/credential-helper/release-checksums.json: the list of releases from the helper's GitHub releases, the
// SHA-256 of every release binary from the `.sha256` file next to it on the official release server. An entry already in
// the table is kept with the source it was taken from; a release the server now answers with another sum stops the
// script (nothing is written): a pinned sum is never replaced silently. New entries name the `.sha256` URL they came
// from, so the table pins what the server published when it was refreshed.
//
//   node scripts/refresh-helper-checksums.mjs [--since 0.6.0] [--check]
//       [--releases-url URL] [--base-url URL] [--file PATH]
import {readFile, rename, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULTS = {
	releasesUrl: 'https://api.github.com/repos/awslabs/amazon-ecr-credential-helper/releases?per_page=100',
	baseUrl: 'https://amazon-ecr-credential-helper-releases.s3.us-east-2.amazonaws.com',
	file: path.join(HERE, '..', 'source', 'credential-helper', 'release-checksums.json'),
	since: '0.6.0',
};

/** `<os>-<arch>` as the release server names them; Windows binaries end in .exe. */
export const PLATFORMS = [
	'linux-amd64',
	'linux-arm64',
	'darwin-amd64',
	'darwin-arm64',
	'windows-amd64',
	'windows-arm64',
];

function parts(version) {
	return version.split('.').map((part) => Number.parseInt(part, 10) || 0);
}

export function compareVersions(a, b) {
	const [x, y] = [parts(a), parts(b)];
	for (let index = 0; index < Math.max(x.length, y.length); index++) {
		if ((x[index] ?? 0) !== (y[index] ?? 0)) return (x[index] ?? 0) - (y[index] ?? 0);
	}

	return 0;
}

/** Release numbers from GitHub's releases JSON (`tag_name` v0.12.0), without drafts and pre-releases, newest first. */
export function parseReleaseTags(json, since = DEFAULTS.since) {
	if (!Array.isArray(json)) throw new Error('the releases answer is not a JSON array');
	const versions = new Set();
	for (const release of json) {
		if (!release || release.draft || release.prerelease) continue;
		const match = /^v?(\d+\.\d+\.\d+)$/.exec(String(release.tag_name ?? ''));
		if (match && compareVersions(match[1], since) >= 0) versions.add(match[1]);
	}

	return [...versions].sort((a, b) => compareVersions(b, a));
}

/** The sum in a `.sha256` file (`<hex>  docker-credential-ecr-login`, or the bare hex). */
export function parseSha256(text) {
	return /\b([a-f0-9]{64})\b/i.exec(text)?.[1]?.toLowerCase();
}

export function assetUrl(baseUrl, version, platform) {
	const name = `docker-credential-ecr-login${platform.startsWith('windows-') ? '.exe' : ''}`;
	return `${baseUrl.replace(/\/+$/, '')}/${version}/${platform}/${name}.sha256`;
}

/**
 * The table with the fetched sums added. `conflicts` lists every release whose fetched sum differs from the table's;
 * the caller writes nothing when there is one.
 */
export function mergeChecksums(versions, fetched) {
	const merged = structuredClone(versions);
	const added = [];
	const conflicts = [];
	for (const entry of fetched) {
		const known = merged[entry.version]?.[entry.platform];
		if (known) {
			if (known.sha256 !== entry.sha256) conflicts.push({...entry, known});
			continue;
		}

		merged[entry.version] ??= {};
		merged[entry.version][entry.platform] = {sha256: entry.sha256, source: entry.source};
		added.push(entry);
	}

	// Newest release first, platforms in one order, so a refresh's diff shows only what changed.
	const sorted = {};
	for (const version of Object.keys(merged).sort((a, b) => compareVersions(b, a))) {
		sorted[version] = {};
		const names = Object.keys(merged[version]).sort((a, b) => PLATFORMS.indexOf(a) - PLATFORMS.indexOf(b));
		for (const name of names) sorted[version][name] = merged[version][name];
	}

	return {versions: sorted, added, conflicts};
}

function httpsOnly(url) {
	if (new URL(url).protocol !== 'https:') throw new Error(`refusing ${url}: the sums are fetched over HTTPS only`);
}

export async function refresh(options) {
	const {fetch: fetchImpl = globalThis.fetch, log = () => undefined} = options;
	const releasesUrl = options.releasesUrl ?? DEFAULTS.releasesUrl;
	const baseUrl = options.baseUrl ?? DEFAULTS.baseUrl;
	const file = options.file ?? DEFAULTS.file;
	httpsOnly(releasesUrl);
	httpsOnly(baseUrl);
	const document = JSON.parse(await readFile(file, 'utf8'));
	const answer = await fetchImpl(releasesUrl, {headers: {accept: 'application/vnd.github+json'}});
	if (!answer.ok) throw new Error(`${releasesUrl}: HTTP ${answer.status}`);
	const versions = parseReleaseTags(await answer.json(), options.since ?? DEFAULTS.since);
	const fetched = [];
	for (const version of versions) {
		for (const platform of PLATFORMS) {
			const url = assetUrl(baseUrl, version, platform);
			const response = await fetchImpl(url);
			// The bucket answers 403 or 404 for a platform a release does not have (windows-arm64 before 0.8.0).
			if (response.status === 403 || response.status === 404) {
				await response.body?.cancel();
				continue;
			}

			if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
			const sha256 = parseSha256(await response.text());
			if (!sha256) throw new Error(`${url} holds no SHA-256`);
			fetched.push({version, platform, sha256, source: url});
		}
	}

	const result = mergeChecksums(document.versions ?? {}, fetched);
	for (const conflict of result.conflicts) {
		log(
			`CONFLICT ${conflict.version} ${conflict.platform}: the server says ${conflict.sha256}, the table ${conflict.known.sha256} (from ${conflict.known.source})`,
		);
	}

	for (const entry of result.added) log(`added ${entry.version} ${entry.platform} ${entry.sha256}`);
	const changed = result.added.length > 0;
	if (result.conflicts.length === 0 && changed && !options.check) {
		const text = `${JSON.stringify({...document, versions: result.versions}, null, '\t')}\n`;
		const temporary = `${file}.${process.pid}.tmp`;
		await writeFile(temporary, text);
		await rename(temporary, file);
	}

	return {...result, checked: fetched.length, changed};
}

function parseArgs(argv) {
	const options = {};
	for (let index = 0; index < argv.length; index++) {
		const flag = argv[index];
		const value = () => {
			const next = argv[++index];
			if (next === undefined) throw new Error(`${flag} needs a value`);
			return next;
		};

		if (flag === '--since') options.since = value();
		else if (flag === '--releases-url') options.releasesUrl = value();
		else if (flag === '--base-url') options.baseUrl = value();
		else if (flag === '--file') options.file = path.resolve(value());
		else if (flag === '--check') options.check = true;
		else throw new Error(`unknown argument ${flag}`);
	}

	return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	try {
		const options = parseArgs(process.argv.slice(2));
		const result = await refresh({...options, log: (line) => console.log(line)});
		if (result.conflicts.length > 0) {
			console.error(`${result.conflicts.length} sum(s) differ from the table: nothing was written.`);
			process.exit(1);
		}

		const verb = options.check ? 'would add' : 'added';
		console.log(`${result.checked} release files checked; ${verb} ${result.added.length}.`);
		process.exit(options.check && result.changed ? 1 : 0);
	} catch (error) {
		console.error(`refresh-helper-checksums: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(2);
	}
}
