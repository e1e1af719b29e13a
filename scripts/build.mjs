// Bundles the CLI into dist/ with esbuild: one entry (dist/cli.js) plus lazily loaded chunks, no runtime dependencies.
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const dist = path.join(root, 'dist');
const stubDir = path.join(root, 'node_modules', '.cache', 'ecr-setup-build');
await rm(dist, {recursive: true, force: true});
await mkdir(stubDir, {recursive: true});
// Ink imports react-devtools-core only when DEV is set; marking it external breaks every start, so it becomes empty.
const devtoolsStub = path.join(stubDir, 'react-devtools-core.js');
await writeFile(devtoolsStub, 'export default {connectToDevTools() {}};\n');

const result = await build({
	absWorkingDir: root,
	entryPoints: {cli: 'source/cli.tsx'},
	outdir: 'dist',
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
	banner: {
		js: '#!/usr/bin/env node\nimport{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);',
	},
	metafile: true,
	logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const total = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
await writeFile(path.join(root, 'node_modules', '.cache', 'ecr-setup-build', 'meta.json'), JSON.stringify(result.metafile));
if (process.argv.includes('--verbose')) {
	for (const [file, output] of outputs) console.log(`${file}\t${(output.bytes / 1024).toFixed(1)} KiB`);
}

console.error(`built dist/ (${outputs.length} files, ${(total / 1024).toFixed(0)} KiB)`);
