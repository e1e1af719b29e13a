/**
 * `login` and the wizard's one-time login, with the REAL AwsService (talking to a local ECR/STS stand-in that hands out a
 * real-shaped token) and the REAL DockerService over a recording process runner: the token and the AWS keys never reach
 * argv, stdout, stderr, the --verbose log, the JSON result or the screen; the password reaches docker only on stdin.
 * A second test runs `main()` itself with a fake `docker` executable on PATH that writes down its argv and stdin.
 */
import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {cleanup} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {loginCommand} from '../../../source/commands/login.js';
import type {CommandContext} from '../../../source/commands/types.js';
import {disableDebugLog, enableDebugLog} from '../../../source/lib/log.js';
import {createAwsService} from '../../../source/aws/service.js';
import {createDockerConfigService} from '../../../source/docker-config/service.js';
import {createDockerService} from '../../../source/docker/service.js';
import type {Services} from '../../../source/services/types.js';
import {AuthStep} from '../../../source/wizard/steps/auth/auth-step.js';
import {createFakeRunner, type FakeRunner} from '../../helpers/fake-runner.js';
import {createFakeServices, createRecordingIo} from '../../helpers/fake-services.js';
import {ARROW_DOWN, ENTER} from '../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../helpers/step-harness.js';
import {world} from '../../helpers/wizard-fixtures.js';
import {
	authorizationToken,
	awsEnv,
	DEFAULT_IDENTITY,
	ecrPassword,
	type StandIn,
	startAwsStandIn,
	TEST_KEYS,
} from '../../helpers/aws-stand-in/index.js';
import {report} from '../../helpers/report.js';

const HOST = `${DEFAULT_IDENTITY.account}.dkr.ecr.eu-west-1.amazonaws.com`;
const PASSWORD = ecrPassword(Math.floor(Date.parse('2026-11-28T00:00:00Z') / 1000), 'login');
const TOKEN = Buffer.from(`AWS:${PASSWORD}`).toString('base64');
const SECRETS = {password: PASSWORD, token: TOKEN, ...TEST_KEYS};

let endpoint: StandIn;
let dir: string;

beforeAll(async () => {
	// A token the test knows, so it can look for it; everything else comes from the model.
	endpoint = await startAwsStandIn({
		answer: (request) => (request.operation === 'GetAuthorizationToken' ? authorizationToken(PASSWORD) : undefined),
	});
});

afterAll(async () => {
	await endpoint.close();
});

beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'ecr-secrets-login-'));
	// The SDK's credential chain reads process.env itself.
	for (const [name, value] of Object.entries(awsEnv(endpoint.url))) vi.stubEnv(name, value);
	vi.stubEnv('AWS_PROFILE', '');
});

afterEach(async () => {
	cleanup();
	disableDebugLog();
	vi.unstubAllEnvs();
	await rm(dir, {recursive: true, force: true});
});

/** Every secret value, and every 16-character piece of the long ones, absent from text. */
function expectNoSecrets(where: string, text: string): number {
	let checks = 0;
	for (const [name, value] of Object.entries(SECRETS)) {
		checks++;
		expect(text.includes(value), `${name} found in ${where}`).toBe(false);
		for (let start = 0; start + 16 <= value.length; start += 16) {
			checks++;
			expect(text.includes(value.slice(start, start + 16)), `a piece of ${name} found in ${where}`).toBe(false);
		}
	}

	return checks;
}

function dockerRunner(
	loginResult: {exitCode: number; stdout?: string; stderr?: string} = {exitCode: 0, stdout: 'Login Succeeded'},
): FakeRunner {
	return createFakeRunner([
		{
			file: 'docker',
			args: (args) => args.includes('login'),
			result: {exitCode: loginResult.exitCode, stdout: loginResult.stdout ?? '', stderr: loginResult.stderr ?? ''},
			repeat: true,
		},
	]);
}

function argvText(runner: FakeRunner): string {
	return runner.calls.map((call) => [call.file, ...call.args].join(' ')).join('\n');
}

describe('login keeps the token and the keys out of argv, output and logs', () => {
	it('ecr-setup login (real AWS service, real docker service, real config dir, --verbose on)', async () => {
		const log: string[] = [];
		enableDebugLog({env: process.env, write: (line) => log.push(line)});
		const env = awsEnv(endpoint.url);
		const runner = dockerRunner();
		const services: Services = {
			...createFakeServices({env}),
			aws: createAwsService({env}),
			docker: createDockerService({runner, env}),
			dockerConfig: createDockerConfigService({dir, env}),
			runner,
		};
		const io = createRecordingIo();
		const context = {
			services,
			io,
			options: {
				profile: undefined,
				region: 'eu-west-1',
				config: dir,
				json: false,
				yes: false,
				dryRun: false,
				color: false,
				verbose: true,
			},
			flags: {},
			positionals: [],
			signal: new AbortController().signal,
		} as CommandContext;
		const result = await loginCommand.run(context);

		expect(endpoint.count('GetAuthorizationToken')).toBeGreaterThan(0);
		expect(runner.calls).toHaveLength(1);
		const [call] = runner.calls;
		expect(call!.args).toEqual(['login', '--username', 'AWS', '--password-stdin', HOST]);
		expect(call!.options.input).toBe(PASSWORD);
		expect(io.stdout.join('\n')).toContain(`Logged in to ${HOST}`);
		expect(log.some((line) => line.includes('ecr:GetAuthorizationToken') && line.includes('status=200'))).toBe(true);

		let checks = 0;
		checks += expectNoSecrets('argv', argvText(runner));
		checks += expectNoSecrets(
			'the docker environment',
			JSON.stringify(call!.options.env ?? {}).replace(
				/AWS_(?:ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)":"[^"]*"/g,
				'',
			),
		);
		checks += expectNoSecrets('stdout', io.stdout.join('\n'));
		checks += expectNoSecrets('stderr', io.stderr.join('\n'));
		checks += expectNoSecrets('the --verbose log', log.join('\n'));
		checks += expectNoSecrets('the JSON result', JSON.stringify(result));
		report('secrets: login', {
			'process runs recorded': runner.calls.length,
			'log lines': log.length,
			'absence checks': checks,
			'secrets found': 0,
		});
	});

	it('a docker that echoes the password in its failure: the thrown error and the log are clean', async () => {
		const log: string[] = [];
		enableDebugLog({env: process.env, write: (line) => log.push(line)});
		const env = awsEnv(endpoint.url);
		const runner = dockerRunner({
			exitCode: 1,
			stderr: `Error response from daemon: Get "https://${HOST}/v2/": unauthorized: bad password ${PASSWORD}`,
		});
		const services: Services = {
			...createFakeServices({env}),
			aws: createAwsService({env}),
			docker: createDockerService({runner, env}),
			dockerConfig: createDockerConfigService({dir, env}),
			runner,
		};
		const io = createRecordingIo();
		const context = {
			services,
			io,
			options: {
				profile: undefined,
				region: 'eu-west-1',
				config: dir,
				json: false,
				yes: false,
				dryRun: false,
				color: false,
				verbose: true,
			},
			flags: {},
			positionals: [],
			signal: new AbortController().signal,
		} as CommandContext;
		const error = (await loginCommand.run(context).catch((caught: unknown) => caught)) as Error & {
			hint?: string;
			nextSteps?: string[];
		};
		expect(error).toBeInstanceOf(Error);
		expect(error.message).toContain('rejected the login');
		expectNoSecrets('the error', [error.message, error.hint, ...(error.nextSteps ?? [])].join('\n'));
		expectNoSecrets('the --verbose log', log.join('\n'));
		expectNoSecrets('argv', argvText(runner));
	});

	it('the wizard’s one-time login (auth step, real AWS and docker services)', async () => {
		const env = awsEnv(endpoint.url);
		const runner = dockerRunner();
		const log: string[] = [];
		enableDebugLog({env: process.env, write: (line) => log.push(line)});
		const docker = createDockerService({runner, env});
		const aws = createAwsService({env});
		const w = world({
			aws: {getAuthorizationToken: async (region, registryId) => aws.getAuthorizationToken(region, registryId)},
			docker: {login: async (registry, username, password) => docker.login(registry, username, password)},
		});
		const step = renderStep(AuthStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('How should docker authenticate');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledTimes(1);
		});
		expect(runner.calls.map((call) => call.args)).toEqual([['login', '--username', 'AWS', '--password-stdin', HOST]]);
		expect(runner.calls[0]!.options.input).toBe(PASSWORD);
		let checks = 0;
		checks += expectNoSecrets('argv', argvText(runner));
		checks += expectNoSecrets('the screen', step.app.allFrames());
		checks += expectNoSecrets('the wizard state', JSON.stringify(step.complete.mock.calls));
		checks += expectNoSecrets('the --verbose log', log.join('\n'));
		report('secrets: wizard login', {
			'process runs recorded': runner.calls.length,
			'frames checked': 'all',
			'absence checks': checks,
			'secrets found': 0,
		});
	});
});

describe('login through main() with a fake docker executable', () => {
	it('docker gets the password on stdin only; argv, stdout, stderr and the --verbose log hold no secret', async () => {
		const bin = join(dir, 'bin');
		const record = join(dir, 'docker-calls.txt');
		await writeFile(join(dir, '.keep'), '');
		await import('node:fs/promises').then(async (fs) => fs.mkdir(bin));
		// Writes its argv (one per line), then what it read on stdin, as docker login --password-stdin would read it.
		await writeFile(
			join(bin, 'docker'),
			`#!/bin/sh\nprintf 'ARGV' >> "${record}"\nfor a in "$@"; do printf ' [%s]' "$a" >> "${record}"; done\nprintf '\\nSTDIN ' >> "${record}"\ncat >> "${record}"\nprintf '\\n' >> "${record}"\necho "Login Succeeded"\n`,
		);
		await chmod(join(bin, 'docker'), 0o755);
		vi.stubEnv('PATH', `${bin}:${process.env['PATH'] ?? ''}`);
		const stdout = new PassThrough();
		const stderr = new PassThrough();
		let out = '';
		let err = '';
		stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
		const {main} = await import('../../../source/cli.js');
		const code = await main(
			['login', '--region', 'eu-west-1', '--config', join(dir, 'docker'), '--verbose'],
			{stdout, stderr, stdin: new PassThrough()} as unknown as Parameters<typeof main>[1],
			{...process.env},
		);
		disableDebugLog();
		const calls = await readFile(record, 'utf8');
		expect(code, err).toBe(0);
		expect(calls).toContain(
			`ARGV [--config] [${join(dir, 'docker')}] [login] [--username] [AWS] [--password-stdin] [${HOST}]`,
		);
		expect(calls).toContain(`STDIN ${PASSWORD}`);
		expect(err).toContain('process: run docker');
		expect(err).toMatch(/stdin=\d+ bytes \(not shown\)/);
		let checks = 0;
		checks += expectNoSecrets(
			'docker argv',
			calls
				.split('\n')
				.filter((line) => line.startsWith('ARGV'))
				.join('\n'),
		);
		checks += expectNoSecrets('stdout', out);
		checks += expectNoSecrets('stderr (with the --verbose log)', err);
		report('secrets: login via main()', {
			'docker runs': calls.split('\n').filter((line) => line.startsWith('ARGV')).length,
			'absence checks': checks,
			'secrets found': 0,
		});
	});
});
