/**
 * What the docker CLI prints, read: version JSON, image lists (docker's and podman's), daemon errors, and failed
 * commands turned into UserErrors that say what to do.
 */
import {UserError} from '../errors/user-errors.js';
import {explainStoreError} from '../credential-helper/store-errors.js';
import {humanSize} from '../lib/format.js';
import {redact} from '../lib/redact.js';
import type {DaemonStatus, LocalImage} from './types.js';
import type {RunResult} from '../process/types.js';

type DaemonReason = Exclude<DaemonStatus, {ok: true}>['reason'];

/** Why docker could not talk to its daemon, from what it printed. */
export function classifyDaemonError(text: string): DaemonReason | undefined {
	if (
		/permission denied while trying to connect to the Docker daemon|connect: permission denied|Access is denied/i.test(
			text,
		)
	)
		return 'permission';
	if (
		/Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|daemon is not running|The system cannot find the file specified|connect: no such file or directory|connect: connection refused/i.test(
			text,
		)
	) {
		return 'not-running';
	}

	return undefined;
}

const DAEMON_HINTS: Record<DaemonReason, {hint: string; nextSteps: string[]}> = {
	'cli-missing': {
		hint: 'Install Docker (Docker Desktop on macOS and Windows, docker-ce or docker.io on Linux) and make sure `docker` is on PATH.',
		nextSteps: ['https://docs.docker.com/get-docker/'],
	},
	'not-running': {
		hint: 'Start Docker: open Docker Desktop, or run `sudo systemctl start docker` on Linux.',
		nextSteps: ['docker version'],
	},
	permission: {
		hint: 'You may not open the docker socket. Join the docker group (`sudo usermod -aG docker $USER`, then log in again), or run docker with sudo, which reads /root/.docker/config.json.',
		nextSteps: ['ecr-setup doctor'],
	},
	unknown: {hint: 'Run `docker version` to see what docker says.', nextSteps: ['docker version']},
};

/** The last meaningful line docker printed: skips blank lines and logrus `level=info` chatter. */
export function lastLine(text: string): string {
	const lines = text
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter((line) => line.length > 0 && !/^time="[^"]*" level=(?:debug|info)/.test(line));
	return lines.at(-1) ?? '';
}

export function outputOf(result: RunResult): string {
	return [result.stderr, result.stdout].filter((text) => text.trim().length > 0).join('\n');
}

/** A failed docker command as a UserError, classified when it is about the daemon. */
export function commandFailure(what: string, result: RunResult, secrets: string[] = []): UserError {
	if (result.notFound) {
		return new UserError('The docker CLI is not installed (no `docker` on PATH).', {
			code: 'docker.cli-missing',
			...DAEMON_HINTS['cli-missing'],
		});
	}

	const text = redact(outputOf(result), secrets);
	if (result.timedOut)
		return new UserError(`${what} did not finish in time.`, {
			code: 'docker.timeout',
			hint: 'Is the docker daemon responding? Try `docker version`.',
		});
	// Docker puts its reason on stderr; stdout may still hold a placeholder such as `[]` from --format json.
	const line = lastLine(redact(result.stderr, secrets)) || lastLine(text);
	const reason = classifyDaemonError(text);
	if (reason) return new UserError(line, {code: `docker.${reason}`, ...DAEMON_HINTS[reason]});
	return new UserError(`${what} failed: ${line || `exit code ${result.exitCode}`}`, {code: 'docker.failed'});
}

export type VersionJson = {
	/** ApiVersion: the version the CLI and the engine agreed on. */
	Client?: {Version?: string; ApiVersion?: string} | null;
	Server?: {Version?: string; ApiVersion?: string} | null;
};

export function parseVersionJson(stdout: string): VersionJson | undefined {
	const start = stdout.indexOf('{');
	if (start === -1) return undefined;
	try {
		const value = JSON.parse(stdout.slice(start)) as unknown;
		return value && typeof value === 'object' ? (value as VersionJson) : undefined;
	} catch {
		return undefined;
	}
}

/** `docker image ls --format json`: one JSON object per line. Untagged (`<none>`) images cannot be pushed by name. */
export function parseImageList(stdout: string): LocalImage[] {
	if (stdout.trimStart().startsWith('[')) return parsePodmanImageList(stdout);
	const images: LocalImage[] = [];
	for (const line of stdout.split(/\r?\n/)) {
		const text = line.trim();
		if (!text.startsWith('{')) continue;
		let row: Record<string, unknown>;
		try {
			row = JSON.parse(text) as Record<string, unknown>;
		} catch {
			continue;
		}

		const repository = typeof row['Repository'] === 'string' ? row['Repository'] : '';
		const tag = typeof row['Tag'] === 'string' ? row['Tag'] : '';
		if (!repository || !tag || repository === '<none>' || tag === '<none>') continue;
		const image: LocalImage = {repository, tag, id: typeof row['ID'] === 'string' ? row['ID'] : ''};
		const created = typeof row['CreatedAt'] === 'string' ? parseDockerTime(row['CreatedAt']) : undefined;
		if (created) image.createdAt = created;
		if (typeof row['Size'] === 'string') image.size = row['Size'];
		images.push(image);
	}

	return images;
}

/**
 * `podman image ls --format json` (and nerdctl's array form): one JSON array; each image lists its `Names`
 * (`registry/repo:tag`, e.g. `localhost/app:1`), `Id` in full, `Created` in Unix seconds, `Size` in bytes.
 */
export function parsePodmanImageList(stdout: string): LocalImage[] {
	let rows: unknown;
	try {
		rows = JSON.parse(stdout);
	} catch {
		return [];
	}

	if (!Array.isArray(rows)) return [];
	const images: LocalImage[] = [];
	for (const row of rows as Array<Record<string, unknown>>) {
		if (!row || typeof row !== 'object') continue;
		const names = Array.isArray(row['Names']) ? row['Names'] : Array.isArray(row['RepoTags']) ? row['RepoTags'] : [];
		const id = typeof row['Id'] === 'string' ? row['Id'].replace(/^sha256:/, '').slice(0, 12) : '';
		for (const name of names) {
			if (typeof name !== 'string') continue;
			const colon = name.lastIndexOf(':');
			if (colon <= name.lastIndexOf('/') || name.includes('<none>')) continue;
			const image: LocalImage = {repository: name.slice(0, colon), tag: name.slice(colon + 1), id};
			if (typeof row['Created'] === 'number') image.createdAt = new Date(row['Created'] * 1000);
			if (typeof row['Size'] === 'number') image.size = humanSize(row['Size'], {trimZeros: true});
			images.push(image);
		}
	}

	return images;
}

/** Go's time.Time String(): `2026-11-20 10:00:00 +0000 UTC` (optionally with fractional seconds). */
export function parseDockerTime(text: string): Date | undefined {
	const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ([+-])(\d{2})(\d{2})/.exec(text.trim());
	if (!match) return undefined;
	const [, day, time, sign, hours, minutes] = match;
	const date = new Date(`${day}T${time!.replace(/(\.\d{3})\d+/, '$1')}${sign}${hours}:${minutes}`);
	return Number.isNaN(date.getTime()) ? undefined : date;
}

export function loginFailure(registry: string, result: RunResult, secrets: string[]): UserError {
	const text = redact(outputOf(result), secrets);
	const line = lastLine(text);
	const helperMissing = /exec: "docker-credential-([^"]+?)(?:\.exe)?": executable file not found/.exec(text);
	if (helperMissing) {
		return new UserError(
			`docker login could not save the credentials: docker-credential-${helperMissing[1]} is not on PATH.`,
			{
				code: 'docker.login-helper-missing',
				hint: `The docker config sends credentials to the "${helperMissing[1]}" helper. Install it, or remove the stale credsStore/credHelpers entry.`,
				nextSteps: ['ecr-setup doctor'],
			},
		);
	}

	if (/error storing credentials.*not implemented/is.test(text)) {
		return new UserError(
			`docker login for ${registry} is not needed: the ecr-login helper serves this registry and does not store logins.`,
			{
				code: 'docker.login-not-implemented',
				hint: 'Nothing to do: docker fetches tokens through the helper. Set AWS_ECR_IGNORE_CREDS_STORAGE=true to make docker login a no-op.',
			},
		);
	}

	if (/failed with status: 400 Bad Request/.test(text)) {
		return new UserError(`The registry ${registry} rejected the login (400 Bad Request).`, {
			code: 'docker.login-wrong-region',
			hint: 'The token was fetched for another region than the registry host names; fetch it in the host’s region.',
		});
	}

	if (/failed with status: 401|unauthorized/i.test(text)) {
		return new UserError(`The registry ${registry} rejected the login: ${line}`, {
			code: 'docker.login-unauthorized',
			hint: 'The token belongs to another account or partition, or has expired; fetch a fresh one.',
		});
	}

	if (/Error saving credentials/i.test(text)) {
		// A locked keychain, wincred's size limit, an empty pass store…: the same explanations the doctor gives.
		const known = explainStoreError(text, {host: registry});
		return new UserError(`docker logged in but could not save the credentials: ${known?.explanation ?? line}`, {
			code: 'docker.login-store-failed',
			hint: known?.fix ?? 'The credential store in the docker config failed; the doctor explains the common causes.',
			nextSteps: known?.command ? [known.command, 'ecr-setup doctor'] : ['ecr-setup doctor'],
		});
	}

	if (/dial tcp|no such host|i\/o timeout|TLS handshake|x509:|proxyconnect/i.test(text)) {
		return new UserError(`docker could not reach ${registry}: ${line}`, {
			code: 'docker.login-network',
			hint: 'Check the network and the proxy settings docker uses (HTTPS_PROXY, NO_PROXY).',
		});
	}

	return commandFailure(`docker login ${registry}`, result, secrets);
}
