/**
 * The binary install: download a release of docker-credential-ecr-login over HTTPS, check its SHA-256 against the sum
 * ecr-setup ships for that version and platform AND against the release's own `.sha256` (same server as the binary:
 * integrity only), then rename it into place. Nothing is executable, or left behind, until every check passed.
 */
import {createHash, randomBytes} from 'node:crypto';
import {chmod, mkdir, open, rename, rmdir, unlink} from 'node:fs/promises';
import path from 'node:path';
import {CancelledError, errorMessage, UserError} from '../errors/user-errors.js';
import {isHttpsUrl} from './release-checksums.js';
import type {InstallPlan} from './types.js';

export type ReleaseDownloadOptions = {
	fetch: typeof fetch;
	onLine: (line: string) => void;
	signal: AbortSignal | undefined;
	allowUnverified: boolean;
};

export function parseChecksum(text: string): string | undefined {
	return /\b([a-f0-9]{64})\b/i.exec(text)?.[1]?.toLowerCase();
}

/** rmdir from dir up to and including top, stopping at the first directory that is not empty. */
async function removeEmptyDirs(dir: string, top: string): Promise<void> {
	let current = dir;
	for (;;) {
		try {
			await rmdir(current);
		} catch {
			return;
		}

		if (current === top || path.dirname(current) === current) return;
		current = path.dirname(current);
	}
}

function refuseInsecure(url: string, what: string): never {
	throw new UserError(`Refusing to download ${what} from ${url}: ecr-setup downloads the helper over HTTPS only.`, {
		code: 'helper.insecure-url',
		hint: 'Use an https:// release URL (ECR_SETUP_HELPER_RELEASE_URL), or install with a package manager. Nothing was installed.',
	});
}

/** Thrown before anything is downloaded: a version or platform the table does not know, without consent. */
export function unverifiedError(download: NonNullable<InstallPlan['download']>): UserError {
	const where = download.releasePlatform ? ` for ${download.releasePlatform}` : '';
	return new UserError(
		`docker-credential-ecr-login ${download.version}${where} is not in ecr-setup's table of known SHA-256 sums, so only the release's own .sha256 (from the same server as the binary) could check it. Nothing was installed.`,
		{
			code: 'helper.unverified',
			hint: 'Install a version the table knows (leave out --helper-version), or pass --allow-unverified to install this one anyway.',
			nextSteps: [`ecr-setup install-helper --method binary --helper-version ${download.version} --allow-unverified`],
		},
	);
}

/** Downloads, verifies and installs plan's binary at plan.target; returns the installed path. */
export async function installReleaseBinary(plan: InstallPlan, options: ReleaseDownloadOptions): Promise<string> {
	const {onLine, signal} = options;
	if (!plan.download || !plan.target)
		throw new UserError('This binary install plan has no download URL.', {code: 'helper.install-failed'});
	const {url, checksumUrl, known} = plan.download;
	if (!isHttpsUrl(url)) refuseInsecure(url, 'the helper');
	if (!isHttpsUrl(checksumUrl)) refuseInsecure(checksumUrl, 'the checksum');
	if (!known && !options.allowUnverified) throw unverifiedError(plan.download);
	const target = plan.target.path;
	const dir = path.dirname(target);
	const get = async (what: string, from: string) => {
		let response: Response;
		try {
			response = await options.fetch(from, signal ? {signal} : {});
		} catch (error) {
			if (signal?.aborted) throw new CancelledError();
			throw new UserError(`Could not download ${what} from ${from}: ${errorMessage(error)}`, {
				code: 'helper.download-failed',
				hint: 'Check the network and proxy (HTTPS_PROXY), or install with a package manager.',
				cause: error,
			});
		}

		// A redirect may not leave HTTPS either.
		if (response.url && !isHttpsUrl(response.url)) {
			await response.body?.cancel().catch(() => undefined);
			refuseInsecure(response.url, what);
		}

		if (!response.ok) {
			throw new UserError(`Downloading ${what} from ${from} failed: HTTP ${response.status}.`, {
				code: 'helper.download-failed',
				hint: 'The release may not exist for this platform or version.',
			});
		}

		return response;
	};

	onLine(`Downloading ${checksumUrl}`);
	const published = parseChecksum(await (await get('the checksum', checksumUrl)).text());
	if (!published) {
		throw new UserError(`${checksumUrl} does not contain a SHA-256 checksum.`, {
			code: 'helper.checksum-invalid',
			hint: 'Nothing was installed.',
		});
	}

	if (known && published !== known.sha256) {
		throw new UserError(
			`The release's .sha256 (${published}) is not the sum ecr-setup knows for ${plan.download.version} (${known.sha256}). Nothing was installed.`,
			{
				code: 'helper.checksum-mismatch',
				hint: `The release server, a mirror or a proxy serves something else than the official release (the known sum comes from ${known.source}). Install with a package manager, or from the official server.`,
			},
		);
	}

	onLine(`Downloading ${url}`);
	const response = await get('the helper', url);
	// The first directory this install had to create, so a failed install can take it away again.
	const created = await mkdir(dir, {recursive: true, mode: 0o755});
	// Same directory as the target, so the final rename is atomic; not executable until the checksum matches.
	const temporary = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
	const hash = createHash('sha256');
	const handle = await open(temporary, 'wx', 0o600);
	let size = 0;
	try {
		try {
			if (!response.body) throw new Error('empty response');
			for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
				hash.update(chunk);
				size += chunk.byteLength;
				await handle.write(chunk);
			}

			await handle.sync();
		} finally {
			await handle.close();
		}

		const actual = hash.digest('hex');
		if (actual !== published) {
			throw new UserError(
				`The downloaded helper does not match its published SHA-256 (expected ${published}, got ${actual}). Nothing was installed.`,
				{
					code: 'helper.checksum-mismatch',
					hint: 'The download was corrupted or altered (a proxy rewriting downloads can do this). Try again, or install with a package manager.',
				},
			);
		}

		onLine(
			known
				? `SHA-256 ${actual} matches ecr-setup's table of known sums and the release's .sha256 (${size} bytes)`
				: `SHA-256 ${actual} matches the release's .sha256 (${size} bytes); UNVERIFIED: ${plan.download.version} is not in ecr-setup's table of known sums`,
		);
		await chmod(temporary, 0o755);
		await rename(temporary, target);
	} catch (error) {
		await unlink(temporary).catch(() => undefined);
		if (created) await removeEmptyDirs(dir, created);
		if (signal?.aborted) throw new CancelledError();
		throw error;
	}

	onLine(`Installed ${target}`);
	return target;
}
