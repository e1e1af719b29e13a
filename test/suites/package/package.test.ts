/**
 * The published package: what `npm pack` puts in the tarball, that it runs through `npx` with no registry at all, and that
 * the bundle's layout keeps Ink and the AWS SDK off the paths that must start fast.
 *
 * The build goes into a temporary copy of the package (package.json, readme, .gitignore, dist/), never into the work
 * tree's dist/, which other runs (the e2e suite, `npm start`) may be using at the same time.
 */
import {execFile, spawn} from 'node:child_process';
import {copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

type Metafile = {
	outputs: Record<
		string,
		{
			inputs: Record<string, {bytesInOutput: number}>;
			imports: Array<{path: string; kind: string; external?: boolean}>;
			entryPoint?: string;
		}
	>;
};
type PackResult = {filename: string; files: Array<{path: string}>; unpackedSize: number};

let work = '';
let packageDir = '';
let metafile: Metafile;
let packed: PackResult;
let extracted = '';
let version = '';

/** Absolute path of an output file of the metafile (its keys are relative to the repository root). */
const outputPath = (key: string) => path.resolve(root, key);

beforeAll(async () => {
	work = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-package-'));
	packageDir = path.join(work, 'package');
	await mkdir(packageDir);
	for (const file of ['package.json', 'readme.md', '.gitignore'])
		await copyFile(path.join(root, file), path.join(packageDir, file));
	version = (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {version: string}).version;
	const metafilePath = path.join(work, 'meta.json');
	await run(
		process.execPath,
		[path.join(root, 'scripts', 'build.mjs'), '--outdir', path.join(packageDir, 'dist'), '--metafile', metafilePath],
		{
			cwd: root,
			timeout: 120_000,
		},
	);
	metafile = JSON.parse(await readFile(metafilePath, 'utf8')) as Metafile;
	const {stdout} = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
		cwd: packageDir,
		timeout: 60_000,
	});
	packed = (JSON.parse(stdout) as PackResult[])[0]!;
	extracted = path.join(work, 'extracted');
	await mkdir(extracted);
	await run('tar', ['-xzf', path.join(work, packed.filename), '-C', extracted], {timeout: 30_000});
}, 240_000);

afterAll(async () => {
	if (work) await rm(work, {recursive: true, force: true});
});

/** Source inputs (with bytes in the output) of a set of output files. */
function inputsOf(outputs: Iterable<string>): string[] {
	const inputs: string[] = [];
	for (const output of outputs) {
		for (const [input, {bytesInOutput}] of Object.entries(metafile.outputs[output]?.inputs ?? {})) {
			if (bytesInOutput > 0) inputs.push(input);
		}
	}

	return inputs;
}

const HEAVY =
	/node_modules\/(?:ink|react|react-reconciler|scheduler|yoga-layout|@inkjs\/ui|@aws-sdk\/[^/]+|@smithy\/[^/]+|execa)\//;

function outputKey(absolute: string): string | undefined {
	return Object.keys(metafile.outputs).find((key) => outputPath(key) === absolute);
}

describe('npm pack', () => {
	it('ships only the bundle, its notices, package.json and the readme', () => {
		const files = packed.files.map((file) => file.path).sort();
		const allowed = (file: string) =>
			/^dist\/(?:[\w-]+\/)*[\w.-]+\.js$/.test(file) ||
			/^dist\/(?:vendor\/)?[\w-]+\.cjs$/.test(file) ||
			file === 'dist/THIRD_PARTY_NOTICES.md' ||
			file === 'package.json' ||
			file === 'readme.md' ||
			/^licen[cs]e(?:\.md|\.txt)?$/i.test(file);
		expect(files.filter((file) => !allowed(file))).toEqual([]);
		expect(files).toEqual(
			expect.arrayContaining(['dist/cli.js', 'dist/THIRD_PARTY_NOTICES.md', 'package.json', 'readme.md']),
		);
		// The application, one file that dist/cli.js runs for everything but --version.
		expect(files.filter((file) => /^dist\/app-[\w]+\.cjs$/.test(file))).toHaveLength(1);
		// The vendor bundles (Ink, the AWS SDK, execa, yaml) that the application loads with a code cache.
		expect(
			files
				.filter((file) => file.startsWith('dist/vendor/'))
				.map((file) => /^dist\/vendor\/([a-z]+)-/.exec(file)?.[1])
				.sort(),
		).toEqual(['aws', 'execa', 'ink', 'yaml']);
		expect(
			files.filter((file) => /\.(?:map|tsx?|mts|cts)$/.test(file) || /^(?:source|test|scripts)\//.test(file)),
		).toEqual([]);
		// Every JavaScript output of the build is in the tarball, and nothing else from dist/.
		const built = Object.keys(metafile.outputs)
			.filter((key) => /\.c?js$/.test(key))
			.map((key) => path.relative(packageDir, outputPath(key)))
			.sort();
		expect(files.filter((file) => /\.c?js$/.test(file))).toEqual(built);
	});

	it('packs a package.json with no runtime dependencies and an executable bin', async () => {
		const manifest = JSON.parse(await readFile(path.join(extracted, 'package', 'package.json'), 'utf8')) as Record<
			string,
			unknown
		>;
		for (const field of [
			'dependencies',
			'optionalDependencies',
			'peerDependencies',
			'bundleDependencies',
			'bundledDependencies',
		]) {
			expect(manifest[field] === undefined || Object.keys(manifest[field] as object).length === 0, field).toBe(true);
		}

		expect(manifest['bin']).toEqual({'ecr-setup': 'dist/cli.js'});
		const bin = await readFile(path.join(extracted, 'package', 'dist', 'cli.js'), 'utf8');
		expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
		// Only the esbuild output: no bare imports left for a node_modules that will not exist.
		expect(bin).not.toMatch(/from\s*"(?!node:|\.\/)[^"]+"/);
	});

	it('keeps the licence of every package inlined in THIRD_PARTY_NOTICES.md', async () => {
		const notices = await readFile(path.join(extracted, 'package', 'dist', 'THIRD_PARTY_NOTICES.md'), 'utf8');
		const names = new Set<string>();
		for (const input of inputsOf(Object.keys(metafile.outputs))) {
			const match = /node_modules\/((?:@[^/]+\/)?[^./][^/]*)\/(?!.*node_modules\/)/.exec(input);
			if (match) names.add(match[1]!);
		}

		expect([...names]).toEqual(expect.arrayContaining(['ink', 'react', '@aws-sdk/client-ecr', '@aws-sdk/client-sts']));
		const missing = [...names].filter((name) => !notices.includes(`\n## ${name} `));
		expect(missing).toEqual([]);
		expect(notices).toContain('Permission is hereby granted, free of charge'); // the MIT text (ink, react)
		expect(notices).toContain('Apache License'); // the SDK's
	});

	it('runs from the tarball with npx in an empty directory, with no registry', async () => {
		const empty = path.join(work, 'empty');
		await mkdir(empty);
		await copyFile(path.join(work, packed.filename), path.join(empty, packed.filename));
		const env = {
			...process.env,
			// offline: npm fails if it would need the registry, so this also proves nothing is left to download.
			npm_config_offline: 'true',
			npm_config_cache: path.join(work, 'npm-cache'),
			npm_config_update_notifier: 'false',
			npm_config_fund: 'false',
			npm_config_audit: 'false',
		};
		const {stdout} = await run('npx', ['--yes', `./${packed.filename}`, '--version'], {
			cwd: empty,
			timeout: 90_000,
			env,
		});
		expect(stdout.trim()).toBe(version);
		// Through npm's bin link: the application bundle is found next to the real dist/cli.js.
		const help = await run('npx', ['--yes', `./${packed.filename}`, 'login', '--help'], {
			cwd: empty,
			timeout: 90_000,
			env,
		});
		expect(help.stdout).toContain('ecr-setup login');
	}, 120_000);

	it('loads every package of every vendor bundle from the unpacked tarball', async () => {
		const vendorDir = path.join(extracted, 'package', 'dist', 'vendor');
		for (const name of await readdir(vendorDir)) {
			// The loader runs them with vm.Script, which has no import() without an experimental flag.
			expect((await readFile(path.join(vendorDir, name), 'utf8')).match(/\bimport\s*\(.{0,40}/g), name).toBeNull();
			// Each getter runs its package's module code: a missing file or a broken patch fails here.
			const script = `const v = require(${JSON.stringify(path.join(vendorDir, name))}); for (const k of Object.keys(v)) if (!v[k]) throw new Error(k); console.log(Object.keys(v).join(','));`;
			const {stdout} = await run(process.execPath, ['-e', script], {timeout: 30_000});
			expect(stdout.trim().split(',').length, name).toBeGreaterThan(0);
		}
	}, 60_000);

	it('runs an AWS command from the unpacked tarball, and caches its compiled code per user', async () => {
		const bin = path.join(extracted, 'package', 'dist', 'cli.js');
		const cache = path.join(work, 'compile-cache');
		const env = {
			PATH: process.env['PATH'],
			HOME: path.join(work, 'home-tarball'),
			ECR_SETUP_COMPILE_CACHE: cache,
			AWS_ACCESS_KEY_ID: 'AKIAPACKAGETEST00000',
			AWS_SECRET_ACCESS_KEY: 'package-test-not-a-secret',
			AWS_REGION: 'us-east-1',
			// Nothing listens on port 9: the SDK loads, signs and sends, and the call fails at once.
			AWS_ENDPOINT_URL: 'https://127.0.0.1:9',
			AWS_EC2_METADATA_DISABLED: 'true',
		};
		for (const round of ['compiled', 'from the cache']) {
			const failure = await run(process.execPath, [bin, 'whoami', '--json'], {env, timeout: 30_000}).then(
				() => {
					throw new Error('whoami reached an endpoint on port 9');
				},
				(error: {code?: number; stdout?: string}) => error,
			);
			expect(failure.code, round).toBe(1);
			expect((JSON.parse(failure.stdout!) as {error: {code: string}}).error.code, round).toBe('aws.network');
			const cached = (await readdir(cache)).filter((name) => name.endsWith('.v8cache'));
			expect(cached.map((name) => /^([a-z]+)-/.exec(name)?.[1]).sort(), round).toEqual(['app', 'aws']);
		}
	}, 90_000);
});

/** Runs a command line in an 80×24 pseudo-terminal (script(1)) until `done` accepts what it drew, or the time is up. */
function inTerminal(
	commandLine: string,
	env: NodeJS.ProcessEnv,
	done: (screen: string) => boolean,
	timeoutMs: number,
): Promise<string> {
	return new Promise((resolve) => {
		const child = spawn('script', ['-qfec', `stty cols 80 rows 24 2>/dev/null; exec ${commandLine}`, '/dev/null'], {
			env,
			detached: true,
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let raw = '';
		const finish = () => {
			clearTimeout(timer);
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// Already gone.
			}

			resolve(raw.replaceAll(/\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007]*\u0007|[@-Z\\-_])/g, ''));
		};

		const timer = setTimeout(finish, timeoutMs);
		child.stdout.on('data', (chunk: Buffer) => {
			raw += chunk.toString('utf8');
			if (done(raw)) finish();
		});
		child.on('close', finish);
	});
}

describe('the build’s string-width fast path', () => {
	it('measures every string as the real string-width does (both copies, all options)', async () => {
		// Bundles both copies with the build's own plugins and compares them with the untouched packages.
		const script = `
			import {build} from 'esbuild';
			import {writeFileSync} from 'node:fs';
			import {bundleOptions} from './scripts/build.mjs';
			import real from 'string-width';
			import realOld from './node_modules/wrap-ansi/node_modules/string-width/index.js';
			const options = await bundleOptions();
			const result = await build({...options, minify: false, splitting: false, write: false, outdir: ${JSON.stringify(path.join(work, 'sw'))}, stdin: {
				contents: "import a from 'string-width'; import b from './node_modules/wrap-ansi/node_modules/string-width/index.js'; export {a, b};",
				resolveDir: process.cwd(), loader: 'js'}});
			const file = ${JSON.stringify(path.join(work, 'string-width-bundle.mjs'))};
			const text = result.outputFiles[0].text;
			if (!text.includes('function realStringWidth(') || !text.includes('rgiEmojiRegexBuilt')) throw new Error('the build did not patch string-width');
			writeFileSync(file, text);
			const {a, b} = await import(file);
			const samples = ['', 'abc', 'Welcome → region', '✅', '✖ x', '⚠ warn', 'a→b', '日本語', '👨‍👩‍👧', '\u001B[31m✖ failed\u001B[39m', 'é', 'e\u0301',
				'１２', '⚠️', 'ℹ', '한국어', '\u1100\u1161', 'a\tb', '→\u200d→', '🇩🇪', '─│┌', '░█', '…·—', '\u00ad', '#\u20e3'];
			const out = [];
			for (const text of samples) for (const option of [{}, {ambiguousIsNarrow: false}, {countAnsiEscapeCodes: true}]) {
				out.push([a(text, option) === real(text, option), b(text, option) === realOld(text, option), JSON.stringify(text), JSON.stringify(option)]);
			}
			console.log(JSON.stringify(out));
		`;
		const {stdout} = await run(process.execPath, ['--input-type=module', '-e', script], {cwd: root, timeout: 60_000});
		const results = JSON.parse(stdout) as Array<[boolean, boolean, string, string]>;
		expect(results.length).toBeGreaterThan(60);
		expect(results.filter(([same, sameOld]) => !same || !sameOld)).toEqual([]);
	}, 60_000);
});

describe('the wizard from the bundle', () => {
	it('draws its first screen in a terminal', async () => {
		const home = path.join(work, 'home');
		await mkdir(home, {recursive: true});
		const env: NodeJS.ProcessEnv = {
			PATH: process.env['PATH'],
			HOME: home,
			TERM: 'xterm-256color',
			AWS_ACCESS_KEY_ID: 'AKIAPACKAGETEST00000',
			AWS_SECRET_ACCESS_KEY: 'package-test-not-a-secret',
			AWS_REGION: 'us-east-1',
			// Nothing listens on port 9: every AWS call fails at once, and the first screen must not wait for any.
			AWS_ENDPOINT_URL: 'https://127.0.0.1:9',
			AWS_EC2_METADATA_DISABLED: 'true',
		};
		// From the unpacked tarball: what users get, vendor bundles included.
		const bin = path.join(extracted, 'package', 'dist', 'cli.js');
		const screen = await inTerminal(
			`'${process.execPath}' '${bin}'`,
			env,
			(text) => /Welcome to ecr-setup|Unexpected error/.test(text),
			30_000,
		);
		expect(screen).not.toContain('Unexpected error');
		expect(screen).toContain('Welcome to ecr-setup');
	}, 40_000);
});

describe('the bundle layout', () => {
	/** dist/cli.js, and the application bundle it runs. */
	const entry = () => outputKey(path.join(packageDir, 'dist', 'cli.js'))!;
	const app = () =>
		Object.keys(metafile.outputs).find((key) => metafile.outputs[key]!.entryPoint === 'source/cli.tsx')!;

	/**
	 * Runs the built CLI with a preload that records, in order, every file under dist/ read through fs.readFileSync
	 * (how the application and vendor bundles are loaded) and the moment the first frame of the wizard is written.
	 */
	async function traced(args: string[], options: {terminal?: boolean} = {}): Promise<string[]> {
		const preload = path.join(work, 'trace-reads.cjs');
		await writeFile(
			preload,
			[
				"const fs = require('node:fs');",
				"const {syncBuiltinESMExports} = require('node:module');",
				'const read = fs.readFileSync;',
				'const note = (line) => fs.appendFileSync(process.env.ECR_SETUP_TRACE, line + "\\n");',
				'fs.readFileSync = function (file, ...rest) {',
				"\tif (typeof file === 'string' && file.startsWith(process.env.ECR_SETUP_TRACE_DIST)) note('read ' + file.slice(process.env.ECR_SETUP_TRACE_DIST.length + 1));",
				'\treturn read.call(this, file, ...rest);',
				'};',
				'const write = process.stdout.write;',
				'let framed = false;',
				'process.stdout.write = function (chunk, ...rest) {',
				"\tif (!framed && String(chunk).includes('Welcome to ecr-setup')) { framed = true; note('frame'); }",
				'\treturn write.call(this, chunk, ...rest);',
				'};',
				'syncBuiltinESMExports();',
			].join('\n'),
		);
		const trace = path.join(work, `trace-${args.join('-') || 'wizard'}.txt`);
		await writeFile(trace, '');
		const dist = path.join(packageDir, 'dist');
		const env = {
			PATH: process.env['PATH'],
			HOME: path.join(work, 'home-trace'),
			TERM: 'xterm-256color',
			NO_COLOR: '1',
			NODE_OPTIONS: `--require ${preload}`,
			ECR_SETUP_TRACE: trace,
			ECR_SETUP_TRACE_DIST: dist,
			AWS_ACCESS_KEY_ID: 'AKIAPACKAGETEST00000',
			AWS_SECRET_ACCESS_KEY: 'package-test-not-a-secret',
			AWS_REGION: 'us-east-1',
			AWS_ENDPOINT_URL: 'https://127.0.0.1:9',
			AWS_EC2_METADATA_DISABLED: 'true',
		};
		const bin = path.join(dist, 'cli.js');
		if (options.terminal) {
			await inTerminal(
				`'${process.execPath}' '${bin}'`,
				env,
				(text) => /Welcome to ecr-setup|Unexpected error/.test(text),
				30_000,
			);
		} else {
			await run(process.execPath, [bin, ...args], {cwd: work, timeout: 30_000, env});
		}

		return (await readFile(trace, 'utf8')).split('\n').filter(Boolean);
	}

	it('dist/cli.js imports only Node built-ins, and holds only the entry and the code-cache loader (with its debug log and its redactor)', () => {
		expect(entry()).toBeDefined();
		expect(app()).toBeDefined();
		expect(metafile.outputs[entry()]!.imports.filter((entry) => !entry.path.startsWith('node:'))).toEqual([]);
		expect(
			inputsOf([entry()])
				.filter((input) => !input.startsWith('ecr-setup:'))
				.sort(),
		).toEqual(['source/lib/log.ts', 'source/lib/redact.ts', 'source/runtime/compile-cache.ts']);
		// The application bundle holds none of the heavy packages itself: it reads them from dist/vendor/.
		expect(inputsOf([app()]).filter((input) => HEAVY.test(input))).toEqual([]);
		expect(inputsOf([app()])).toEqual(
			expect.arrayContaining(['vendor-shim:ink', 'vendor-shim:./source/aws/sdk-ecr.ts', 'vendor-shim:execa']),
		);
	});

	it('reads the Ink bundle, and neither the AWS SDK nor execa nor yaml, before the first wizard frame', async () => {
		const lines = await traced([], {terminal: true});
		const frame = lines.indexOf('frame');
		expect(frame, lines.join('\n')).toBeGreaterThan(0);
		const before = lines.slice(0, frame).map((line) => line.replace(/^read /, '').replace(/-[\w]+\.cjs$/, ''));
		expect(before).toEqual(expect.arrayContaining(['app', 'vendor/ink']));
		expect(before.filter((file) => /vendor\/(?:aws|execa|yaml)/.test(file))).toEqual([]);
	}, 40_000);

	it('answers --version from dist/cli.js alone, and reads no vendor bundle for --help', async () => {
		// A module-loader hook records every module file Node loads; it runs in the hooks thread, so it appends to a file.
		const hooks = path.join(work, 'trace-hooks.mjs');
		const register = path.join(work, 'trace-register.mjs');
		await writeFile(
			hooks,
			"import {appendFileSync} from 'node:fs';\n" +
				'export async function load(url, context, next) {\n' +
				"\tif (url.startsWith('file:')) appendFileSync(process.env.ECR_SETUP_TRACE, url + '\\n');\n" +
				'\treturn next(url, context);\n}\n',
		);
		await writeFile(
			register,
			`import {register} from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
		);
		const bin = path.join(packageDir, 'dist', 'cli.js');
		const trace = path.join(work, 'trace-modules.txt');
		await writeFile(trace, '');
		const {stdout} = await run(process.execPath, ['--import', pathToFileURL(register).href, bin, '--version'], {
			cwd: work,
			timeout: 30_000,
			env: {...process.env, ECR_SETUP_TRACE: trace},
		});
		expect(stdout.trim()).toBe(version);
		const modules = (await readFile(trace, 'utf8'))
			.split('\n')
			.filter((line) => line.startsWith('file:'))
			.map((url) => fileURLToPath(url))
			.filter((file) => file.startsWith(path.join(packageDir, 'dist')));
		expect(modules).toEqual([bin]);
		expect(await traced(['--version'])).toEqual([]);
		for (const args of [['--help'], ['login', '--help'], ['doctor', '--help'], ['sign-in', '--help']]) {
			const reads = await traced(args);
			expect(
				reads.map((line) => line.replace(/-[\w]+\.cjs$/, '')),
				args.join(' '),
			).toEqual(['read app']);
		}
	}, 60_000);
});
