/**
 * CredentialHelperService: find `docker-credential-<name>` on PATH, detect the platform, plan and run an install of
 * amazon-ecr-credential-helper, and run the helper's `get` the way docker does (the URL on stdin, JSON or an error on stdout).
 */
import {readFile, stat} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {UserError} from '../errors/user-errors.js';
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
import {ecrLoginCacheDir, findPanic} from './health.js';
import {redact} from '../lib/redact.js';
import type {ChecksumTable} from './release-checksums.js';
import {installReleaseBinary} from './release-download.js';

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
	/** Known release sums (default the table that ships with ecr-setup). */
	checksums?: ChecksumTable;
	/** Limit for `version` and `get` runs (a helper that hangs must not hang us). */
	timeoutMs?: number;
};

/** Tail of the ecr-login log: `${AWS_ECR_CACHE_DIR:-~/.ecr}/log/ecr-login.log`. */
export function ecrLoginLogPath(env: Env, home: string): string {
	return path.join(ecrLoginCacheDir(env, home), 'log', 'ecr-login.log');
}

const LOG_TAIL_LINES = 12;

async function readLogFrom(file: string, offset: number, appendedOnly = false): Promise<string | undefined> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch {
		return undefined;
	}

	// What this run appended, if it appended anything; else the last lines (the log may be rotated or written late).
	const appended = offset <= Buffer.byteLength(text) ? Buffer.from(text).subarray(offset).toString('utf8') : '';
	if (appendedOnly && appended.trim().length === 0) return undefined;
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

	function installPlans(info: PlatformInfo, planOptions: {version?: string} = {}): InstallPlan[] {
		const version = planOptions.version ?? options.releaseVersion;
		// A mirror of the release server; its downloads are checked against the same table of known sums.
		const baseUrl = options.releaseBaseUrl ?? (env['ECR_SETUP_HELPER_RELEASE_URL'] || undefined);
		return planInstalls(info, {
			env,
			...(version ? {version} : {}),
			...(baseUrl ? {baseUrl} : {}),
			...(options.checksums ? {checksums: options.checksums} : {}),
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
		allowUnverified: boolean,
	): Promise<HelperInfo> {
		const target = await installReleaseBinary(plan, {fetch: fetchImpl, onLine, signal, allowUnverified});
		const dir = path.dirname(target);
		const onPath = isDirOnPath(dir, env, osName);
		if (!onPath) onLine(`${dir} is not on PATH yet: ${plan.download?.pathAdvice ?? `add ${dir} to PATH`}`);
		const found = onPath ? await find('ecr-login') : null;
		if (found) return found;
		const installedVersion = await version(target);
		return {name: 'ecr-login', path: target, ...(installedVersion ? {version: installedVersion} : {})};
	}

	async function install(
		plan: InstallPlan,
		installOptions: {onLine?: (line: string) => void; signal?: AbortSignal; allowUnverified?: boolean} = {},
	): Promise<HelperInfo> {
		const onLine = installOptions.onLine ?? (() => undefined);
		if (plan.method === 'binary')
			return installBinary(plan, onLine, installOptions.signal, installOptions.allowUnverified === true);
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
				if (typeof parsed.Username === 'string') {
					// What this run logged: a refresh that failed before a cached token was handed back shows only there.
					const logExcerpt = logFile ? await readLogFrom(logFile, offset, true) : undefined;
					return {ok: true, username: parsed.Username, ...(logExcerpt ? {logExcerpt} : {})};
				}
			} catch {
				// Fall through: do not echo the output, it may hold the secret.
			}

			return {
				ok: false,
				message: `${command} get answered, but not with the JSON docker expects (ServerURL, Username, Secret).`,
			};
		}

		const logExcerpt = logFile ? await readLogFrom(logFile, offset) : undefined;
		// A Go panic prints its message first and a stack after it: only the message is kept, never a frame.
		const panic = result.timedOut ? undefined : findPanic(`${result.stderr}\n${result.stdout}`);
		if (panic) {
			const message = `${command} get crashed (exit code ${result.exitCode}): ${panic.line}`;
			return {ok: false, message, panic, ...(logExcerpt ? {logExcerpt} : {})};
		}

		// Helpers print their error on stdout (docker-credential-helpers protocol), some on stderr.
		const said = redact((result.stdout.trim() || result.stderr.trim()).split(/\r?\n/).slice(-5).join('\n'));
		const message = result.timedOut
			? `${command} get did not answer in time.`
			: said || `${command} get failed with exit code ${result.exitCode}.`;
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
