/**
 * A machine for `sign-in` command tests: an empty HOME (AWS_CONFIG_FILE and the credentials file under it), the AWS
 * stand-in in process for IAM Identity Center and STS, the real SignInService over a clock that only its polling moves,
 * and fakes for the rest (the credential helper's version, the process runner that would open a browser).
 */
import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {vi} from 'vitest';
import {createSignInService} from '../../source/aws/sign-in-service.js';
import type {CommandContext, GlobalOptions, ParsedFlags} from '../../source/commands/types.js';
import type {HelperInfo} from '../../source/credential-helper/types.js';
import {awsEnv, type StandIn, type StandInOptions, startAwsStandIn} from './aws-stand-in/index.js';
import {createFakeRunner, type FakeRunner, type ScriptedCommand} from './fake-runner.js';
import {createFakeServices, createRecordingIo, type RecordingIo} from './fake-services.js';

/** Now, to the second: the SDK's credential chain, which the tests also run, judges the tokens by the real clock. */
export const START = new Date(Math.floor(Date.now() / 1000) * 1000);

export type SignInWorld = {
	home: string;
	env: Record<string, string | undefined>;
	standIn: StandIn;
	/** The polling waits, in ms, in order. */
	waits: number[];
	now(): Date;
	/** Move the clock on (as hours passing between two runs). */
	advance(ms: number): void;
	configPath: string;
	credentialsPath: string;
	read(path: string): Promise<string | undefined>;
	/** The files in a directory of HOME (`.aws`, `.aws/sso/cache`), sorted; [] when it does not exist. */
	list(relative: string): Promise<string[]>;
	run(
		run: (context: CommandContext) => Promise<{exitCode?: number; json?: unknown}>,
		options?: {
			flags?: ParsedFlags;
			global?: Partial<GlobalOptions>;
			io?: Parameters<typeof createRecordingIo>[0];
			helper?: HelperInfo | null;
			runner?: ScriptedCommand[];
		},
	): Promise<{result: {exitCode?: number; json?: unknown}; io: RecordingIo; runner: FakeRunner}>;
	close(): Promise<void>;
};

export async function createSignInWorld(options: StandInOptions = {}): Promise<SignInWorld> {
	const home = await mkdtemp(join(tmpdir(), 'ecr-sign-in-'));
	const standIn = await startAwsStandIn(options);
	const configPath = join(home, '.aws', 'config');
	const credentialsPath = join(home, '.aws', 'credentials');
	const base = awsEnv(standIn.url, {
		HOME: home,
		AWS_CONFIG_FILE: configPath,
		AWS_SHARED_CREDENTIALS_FILE: credentialsPath,
	});
	// A fresh machine: no keys in the environment, only what sign-in writes.
	const env = {...base, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined};
	// The SDK's own credential chain (used to check what sign-in wrote) reads process.env.
	for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
	vi.stubEnv('AWS_PROFILE', '');
	let clock = START.getTime();
	const waits: number[] = [];
	const now = () => new Date(clock);
	const signIn = createSignInService({
		env,
		now,
		maxAttempts: 1,
		sleep: async (ms) => {
			waits.push(ms);
			clock += ms;
		},
	});

	return {
		home,
		env,
		standIn,
		waits,
		now,
		advance: (ms) => {
			clock += ms;
		},
		configPath,
		credentialsPath,
		read: async (path) => readFile(path, 'utf8').catch(() => undefined),
		list: async (relative) => (await readdir(join(home, relative)).catch(() => [] as string[])).sort(),
		async run(run, runOptions = {}) {
			const runner = createFakeRunner(runOptions.runner ?? []);
			const services = createFakeServices({
				signIn,
				helper: {find: async () => runOptions.helper ?? null},
				runner,
				env,
				now,
			});
			const io = createRecordingIo(runOptions.io);
			const context: CommandContext = {
				services,
				io,
				options: {
					profile: undefined,
					region: undefined,
					config: undefined,
					json: false,
					yes: runOptions.io?.yes ?? false,
					dryRun: false,
					color: false,
					verbose: false,
					...runOptions.global,
				},
				flags: runOptions.flags ?? {},
				positionals: [],
				signal: new AbortController().signal,
			};
			return {result: await run(context), io, runner};
		},
		async close() {
			vi.unstubAllEnvs();
			await standIn.close();
			await rm(home, {recursive: true, force: true});
		},
	};
}
