import {execFileSync} from 'node:child_process';
import {chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {cacheFileName, compileCacheDir, runKind} from '../../source/runtime/compile-cache.js';

describe('compileCacheDir', () => {
	it('follows each platform’s cache convention', () => {
		expect(compileCacheDir({}, 'linux', '/home/ana')).toBe('/home/ana/.cache/ecr-setup/compile-cache');
		expect(compileCacheDir({XDG_CACHE_HOME: '/var/cache/ana'}, 'linux', '/home/ana')).toBe(
			'/var/cache/ana/ecr-setup/compile-cache',
		);
		// A relative XDG_CACHE_HOME is invalid by the spec and ignored.
		expect(compileCacheDir({XDG_CACHE_HOME: 'cache'}, 'linux', '/home/ana')).toBe(
			'/home/ana/.cache/ecr-setup/compile-cache',
		);
		expect(compileCacheDir({}, 'darwin', '/Users/ana')).toBe('/Users/ana/Library/Caches/ecr-setup/compile-cache');
		expect(compileCacheDir({LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local'}, 'win32', 'C:\\Users\\ana')).toBe(
			'C:\\Users\\ana\\AppData\\Local\\ecr-setup\\compile-cache',
		);
		expect(compileCacheDir({}, 'win32', 'C:\\Users\\ana')).toBe(
			'C:\\Users\\ana\\AppData\\Local\\ecr-setup\\compile-cache',
		);
	});

	it('is off with ECR_SETUP_COMPILE_CACHE=0/off/false/no, elsewhere with a path, and off with no home', () => {
		for (const value of ['0', 'off', 'false', 'no', 'OFF'])
			expect(compileCacheDir({ECR_SETUP_COMPILE_CACHE: value}, 'linux', '/home/ana')).toBeNull();
		expect(compileCacheDir({ECR_SETUP_COMPILE_CACHE: '/tmp/cc'}, 'linux', '/home/ana')).toBe('/tmp/cc');
		expect(compileCacheDir({}, 'linux', undefined)).toBeNull();
	});
});

/**
 * Each load runs in its own Node process, as in real use: within one process V8 keeps compiled scripts in memory and
 * would answer from there, whatever the cache file holds. The loader is bundled for those processes with esbuild.
 */
describe('runKind', () => {
	it('is the command, help, or the wizard', () => {
		expect(runKind(['login', '--registry', 'x'])).toBe('login');
		expect(runKind(['--json', 'doctor'])).toBe('doctor');
		expect(runKind(['--help'])).toBe('help');
		expect(runKind(['-h'])).toBe('help');
		expect(runKind([])).toBe('wizard');
		expect(runKind(['--yes'])).toBe('wizard');
		expect(runKind(['Weird/Name!'])).toBe('weirdname');
	});
});

describe('loadCommonJs', () => {
	let dir: string;
	let cacheDir: string;
	let file: string;
	let runner: string;

	beforeAll(async () => {
		const {build} = await import('esbuild');
		const probeDir = mkdtempSync(path.join(os.tmpdir(), 'ecr-setup-compile-cache-runner-'));
		runner = path.join(probeDir, 'runner.mjs');
		const entry = path.join(probeDir, 'entry.mjs');
		writeFileSync(
			entry,
			[
				`import {loadCommonJs} from ${JSON.stringify(path.resolve('source/runtime/compile-cache.ts'))};`,
				'const [file, cacheDir, n, kind] = process.argv.slice(2);',
				"const {exports, cache} = loadCommonJs(file, {cacheDir: cacheDir === '-' ? null : cacheDir, ...(kind ? {kind} : {})});",
				'console.log(JSON.stringify({cache, work: exports.work(Number(n)), where: exports.where}));',
			].join('\n'),
		);
		await build({
			entryPoints: [entry],
			bundle: true,
			platform: 'node',
			format: 'esm',
			outfile: runner,
			logLevel: 'error',
		});
		return () => rmSync(probeDir, {recursive: true, force: true});
	});

	beforeEach(() => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'ecr-setup-compile-cache-'));
		cacheDir = path.join(dir, 'cache');
		file = path.join(dir, 'vendor.cjs');
		writeFileSync(
			file,
			[
				"const path = require('node:path');",
				'function work(n) { let total = 0; for (let i = 0; i < n; i++) total += i; return total; }',
				'exports.work = work;',
				'module.exports.where = path.basename(__filename) + " in " + path.basename(__dirname);',
			].join('\n'),
		);
	});

	afterEach(() => {
		rmSync(dir, {recursive: true, force: true});
	});

	/** One process: loads the file (cache in `cacheDir`, '-' for none), calls work(n), exits (saving the cache if due). */
	const load = (n = 4, cache: string = cacheDir, kind?: string) => {
		const output = execFileSync(process.execPath, [runner, file, cache, String(n), ...(kind ? [kind] : [])], {
			encoding: 'utf8',
		});
		return JSON.parse(output) as {cache: string; work: number; where: string};
	};

	it('runs the file as CommonJS, with its own require, module, exports, __filename and __dirname', () => {
		expect(load(4)).toEqual({cache: 'missing', work: 6, where: `vendor.cjs in ${path.basename(dir)}`});
	});

	it('has no cache the first time, saves one on exit (private to the user), and V8 takes it the next time', () => {
		expect(load(10).cache).toBe('missing');
		const files = readdirSync(cacheDir).sort();
		const stats = statSync(file);
		const name = cacheFileName(file, stats.size, stats.mtimeMs);
		expect(files).toEqual([name, `${name}.covers`]);
		if (process.platform !== 'win32') {
			expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
			for (const entry of files) expect(statSync(path.join(cacheDir, entry)).mode & 0o777).toBe(0o600);
		}

		expect(load(5)).toMatchObject({cache: 'used', work: 10});
		expect(readdirSync(cacheDir).sort()).toEqual(files);
	});

	it('adds the code of another kind of run to a used cache once, and then leaves it alone', () => {
		const stats = statSync(file);
		const name = path.join(cacheDir, cacheFileName(file, stats.size, stats.mtimeMs));
		const covers = () => readFileSync(`${name}.covers`, 'utf8');
		const written = () => statSync(name).mtimeMs;
		expect(load(3, cacheDir, 'help').cache).toBe('missing');
		expect(covers()).toBe('help\n');
		const first = written();
		expect(load(3, cacheDir, 'help').cache).toBe('used');
		expect(written()).toBe(first);
		expect(load(3, cacheDir, 'login')).toMatchObject({cache: 'used', work: 3});
		expect(covers()).toBe('help\nlogin\n');
		const second = written();
		expect(load(3, cacheDir, 'login').cache).toBe('used');
		expect(load(3, cacheDir, 'help').cache).toBe('used');
		expect(written()).toBe(second);
	});

	it('falls back to compiling when the cached data is garbage, and replaces it', () => {
		load();
		const name = readdirSync(cacheDir).find((entry) => entry.endsWith('.v8cache'));
		writeFileSync(path.join(cacheDir, name!), 'not V8 code at all', {mode: 0o600});
		expect(load(3)).toMatchObject({cache: 'rejected', work: 3});
		expect(load(3)).toMatchObject({cache: 'used', work: 3});
	});

	it('keys the cache on the file: a changed file does not get the old code, and its old cache is removed', () => {
		load();
		const old = readdirSync(cacheDir).find((name) => name.endsWith('.v8cache'));
		writeFileSync(path.join(cacheDir, 'other.cjs-1-2-v20.0.0-x64.v8cache'), 'another bundle', {mode: 0o600});
		writeFileSync(file, 'exports.work = () => "changed";\nexports.where = "";\n');
		expect(load(1)).toMatchObject({cache: 'missing', work: 'changed'});
		const after = readdirSync(cacheDir);
		expect(after).not.toContain(old);
		expect(after).not.toContain(`${old}.covers`);
		expect(after).toContain('other.cjs-1-2-v20.0.0-x64.v8cache');
		expect(after).toHaveLength(3);
	});

	it.runIf(process.platform !== 'win32')(
		'never reads cached code from a directory others can write to, nor writes there',
		() => {
			load();
			chmodSync(cacheDir, 0o777);
			const before = readdirSync(cacheDir).map((name) => statSync(path.join(cacheDir, name)).mtimeMs);
			expect(load(3)).toMatchObject({cache: 'missing', work: 3});
			expect(readdirSync(cacheDir).map((name) => statSync(path.join(cacheDir, name)).mtimeMs)).toEqual(before);
			chmodSync(cacheDir, 0o700);
			const name = readdirSync(cacheDir).find((entry) => entry.endsWith('.v8cache'));
			chmodSync(path.join(cacheDir, name!), 0o666);
			expect(load(3).cache).toBe('missing');
			// …and the next run writes a private one in its place.
			expect(statSync(path.join(cacheDir, name!)).mode & 0o777).toBe(0o600);
			expect(load(3).cache).toBe('used');
		},
	);

	it('is off without a directory, and a cache directory that cannot be created only costs the cache', () => {
		expect(load(3, '-')).toMatchObject({cache: 'off', work: 3});
		writeFileSync(path.join(dir, 'not-a-dir'), '');
		expect(load(3, path.join(dir, 'not-a-dir', 'cache'))).toMatchObject({cache: 'missing', work: 3});
	});
});
