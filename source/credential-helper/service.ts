/**
 * CredentialHelperService: find `docker-credential-<name>` on PATH, detect the platform, plan and run an install of
 * amazon-ecr-credential-helper, and run the helper's `get` the way docker does (the URL on stdin, JSON or an error on stdout).
 */
import {createHash, randomBytes} from 'node:crypto';
import {chmod, mkdir, open, readFile, rename, rmdir, stat, unlink} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {CancelledError, errorMessage, UserError} from '../errors/user-errors.js';
import {pathExists} from '../files/exists.js';
import {
	BREW_LOCATIONS,
	PACKAGE_MANAGER_COMMANDS,
	detectWsl,
	helperExecutableName,
	isDirOnPath,
	parseOsRelease,
	planInstalls,
} from './platform.js';
import type {
	CredentialHelperService,
	HelperGetResult,
	HelperInfo,
	InstallMethod,
	InstallPlan,
	PlatformInfo,
} from './types.js';
import type {ProcessRunner} from '../process/types.js';
import {isEcrLoginHelper, profileOfHelperName} from './wrapper.js';
import {redact} from '../lib/redact.js';

type Env = Record<string, string | undefined>;

export type CredentialHelperServiceOptions = {
	runner: ProcessRunner;
	/** PATH, AWS_ECR_CACHE_DIR, LOCALAPPDATA, … (default process.env). */
	env?: Env;
	/** OS to plan for (default process.platform). */
	platform?: NodeJS.Platform | string;
	arch?: string;
	/** Injected for downloads (default the global fetch). */
	fetch?: typeof fetch;
	home?: string;
	/** Effective uid (default process.getuid(); undefined on Windows). */
	uid?: number | undefined;
	/** Files read for platform detection. */
	files?: {procVersion?: string; osRelease?: string[]};
	/** Release version and base URL for the binary method. */
	releaseVersion?: string;
	releaseBaseUrl?: string;
	/** Limit for `version` and `get` runs (a helper that hangs must not hang us). */
	timeoutMs?: number;
};

/** Tail of the ecr-login log: `${AWS_ECR_CACHE_DIR:-~/.ecr}/log/ecr-login.log`. */
export function ecrLoginLogPath(env: Env, home: string): string {
	const dir = env['AWS_ECR_CACHE_DIR'] || path.join(home, '.ecr');
	return path.join(dir.replace(/^~(?=$|[\\/])/, home), 'log', 'ecr-login.log');
}

const LOG_TAIL_LINES = 12;

async function readLogFrom(file: string, offset: number): Promise<string | undefined> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch {
		return undefined;
	}

	// What this run appended, if it appended anything; else the last lines (the log may be rotated or written late).
	const appended =
		offset > 0 && offset <= Buffer.byteLength(text) ? Buffer.from(text).subarray(offset).toString('utf8') : '';
	const source = appended.trim().length > 0 ? appended : text;
	const lines = source.split(/\r?\n/).filter((line) => line.trim().length > 0);
	if (lines.length === 0) return undefined;
	return redact(lines.slice(-LOG_TAIL_LINES).join('\n'));
}

async function sizeOf(file: string): Promise<number> {
	try {
		return (await stat(file)).size;
	} catch {
		return 0;
	}
}

function parseChecksum(text: string): string | undefined {
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

export function createCredentialHelperService(options: CredentialHelperServiceOptions): CredentialHelperService {
	const {runner} = options;
	const env = options.env ?? process.env;
	const osName = options.platform ?? process.platform;
	const arch = options.arch ?? process.arch;
	const home = options.home ?? (osName === 'win32' ? (env['USERPROFILE'] ?? os.homedir()) : os.homedir());
	const fetchImpl = options.fetch ?? globalThis.fetch;
	const timeoutMs = options.timeoutMs ?? 30_000;
	const runEnv = options.env ? {env: options.env} : {};

	async function version(file: string): Promise<string | undefined> {
		const result = await runner.run(file, ['version'], {...runEnv, timeoutMs});
		if (result.exitCode !== 0) return undefined;
		// "0.6.4", "amazon-ecr-credential-helper\nVersion: 0.9.0\nGit commit: …", "docker-credential-desktop (github.com/…) v0.8.2"
		const text = `${result.stdout}\n${result.stderr}`;
		return /Version:\s*v?(\d+\.\d+[\w.+-]*)/i.exec(text)?.[1] ?? /\bv?(\d+\.\d+\.\d+[\w.+-]*)/.exec(text)?.[1];
	}

	async function find(name = 'ecr-login'): Promise<HelperInfo | null> {
		const file = await runner.which(helperExecutableName(name, osName), {env});
		if (!file) return null;
		const found = await version(file);
		return {name, path: file, ...(found ? {version: found} : {})};
	}

	async function platform(): Promise<PlatformInfo> {
		const uid = 'uid' in options ? options.uid : process.getuid?.();
		let procVersion: string | undefined;
		let release = parseOsRelease('');
		if (osName === 'linux') {
			procVersion = await readFile(options.files?.procVersion ?? '/proc/version', 'utf8').catch(() => undefined);
			for (const file of options.files?.osRelease ?? ['/etc/os-release', '/usr/lib/os-release']) {
				const text = await readFile(file, 'utf8').catch(() => undefined);
				if (text !== undefined) {
					release = parseOsRelease(text);
					break;
				}
			}
		}

		const packageManagers: InstallMethod[] = [];
		const commandPaths: Partial<Record<InstallMethod, string>> = {};
		const lookups = await Promise.all(
			PACKAGE_MANAGER_COMMANDS.map(async ([method, command]) => [method, await runner.which(command, {env})] as const),
		);
		for (const [method, found] of lookups) if (found) packageManagers.push(method);
		if (!packageManagers.includes('brew')) {
			for (const candidate of BREW_LOCATIONS[osName] ?? []) {
				if (await runner.which(candidate, {env})) {
					commandPaths.brew = candidate;
					break;
				}
			}
		}

		return {
			os: osName,
			arch,
			isRoot: uid === 0,
			isWsl: detectWsl({os: osName, procVersion, env}),
			...(release.id ? {distro: release.id} : {}),
			...(release.versionId ? {distroVersion: release.versionId} : {}),
			packageManagers,
			home,
			...(Object.keys(commandPaths).length > 0 ? {commandPaths} : {}),
		};
	}

	function installPlans(info: PlatformInfo): InstallPlan[] {
		return planInstalls(info, {
			env,
			...(options.releaseVersion ? {version: options.releaseVersion} : {}),
			...(options.releaseBaseUrl ? {baseUrl: options.releaseBaseUrl} : {}),
		});
	}

	async function runStep(
		argv: string[],
		onLine: (line: string) => void,
		signal: AbortSignal | undefined,
	): Promise<void> {
		const tail: string[] = [];
		onLine(`$ ${argv.join(' ')}`);
		const result = await runner.stream(argv[0]!, argv.slice(1), {
			...runEnv,
			...(signal ? {signal} : {}),
			onLine(line) {
				tail.push(line);
				if (tail.length > 8) tail.shift();
				onLine(line);
			},
		});
		if (result.notFound) {
			throw new UserError(`${argv[0]} is not installed.`, {
				code: 'helper.install-failed',
				hint: 'Pick another install method.',
			});
		}

		if (result.exitCode !== 0) {
			const last = tail.filter((line) => line.trim()).at(-1) ?? result.stderr.trim().split('\n').at(-1) ?? '';
			throw new UserError(`\`${argv.join(' ')}\` failed (exit code ${result.exitCode})${last ? `: ${last}` : '.'}`, {
				code: 'helper.install-failed',
				hint:
					argv[0] === 'sudo'
						? 'sudo needs your password in a terminal; run the command yourself, then run ecr-setup again.'
						: 'See the output above; another install method may work.',
				nextSteps: ['ecr-setup install-helper --method binary'],
			});
		}
	}

	async function installBinary(
		plan: InstallPlan,
		onLine: (line: string) => void,
		signal: AbortSignal | undefined,
	): Promise<HelperInfo> {
		if (!plan.download || !plan.target)
			throw new UserError('This binary install plan has no download URL.', {code: 'helper.install-failed'});
		const {url, checksumUrl} = plan.download;
		const target = plan.target.path;
		const dir = path.dirname(target);
		const get = async (what: string, from: string) => {
			let response: Response;
			try {
				response = await fetchImpl(from, signal ? {signal} : {});
			} catch (error) {
				if (signal?.aborted) throw new CancelledError();
				throw new UserError(`Could not download ${what} from ${from}: ${errorMessage(error)}`, {
					code: 'helper.download-failed',
					hint: 'Check the network and proxy (HTTPS_PROXY), or install with a package manager.',
					cause: error,
				});
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
		const expected = parseChecksum(await (await get('the checksum', checksumUrl)).text());
		if (!expected) {
			throw new UserError(`${checksumUrl} does not contain a SHA-256 checksum.`, {
				code: 'helper.checksum-invalid',
				hint: 'Nothing was installed.',
			});
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
			if (actual !== expected) {
				throw new UserError(
					`The downloaded helper does not match its published SHA-256 (expected ${expected}, got ${actual}). Nothing was installed.`,
					{
						code: 'helper.checksum-mismatch',
						hint: 'The download was corrupted or altered (a proxy rewriting downloads can do this). Try again, or install with a package manager.',
					},
				);
			}

			onLine(`SHA-256 ${actual} matches (${size} bytes)`);
			await chmod(temporary, 0o755);
			await rename(temporary, target);
		} catch (error) {
			await unlink(temporary).catch(() => undefined);
			if (created) await removeEmptyDirs(dir, created);
			if (signal?.aborted) throw new CancelledError();
			throw error;
		}

		onLine(`Installed ${target}`);
		const onPath = isDirOnPath(dir, env, osName);
		if (!onPath) onLine(`${dir} is not on PATH yet: ${plan.download.pathAdvice ?? `add ${dir} to PATH`}`);
		const found = onPath ? await find('ecr-login') : null;
		if (found) return found;
		const installedVersion = await version(target);
		return {name: 'ecr-login', path: target, ...(installedVersion ? {version: installedVersion} : {})};
	}

	async function install(
		plan: InstallPlan,
		installOptions: {onLine?: (line: string) => void; signal?: AbortSignal} = {},
	): Promise<HelperInfo> {
		const onLine = installOptions.onLine ?? (() => undefined);
		if (plan.method === 'binary') return installBinary(plan, onLine, installOptions.signal);
		for (const step of plan.before) await runStep(step, onLine, installOptions.signal);
		await runStep(plan.command, onLine, installOptions.signal);
		const found = await find('ecr-login');
		if (found) return found;
		const where = await installedOutsidePath(plan);
		throw new UserError(
			where
				? `docker-credential-ecr-login was installed at ${where}, but that directory is not on PATH, so docker cannot run it.`
				: 'The install finished, but docker-credential-ecr-login is still not on PATH.',
			{
				code: 'helper.not-on-path',
				hint: where
					? `Add ${path.dirname(where)} to PATH (for Homebrew: eval "$(${plan.command[0]} shellenv)" in your shell profile), then run ecr-setup again.`
					: 'Open a new terminal (PATH may have changed) and run ecr-setup again.',
			},
		);
	}

	/** Where a package manager put the helper when its bin directory is not on PATH (Homebrew outside PATH, GOBIN). */
	async function installedOutsidePath(plan: InstallPlan): Promise<string | undefined> {
		const candidates: string[] = [];
		if (plan.target) candidates.push(plan.target.path);
		if (plan.method === 'brew' && plan.command[0]?.includes('/'))
			candidates.push(path.join(path.dirname(plan.command[0]), helperExecutableName('ecr-login', osName)));
		for (const candidate of candidates) if (await pathExists(candidate)) return candidate;
		return undefined;
	}

	async function getCredentials(
		host: string,
		name = 'ecr-login',
		getOptions: {signal?: AbortSignal} = {},
	): Promise<HelperGetResult> {
		const command = helperExecutableName(name, osName);
		// A profile wrapper is a `.cmd` on Windows: found through PATHEXT, as docker finds it.
		const file =
			(await runner.which(command, {env})) ??
			(profileOfHelperName(name) ? await runner.which(`docker-credential-${name}`, {env}) : null);
		if (!file) return {ok: false, message: `${command} is not on PATH.`};
		// A wrapper runs docker-credential-ecr-login itself, which writes the same log.
		const logFile = isEcrLoginHelper(name) ? ecrLoginLogPath(env, home) : undefined;
		const offset = logFile ? await sizeOf(logFile) : 0;
		const result = await runner.run(file, ['get'], {
			...runEnv,
			input: host,
			timeoutMs,
			...(getOptions.signal ? {signal: getOptions.signal} : {}),
		});
		if (result.exitCode === 0) {
			try {
				const parsed = JSON.parse(result.stdout) as {Username?: unknown};
				// The Secret is dropped here: it is never returned, logged or shown.
				if (typeof parsed.Username === 'string') return {ok: true, username: parsed.Username};
			} catch {
				// Fall through: do not echo the output, it may hold the secret.
			}

			return {
				ok: false,
				message: `${command} get answered, but not with the JSON docker expects (ServerURL, Username, Secret).`,
			};
		}

		// Helpers print their error on stdout (docker-credential-helpers protocol), some on stderr.
		const said = redact((result.stdout.trim() || result.stderr.trim()).split(/\r?\n/).slice(-5).join('\n'));
		const message = result.timedOut
			? `${command} get did not answer in time.`
			: said || `${command} get failed with exit code ${result.exitCode}.`;
		const logExcerpt = logFile ? await readLogFrom(logFile, offset) : undefined;
		return {ok: false, message, ...(logExcerpt ? {logExcerpt} : {})};
	}

	return {
		find,
		platform,
		installPlans,
		install,
		get: getCredentials,
		withEnv: (extra) => createCredentialHelperService({...options, env: {...env, ...extra}}),
	};
}
