/**
 * A corpus of broken config files. For each: the service reports file, line and column with a hint; every command that
 * reads the config (configure-helper, login, restore-config, and doctor on a sample) fails with that message, exit 1 and
 * no stack trace; nothing is written. When a docker CLI is installed, it confirms which files docker itself rejects.
 */
import * as fs from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {main} from '../../../source/cli.js';
import {ConfigError} from '../../../source/docker-config/errors.js';
import {createDockerConfigService} from '../../../source/docker-config/service.js';
import {dockerCli, dockerRejects, makeTempRoot, report} from '../../helpers/reliability.js';
import {ACCEPTED_ODDITIES, MALFORMED_CONFIGS, type MalformedConfig} from '../../helpers/malformed-corpus.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
/** doctor gathers AWS and docker facts too (about 1–2 s each): run it on a spread of the corpus. */
const DOCTOR_SAMPLE = new Set([
	'BOM before a docker file',
	'line comment',
	'auths is an array',
	'duplicate credHelpers',
	'huge file, trailing comma at the end',
]);

let root: string;
let index = 0;

async function dirWith(bytes: Buffer): Promise<string> {
	const dir = join(root, `case-${++index}`);
	await fs.mkdir(dir, {mode: 0o700});
	await fs.writeFile(join(dir, 'config.json'), bytes, {mode: 0o600});
	return dir;
}

type Snapshot = Map<string, Buffer>;

async function snapshot(dir: string): Promise<Snapshot> {
	const files = new Map<string, Buffer>();
	for (const name of await fs.readdir(dir)) files.set(name, await fs.readFile(join(dir, name)));
	return files;
}

async function runCli(argv: string[], dir: string): Promise<{code: number; stdout: string; stderr: string}> {
	let stdout = '';
	let stderr = '';
	const stream = (append: (text: string) => void) =>
		({
			isTTY: false,
			write(chunk: string) {
				append(chunk);
				return true;
			},
		}) as unknown as NodeJS.WriteStream;
	const env = {
		PATH: process.env['PATH'],
		HOME: dir,
		CI: 'true',
		NO_COLOR: '1',
		AWS_EC2_METADATA_DISABLED: 'true',
		AWS_REGION: 'eu-west-1',
	};
	const code = await main(
		[...argv, '--config', dir],
		{
			stdout: stream((text) => (stdout += text)),
			stderr: stream((text) => (stderr += text)),
			stdin: {isTTY: false} as NodeJS.ReadStream,
		},
		env,
	);
	return {code, stdout, stderr};
}

beforeAll(async () => {
	root = await makeTempRoot('ecr-setup-malformed-');
});

afterAll(async () => {
	await fs.rm(root, {recursive: true, force: true});
});

describe('malformed config corpus', () => {
	it(`has at least 30 broken files`, () => {
		expect(MALFORMED_CONFIGS.length).toBeGreaterThanOrEqual(30);
		expect(new Set(MALFORMED_CONFIGS.map((entry) => entry.name)).size).toBe(MALFORMED_CONFIGS.length);
	});

	it('every one is reported with file, line and column, by the service and by every command, and never written', {
		timeout: 300_000,
	}, async () => {
		let commandRuns = 0;
		const docker = dockerCli();
		let dockerAgrees = 0;
		const dockerDisagrees: string[] = [];
		for (const entry of MALFORMED_CONFIGS) {
			const dir = await dirWith(entry.bytes);
			const file = join(dir, 'config.json');
			const before = await snapshot(dir);
			const where = `${file}:${entry.line}:${entry.column}`;

			const error = await createDockerConfigService({dir, env: {}})
				.read()
				.catch((caught: unknown) => caught);
			expect(error, entry.name).toBeInstanceOf(ConfigError);
			const configError = error as ConfigError;
			expect({
				name: entry.name,
				line: configError.line,
				column: configError.column,
				reason: configError.reason,
			}).toEqual({
				name: entry.name,
				line: entry.line,
				column: entry.column,
				reason: entry.reason,
			});
			expect(configError.message).toContain(where);
			expect(configError.nextSteps.join('\n')).toContain(`line ${entry.line}, column ${entry.column}`);
			expect(configError.hint).toMatch(/wrote nothing/);

			const commands: string[][] = [
				['configure-helper', '--registry', HOST, '--yes'],
				['configure-helper', '--registry', HOST, '--public', '--yes', '--json'],
				['login', '--registry', HOST],
				['restore-config', '--yes'],
			];
			if (DOCTOR_SAMPLE.has(entry.name)) commands.push(['doctor', '--registry', HOST]);
			for (const argv of commands) {
				commandRuns++;
				const result = await runCli(argv, dir);
				const output = result.stdout + result.stderr;
				expect(result.code, `${entry.name}: ${argv.join(' ')}`).toBe(1);
				expect(output, `${entry.name}: ${argv.join(' ')}`).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
				expect(output).not.toMatch(/this is a bug/i);
				if (argv[0] === 'restore-config') expect(output).toMatch(/no ecr-setup backup/);
				else expect(output, `${entry.name}: ${argv.join(' ')}`).toContain(where);
			}

			expect(await snapshot(dir), entry.name).toEqual(before);

			if (docker) {
				const verdict = dockerRejects(dir);
				if (verdict.rejects === (entry.docker === 'rejects')) dockerAgrees++;
				else dockerDisagrees.push(`${entry.name} (docker ${verdict.rejects ? 'rejects' : 'accepts'})`);
			}
		}

		expect(dockerDisagrees).toEqual([]);
		report('malformed configs', {
			'inputs tried': MALFORMED_CONFIGS.length,
			'reported with line and column': MALFORMED_CONFIGS.length,
			'command runs (all exit 1, no stack trace)': commandRuns,
			'files written': 0,
			'docker CLI agrees on what docker rejects': docker
				? `${dockerAgrees}/${MALFORMED_CONFIGS.length}`
				: 'no docker CLI here',
			'refused although docker reads them (ambiguous edits)': MALFORMED_CONFIGS.filter(
				(entry: MalformedConfig) => entry.docker === 'accepts',
			).length,
			'bytes lost': 0,
		});
	});

	it('files that only look wrong are read as docker reads them, and can be configured', {timeout: 60_000}, async () => {
		const docker = dockerCli();
		for (const entry of ACCEPTED_ODDITIES) {
			const dir = await dirWith(entry.bytes);
			const service = createDockerConfigService({dir, env: {}});
			const config = await service.read();
			expect(config.text, entry.name).toBe(entry.bytes.toString('utf8'));
			const plan = service.plan(config, [{type: 'set-cred-helper', host: HOST, helper: 'ecr-login'}]);
			await service.apply(config, plan);
			const written = await service.read();
			expect(service.resolveStore(written, HOST), entry.name).toMatchObject({kind: 'helper', helper: 'ecr-login'});
			if (docker) expect(dockerRejects(dir), entry.name).toEqual({rejects: false, warning: ''});
			await service.restore();
			expect((await fs.readFile(join(dir, 'config.json'))).equals(entry.bytes), entry.name).toBe(true);
		}

		report('accepted oddities', {
			'inputs tried': ACCEPTED_ODDITIES.length,
			'configured and restored byte for byte': ACCEPTED_ODDITIES.length,
			'bytes lost': 0,
		});
	});
});
