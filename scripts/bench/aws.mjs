// The bench's AWS: the project's one AWS stand-in (test/helpers/aws-stand-in/), bundled with esbuild (Node 20 does not
// run TypeScript) and run as a process on loopback HTTPS: ECR over JSON 1.1, STS over the query protocol, with
// repositories seeded, pages of at most `pageLimit`, and every answer held `delayMs`. Its log goes to a file in the
// bench's work directory; its control API tells how many calls arrived and when the first was answered.
import {spawn} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {build} from 'esbuild';

const ACCOUNT = '123456789012';
const WORDS = [
	'api',
	'web',
	'worker',
	'billing',
	'search',
	'auth',
	'payments',
	'reports',
	'ingest',
	'frontend',
	'batch',
	'ml',
];

/** Names like team-07/payments-worker-00042 (every pair of words about 70 times in 10,000): a mix of prefixes and words, so that filters match many or few. */
function repositoryName(index) {
	const team = `team-${String(index % 50).padStart(2, '0')}`;
	const first = WORDS[index % WORDS.length];
	const second = WORDS[Math.floor(index / WORDS.length) % WORDS.length];
	return `${team}/${first}-${second}-${String(index).padStart(5, '0')}`;
}

/** Bundles the stand-in's process entry into `work`; returns the file to run with node. */
export async function bundleStandIn(root, work) {
	const outfile = path.join(work, 'aws-stand-in.mjs');
	await build({
		entryPoints: [path.join(root, 'test', 'helpers', 'aws-stand-in', 'cli.ts')],
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'esm',
		outfile,
		logLevel: 'error',
	});
	return outfile;
}

function getJson(url) {
	return new Promise((resolve, reject) => {
		http
			.get(url, (response) => {
				let body = '';
				response.on('data', (chunk) => {
					body += chunk;
				});
				response.on('end', () => resolve(JSON.parse(body)));
			})
			.on('error', reject);
	});
}

/**
 * Starts one stand-in and resolves once it listens, with its URL and stats() ({calls, operations, firstRequestAt,
 * firstAnswerAt}: Date.now() values). The child goes into `children`, for the bench to stop when it exits.
 */
export async function startStandIn(bundle, {name, work, certificates, repositories, pageLimit, delayMs, children}) {
	const config = path.join(work, `stand-in-${name}.json`);
	writeFileSync(
		config,
		JSON.stringify({
			api: {host: '127.0.0.1', port: 0},
			control: {host: '127.0.0.1', port: 0},
			tls: {cert: certificates.cert, key: certificates.key},
			identity: {account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/bench`, userId: 'AIDABENCHSTANDIN0001'},
			repositories: Array.from({length: repositories}, (_, index) => ({
				name: repositoryName(index),
				region: 'us-east-1',
			})),
			pageLimit,
			delayMs,
			logFile: path.join(work, `stand-in-${name}.log`),
		}),
	);
	const child = spawn(process.execPath, [bundle, config], {stdio: ['ignore', 'pipe', 'inherit']});
	children.push(child);
	const line = await new Promise((resolve, reject) => {
		child.on('error', reject);
		child.on('exit', (code) => reject(new Error(`the ${name} stand-in exited (${code})`)));
		createInterface({input: child.stdout}).once('line', resolve);
	});
	const {api, control} = JSON.parse(line);
	return {url: api, stats: () => getJson(`${control}/_control/stats`)};
}
