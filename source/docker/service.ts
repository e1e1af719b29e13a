/**
 * DockerService over the docker CLI, spawned through the ProcessRunner. Outputs are parsed the way docker 28 prints them
 * (see test/fixtures/docker-push/ for real captures).
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {UserError} from '../errors/user-errors.js';
import {PushError, classifyPushFailure} from './push-errors.js';
import {createPushTracker} from './push-progress.js';
import {planPty, ptyFailed} from './push-pty.js';
import {
	type VersionJson,
	classifyDaemonError,
	commandFailure,
	lastLine,
	loginFailure,
	outputOf,
	parseImageList,
	parseVersionJson,
} from './output.js';
import {redact} from '../lib/redact.js';
import {pushPlatformSupported, shapeOfInspect} from './image-shape.js';

import type {DaemonStatus, DockerService, ImageInspect, PushEvent, PushOptions, PushResult} from './types.js';
import type {ProcessRunner, RunResult} from '../process/types.js';

export type DockerServiceOptions = {
	runner: ProcessRunner;
	/** Environment for docker (DOCKER_HOST, DOCKER_CONFIG, PATH, …), on top of process.env. */
	env?: Record<string, string | undefined>;
	/** `--config DIR`: passed to every docker command when given. */
	configDir?: string;
	/** The docker executable (default `docker`; `docker.exe` is found through PATHEXT on Windows). */
	binary?: string;
	/** Limit for quick commands (version, ls, inspect, tag, login, logout). Pushes have none. */
	timeoutMs?: number;
	/** Where it runs (default process.platform): a push gets a pseudo-terminal, for byte counts, only on Linux. */
	platform?: NodeJS.Platform;
};

export function createDockerService(options: DockerServiceOptions): DockerService {
	const {runner} = options;
	const binary = options.binary ?? 'docker';
	const isPodman = path.basename(binary).replace(/\.exe$/i, '') === 'podman';
	const timeoutMs = options.timeoutMs ?? 30_000;
	const prefix = options.configDir === undefined ? [] : ['--config', options.configDir];
	const base = options.env ? {env: options.env} : {};

	async function ptyPlanFor(argv: string[]) {
		const platform = options.platform ?? process.platform;
		const script = platform === 'linux' ? await runner.which('script', base.env ? {env: base.env} : {}) : null;
		return planPty({platform, binary, script}, argv);
	}

	function run(args: string[], extra: {input?: string; timeoutMs?: number} = {}): Promise<RunResult> {
		return runner.run(binary, [...prefix, ...args], {...base, timeoutMs, ...extra});
	}

	// cliVersion() and daemonStatus() are asked together (welcome screen, doctor): one `docker version` answers both.
	// Shared only while it runs, so a later check (a retry) asks docker again.
	let versionInFlight: Promise<{result: RunResult; json: VersionJson | undefined}> | undefined;
	async function version(): Promise<{result: RunResult; json: VersionJson | undefined}> {
		versionInFlight ??= run(['version', '--format', 'json'], {timeoutMs: Math.min(timeoutMs, 15_000)})
			.then((result) => ({result, json: result.notFound ? undefined : parseVersionJson(result.stdout)}))
			.finally(() => {
				versionInFlight = undefined;
			});
		return versionInFlight;
	}

	return {
		async cliVersion() {
			const {result, json} = await version();
			if (result.notFound) return null;
			if (json?.Client?.Version) return json.Client.Version;
			// Before `--format json` existed the template printed "json"; `docker --version` works everywhere.
			const fallback = await runner.run(binary, ['--version'], {...base, timeoutMs});
			if (fallback.notFound) return null;
			return /version ([^\s,]+)/i.exec(fallback.stdout)?.[1] ?? null;
		},

		async daemonStatus(): Promise<DaemonStatus> {
			const {result, json} = await version();
			if (result.notFound)
				return {ok: false, reason: 'cli-missing', message: 'The docker CLI is not installed (no `docker` on PATH).'};
			if (result.exitCode === 0 && json?.Server?.Version) return {ok: true, serverVersion: json.Server.Version};
			// Local podman has no daemon: its `version --format json` has only Client, and every command works without one.
			if (result.exitCode === 0 && binary === 'podman' && json?.Client?.Version)
				return {ok: true, serverVersion: json.Client.Version};
			if (result.timedOut)
				return {
					ok: false,
					reason: 'unknown',
					message: 'docker version did not answer in time: the daemon may be hung.',
				};
			const text = outputOf(result);
			const message = lastLine(result.stderr) || lastLine(text) || `docker version exited with code ${result.exitCode}`;
			return {ok: false, reason: classifyDaemonError(text) ?? 'unknown', message};
		},

		async listImages() {
			const result = await run(['image', 'ls', '--format', 'json']);
			if (result.exitCode !== 0) throw commandFailure('docker image ls', result);
			return parseImageList(result.stdout);
		},

		async inspectImage(ref: string): Promise<ImageInspect | null> {
			const result = await run(['image', 'inspect', '--format', 'json', ref]);
			if (result.exitCode !== 0) {
				if (/No such image|No such object/i.test(result.stderr)) return null;
				throw commandFailure(`docker image inspect ${ref}`, result);
			}

			let parsed: unknown;
			try {
				parsed = JSON.parse(result.stdout);
			} catch (error) {
				throw new UserError(`docker image inspect ${ref} printed something that is not JSON.`, {
					code: 'docker.unexpected-output',
					cause: error,
				});
			}

			const first = (Array.isArray(parsed) ? parsed[0] : parsed) as
				| {Id?: unknown; RepoTags?: unknown; RepoDigests?: unknown}
				| undefined;
			if (!first || typeof first.Id !== 'string') return null;
			const strings = (value: unknown) =>
				Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
			const shape = shapeOfInspect(first);
			return {
				id: first.Id,
				repoTags: strings(first.RepoTags),
				repoDigests: strings(first.RepoDigests),
				...(shape ? {shape} : {}),
			};
		},

		async tag(source: string, target: string) {
			const result = await run(['tag', source, target]);
			if (result.exitCode === 0) return;
			if (/No such image/i.test(result.stderr)) {
				throw new UserError(`There is no local image "${source}" to tag.`, {
					code: 'docker.image-missing',
					hint: 'Build or pull it first, or pick one from `docker image ls`.',
				});
			}

			throw commandFailure(`docker tag ${source} ${target}`, result);
		},

		async pushPlatformSupport() {
			if (isPodman) return false;
			const {result, json} = await version();
			return result.exitCode === 0 && pushPlatformSupported(json);
		},

		async push(ref: string, pushOptions: PushOptions = {}): Promise<PushResult> {
			let tracker = createPushTracker();
			let lines: string[] = [];
			// podman prints no `<tag>: digest: …` line; it writes the digest to a file when asked.
			const digestDir = isPodman ? await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-digest-')) : undefined;
			const digestArgs = digestDir ? ['--digestfile', path.join(digestDir, 'digest')] : [];
			const argv = [
				...prefix,
				'push',
				...digestArgs,
				...(pushOptions.platform ? ['--platform', pushOptions.platform] : []),
				ref,
			];
			const emit = (event: PushEvent) => {
				try {
					pushOptions.onEvent?.(event);
				} catch {
					// A failing progress view must not break the push.
				}
			};

			const attempt = (
				file: string,
				args: string[],
				env: Record<string, string | undefined> | undefined,
				wrapper = false,
			) => {
				tracker = createPushTracker();
				lines = [];
				return runner.stream(file, args, {
					...(env ? {env} : {}),
					...(pushOptions.signal ? {signal: pushOptions.signal} : {}),
					// docker stops within milliseconds of SIGTERM (script forwards it); one that does not is killed after 1 s.
					stop: {graceMs: 1000, wrapper},
					onLine(line) {
						lines.push(line);
						for (const event of tracker.feed(line)) emit(event);
					},
				});
			};

			try {
				const plan = await ptyPlanFor(argv);
				let result: RunResult | undefined;
				if (plan.use) {
					result = await attempt(plan.file, plan.args, {...options.env, ...plan.env}, true);
					if ((result.notFound || ptyFailed(lines)) && !pushOptions.signal?.aborted) {
						const said = lines.find((line) => line.trim().length > 0)?.trim() ?? 'script is missing';
						emit({type: 'bytes-unavailable', reason: `no pseudo-terminal (${said})`});
						result = undefined;
					}
				} else {
					emit({type: 'bytes-unavailable', reason: plan.reason});
				}

				result ??= await attempt(binary, argv, options.env);
				if (result.notFound) throw commandFailure('docker push', result);
				const {state} = tracker;
				if (result.exitCode === 0 && state.digest) {
					return {
						digest: state.digest.digest,
						size: state.digest.size,
						tag: state.digest.tag,
						layers: state.layers.length,
					};
				}

				if (result.exitCode === 0 && digestDir) {
					const digest = (await readFile(path.join(digestDir, 'digest'), 'utf8').catch(() => '')).trim();
					if (/^sha256:[a-f0-9]{64}$/.test(digest)) {
						const tag = ref.slice(ref.lastIndexOf('/') + 1).split(':')[1] ?? 'latest';
						return {digest, size: 0, tag, layers: state.layers.length};
					}
				}

				// Lines already streamed; stdout/stderr in the result are the same text when the runner buffers too.
				const output = lines.length > 0 ? lines : outputOf(result).split(/\r?\n/);
				if (result.exitCode === 0) {
					throw new UserError(`docker push ${ref} finished but printed no digest.`, {
						code: 'push.no-digest',
						hint: 'Check the image in the registry; docker may be a wrapper that prints something else.',
					});
				}

				throw new PushError(
					classifyPushFailure(output, {ref, ...(state.repository ? {repository: state.repository} : {})}),
				);
			} finally {
				if (digestDir) await rm(digestDir, {recursive: true, force: true});
			}
		},

		async login(registry: string, username: string, password: string) {
			if (password.length === 0) {
				throw new UserError('The registry password is empty, so docker login was not run.', {
					code: 'docker.login-empty-password',
					hint: 'Fetching the ECR token failed earlier; fix that first (ecr-setup whoami).',
				});
			}

			// The password goes to stdin only: never on argv, where `ps` would show it.
			const result = await run(['login', '--username', username, '--password-stdin', registry], {input: password});
			const secrets = [password];
			if (result.exitCode !== 0) throw loginFailure(registry, result, secrets);
			const message = redact(
				[result.stdout, result.stderr]
					.join('\n')
					.split(/\r?\n/)
					.map((line) => line.trimEnd())
					.filter((line) => line.trim().length > 0 && !/^time="[^"]*" level=(?:debug|info)/.test(line))
					.join('\n'),
				secrets,
			);
			return {message};
		},

		async logout(registry: string) {
			const result = await run(['logout', registry]);
			if (result.exitCode !== 0) throw commandFailure(`docker logout ${registry}`, result);
		},

		withEnv: (env) => createDockerService({...options, env: {...options.env, ...env}}),
	};
}
