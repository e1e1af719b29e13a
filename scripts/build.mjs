// Bundles the CLI into dist/ with esbuild, no runtime dependencies, and dist/THIRD_PARTY_NOTICES.md for the packages
// inlined. `node scripts/build.mjs [--verbose] [--outdir DIR] [--metafile FILE]`.
//
// Start-up is the point of the layout:
//   dist/cli.js            ESM entry: answers --version by itself, otherwise runs the application bundle
//   dist/app-<hash>.cjs    the application (source/cli.tsx and all it reaches); import() stays lazy inside it
//   dist/vendor/*.cjs      Ink + React, the AWS SDK, execa, yaml: read only when something first uses them
// The .cjs files run through source/runtime/compile-cache.ts, which keeps V8's compiled code per user, so that from the
// second run on Node skips parsing and compiling them. test/suites/package/package.test.ts checks the layout and what each
// command reads.
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {createRequire} from 'node:module';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {build} from 'esbuild';
import {generateNotices} from './notices.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'ecr-setup-build');
/** The esbuild metafile of the last build: which inputs each output holds. */
export const metafilePath = path.join(cacheDir, 'meta.json');

/** The settings every bundle of ecr-setup code uses (the CLI, and the benchmark's probes of the same code). */
export async function bundleOptions() {
	const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
	await mkdir(cacheDir, {recursive: true});
	// Ink imports react-devtools-core only when DEV is set; marking it external breaks every start, so it becomes empty.
	const devtoolsStub = path.join(cacheDir, 'react-devtools-core.js');
	await writeFile(devtoolsStub, 'export default {connectToDevTools() {}};\n');
	return {
		absWorkingDir: root,
		bundle: true,
		splitting: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		minify: true,
		legalComments: 'none',
		mainFields: ['module', 'main'],
		chunkNames: 'chunks/[name]-[hash]',
		alias: {'react-devtools-core': devtoolsStub},
		define: {
			'process.env.NODE_ENV': '"production"',
			__ECR_SETUP_VERSION__: JSON.stringify(pkg.version),
		},
		// CommonJS code inside the bundle require()s Node built-ins; ESM output has no require of its own.
		banner: {js: 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);'},
		metafile: true,
		logLevel: 'warning',
		plugins: [yogaWithoutFetch, fastStringWidth],
	};
}

/**
 * yoga-layout (Ink's layout engine) decodes its wasm, which is inlined as a data: URL, with fetch() whenever fetch exists.
 * Node's first fetch() loads undici, about 45 ms. Without fetch, the same code decodes the same bytes with atob(); this
 * makes it take that path. The shipped CLI no longer runs this code (the ink vendor bundle initialises yoga
 * synchronously, see yogaSync): it serves the ESM bundles built with bundleOptions() alone, i.e. the benchmark's
 * Ink hello-world reference and probes. If a yoga release changes the code, the build says so and moves on.
 */
const YOGA_FETCH = 'return w||"function"!=typeof fetch?Promise.resolve()';
const yogaWithoutFetch = {
	name: 'yoga-without-fetch',
	setup(build) {
		build.onLoad({filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/}, async (args) => {
			const source = await readFile(args.path, 'utf8');
			if (!source.includes(YOGA_FETCH)) {
				return {
					contents: source,
					loader: 'js',
					warnings: [{text: 'yoga-layout changed: its wasm is still decoded with fetch() (slower first frame)'}],
				};
			}

			return {contents: source.replace(YOGA_FETCH, 'return true?Promise.resolve()'), loader: 'js'};
		});
	},
};

/**
 * string-width (Ink's, and wrap-ansi's older copy) measures any string that is not plain ASCII with Intl.Segmenter and a
 * \\p{RGI_Emoji} (or emoji-regex) test; the first use of those costs 50–150 ms, before the first frame, for a "→" or a "✖".
 * This adds a fast path in front of each copy: a string made only of printable ASCII and of symbols that the real
 * function itself measures as 1 column on their own (Latin-1/IPA letters, punctuation, arrows, box drawing, geometric
 * shapes, dingbats…, minus marks, controls, format characters and separators, which could join a neighbour into one
 * grapheme cluster) is as wide as it is long. The set is computed here, with the real function, for each copy; any other
 * string, or any non-default option, goes to the real function. The build checks fast == real on random strings.
 */
const WIDTH_CANDIDATES = [
	[0xa0, 0x2ff],
	[0x2010, 0x2bff],
];
const JOINING = /[\p{M}\p{C}\p{Zl}\p{Zp}]/u;

async function narrowRanges(modulePath) {
	const {default: stringWidth} = await import(pathToFileURL(modulePath).href);
	const ranges = [[0x20, 0x7e]];
	for (const [from, to] of WIDTH_CANDIDATES) {
		for (let code = from; code <= to; code++) {
			const character = String.fromCodePoint(code);
			if (JOINING.test(character) || stringWidth(character) !== 1 || stringWidth(`a${character}b`) !== 3) continue;
			const last = ranges.at(-1);
			if (last[1] === code - 1) last[1] = code;
			else ranges.push([code, code]);
		}
	}

	const hex = (code) => `\\u${code.toString(16).padStart(4, '0')}`;
	const source = `^[${ranges.map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`)).join('')}]*$`;
	// Random strings over the set (with ANSI colour codes mixed in) must measure the same both ways.
	const pool = ranges.flatMap(([from, to]) =>
		Array.from({length: to - from + 1}, (_, index) => String.fromCodePoint(from + index)),
	);
	const narrow = new RegExp(source);
	for (let round = 0; round < 300; round++) {
		let text = '';
		for (let index = 0; index < 1 + (round % 40); index++) text += pool[Math.floor(Math.random() * pool.length)];
		if (round % 3 === 0) text = `\u001B[31m${text}\u001B[39m`;
		const plain = text.replaceAll(/\u001B\[\d+m/g, '');
		if (!narrow.test(plain) || stringWidth(text) !== plain.length)
			throw new Error(`string-width fast path disagrees on ${JSON.stringify(text)}`);
	}

	return source;
}

const RGI_EMOJI_REGEX = /^const rgiEmojiRegex = \/\^\\p\{RGI_Emoji\}\$\/v;$/m;
const STRING_WIDTH_EXPORT = /export default function stringWidth\((\w+), options = \{\}\) \{/;
const fastStringWidth = {
	name: 'fast-string-width',
	setup(build) {
		build.onLoad({filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/}, async (args) => {
			const source = await readFile(args.path, 'utf8');
			if (!STRING_WIDTH_EXPORT.test(source) || !source.includes("import stripAnsi from 'strip-ansi';")) {
				return {
					contents: source,
					loader: 'js',
					warnings: [{text: 'string-width changed: no fast path added (slower first frame)'}],
				};
			}

			const narrow = await narrowRanges(args.path);
			// Building the \\p{RGI_Emoji} regex alone takes 35–60 ms: string-width 8 does it at import, even when every string
			// takes the fast path. It is only ever used as .test(), so it is built on the first test instead.
			const lazyEmoji = source.replace(
				RGI_EMOJI_REGEX,
				() =>
					"let rgiEmojiRegexBuilt;\nconst rgiEmojiRegex = {test: (text) => (rgiEmojiRegexBuilt ??= new RegExp('^\\\\p{RGI_Emoji}$', 'v')).test(text)};",
			);
			return {
				loader: 'js',
				contents: `${lazyEmoji.replace(STRING_WIDTH_EXPORT, 'function realStringWidth($1, options = {}) {')}
const NARROW = new RegExp(${JSON.stringify(narrow)});
export default function stringWidth(input, options = {}) {
	if (typeof input === 'string' && options.ambiguousIsNarrow !== false && !options.countAnsiEscapeCodes) {
		const text = input.includes('\\u001B') || input.includes('\\u009B') ? stripAnsi(input) : input;
		if (NARROW.test(text)) return text.length;
	}

	return realStringWidth(input, options);
}
`,
			};
		});
	},
};

/**
 * Vendor bundles: the heavy third-party code (Ink and React, the AWS SDK, execa, yaml) goes into CommonJS files in
 * dist/vendor/, which source/runtime/compile-cache.ts runs with a V8 code cache — Node 20's ESM loader cannot use one, and
 * compiling these is most of what the first frame and `login` wait for. Each file exports one lazy getter per
 * package, so a package's code only runs when something asks for it. In the ESM bundle, every import of such a package
 * is replaced by a small shim module that takes the package's exports from its vendor file.
 */
export const VENDORS = {
	ink: ['ink', 'react', 'react/jsx-runtime'],
	aws: [
		// The clients through source modules that name what source/aws/service.ts uses, so the rest of each is left out.
		'./source/aws/sdk-ecr.ts',
		'./source/aws/sdk-sts.ts',
		'./source/aws/sdk-ecr-public.ts',
		'./source/aws/sdk-sso-oidc.ts',
		'./source/aws/sdk-sso.ts',
		'./source/aws/sdk-secrets-manager.ts',
		'@aws-sdk/credential-provider-node',
		'@smithy/node-http-handler',
		'@smithy/shared-ini-file-loader',
		'https-proxy-agent',
	],
	execa: ['execa'],
	yaml: ['yaml'],
};

/**
 * yoga-layout initialises its wasm with a top-level await, which a CommonJS bundle cannot hold. Emscripten's
 * `instantiateWasm` hook lets the same module be compiled and instantiated synchronously (Node allows that off the
 * browser main thread), after which the runtime is ready before `loadYoga()` returns: the index module does that, and
 * the wasm bytes move from the emscripten loader's data: URL into an export, so they are not inlined twice.
 */
const YOGA_DATA_URL = /"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/;
const yogaSync = {
	name: 'yoga-sync',
	setup(build) {
		build.onLoad({filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/}, async (args) => {
			const source = await readFile(args.path, 'utf8');
			const match = YOGA_DATA_URL.exec(source);
			if (!match) throw new Error('yoga-layout changed: its wasm is no longer an inline base64 data: URL');
			return {
				loader: 'js',
				contents: `${source.replace(match[0], '""')}\nexport const wasmBase64 = ${JSON.stringify(match[1])};\n`,
			};
		});
		build.onLoad({filter: /yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/}, async (args) => {
			const source = await readFile(args.path, 'utf8');
			if (!source.includes('const Yoga = wrapAssembly(await loadYoga());'))
				throw new Error('yoga-layout changed: its index no longer awaits loadYoga()');
			return {
				loader: 'js',
				contents: source
					.replace(
						"import loadYoga from '../binaries/yoga-wasm-base64-esm.js';",
						"import loadYoga, {wasmBase64} from '../binaries/yoga-wasm-base64-esm.js';",
					)
					.replace(
						'const Yoga = wrapAssembly(await loadYoga());',
						`const yogaModule = {
	instantiateWasm(imports, receive) {
		const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(wasmBase64, 'base64')), imports);
		receive(instance);
		return instance.exports;
	},
};
loadYoga(yogaModule);
if (!yogaModule.calledRun) throw new Error('yoga-layout did not initialise synchronously');
const Yoga = wrapAssembly(yogaModule);`,
					),
			};
		});
	},
};

/**
 * Ink's reconciler awaits two imports at the top level, both only when DEV=true: React devtools (which the bundle
 * leaves out, see react-devtools-core above) and its own package.json (devtools metadata). A CommonJS bundle cannot
 * hold a top-level await, so in the vendor bundle both are skipped.
 */
const INK_DEVTOOLS = "await import('./devtools.js');";
const INK_PACKAGE_JSON = '? await loadPackageJson()';
const inkWithoutTopLevelAwait = {
	name: 'ink-without-top-level-await',
	setup(build) {
		build.onLoad({filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/}, async (args) => {
			const source = await readFile(args.path, 'utf8');
			if (!source.includes(INK_DEVTOOLS) || !source.includes(INK_PACKAGE_JSON))
				throw new Error('ink changed: its reconciler no longer awaits devtools the way the build expects');
			return {
				loader: 'js',
				contents: source
					.replace(INK_DEVTOOLS, 'void 0;')
					.replace(INK_PACKAGE_JSON, '? {name: undefined, version: undefined}'),
			};
		});
	},
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Builds dist/vendor/<name>-<hash>.cjs for each vendor; resolves with {files: {name: file}, names: {package: [export names]}, metafile}. */
async function buildVendors(dist, options) {
	const result = await build({
		...options,
		splitting: false,
		format: 'cjs',
		banner: {},
		entryPoints: Object.fromEntries(Object.keys(VENDORS).map((name) => [name, `ecr-setup-vendor:${name}`])),
		entryNames: 'vendor/[name]-[hash]',
		outExtension: {'.js': '.cjs'},
		// vm.Script cannot run import() without an experimental flag: esbuild turns each one into a require().
		supported: {'dynamic-import': false},
		outdir: dist,
		plugins: [
			{
				name: 'vendor-entries',
				setup(build) {
					build.onResolve({filter: /^ecr-setup-vendor:/}, (args) => ({
						path: args.path.slice('ecr-setup-vendor:'.length),
						namespace: 'ecr-setup-vendor',
					}));
					build.onLoad({filter: /.*/, namespace: 'ecr-setup-vendor'}, (args) => ({
						resolveDir: root,
						loader: 'js',
						contents: VENDORS[args.path]
							.map(
								(pkg) =>
									`Object.defineProperty(exports, ${JSON.stringify(pkg)}, {enumerable: true, get: () => require(${JSON.stringify(pkg)})});`,
							)
							.join('\n'),
					}));
				},
			},
			yogaSync,
			inkWithoutTopLevelAwait,
			...options.plugins.filter((plugin) => plugin !== yogaWithoutFetch),
		],
	});
	const files = {};
	const names = {};
	for (const [output, meta] of Object.entries(result.metafile.outputs)) {
		const name = meta.entryPoint?.replace(/^ecr-setup-vendor:/, '');
		if (!name || !VENDORS[name]) continue;
		const file = path.resolve(root, output);
		const text = await readFile(file, 'utf8');
		// vm.Script has no dynamic import() (without an experimental flag): every one must have become a require().
		if (/\bimport\s*\(/.test(text)) {
			throw new Error(`${output} still has a dynamic import(), which the compile-cache loader cannot run`);
		}

		files[name] = path.basename(file);
		const loaded = createRequire(import.meta.url)(file);
		for (const pkg of VENDORS[name]) {
			const exports = loaded[pkg];
			names[pkg] = Object.keys(exports).filter(
				(key) => key !== 'default' && key !== '__esModule' && IDENTIFIER.test(key),
			);
		}
	}

	return {files, names, metafile: result.metafile};
}

/**
 * In the application bundle: `import … from 'ink'` (and the other vendored packages) reads the package from its vendor
 * file, found next to the bundle (its `__filename`).
 */
function vendorShims(vendors) {
	const owner = new Map(Object.entries(VENDORS).flatMap(([name, packages]) => packages.map((pkg) => [pkg, name])));
	const loader = path.join(root, 'source', 'runtime', 'compile-cache.ts');
	return {
		name: 'vendor-shims',
		setup(build) {
			build.onResolve({filter: /^[@a-z]/}, (args) =>
				owner.has(args.path) ? {path: args.path, namespace: 'vendor-shim'} : undefined,
			);
			// Source modules that a vendor bundle holds (./source/…): matched by the file an import resolves to.
			build.onResolve({filter: /^\.\.?\//}, (args) => {
				const key = `./${path.relative(root, path.resolve(args.resolveDir, args.path)).replaceAll(path.sep, '/').replace(/\.js$/, '.ts')}`;
				return owner.has(key) ? {path: key, namespace: 'vendor-shim'} : undefined;
			});
			build.onLoad({filter: /.*/, namespace: 'vendor-shim'}, (args) => {
				const names = vendors.names[args.path];
				return {
					resolveDir: root,
					loader: 'js',
					contents: [
						`import {loadVendor} from ${JSON.stringify(loader)};`,
						`const pkg = loadVendor(${JSON.stringify(vendors.files[owner.get(args.path)])}, __filename)[${JSON.stringify(args.path)}];`,
						'export default pkg.__esModule ? pkg.default : pkg;',
						names.length > 0 ? `export const {${names.join(', ')}} = pkg;` : '',
					].join('\n'),
				};
			});
		},
	};
}

/**
 * The application (source/cli.tsx and everything it reaches, minus the vendor packages) as one CommonJS file,
 * dist/app-<hash>.cjs, run by dist/cli.js through the same code cache as the vendor files: Node 20's ESM loader
 * costs 50–60 ms for the 25-odd modules a command used to load as chunks, and cannot cache their compiled code. What
 * the application loads with import() stays lazy inside the file (esbuild wraps each such module in an initialiser).
 */
async function buildApp(dist, options, vendors) {
	const result = await build({
		...options,
		splitting: false,
		format: 'cjs',
		supported: {'dynamic-import': false},
		// import.meta.url as CommonJS knows it (source/cli.tsx reads package.json through it when run unbundled).
		banner: {js: 'var __ecr_setup_import_meta_url = require("node:url").pathToFileURL(__filename).href;'},
		define: {...options.define, 'import.meta.url': '__ecr_setup_import_meta_url'},
		entryPoints: {app: path.join(root, 'source', 'cli.tsx')},
		entryNames: '[name]-[hash]',
		outExtension: {'.js': '.cjs'},
		outdir: dist,
		plugins: [vendorShims(vendors), ...options.plugins],
	});
	const [output] = Object.entries(result.metafile.outputs).filter(([, meta]) => meta.entryPoint);
	const text = await readFile(path.resolve(root, output[0]), 'utf8');
	if (/\bimport\s*\(/.test(text))
		throw new Error(`${output[0]} still has a dynamic import(), which the compile-cache loader cannot run`);
	return {file: path.basename(output[0]), metafile: result.metafile};
}

/**
 * dist/cli.js itself: `ecr-setup --version` answers from here, before Node reads a single other file; everything else,
 * --help included, runs the application bundle (whose source/cli.tsx starts itself: process.argv[1] is this file).
 * The version is the one the build defines, as in cli.tsx.
 */
function entryPlugin(app) {
	const loader = path.join(root, 'source', 'runtime', 'compile-cache.ts');
	return {
		name: 'ecr-setup-entry',
		setup(build) {
			build.onResolve({filter: /^ecr-setup:entry$/}, () => ({path: 'entry', namespace: 'ecr-setup'}));
			build.onLoad({filter: /.*/, namespace: 'ecr-setup'}, () => ({
				resolveDir: root,
				loader: 'js',
				contents: [
					'#!/usr/bin/env node',
					`import {loadBundled} from ${JSON.stringify(loader)};`,
					'const args = process.argv.slice(2);',
					"if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) process.stdout.write(`${__ECR_SETUP_VERSION__}\\n`);",
					`else loadBundled(${JSON.stringify(app.file)}, import.meta.url);`,
				].join('\n'),
			}));
		},
	};
}

/**
 * Builds dist/ (or `outdir`, e.g. a test's temporary copy of the package) and writes the notices into it; the metafile
 * goes to `metafile` (default: the cache, outside what ships). Resolves with the metafile, its paths relative to the root.
 */
export async function buildCli({verbose = false, outdir = path.join(root, 'dist'), metafile = metafilePath} = {}) {
	const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
	const dist = path.resolve(root, outdir);
	await rm(dist, {recursive: true, force: true});
	const options = await bundleOptions();
	const vendors = await buildVendors(dist, options);
	const app = await buildApp(dist, options, vendors);
	const result = await build({
		...options,
		splitting: false,
		// dist/cli.js holds no CommonJS code: it needs no require() of its own.
		banner: {},
		entryPoints: {cli: 'ecr-setup:entry'},
		outdir: dist,
		plugins: [entryPlugin(app), ...options.plugins],
	});
	for (const part of [vendors.metafile, app.metafile]) {
		Object.assign(result.metafile.inputs, part.inputs);
		Object.assign(result.metafile.outputs, part.outputs);
	}

	const merged = result.metafile;
	const outputs = Object.entries(merged.outputs).filter(([file]) => /\.c?js$/.test(file));
	const total = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
	// Kept out of dist/ (the package ships dist/**/*.js, the vendor files and the notices only).
	await writeFile(metafile, JSON.stringify(merged));
	const notices = await generateNotices(merged, root, pkg);
	await writeFile(path.join(dist, 'THIRD_PARTY_NOTICES.md'), notices.text);
	if (verbose) {
		for (const [file, output] of outputs) console.log(`${file}\t${(output.bytes / 1024).toFixed(1)} KiB`);
	}

	console.error(
		`built ${path.relative(root, dist) || '.'}/ (${outputs.length} files, ${(total / 1024).toFixed(0)} KiB; notices for ${notices.packages.length} packages)`,
	);
	return merged;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	const value = (name) => {
		const index = process.argv.indexOf(name);
		return index === -1 ? undefined : process.argv[index + 1];
	};

	await buildCli({
		verbose: process.argv.includes('--verbose'),
		...(value('--outdir') ? {outdir: path.resolve(value('--outdir'))} : {}),
		...(value('--metafile') ? {metafile: path.resolve(value('--metafile'))} : {}),
	});
}
