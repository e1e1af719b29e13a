/**
 * Shared pieces of the config-safety suites: a bundle of the real config service that plain `node` child processes can
 * import (so a writer can be SIGKILLed, run as another user, or inside its own mount namespace), and probes for what this
 * machine allows (root, unshare + tmpfs mounts, a docker CLI to use as an oracle).
 */
import {spawn, spawnSync} from 'node:child_process';
import * as fs from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const SOURCE = fileURLToPath(new URL('../../source/', import.meta.url));

/** The config service and the pure docker-config modules it builds on, as one bundle exports them. */
const BUNDLED = ['service', 'errors', 'location', 'parse', 'stores', 'edit', 'backups'];

/** Bundle source/docker-config/service.ts (+ the rules and lib it uses) into `<dir>/config-service.mjs`; returns its path. */
export async function bundleConfigService(dir: string): Promise<string> {
	const entry = join(dir, 'entry.ts');
	await fs.writeFile(
		entry,
		BUNDLED.map((name) => `export * from ${JSON.stringify(join(SOURCE, `docker-config/${name}.ts`))};\n`).join(''),
	);
	const outfile = join(dir, 'config-service.mjs');
	await build({
		entryPoints: [entry],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		mainFields: ['module', 'main'],
		logLevel: 'silent',
	});
	return outfile;
}

export async function makeTempRoot(prefix: string, base = tmpdir()): Promise<string> {
	const root = await fs.mkdtemp(join(base, prefix));
	// Reachable by an unprivileged child (the permission tests run one as nobody).
	await fs.chmod(root, 0o755);
	return root;
}

export const isRoot = process.getuid?.() === 0;

let mountProbe: boolean | undefined;
/** Can we mount a private tmpfs (root, unshare -m)? Tried once. */
export function canMountTmpfs(): boolean {
	if (mountProbe !== undefined) return mountProbe;
	if (process.platform !== 'linux' || !isRoot) return (mountProbe = false);
	const probe = spawnSync(
		'unshare',
		[
			'-m',
			'sh',
			'-c',
			'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d"; r=$?; rmdir "$d"; exit $r',
		],
		{
			stdio: 'ignore',
			timeout: 5000,
		},
	);
	return (mountProbe = probe.status === 0);
}

/** setpriv can drop to nobody (root only). */
export function canDropPrivileges(): boolean {
	if (process.platform !== 'linux' || !isRoot) return false;
	const probe = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true'], {
		stdio: 'ignore',
		timeout: 5000,
	});
	return probe.status === 0;
}

let dockerProbe: string | null | undefined;
/** The docker CLI, when installed (used only as an oracle for what docker accepts; no daemon needed). */
export function dockerCli(): string | null {
	if (dockerProbe !== undefined) return dockerProbe;
	const probe = spawnSync('docker', ['--version'], {encoding: 'utf8', timeout: 10_000});
	return (dockerProbe = probe.status === 0 ? 'docker' : null);
}

/** Does docker warn that it cannot parse the config in `dir`? (`docker context ls` loads it and needs no daemon.) */
export function dockerRejects(dir: string): {rejects: boolean; warning: string} {
	const run = spawnSync('docker', ['--config', dir, 'context', 'ls', '-q'], {
		encoding: 'utf8',
		timeout: 10_000,
		env: {PATH: process.env['PATH'], HOME: dir},
	});
	const warning = /WARNING: Error (?:parsing|loading) config file[^\n]*/.exec(run.stderr)?.[0] ?? '';
	return {rejects: warning !== '', warning};
}

export type ChildResult = {code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string};

/** Run a command to completion, collecting output (tests only: the product spawns through ProcessRunner). */
export async function runChild(
	file: string,
	args: string[],
	options: {timeoutMs?: number; env?: NodeJS.ProcessEnv} = {},
): Promise<ChildResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(file, args, {stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code, signal, stdout, stderr});
		});
	});
}

/** A one-line summary the suites print, so `npm test` shows what was tried. */
export function report(suite: string, figures: Record<string, string | number>): void {
	console.log(
		`[reliability] ${suite}: ${Object.entries(figures)
			.map(([key, value]) => `${key}=${value}`)
			.join(', ')}`,
	);
}
