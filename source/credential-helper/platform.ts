/**
 * Platform facts as pure functions of their inputs (OS, arch, environment, file texts), so every platform is tested on
 * Linux: WSL detection, /etc/os-release, helper executable names and PATH lookup order, and the install plans of
 * the package managers that carry it, for a given machine.
 */
import path from 'node:path';
import type {InstallMethod, InstallPlan, PlatformInfo} from './types.js';
import {commandLine} from '../lib/shell.js';
import {versionAtLeast} from './versions.js';
import {knownChecksum, type ChecksumTable} from './release-checksums.js';

export const HELPER_RELEASE_BASE_URL = 'https://amazon-ecr-credential-helper-releases.s3.us-east-2.amazonaws.com';
export const DEFAULT_HELPER_VERSION = '0.12.0';
export const HELPER_GO_PACKAGE =
	'github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/docker-credential-ecr-login@latest';

/** Where Homebrew lives when it is not on PATH (Apple silicon, Intel, Linux). */
export const BREW_LOCATIONS: Record<string, string[]> = {
	darwin: ['/opt/homebrew/bin/brew', '/usr/local/bin/brew'],
	linux: ['/home/linuxbrew/.linuxbrew/bin/brew'],
};

/** The executable each package-manager method needs. */
export const PACKAGE_MANAGER_COMMANDS: Array<[Exclude<InstallMethod, 'binary'>, string]> = [
	['brew', 'brew'],
	['apt', 'apt-get'],
	['dnf', 'dnf'],
	['yum', 'yum'],
	['apk', 'apk'],
	['go', 'go'],
];

type Env = Record<string, string | undefined>;

/** WSL 1 and 2: `Microsoft`/`microsoft-standard-WSL2` in /proc/version, or the variables WSL sets. */
export function detectWsl(input: {os: string; procVersion?: string | undefined; env: Env}): boolean {
	if (input.os !== 'linux') return false;
	if (input.env['WSL_DISTRO_NAME'] || input.env['WSL_INTEROP']) return true;
	return /microsoft|\bWSL/i.test(input.procVersion ?? '');
}

export type OsRelease = {id?: string; versionId?: string; idLike: string[]; prettyName?: string};

/** /etc/os-release: KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): OsRelease {
	const values: Record<string, string> = {};
	for (const line of text.split(/\r?\n/)) {
		const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
		if (!match) continue;
		let value = match[2]!.trim();
		if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
			value = value.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
		}

		values[match[1]!] = value;
	}

	const release: OsRelease = {idLike: (values['ID_LIKE'] ?? '').split(/\s+/).filter(Boolean)};
	if (values['ID']) release.id = values['ID'].toLowerCase();
	if (values['VERSION_ID']) release.versionId = values['VERSION_ID'];
	if (values['PRETTY_NAME']) release.prettyName = values['PRETTY_NAME'];
	return release;
}

/** `docker-credential-<name>`, with `.exe` on Windows (a name that already ends in `.exe`, e.g. `desktop.exe` on WSL, is kept). */
export function helperExecutableName(name: string, os: string): string {
	const base = `docker-credential-${name}`;
	return os === 'win32' && !/\.exe$/i.test(base) ? `${base}.exe` : base;
}

function pathApi(os: string) {
	return os === 'win32' ? path.win32 : path.posix;
}

export function pathEntries(env: Env, os: string): string[] {
	const value = env['PATH'] ?? env['Path'] ?? env['path'] ?? '';
	return value
		.split(os === 'win32' ? ';' : ':')
		.map((entry) => entry.trim().replace(/^"(.*)"$/, '$1'))
		.filter(Boolean);
}

/**
 * Every path a lookup of `command` tries, in order, the way a shell (or Go's exec.LookPath, which docker uses) does:
 * each PATH directory; on Windows each PATHEXT extension too, after the bare name when it already has an extension.
 */
export function executableCandidates(command: string, input: {os: string; env: Env}): string[] {
	const api = pathApi(input.os);
	const windows = input.os === 'win32';
	const extensions = windows
		? (input.env['PATHEXT'] ?? input.env['Pathext'] ?? '.COM;.EXE;.BAT;.CMD')
				.split(';')
				.map((extension) => extension.trim())
				.filter(Boolean)
		: [];
	const forms = (base: string) => {
		if (!windows) return [base];
		const hasExtension = extensions.some((extension) => base.toLowerCase().endsWith(extension.toLowerCase()));
		return hasExtension ? [base] : extensions.map((extension) => base + extension.toLowerCase());
	};

	if (command.includes('/') || (windows && command.includes('\\'))) return forms(command);
	return pathEntries(input.env, input.os).flatMap((dir) => forms(api.join(dir, command)));
}

/** First candidate that exists (the caller decides what "exists and is executable" means). */
export function resolveExecutable(
	command: string,
	input: {os: string; env: Env; exists: (file: string) => boolean},
): string | null {
	for (const candidate of executableCandidates(command, input)) {
		if (input.exists(candidate)) return candidate;
	}

	return null;
}

function sameDir(a: string, b: string, os: string): boolean {
	const api = pathApi(os);
	const normal = (value: string) => {
		const resolved = api.normalize(value).replace(/[\\/]+$/, '');
		return os === 'win32' || os === 'darwin' ? resolved.toLowerCase() : resolved;
	};

	return normal(a) === normal(b);
}

export function isDirOnPath(dir: string, env: Env, os: string): boolean {
	return pathEntries(env, os).some((entry) => sameDir(entry, dir, os));
}

/** Release download names: `<os>-<arch>` as the helper's release bucket spells them. */
export function releasePlatform(os: string, arch: string): string | undefined {
	const releaseOs = os === 'win32' ? 'windows' : os === 'linux' || os === 'darwin' ? os : undefined;
	const releaseArch = arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
	return releaseOs && releaseArch ? `${releaseOs}-${releaseArch}` : undefined;
}

export function releaseAssetUrl(input: {
	os: string;
	arch: string;
	version?: string;
	baseUrl?: string;
}): string | undefined {
	const platform = releasePlatform(input.os, input.arch);
	if (!platform) return undefined;
	const base = (input.baseUrl ?? HELPER_RELEASE_BASE_URL).replace(/\/+$/, '');
	return `${base}/${input.version ?? DEFAULT_HELPER_VERSION}/${platform}/${helperExecutableName('ecr-login', input.os)}`;
}

/** A per-user directory that needs no sudo: `~/.local/bin`, or `%LOCALAPPDATA%\Programs\ecr-setup\bin` on Windows. */
export function userBinDir(platform: Pick<PlatformInfo, 'os' | 'home'>, env: Env): string {
	if (platform.os === 'win32') {
		const local = env['LOCALAPPDATA'] ?? path.win32.join(platform.home, 'AppData', 'Local');
		return path.win32.join(local, 'Programs', 'ecr-setup', 'bin');
	}

	return path.posix.join(platform.home, '.local', 'bin');
}

/** Where `go install` puts binaries: GOBIN, else the first GOPATH entry's bin, else ~/go/bin. */
export function goBinDir(platform: Pick<PlatformInfo, 'os' | 'home'>, env: Env): string {
	const api = pathApi(platform.os);
	if (env['GOBIN']) return env['GOBIN'];
	const gopath = env['GOPATH']?.split(platform.os === 'win32' ? ';' : ':').find(Boolean);
	return api.join(gopath ?? api.join(platform.home, 'go'), 'bin');
}

/** The exact step that puts dir on PATH for this user's shell. */
export function pathAdvice(dir: string, platform: Pick<PlatformInfo, 'os' | 'home'>, env: Env): string {
	if (platform.os === 'win32') {
		return `In PowerShell: [Environment]::SetEnvironmentVariable('Path', [Environment]::GetEnvironmentVariable('Path', 'User') + ';${dir}', 'User') — then open a new terminal (and restart Docker Desktop).`;
	}

	const shown = dir.startsWith(`${platform.home}/`) ? `$HOME/${dir.slice(platform.home.length + 1)}` : dir;
	const shell = path.posix.basename(env['SHELL'] ?? '');
	if (shell === 'fish') return `fish_add_path ${shown.replace('$HOME', '~')}`;
	const rc = shell === 'zsh' ? '~/.zshrc' : platform.os === 'darwin' ? '~/.bash_profile' : '~/.bashrc';
	return `echo 'export PATH="${shown}:$PATH"' >> ${rc} — then open a new terminal.`;
}

const DEBIAN_DERIVATIVES = new Set([
	'raspbian',
	'linuxmint',
	'pop',
	'elementary',
	'kali',
	'neon',
	'zorin',
	'devuan',
	'mx',
]);

/** Whether the distribution's own repositories carry the helper (Debian ≥ 11, Ubuntu ≥ 19.04, Amazon Linux, Alpine). */
export function distroPackageFit(
	platform: Pick<PlatformInfo, 'distro' | 'distroVersion'>,
): {method: 'apt' | 'dnf' | 'yum' | 'apk'; certain: boolean} | undefined {
	const {distro, distroVersion} = platform;
	switch (distro) {
		case 'debian':
			// Testing and sid have no VERSION_ID; they carry the package too.
			return distroVersion === undefined || versionAtLeast(distroVersion, [11])
				? {method: 'apt', certain: true}
				: undefined;
		case 'ubuntu':
			return versionAtLeast(distroVersion, [19, 4]) ? {method: 'apt', certain: true} : undefined;
		case 'amzn':
			if (distroVersion === '2') return {method: 'yum', certain: true};
			return versionAtLeast(distroVersion, [2023]) ? {method: 'dnf', certain: true} : undefined;
		case 'alpine':
			return {method: 'apk', certain: true};
		default:
			return distro && DEBIAN_DERIVATIVES.has(distro) ? {method: 'apt', certain: false} : undefined;
	}
}

export type PlanOptions = {
	env: Env;
	/** Release version for the binary method (default DEFAULT_HELPER_VERSION). */
	version?: string;
	/** Release base URL (default HELPER_RELEASE_BASE_URL; tests point it at a local server). */
	baseUrl?: string;
	/** Known sums (default the table that ships with ecr-setup). */
	checksums?: ChecksumTable;
};

function systemPlan(platform: PlatformInfo, method: 'apt' | 'dnf' | 'yum' | 'apk', certain: boolean): InstallPlan {
	const sudo = platform.isRoot ? [] : ['sudo'];
	const tail = platform.isRoot ? '' : ' (with sudo: you are not root)';
	const name = platform.distro ?? 'this Linux';
	const wsl = platform.isWsl
		? ' inside this WSL distribution (docker in WSL runs the Linux helper, not a Windows .exe)'
		: '';
	const unsure = certain ? '' : ` ${name} is Debian-based; its repositories may not carry the package.`;
	switch (method) {
		case 'apt':
			return {
				method,
				before: [[...sudo, 'apt-get', 'update']],
				command: [...sudo, 'apt-get', 'install', '-y', 'amazon-ecr-credential-helper'],
				needsSudo: !platform.isRoot,
				description: `Install amazon-ecr-credential-helper from the ${name} archive with apt-get${wsl}${tail}.${unsure}`,
			};
		case 'dnf':
			return {
				method,
				before: [],
				command: [...sudo, 'dnf', 'install', '-y', 'amazon-ecr-credential-helper'],
				needsSudo: !platform.isRoot,
				description: `Install amazon-ecr-credential-helper from the ${platform.distro === 'amzn' ? 'Amazon Linux 2023' : name} repositories with dnf${wsl}${tail}.`,
			};
		case 'yum':
			return {
				method,
				before: [[...sudo, 'amazon-linux-extras', 'enable', 'docker']],
				command: [...sudo, 'yum', 'install', '-y', 'amazon-ecr-credential-helper'],
				needsSudo: !platform.isRoot,
				description: `Enable the Amazon Linux 2 docker extras, then install amazon-ecr-credential-helper with yum${tail}.`,
			};
		case 'apk':
			return {
				method,
				before: [],
				command: [...sudo, 'apk', 'add', 'docker-credential-ecr-login'],
				needsSudo: !platform.isRoot,
				description: `Install docker-credential-ecr-login from the Alpine community repository with apk${tail}.`,
			};
	}
}

/** Install options for a machine, best first. Only methods whose tool is present are offered. */
export function planInstalls(platform: PlatformInfo, options: PlanOptions): InstallPlan[] {
	const has = (method: InstallMethod) =>
		platform.packageManagers.includes(method) || Boolean(platform.commandPaths?.[method]);
	const plans: InstallPlan[] = [];
	const later: InstallPlan[] = [];

	if (platform.os === 'darwin' && has('brew')) plans.push(brewPlan(platform));

	if (platform.os === 'linux') {
		const fit = distroPackageFit(platform);
		if (fit && has(fit.method)) (fit.certain ? plans : later).push(systemPlan(platform, fit.method, fit.certain));
		if (has('brew')) later.push(brewPlan(platform));
	}

	const binary = binaryPlan(platform, options);
	if (binary) plans.push(binary);
	plans.push(...later);

	if (has('go')) {
		const dir = goBinDir(platform, options.env);
		plans.push({
			method: 'go',
			before: [],
			command: [platform.commandPaths?.go ?? 'go', 'install', HELPER_GO_PACKAGE],
			needsSudo: false,
			description: `Build it from source with go install into ${dir}${isDirOnPath(dir, options.env, platform.os) ? '' : ' (not on your PATH yet)'}.`,
			target: {
				path: pathApi(platform.os).join(dir, helperExecutableName('ecr-login', platform.os)),
				onPath: isDirOnPath(dir, options.env, platform.os),
			},
		});
	}

	return plans;
}

function brewPlan(platform: PlatformInfo): InstallPlan {
	const brew = platform.commandPaths?.brew;
	const where = brew
		? ` (Homebrew at ${brew}, which is not on your PATH: docker will not find what it installs until its bin directory is)`
		: '';
	return {
		method: 'brew',
		before: [],
		command: [brew ?? 'brew', 'install', 'docker-credential-helper-ecr'],
		// Homebrew refuses to run as root and never needs sudo.
		needsSudo: false,
		description: `Install docker-credential-helper-ecr with Homebrew${where}.`,
	};
}

function binaryPlan(platform: PlatformInfo, options: PlanOptions): InstallPlan | undefined {
	const version = options.version ?? DEFAULT_HELPER_VERSION;
	const releaseName = releasePlatform(platform.os, platform.arch);
	const url = releaseAssetUrl({
		os: platform.os,
		arch: platform.arch,
		version,
		...(options.baseUrl ? {baseUrl: options.baseUrl} : {}),
	});
	if (!url || !releaseName) return undefined;
	const dir = userBinDir(platform, options.env);
	const onPath = isDirOnPath(dir, options.env, platform.os);
	const target = pathApi(platform.os).join(dir, helperExecutableName('ecr-login', platform.os));
	const advice = pathAdvice(dir, platform, options.env);
	const known = knownChecksum(version, releaseName, options.checksums);
	const check = known
		? "check its SHA-256 against ecr-setup's table of known sums and the release's .sha256"
		: "check it against the release's .sha256 only (unverified: this version is not in ecr-setup's table of known sums)";
	return {
		method: 'binary',
		before: [],
		command: [],
		needsSudo: false,
		description: `Download the ${version} release binary for ${releaseName}, ${check}, and install it as ${target}${onPath ? '' : `. ${dir} is not on your PATH: ${advice}`}`,
		target: {path: target, onPath},
		download: {
			url,
			checksumUrl: `${url}.sha256`,
			version,
			releasePlatform: releaseName,
			...(onPath ? {} : {pathAdvice: advice}),
			...(known ? {known: {sha256: known.sha256, source: known.source}} : {}),
		},
	};
}

/** The shell text of an install plan, every command in the order it runs (a download when nothing is spawned). */
export function installCommandText(plan: InstallPlan): string {
	if (plan.command.length === 0) {
		return plan.download
			? `download ${plan.download.url}${plan.target ? ` to ${plan.target.path}` : ''}`
			: plan.description;
	}

	return [...plan.before, plan.command].map((argv) => commandLine(argv)).join(' && ');
}
