/**
 * What the scenarios use to drive the real stack started by stack.sh: run programs with a clean environment and a throwaway
 * HOME, talk to the stand-in's control API, read the registry over HTTPS, make images without a network.
 */
import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import path from 'node:path';
import type {StandInState} from '../../helpers/aws-stand-in/control.js';
import {tokenScope} from '../../helpers/aws-stand-in/registry-front.js';
import {ACCOUNT, CONTROL_URL, OWNER, REGISTRY_US, type RegistryEndpoint} from './topology.js';

export type {StandInState};

function required(name: string): string {
	const value = process.env[name];
	if (!value) {
		throw new Error(
			`${name} is not set: the end-to-end scenarios run inside the stack that \`npm run test:e2e\` starts`,
		);
	}
	return value;
}

export const stack = {
	get work() {
		return required('E2E_WORK');
	},
	get root() {
		return required('E2E_ROOT');
	},
	get ca() {
		return required('E2E_CA');
	},
	get dockerHost() {
		return required('DOCKER_HOST');
	},
	/** run.sh's snapshot of dist/ (taken right after `npm run build`). */
	get cli() {
		return path.join(this.work, 'cli', 'dist', 'cli.js');
	},
};

/** The machine's own tools only: /usr/local/bin/docker (CLI 28) before /usr/bin/docker, /usr/bin/aws (v2), no pyenv shims. */
export const CLEAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Dummy keys: the stand-in only checks that a SigV4 signature is there. Not secrets, but never printed either. */
export const AWS_KEYS = {
	AWS_ACCESS_KEY_ID: 'AKIAE2ESTANDIN000001',
	AWS_SECRET_ACCESS_KEY: 'e2eStandInSecretKeyThatIsNotReal0000000001',
};

/** The other account's keys: requests signed with them act as its owner (topology.ts OWNER). */
export const OWNER_KEYS = {
	AWS_ACCESS_KEY_ID: OWNER.accessKeyId,
	AWS_SECRET_ACCESS_KEY: 'e2eStandInOwnerSecretKeyThatIsNotReal0001',
};

export type Env = Record<string, string>;

/** A fresh HOME (so no real ~/.docker, ~/.aws or ~/.ecr is read or written) and the environment around it. */
export function makeHome(label: string): {home: string; env: Env; dockerConfig: string} {
	const homes = path.join(stack.work, 'homes');
	mkdirSync(homes, {recursive: true});
	const home = mkdtempSync(path.join(homes, `${label}-`));
	const env: Env = {
		HOME: home,
		PATH: CLEAN_PATH,
		LANG: 'C.UTF-8',
		DOCKER_HOST: stack.dockerHost,
		...AWS_KEYS,
		AWS_REGION: 'us-east-1',
		AWS_CA_BUNDLE: stack.ca,
		NODE_EXTRA_CA_CERTS: stack.ca,
		// Nothing may try the instance metadata address: it is not on loopback.
		AWS_EC2_METADATA_DISABLED: 'true',
		AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
		AWS_PAGER: '',
		CI: 'true',
		NO_COLOR: '1',
	};
	return {home, env, dockerConfig: path.join(home, '.docker', 'config.json')};
}

export type RunResult = {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	timedOut: boolean;
	/** The tail of ~/.ecr/log/ecr-login.log after a failed docker command, when the helper wrote one. */
	helperLog?: string;
};

export type RunOptions = {env: Env; input?: string; timeoutMs?: number; cwd?: string; onSpawn?: (pid: number) => void};

/** Runs a program to completion (its own process group, killed whole on time-out). Never throws for a non-zero exit. */
export function run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(file, args, {
			env: options.env,
			cwd: options.cwd ?? options.env.HOME,
			detached: true,
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.on('data', (chunk) => (stdout += String(chunk)));
		child.stderr.on('data', (chunk) => (stderr += String(chunk)));
		const timer = setTimeout(() => {
			timedOut = true;
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// already gone
			}
		}, options.timeoutMs ?? 90_000);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('spawn', () => options.onSpawn?.(child.pid!));
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code, signal, stdout, stderr, timedOut});
		});
		child.stdin.on('error', () => {});
		child.stdin.end(options.input ?? '');
	});
}

/** Runs the built CLI (dist/cli.js) as `npx ecr-setup` would. */
export function ecrSetup(args: readonly string[], options: RunOptions): Promise<RunResult> {
	if (!existsSync(stack.cli)) {
		throw new Error(
			`${stack.cli} does not exist: \`npm run build\` did not produce dist/cli.js (E2E_BUILD_STATUS=${process.env.E2E_BUILD_STATUS ?? 'unknown'})`,
		);
	}
	return run('node', [stack.cli, ...args], options);
}

/** docker itself. When it fails, the credential helper's log (its only record of why) is attached for describeRun. */
export async function docker(args: readonly string[], options: RunOptions): Promise<RunResult> {
	const result = await run('docker', args, options);
	const log = path.join(options.env.HOME ?? '/nonexistent', '.ecr', 'log', 'ecr-login.log');
	if (result.code !== 0 && existsSync(log)) {
		result.helperLog = readFileSync(log, 'utf8').trim().split('\n').slice(-15).join('\n');
	}
	return result;
}

/** Both streams, for assertions on what a person would see. */
export function output(result: RunResult): string {
	return `${result.stdout}\n${result.stderr}`;
}

export function describeRun(result: RunResult): string {
	const helper = result.helperLog ? `\n--- ~/.ecr/log/ecr-login.log (tail)\n${result.helperLog}` : '';
	return `exit ${result.code}${result.signal ? ` (${result.signal})` : ''}${result.timedOut ? ' (timed out)' : ''}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}${helper}`;
}

// ───────────────────────────── the stand-in's control API ─────────────────────────────

export async function control<T = unknown>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
	const url = new URL(route, CONTROL_URL);
	const text = body === undefined ? '' : JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{method, headers: {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)}},
			(response) => {
				let data = '';
				response.on('data', (chunk) => (data += String(chunk)));
				response.on('end', () => {
					if ((response.statusCode ?? 500) >= 300)
						reject(new Error(`control ${method} ${route}: ${response.statusCode} ${data}`));
					else resolve(JSON.parse(data) as T);
				});
			},
		);
		request.on('error', reject);
		request.end(text);
	});
}

export async function resetStandIn(): Promise<void> {
	await control('POST', '/_control/reset');
}

export async function createRepository(
	name: string,
	options: {region?: string; imageTagMutability?: string; registryId?: string} = {},
): Promise<void> {
	await control('POST', '/_control/repositories', {
		name,
		region: options.region ?? 'us-east-1',
		imageTagMutability: options.imageTagMutability,
		registryId: options.registryId,
	});
}

/** A repository creation template, as CreateRepositoryCreationTemplate would make it (CREATE_ON_PUSH unless told). */
export async function createTemplate(template: {
	prefix: string;
	region?: string;
	appliedFor?: string[];
	imageTagMutability?: string;
	imageTagMutabilityExclusionFilters?: Array<{filterType: 'WILDCARD'; filter: string}>;
	lifecyclePolicy?: string;
	resourceTags?: Array<{Key: string; Value: string}>;
}): Promise<void> {
	await control('POST', '/_control/templates', {appliedFor: ['CREATE_ON_PUSH'], region: 'us-east-1', ...template});
}

export function standInState(): Promise<StandInState> {
	return control<StandInState>('GET', '/_control/state');
}

/** The token the stand-in currently hands out for a region, or ECR Public's (the registry accepts exactly this one). */
export function currentToken(
	region = 'us-east-1',
): Promise<{authorizationToken: string; password: string; expiresAt: number}> {
	return control('POST', '/_control/token', {region});
}

export function expiredToken(region = 'us-east-1'): Promise<{authorizationToken: string; password: string}> {
	return control('POST', '/_control/token', {region, expired: true});
}

// ───────────────────────────── the registry, read over HTTPS as a client would ─────────────────────────────

type HttpAnswer = {status: number; headers: http.IncomingHttpHeaders; body: string};

export async function registryRequest(
	registry: RegistryEndpoint,
	method: 'GET' | 'HEAD',
	route: string,
	accept?: string,
): Promise<HttpAnswer> {
	const {password} = await currentToken(tokenScope(registry, ACCOUNT));
	const ca = readFileSync(stack.ca);
	return new Promise((resolve, reject) => {
		const request = https.request(
			{
				host: registry.host,
				port: 443,
				method,
				path: route,
				ca,
				headers: {
					Authorization: `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}`,
					...(accept ? {Accept: accept} : {}),
				},
			},
			(response) => {
				let body = '';
				response.on('data', (chunk) => (body += String(chunk)));
				response.on('end', () => resolve({status: response.statusCode ?? 0, headers: response.headers, body}));
			},
		);
		request.on('error', reject);
		request.end();
	});
}

/** `/v2/<repo>/tags/list`: the tags the registry really holds ([] when the repository holds nothing yet). */
export async function registryTags(repository: string, registry: RegistryEndpoint = REGISTRY_US): Promise<string[]> {
	const answer = await registryRequest(registry, 'GET', `/v2/${repository}/tags/list`);
	if (answer.status === 404) return [];
	if (answer.status !== 200)
		throw new Error(`tags/list of ${repository} on ${registry.host}: ${answer.status} ${answer.body}`);
	return ((JSON.parse(answer.body) as {tags: string[] | null}).tags ?? []).sort();
}

/** The digest the registry serves for repository:tag, or undefined. */
export async function registryDigest(
	repository: string,
	tag: string,
	registry: RegistryEndpoint = REGISTRY_US,
): Promise<string | undefined> {
	const answer = await registryRequest(
		registry,
		'HEAD',
		`/v2/${repository}/manifests/${tag}`,
		'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
	);
	return answer.status === 200 ? String(answer.headers['docker-content-digest']) : undefined;
}

// ───────────────────────────── images and docker config ─────────────────────────────

let imageCounter = 0;

/**
 * A small image made without a network: `tar -c … | docker import - NAME`, one layer. Each call makes different content.
 * randomBytes adds a file of that many random bytes (gzip cannot shrink it, so the push sends about that much).
 */
export async function makeImage(name: string, env: Env, options: {randomBytes?: number} = {}): Promise<void> {
	imageCounter += 1;
	const directory = mkdtempSync(path.join(stack.work, 'image-'));
	writeFileSync(path.join(directory, 'hello.txt'), `hello from ${name} #${imageCounter} at ${Date.now()}\n`);
	writeFileSync(path.join(directory, 'app.sh'), '#!/bin/sh\necho app\n', {mode: 0o755});
	if (options.randomBytes) writeFileSync(path.join(directory, 'random.bin'), randomBytes(options.randomBytes));
	const result = await run('bash', ['-c', 'tar -C "$1" -c . | docker import - "$2"', 'make-image', directory, name], {
		env,
	});
	if (result.code !== 0) throw new Error(`docker import ${name} failed: ${describeRun(result)}`);
}

export function writeDockerConfig(dockerConfig: string, config: unknown): string {
	mkdirSync(path.dirname(dockerConfig), {recursive: true, mode: 0o700});
	const text = `${JSON.stringify(config, null, '\t')}\n`;
	writeFileSync(dockerConfig, text, {mode: 0o600});
	return text;
}

export function readDockerConfig(dockerConfig: string): Record<string, unknown> {
	return JSON.parse(readFileSync(dockerConfig, 'utf8')) as Record<string, unknown>;
}

/** Parses the one JSON document a `--json` run prints on stdout, with the run in the error when it is not one. */
export function parseJson<T>(result: RunResult): T {
	try {
		return JSON.parse(result.stdout) as T;
	} catch {
		throw new Error(`stdout is not one JSON document:\n${describeRun(result)}`);
	}
}
