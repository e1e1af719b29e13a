/**
 * Container engines other than docker, as pure functions of their inputs (OS, environment, what is on PATH): which
 * engine a run is for, and which files each engine reads its registry credentials from. Nothing here touches the disk
 * (see `source/engines/service.ts`).
 *
 * - docker: `config.json` (see `source/docker-config/`); `credHelpers`, `credsStore`, `auths`.
 * - podman (containers/image, `containers-auth.json(5)`): the primary read/write file is `$REGISTRY_AUTH_FILE`, else
 *   `${XDG_RUNTIME_DIR}/containers/auth.json` on Linux (`/run/containers/<uid>/auth.json` when XDG_RUNTIME_DIR is unset),
 *   `~/.config/containers/auth.json` on macOS and Windows. Lookups go on, for a host the primary file does not name, to
 *   `${XDG_CONFIG_HOME:-~/.config}/containers/auth.json`, `~/.docker/config.json` and `~/.dockercfg`. Each file may have
 *   `auths` and `credHelpers` (no `credsStore`). `podman login --password-stdin` writes the primary file.
 * - Finch: `finch.yaml` `creds_helpers: [ecr-login]` makes Finch install the helper into its VM on `finch vm start`;
 *   nerdctl in the VM reads `~/.finch/config.json` (docker's format) as its DOCKER_CONFIG.
 */
import path from 'node:path';
import {UsageError} from '../errors/user-errors.js';

export const ENGINE_NAMES = ['docker', 'podman', 'finch'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

type Env = Record<string, string | undefined>;

/** `--engine` value → engine; a usage error naming the choices for anything else. */
export function parseEngine(value: string | undefined): EngineName | undefined {
	if (value === undefined) return undefined;
	const normal = value.trim().toLowerCase();
	if ((ENGINE_NAMES as readonly string[]).includes(normal)) return normal as EngineName;
	throw new UsageError(`--engine ${value} is not a container engine ecr-setup knows.`, {
		hint: `Use one of: ${ENGINE_NAMES.join(', ')}.`,
	});
}

/** A DOCKER_HOST that names podman's API socket (rootless `/run/user/<uid>/podman/podman.sock`, rootful `/run/podman/podman.sock`, podman machine). */
export function dockerHostIsPodman(dockerHost: string | undefined): boolean {
	if (!dockerHost) return false;
	return /podman(?:[-_.][\w.-]*)?\.sock\b|\/podman\/|podman-machine/i.test(dockerHost);
}

export type EngineDetection = {
	engine: EngineName;
	/** How it was chosen. */
	source: 'flag' | 'path' | 'none-found';
	/** The executable found on PATH for the chosen engine, when one was. */
	binary: string | null;
	/** Things worth saying about the choice (shown as notes). */
	notes: string[];
};

/**
 * The engine a run is for: `--engine`, else the first of docker, podman, finch found on PATH (docker when none is).
 * `found` holds what a PATH lookup returned for each engine's CLI.
 */
export function detectEngine(input: {
	flag?: string | undefined;
	found: Partial<Record<EngineName, string | null>>;
	env: Env;
}): EngineDetection {
	const notes: string[] = [];
	const dockerHost = input.env['DOCKER_HOST'];
	const podmanSocket = dockerHostIsPodman(dockerHost);
	const flag = parseEngine(input.flag);
	let detection: EngineDetection;
	if (flag) {
		detection = {engine: flag, source: 'flag', binary: input.found[flag] ?? null, notes};
		if (!detection.binary) notes.push(`--engine ${flag}: no \`${flag}\` on PATH.`);
	} else {
		const first = ENGINE_NAMES.find((name) => input.found[name]);
		detection = first
			? {engine: first, source: 'path', binary: input.found[first]!, notes}
			: {engine: 'docker', source: 'none-found', binary: null, notes};
		if (!first) notes.push('No container engine (docker, podman or finch) is on PATH; assuming docker.');
		else if (first === 'docker' && input.found.podman)
			notes.push('podman is installed too; pass --engine podman to configure it instead.');
	}

	if (podmanSocket && detection.engine === 'docker') {
		notes.push(
			`DOCKER_HOST (${dockerHost}) points at podman's socket: the docker CLI still does the registry login, from docker's config.json, so configure docker (this run does).`,
		);
	}

	return detection;
}

// ───────────────────────────── podman ─────────────────────────────

export type PodmanAuthInput = {os: string; env: Env; home: string; uid?: number | undefined};

export type PodmanAuthFiles = {
	/** Where `podman login` writes, and the first file read. */
	primary: string;
	primarySource: 'REGISTRY_AUTH_FILE' | 'XDG_RUNTIME_DIR' | 'per-uid' | 'home';
	/** Every file podman reads credentials from, in order. */
	readOrder: string[];
	/** The primary file is on a tmpfs that is emptied at logout or reboot (Linux runtime directory). */
	primaryIsVolatile: boolean;
};

function api(os: string) {
	return os === 'win32' ? path.win32 : path.posix;
}

/** containers-auth.json(5) for a machine. */
export function podmanAuthFiles(input: PodmanAuthInput): PodmanAuthFiles {
	const {env, home, os} = input;
	const join = api(os).join;
	const configHome = os === 'linux' && env['XDG_CONFIG_HOME'] ? env['XDG_CONFIG_HOME'] : join(home, '.config');
	const persistent = join(configHome, 'containers', 'auth.json');
	let primary: string;
	let primarySource: PodmanAuthFiles['primarySource'];
	if (env['REGISTRY_AUTH_FILE']) {
		primary = env['REGISTRY_AUTH_FILE'];
		primarySource = 'REGISTRY_AUTH_FILE';
	} else if (os !== 'linux') {
		primary = join(home, '.config', 'containers', 'auth.json');
		primarySource = 'home';
	} else if (env['XDG_RUNTIME_DIR']) {
		primary = path.posix.join(env['XDG_RUNTIME_DIR'], 'containers', 'auth.json');
		primarySource = 'XDG_RUNTIME_DIR';
	} else {
		primary = `/run/containers/${input.uid ?? 0}/auth.json`;
		primarySource = 'per-uid';
	}

	const readOrder = [primary];
	// An explicit REGISTRY_AUTH_FILE is the override the man page describes: the fallbacks are still read after it.
	for (const file of [persistent, join(home, '.docker', 'config.json'), join(home, '.dockercfg')]) {
		if (!readOrder.includes(file)) readOrder.push(file);
	}

	const primaryIsVolatile = primarySource === 'XDG_RUNTIME_DIR' || primarySource === 'per-uid';
	return {primary, primarySource, readOrder, primaryIsVolatile};
}

/**
 * The podman file ecr-setup writes `credHelpers` to. REGISTRY_AUTH_FILE when set (the user chose it); otherwise the
 * persistent `~/.config/containers/auth.json`, not the runtime one, which a reboot empties: podman reads it for every host
 * the primary file does not name.
 */
export function podmanHelperFile(input: PodmanAuthInput): {path: string; why: string} {
	const files = podmanAuthFiles(input);
	if (files.primarySource === 'REGISTRY_AUTH_FILE') return {path: files.primary, why: 'REGISTRY_AUTH_FILE names it'};
	if (!files.primaryIsVolatile) return {path: files.primary, why: "podman's auth file on this OS"};
	return {
		path: files.readOrder[1]!,
		why: `${files.primary} is emptied at every reboot; podman reads this file for every registry that one does not name`,
	};
}

// ───────────────────────────── Finch ─────────────────────────────

export type FinchFiles = {
	/** Finch's own settings (creds_helpers). */
	yaml: string;
	/** The docker-format config nerdctl reads in the VM (DOCKER_CONFIG). */
	config: string;
	dir: string;
};

/** `~/.finch` on macOS (and Linux, best effort), `%LOCALAPPDATA%\.finch` on Windows. */
export function finchFiles(input: {os: string; env: Env; home: string}): FinchFiles {
	const join = api(input.os).join;
	const dir =
		input.os === 'win32'
			? join(input.env['LOCALAPPDATA'] || join(input.home, 'AppData', 'Local'), '.finch')
			: join(input.home, '.finch');
	return {dir, yaml: join(dir, 'finch.yaml'), config: join(dir, 'config.json')};
}

// ───────────────────────────── WSL and Windows paths ─────────────────────────────

/** `C:\Users\Jane Doe\.docker` → `/mnt/c/Users/Jane Doe/.docker` (automount root from /etc/wsl.conf, default /mnt/). */
export function windowsPathToWsl(windowsPath: string, mountRoot = '/mnt/'): string | undefined {
	const match = /^([A-Za-z]):[\\/]?(.*)$/.exec(windowsPath.trim());
	if (!match) return undefined;
	const root = mountRoot.endsWith('/') ? mountRoot : `${mountRoot}/`;
	const rest = match[2]!
		.split(/[\\/]+/)
		.filter(Boolean)
		.join('/');
	return `${root}${match[1]!.toLowerCase()}${rest ? `/${rest}` : ''}`;
}

/** `/mnt/c/Program Files/Docker` → `C:\Program Files\Docker`; undefined for a path inside the Linux file system. */
export function wslPathToWindows(wslPath: string, mountRoot = '/mnt/'): string | undefined {
	const root = mountRoot.endsWith('/') ? mountRoot : `${mountRoot}/`;
	if (!wslPath.startsWith(root)) return undefined;
	const match = /^([a-zA-Z])(?:\/(.*))?$/.exec(wslPath.slice(root.length));
	if (!match) return undefined;
	return `${match[1]!.toUpperCase()}:\\${(match[2] ?? '').split('/').filter(Boolean).join('\\')}`;
}

export type WslDockerClient = {
	/** Which docker CLI runs: the Linux one inside WSL, or Windows' `docker.exe` called from WSL. */
	side: 'linux' | 'windows';
	/** The config.json that CLI reads, as a path usable from WSL (undefined when the Windows profile is unknown). */
	configFile: string | undefined;
	/** The same file as Windows names it (windows side only). */
	windowsConfigFile?: string;
	/** The ecr-login helper executable that CLI runs. */
	helper: string;
	notes: string[];
};

/**
 * Inside WSL, which docker CLI `dockerPath` is and which config file it reads:
 * - a Linux `docker` (Docker Desktop's WSL integration, or docker installed in the distribution) reads the Linux user's
 *   `~/.docker/config.json` (or DOCKER_CONFIG) and runs Linux helpers — Docker Desktop puts `credsStore: desktop.exe` there;
 * - `docker.exe` (under `/mnt/<drive>/…`) is the Windows CLI: it reads `%USERPROFILE%\.docker\config.json` and runs
 *   `docker-credential-ecr-login.exe` from the Windows PATH; WSL's DOCKER_CONFIG reaches it only through WSLENV.
 */
export function wslDockerClient(input: {
	dockerPath: string;
	env: Env;
	home: string;
	/** %USERPROFILE% as Windows spells it (from `cmd.exe /c echo %USERPROFILE%`), when known. */
	windowsUserProfile?: string | undefined;
	mountRoot?: string;
}): WslDockerClient {
	const mountRoot = input.mountRoot ?? '/mnt/';
	const windows = /\.exe$/i.test(input.dockerPath) || wslPathToWindows(input.dockerPath, mountRoot) !== undefined;
	const notes: string[] = [];
	if (!windows) {
		const dir = input.env['DOCKER_CONFIG'] || path.posix.join(input.home, '.docker');
		return {
			side: 'linux',
			configFile: path.posix.join(dir, 'config.json'),
			helper: 'docker-credential-ecr-login',
			notes,
		};
	}

	const forwarded = (input.env['WSLENV'] ?? '').split(':').some((entry) => entry.split('/')[0] === 'DOCKER_CONFIG');
	if (input.env['DOCKER_CONFIG'] && !forwarded)
		notes.push('DOCKER_CONFIG is set in WSL but not listed in WSLENV, so docker.exe does not see it.');
	const profile = input.windowsUserProfile;
	const windowsConfigFile = profile ? path.win32.join(profile, '.docker', 'config.json') : undefined;
	const configFile = windowsConfigFile ? windowsPathToWsl(windowsConfigFile, mountRoot) : undefined;
	if (!profile)
		notes.push('The Windows user profile is unknown: docker.exe reads %USERPROFILE%\\.docker\\config.json.');
	notes.push(
		'docker.exe runs Windows credential helpers: docker-credential-ecr-login.exe must be on the Windows PATH, not in WSL.',
	);
	return {
		side: 'windows',
		configFile,
		...(windowsConfigFile ? {windowsConfigFile} : {}),
		helper: 'docker-credential-ecr-login.exe',
		notes,
	};
}
