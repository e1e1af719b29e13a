/**
 * Runs the bundle's CommonJS files (dist/app-….cjs, the application, and dist/vendor/*.cjs: Ink + React, the AWS SDK,
 * execa, yaml; see scripts/build.mjs) with a V8 code cache, as Node 22's `module.enableCompileCache()` does for modules;
 * Node 20 has no such thing, and its ESM loader cannot take cached data at all. The first run compiles as usual and, on
 * exit, saves what V8 compiled; later runs skip parsing and compiling those functions (the AWS SDK alone: 38–41 ms to
 * compile, 10 ms to load from the cache).
 *
 * The cache is only an optimisation: any problem (no home, unwritable or foreign directory, corrupt or stale data,
 * another Node) means compiling as usual, never an error. V8 rejects data made by another V8 or for other source; the
 * file name holds the bundle's name (with esbuild's content hash), its size and mtime, and the Node version and arch.
 * Cached data is code, so it is only read from a directory and file owned by this user and writable by no one else.
 *
 * ECR_SETUP_COMPILE_CACHE=0 (or off/false) turns it off; any other value is the directory to use.
 */
import {
	closeSync,
	fstatSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import vm from 'node:vm';
import {debug} from '../lib/log.js';

type Env = Record<string, string | undefined>;

/** Where cached code lives by default, per platform; null when it is turned off or there is no home to put it in. */
export function compileCacheDir(env: Env, platform: NodeJS.Platform, home: string | undefined): string | null {
	const setting = env['ECR_SETUP_COMPILE_CACHE'];
	if (setting !== undefined && setting !== '') {
		return /^(?:0|off|false|no)$/i.test(setting) ? null : path.resolve(setting);
	}

	if (platform === 'win32') {
		const local = env['LOCALAPPDATA'] ?? (home ? path.win32.join(home, 'AppData', 'Local') : undefined);
		return local ? path.win32.join(local, 'ecr-setup', 'compile-cache') : null;
	}

	if (platform === 'darwin') return home ? path.join(home, 'Library', 'Caches', 'ecr-setup', 'compile-cache') : null;
	const xdg = env['XDG_CACHE_HOME'];
	if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'ecr-setup', 'compile-cache');
	return home ? path.join(home, '.cache', 'ecr-setup', 'compile-cache') : null;
}

/** The cache file for a script: its name, size and mtime, and the Node that compiled it. */
export function cacheFileName(file: string, size: number, mtimeMs: number): string {
	return `${path.basename(file)}-${size}-${Math.trunc(mtimeMs)}-${process.version}-${process.arch}.v8cache`;
}

/** POSIX: owned by us and not writable by group or others. Windows has neither notion here: its profile dir is private. */
function trusted(stats: {uid: number; mode: number}): boolean {
	if (typeof process.getuid !== 'function') return true;
	return stats.uid === process.getuid() && (stats.mode & 0o022) === 0;
}

/** What a cache file holds code for: one line per kind of run (see runKind) that wrote or added to it. */
const COVERS = '.covers';
/** Enough for every command and the wizard; a cache is not rewritten for more. */
const MAX_COVERS = 32;

function readTrusted(file: string): Buffer | undefined {
	let fd: number | undefined;
	try {
		if (!trusted(statSync(path.dirname(file)))) return undefined;
		fd = openSync(file, 'r');
		const stats = fstatSync(fd);
		if (!stats.isFile() || !trusted(stats)) return undefined;
		return readFileSync(fd);
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
}

/** The part of a cache file name that stays the same across builds and Node versions: "aws-" for aws-LPWBF3TO.cjs. */
function bundleStem(file: string): string {
	const name = path.basename(file);
	return `${/^(.+)-[A-Z0-9]{8}\.c?js$/.exec(name)?.[1] ?? name}-`;
}

/** Cached code of older builds or other Node versions of the same bundle: it would never be read again. */
function pruneStale(dir: string, keep: string, stem: string): void {
	for (const name of readdirSync(dir)) {
		const stale = name !== keep && name !== `${keep}${COVERS}` && name.startsWith(stem);
		if (stale && (name.endsWith('.v8cache') || name.endsWith(`.v8cache${COVERS}`)))
			rmSync(path.join(dir, name), {force: true});
	}
}

function writeFileAtomically(file: string, data: Buffer | string): void {
	const temporary = `${file}.${process.pid}.tmp`;
	try {
		writeFileSync(temporary, data, {mode: 0o600});
		renameSync(temporary, file);
	} catch (error) {
		rmSync(temporary, {force: true});
		throw error;
	}
}

/** The cached code, then the list of kinds of run it covers (a reader that sees the new list also sees the new code). */
function writeCache(file: string, data: Buffer, covers: string[], stem: string): void {
	const dir = path.dirname(file);
	mkdirSync(dir, {recursive: true, mode: 0o700});
	if (!trusted(statSync(dir))) return;
	pruneStale(dir, path.basename(file), stem);
	writeFileAtomically(file, data);
	writeFileAtomically(`${file}${COVERS}`, `${covers.join('\n')}\n`);
}

/**
 * The kind of run this process is, for what a cache covers: the command (`login`, `doctor`…), `help`, or `wizard`.
 * A cache holds the code of the runs that wrote it; a run of another kind adds its code, once.
 */
export function runKind(argv: readonly string[]): string {
	const command = argv.find((arg) => !arg.startsWith('-'));
	if (command !== undefined)
		return (
			command
				.toLowerCase()
				.replaceAll(/[^a-z0-9-]/g, '')
				.slice(0, 24) || 'other'
		);
	return argv.includes('--help') || argv.includes('-h') ? 'help' : 'wizard';
}

export type LoadResult = {
	exports: unknown;
	/** used: V8 took the cached code; rejected: it refused it (other V8, other source); missing: none to read; off: no cache. */
	cache: 'used' | 'rejected' | 'missing' | 'off';
	/**
	 * Writes what V8 has compiled so far, when the cache is missing, rejected, or does not cover this kind of run yet
	 * (no-op otherwise). Runs by itself on process exit.
	 */
	save: () => void;
};

/**
 * Runs a CommonJS file as Node would (its own require, module, exports, __filename, __dirname), with cached code when
 * there is some. When there was none or V8 rejected it, the code compiled by the end of this process is saved on exit.
 */
export function loadCommonJs(file: string, options: {cacheDir: string | null; kind?: string}): LoadResult {
	const started = performance.now();
	const text = readFileSync(file, 'utf8');
	// A #! line, as Node's own loader allows, becomes a comment (the same line count, so stack traces still match).
	const source = text.startsWith('#!') ? `//${text.slice(2)}` : text;
	const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
	let cacheFile: string | undefined;
	let cachedData: Buffer | undefined;
	if (options.cacheDir) {
		try {
			const stats = statSync(file);
			cacheFile = path.join(options.cacheDir, cacheFileName(file, stats.size, stats.mtimeMs));
			cachedData = readTrusted(cacheFile);
		} catch {
			cacheFile = undefined;
		}
	}

	const script = new vm.Script(wrapper, {filename: file, ...(cachedData ? {cachedData} : {})});
	const cache: LoadResult['cache'] = !cacheFile
		? 'off'
		: !cachedData
			? 'missing'
			: script.cachedDataRejected
				? 'rejected'
				: 'used';
	const kind = options.kind ?? 'default';
	const covered =
		cache === 'used' && cacheFile
			? (readTrusted(`${cacheFile}${COVERS}`)?.toString('utf8').split('\n').filter(Boolean) ?? [])
			: [];
	// A used cache is written again only for a kind of run it does not cover yet: the new file holds both.
	let saved = cacheFile === undefined || (cache === 'used' && (covered.includes(kind) || covered.length >= MAX_COVERS));
	const save = () => {
		if (saved || cacheFile === undefined) return;
		saved = true;
		try {
			writeCache(cacheFile, script.createCachedData(), [...covered, kind], bundleStem(file));
		} catch {
			// Read-only home, full disk, a race with another run: next time compiles again.
		}
	};

	// On exit, not now: by then V8 has compiled every function this run called, and the cache holds them all.
	if (!saved) process.once('exit', save);

	const module = {exports: {} as unknown};
	const run = script.runInThisContext() as (
		exports: unknown,
		require: NodeJS.Require,
		module: {exports: unknown},
		filename: string,
		dirname: string,
	) => void;
	run(module.exports, createRequire(file), module, file, path.dirname(file));
	debug('load', path.basename(file), {cache, ms: Math.round(performance.now() - started)});
	return {exports: module.exports, cache, save};
}

/** dist/ as seen from `near`, the file (path or file: URL) of a module of the build: dist/cli.js or dist/app-….cjs. */
function distDir(near: string): string {
	return path.dirname(near.startsWith('file:') ? fileURLToPath(near) : near);
}

function cacheDirHere(): string | null {
	return compileCacheDir(process.env, process.platform, process.env['HOME'] ?? process.env['USERPROFILE']);
}

/** Runs dist/<file> (dist is where `near` is) with the code cache; its exports. */
export function loadBundled(file: string, near: string): unknown {
	return loadCommonJs(path.join(distDir(near), file), {cacheDir: cacheDirHere(), kind: runKind(process.argv.slice(2))})
		.exports;
}

const loaded = new Map<string, Record<string, unknown>>();

/** A vendor bundle's exports (one property per package it holds), loaded once per process from dist/vendor/. */
export function loadVendor(name: string, near: string): Record<string, unknown> {
	let exports = loaded.get(name);
	if (!exports) {
		exports = loadBundled(path.join('vendor', name), near) as Record<string, unknown>;
		loaded.set(name, exports);
	}

	return exports;
}
