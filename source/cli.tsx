#!/usr/bin/env node
/**
 * Entry point. Answers --version and --help before loading Ink or the AWS SDK, runs a subcommand, or (in a terminal)
 * the wizard. This is the one place that renders Ink and the one place that sets the exit code.
 */
import process from 'node:process';
import {COMMANDS, findCommand} from './commands/index.js';
import type {CommandDefinition, GlobalOptions} from './commands/types.js';
import {GLOBAL_FLAGS} from './commands/types.js';
import {formatFlags, parseCommandLine, stringFlag} from './commands/args.js';
import {CancelledError, UsageError, errorMessage, errorToJson, isUserError} from './errors/user-errors.js';
import {debug, enableDebugLog, redirectDebugLog} from './lib/log.js';

declare const __ECR_SETUP_VERSION__: string | undefined;

// The SDK prints a multi-line warning on Node 20 that garbles an Ink screen.
// The SDK only accepts the exact string "true" (a user's "1" would not silence it).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

export async function version(): Promise<string> {
	if (typeof __ECR_SETUP_VERSION__ === 'string') return __ECR_SETUP_VERSION__;
	const {readFile} = await import('node:fs/promises');
	const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};
	return pkg.version;
}

const WIZARD_FLAGS = [
	{name: 'repository', type: 'string', value: 'NAME', description: 'Repository to push to (skips that step)'},
	{name: 'image', type: 'string', value: 'IMAGE', description: 'Local image to push (skips that step)'},
	{name: 'tag', type: 'string', value: 'TAG', description: 'Tag to push as'},
	{name: 'create-repository', type: 'boolean', description: 'Create the repository when it does not exist'},
	{name: 'lambda', type: 'boolean', description: 'The image is for AWS Lambda (one image manifest, one platform)'},
] as const satisfies CommandDefinition['flags'];

function topLevelHelp(): string {
	const width = Math.max(...COMMANDS.map((entry) => entry.name.length)) + 2;
	return [
		'ecr-setup — get your Docker images into Amazon ECR, and keep every later push working.',
		'',
		'Usage',
		'  ecr-setup                 the guided wizard (in a terminal)',
		'  ecr-setup <command> [options]',
		'',
		'Commands',
		...COMMANDS.map((entry) => `  ${entry.name.padEnd(width)}${entry.summary}`),
		'',
		'Wizard options',
		formatFlags([...WIZARD_FLAGS]),
		'',
		'Global options',
		formatFlags(GLOBAL_FLAGS),
		'',
		'Exit codes: 0 ok, 1 failed, 2 usage error, 130 interrupted (Ctrl-C), 143 terminated.',
		'Compiled code is cached per user to start faster; ECR_SETUP_COMPILE_CACHE=0 turns that off.',
		'Run `ecr-setup <command> --help` for a command’s own options.',
	].join('\n');
}

function commandHelp(command: CommandDefinition): string {
	return [
		command.summary,
		'',
		'Usage',
		`  ${command.usage}`,
		...(command.flags.length > 0 ? ['', 'Options', formatFlags(command.flags)] : []),
		'',
		'Global options',
		formatFlags(GLOBAL_FLAGS),
		...(command.details ? ['', command.details] : []),
	].join('\n');
}

function renderError(error: unknown, color: boolean): string {
	const red = (text: string) => (color ? `\u001B[31m${text}\u001B[39m` : text);
	const dim = (text: string) => (color ? `\u001B[2m${text}\u001B[22m` : text);
	if (isUserError(error)) {
		const lines = [`${red('✖')} ${error.message}`];
		if (error.hint) lines.push(`  ${error.hint}`);
		for (const step of error.nextSteps) lines.push(`  ${dim('→')} ${step}`);
		return lines.join('\n');
	}

	const stack = error instanceof Error && error.stack ? error.stack : errorMessage(error);
	return `${red('✖')} Unexpected error — this is a bug in ecr-setup. Please report it with the text below.\n${stack}`;
}

type Streams = {stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; stdin: NodeJS.ReadStream};

/**
 * Where the command name is: the first argument that is neither an option nor the value of an option placed before it
 * (`ecr-setup --region eu-west-1 push …`, `ecr-setup --repository web` for the wizard). -1 when there is none.
 */
export function findCommandIndex(argv: readonly string[]): number {
	const takesValue = new Set(
		[...GLOBAL_FLAGS, ...WIZARD_FLAGS]
			.filter((flag) => flag.type === 'string')
			.flatMap((flag) => [`--${flag.name}`, ...('short' in flag && flag.short ? [`-${flag.short}`] : [])]),
	);
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index]!;
		if (arg === '--') return index + 1 < argv.length ? index + 1 : -1;
		if (takesValue.has(arg)) {
			index++;
			continue;
		}

		if (!arg.startsWith('-')) return index;
	}

	return -1;
}

/** Runs the CLI; resolves with the exit code. Never calls process.exit itself. */
export async function main(argv: string[], streams: Streams = process, env = process.env): Promise<number> {
	const commandIndex = findCommandIndex(argv);
	const first = commandIndex === -1 ? undefined : argv[commandIndex];
	const entry = first === undefined ? undefined : findCommand(first);
	let json = argv.includes('--json');
	let color = !argv.includes('--no-color') && !(env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '');
	const controller = new AbortController();
	let signals = 0;
	const onSignal = (signal: 'SIGINT' | 'SIGTERM') => () => {
		// A second Ctrl-C means "now": do not wait for children to wind down.
		if (++signals > 1) process.exit(signal === 'SIGTERM' ? 143 : 130);
		controller.abort(new CancelledError('Interrupted.', signal));
	};
	const onInt = onSignal('SIGINT');
	const onTerm = onSignal('SIGTERM');

	try {
		if (first !== undefined && entry === undefined) {
			throw new UsageError(`Unknown command "${first}".`, {
				hint: `Commands: ${COMMANDS.map((command) => command.name).join(', ')}. See ecr-setup --help.`,
			});
		}

		if (entry === undefined) {
			const parsed = parseCommandLine(argv, [...WIZARD_FLAGS], undefined, env);
			if (parsed.global.version) {
				streams.stdout.write(`${await version()}\n`);
				return 0;
			}

			if (parsed.global.help) {
				streams.stdout.write(`${topLevelHelp()}\n`);
				return 0;
			}

			json = parsed.global.json;
			color = parsed.global.color;
			if (parsed.global.verbose) enableDebugLog({env, write: (line) => streams.stderr.write(`${line}\n`)});
			return await runWizard(parsed.global, parsed.flags, streams, env);
		}

		const rest = argv.filter((_arg, index) => index !== commandIndex);
		if (rest.includes('--version') || rest.includes('-v')) {
			streams.stdout.write(`${await version()}\n`);
			return 0;
		}

		const command = await entry.load();
		const parsed = parseCommandLine(rest, command.flags, command.name, env);
		json = parsed.global.json;
		color = parsed.global.color;
		if (parsed.global.help) {
			streams.stdout.write(`${commandHelp(command)}\n`);
			return 0;
		}

		if (parsed.global.verbose) {
			enableDebugLog({env, write: (line) => streams.stderr.write(`${line}\n`)});
			debug('cli', `ecr-setup ${await version()} ${command.name}`, {
				node: process.version,
				platform: `${process.platform}/${process.arch}`,
			});
		}

		// \`on\`, not \`once\`, for the whole run: with no listener of ours left, the exit hook that kills children (execa's
		// signal-exit) re-raises the signal, and the process dies of it before printing or cleaning up anything.
		process.on('SIGINT', onInt);
		process.on('SIGTERM', onTerm);
		const [{createServices}, {createTerminalIo}] = await Promise.all([
			import('./services/index.js'),
			import('./commands/io.js'),
		]);
		const services = createServices({
			profile: parsed.global.profile,
			region: parsed.global.region,
			config: parsed.global.config,
			engine: parsed.global.engine,
			env,
		});
		const io = createTerminalIo({json, yes: parsed.global.yes, color, ...streams, env});
		const result = await raceAbort(
			command.run({
				services,
				options: parsed.global,
				flags: parsed.flags,
				positionals: parsed.positionals.slice(0),
				io,
				signal: controller.signal,
			}),
			controller.signal,
		);
		if (json && result.json !== undefined) streams.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
		return result.exitCode ?? 0;
	} catch (error) {
		const failure =
			controller.signal.aborted && !isUserError(error) ? (controller.signal.reason as CancelledError) : error;
		if (json) streams.stdout.write(`${JSON.stringify(errorToJson(failure), null, 2)}\n`);
		streams.stderr.write(`${renderError(failure, color && Boolean(streams.stderr.isTTY))}\n`);
		return isUserError(failure) ? failure.exitCode : 1;
	} finally {
		process.removeListener('SIGINT', onInt);
		process.removeListener('SIGTERM', onTerm);
	}
}

/** A command's own work stops at its next await on the signal; this makes sure we return promptly too. */
async function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
	if (signal.aborted) throw signal.reason;
	return Promise.race([
		work,
		new Promise<never>((_, reject) => {
			signal.addEventListener('abort', () => reject(signal.reason), {once: true});
		}),
	]);
}

async function runWizard(
	options: GlobalOptions,
	flags: Record<string, unknown>,
	streams: Streams,
	env: NodeJS.ProcessEnv,
): Promise<number> {
	const {isInteractive} = await import('./commands/io.js');
	if (!isInteractive(env, streams.stdin, streams.stdout) || options.json) {
		throw new UsageError('The wizard needs an interactive terminal (no TTY, CI is set, or --json was given).', {
			hint: 'Use the subcommands instead, for example:',
			nextSteps: [
				'ecr-setup whoami --json',
				'ecr-setup configure-helper --region REGION --yes',
				'ecr-setup push IMAGE --repository NAME --region REGION [--create-repository]',
				'ecr-setup doctor --image IMAGE',
			],
		});
	}

	const [{render}, React, {App}, {createServices}] = await Promise.all([
		import('ink'),
		// The default export: in the esbuild bundle, react (CommonJS) behind import() has no named exports.
		import('react').then((module) => module.default),
		import('./wizard/app.js'),
		import('./services/index.js'),
	]);
	const services = createServices({
		profile: options.profile,
		region: options.region,
		config: options.config,
		engine: options.engine,
		env,
	});
	const wizardOptions = {
		...(options.profile ? {profile: options.profile} : {}),
		...(options.region ? {region: options.region} : {}),
		...(stringFlag(flags as never, 'repository') ? {repository: stringFlag(flags as never, 'repository')} : {}),
		...(stringFlag(flags as never, 'image') ? {image: stringFlag(flags as never, 'image')} : {}),
		...(stringFlag(flags as never, 'tag') ? {tag: stringFlag(flags as never, 'tag')} : {}),
		yes: options.yes,
		createRepository: flags['create-repository'] === true,
		lambda: flags['lambda'] === true,
	};

	type Outcome = Parameters<Parameters<typeof App>[0]['onOutcome']>[0];
	let resume: Parameters<typeof App>[0]['resume'];
	for (;;) {
		let settle!: (outcome: Outcome) => void;
		const outcome = new Promise<Outcome>((resolve) => {
			settle = resolve;
		});
		// Ink owns the screen: debug lines go through its patched console, which prints them above the live area.
		redirectDebugLog((line) => console.error(line));
		const instance = render(
			React.createElement(App, {
				services,
				options: wizardOptions,
				...(resume ? {resume} : {}),
				onOutcome: (value: Outcome) => settle(value),
			}),
			{exitOnCtrlC: false, stdout: streams.stdout, stderr: streams.stderr, stdin: streams.stdin, patchConsole: true},
		);
		// SIGTERM (or SIGINT outside raw mode) ends the wizard like Ctrl-C does.
		const onSignal = (signal: NodeJS.Signals) => settle({type: 'exit', exitCode: signal === 'SIGTERM' ? 143 : 130});
		process.on('SIGTERM', onSignal);
		process.on('SIGINT', onSignal);
		const result = await outcome;
		process.removeListener('SIGTERM', onSignal);
		process.removeListener('SIGINT', onSignal);
		instance.unmount();
		await instance.waitUntilExit().catch(() => undefined);
		if (result.type === 'exit') return result.exitCode;
		const handed = await services.runner.interactive(result.file, result.args).catch(() => ({exitCode: 1}));
		resume = {state: result.state, exitCode: handed.exitCode};
	}
}

const isEntry = process.argv[1] !== undefined && /(?:^|[\\/])(?:cli\.(?:js|tsx|ts)|ecr-setup)$/.test(process.argv[1]);
if (isEntry) {
	// Not a top-level await: the bundle is a CommonJS file (scripts/build.mjs), which cannot hold one.
	void main(process.argv.slice(2)).then((code) => {
		process.exitCode = code;
		// Children may still be winding down (execa escalates to SIGKILL after 2 s): another signal ends it now, with this
		// code. Without a listener here, execa's exit hook would re-raise that signal and the process would die of it.
		const exitNow = () => process.exit(code);
		process.on('SIGINT', exitNow);
		process.on('SIGTERM', exitNow);
	});
}
