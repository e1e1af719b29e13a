/**
 * "Every flag value is validated before any side effect": each command run through main() with bad values for each of
 * its options (and the global ones). Every run must fail with a clear error that names the option or the rule, exit 2
 * (or 1 for a value that is well-formed but refused), and before it fails: no process started (every executable on PATH
 * is a tripwire that records being run), no file written (docker config directory, --output targets) and no AWS
 * request that changes anything. The wizard's typed answers are covered by the step tests (test/steps/: repository
 * names and tags rejected with the rule, nothing created) and its flags below.
 */
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {main} from '../../../source/cli.js';
import {disableDebugLog} from '../../../source/lib/log.js';
import {awsEnv, jsonError, type StandIn, startAwsStandIn} from '../../helpers/aws-stand-in/index.js';
import {report} from '../../helpers/report.js';
import {fakeExecutable} from '../../helpers/cli-process.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const CONFIG = '{\n\t"auths": {}\n}\n';
/** Processes that only look (docker version / image ls / inspect, helper version, git remote): not side effects. */
const READ_ONLY =
	/^(docker (version|--version|image ls|image inspect|info)|docker-credential-ecr-login (version|-v)|git remote get-url)\b/;
/** AWS operations that change something; none may run for a rejected input. (doctor may fetch a token to diagnose.) */
const MUTATING =
	/^(CreateRepository|DeleteRepository|PutImage|SetRepositoryPolicy|PutImageTagMutability|InitiateLayerUpload|BatchDeleteImage)$/;

let root: string;
let endpoint: StandIn;
let tripwires: string;
let dockerConfig: string;
let outputs: string;
const figures = {
	'inputs tried': 0,
	'rejected with usage (2)': 0,
	'rejected (1)': 0,
	'read-only processes': 0,
	'processes with side effects': 0,
	'files written': 0,
	'mutating AWS calls': 0,
};

beforeAll(async () => {
	root = await mkdtemp(join(tmpdir(), 'ecr-validation-'));
	tripwires = join(root, 'calls.txt');
	dockerConfig = join(root, 'docker');
	outputs = join(root, 'out');
	const bin = join(root, 'bin');
	for (const name of [
		'docker',
		'apt-get',
		'brew',
		'dnf',
		'yum',
		'apk',
		'go',
		'sudo',
		'git',
		'docker-credential-ecr-login',
		'podman',
		'finch',
		'aws',
	]) {
		await fakeExecutable(bin, name, `echo "${name} $*" >> "${tripwires}"\nexit 1\n`);
	}

	await import('node:fs/promises').then(async (fs) => {
		await fs.mkdir(dockerConfig);
		await fs.mkdir(outputs);
	});
	await writeFile(join(dockerConfig, 'config.json'), CONFIG);
	// Reads are answered by the model (no repositories); any other call is refused, and counted below.
	endpoint = await startAwsStandIn({
		answer: (request) =>
			['GetCallerIdentity', 'DescribeRepositories'].includes(request.operation)
				? undefined
				: jsonError(400, 'ValidationException', 'not expected in this test'),
	});
	for (const [name, value] of Object.entries(
		awsEnv(endpoint.url, {PATH: `${bin}:/usr/bin:/bin`, DOCKER_CONFIG: dockerConfig, HOME: root}),
	))
		vi.stubEnv(name, value);
	vi.stubEnv('AWS_PROFILE', '');
	vi.stubEnv('CI', 'true');
});

afterAll(async () => {
	report('input validation: flags', figures);
	vi.unstubAllEnvs();
	disableDebugLog();
	await endpoint.close();
	await rm(root, {recursive: true, force: true});
});

async function run(argv: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	const stdout = new PassThrough();
	const stderr = new PassThrough();
	let out = '';
	let err = '';
	stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
	stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
	const code = await main(argv, {stdout, stderr, stdin: new PassThrough()} as unknown as Parameters<typeof main>[1], {
		...process.env,
	});
	return {code, stdout: out, stderr: err};
}

/** [argv, what the error must mention] — one bad value per run; the rest of the command line is valid. */
const CASES: Array<[string[], RegExp]> = [
	// Global options.
	[['whoami', '--region', 'eu west 1'], /not an AWS region name/],
	[['whoami', '--region', 'eu-west-1;id'], /not an AWS region name/],
	[['whoami', '--region', ''], /--region cannot be empty/],
	[['whoami', '--profile', ''], /--profile cannot be empty/],
	[['whoami', '--config', ''], /--config cannot be empty/],
	[['whoami', '--region'], /--region .*needs a value/],
	[['whoami', '--bogus'], /Unknown option --bogus/],
	[['no-such-command'], /Unknown command "no-such-command"/],
	// login
	[['login', '--registry', 'docker.io'], /not an Amazon ECR registry host/],
	[['login', '--registry', '12345.dkr.ecr.eu-west-1.amazonaws.com'], /not an Amazon ECR registry host/],
	[['login', '--registry', `${HOST}:5000`], /not an Amazon ECR registry host|port/i],
	[['login', '--registry', HOST, '--region', 'us-east-1'], /does not match the registry/],
	// push
	[['push', 'web:dev', '--repository', 'Web'], /--repository Web: A repository name must be lower case/],
	[['push', 'web:dev', '--repository', 'a'], /at least 2 characters/],
	[['push', 'web:dev', '--repository', `${HOST}/web`], /full image URI/],
	[['push', 'web:dev', '--repository', 'web', '--tag', 'has space'], /--tag has space: .* is not allowed in a tag/],
	[['push', 'web:dev', '--repository', 'web', '--tag', '.dot'], /A tag must start with/],
	[['push', 'web:dev', '--repository', 'web', '--tag', 'x'.repeat(129)], /at most 128 characters/],
	[['push', 'Web:dev', '--repository', 'web'], /not a valid image reference/],
	[['push', 'web:dev'], /--repository is required/],
	[['push', 'web:dev', 'other:dev', '--repository', 'web'], /One image at a time/],
	[['push', 'web:dev', '--repository', 'web', '--region', 'mars-north-1x'], /not an AWS region name/],
	// configure-helper
	[['configure-helper', '--registry', 'ghcr.io', '--yes'], /not an Amazon ECR registry host/],
	[['configure-helper', '--engine', 'lxc', '--yes'], /--engine|lxc/],
	// install-helper
	[['install-helper', '--method', 'snap', '--yes'], /--method snap is not one of/],
	// doctor
	[['doctor', '--registry', 'quay.io'], /not an Amazon ECR registry host|quay\.io/],
	// doctor reports a bad name as a failed check (exit 1) in its report, with the rule, and changes nothing.
	[
		['doctor', '--repository', 'Bad_Name'],
		/"Bad_Name" is not a valid repository name: A repository name must be lower case/,
	],
	[['doctor', '--image', 'Bad Image'], /--image|not a valid image reference/],
	// ci
	[['ci', 'jenkinsx', '--repository', 'web'], /jenkinsx/],
	[['ci', 'github', '--repository', 'web', '--auth', 'magic'], /--auth must be "oidc" or "keys"/],
	[['ci', 'github', '--repository', 'Web'], /--repository "Web": A repository name must be lower case/],
	[['ci', 'github', '--repository', 'web', '--role-arn', 'not-an-arn'], /--role-arn/],
	[['ci', 'github', '--repository', 'web', '--branch', 'main\nrun: curl evil'], /--branch/],
	[['ci', 'github', '--repository', 'web', '--image-name', 'Bad Name'], /--image-name|"Bad Name" is not a valid/],
	[['ci', 'github', '--repository', 'web', '--dockerfile', 'Dockerfile\n  run: x'], /--dockerfile|Dockerfile path/],
	// policy
	[['policy', '--repository', 'Web', '--push'], /--repository "Web"/],
	[['policy', '--github-oidc', 'not a repo', '--repository', 'web'], /--github-oidc|OWNER\/REPO/],
	[['policy', '--github-oidc', 'octo/app', '--branch', 'a"b'], /--branch|branch/],
	[['policy', '--repository', 'web', '--push', '--pull'], /Choose one of --push and --pull/],
	// restore-config
	[
		['restore-config', '/nonexistent/no-such-backup.bak', '--yes'],
		/no-such-backup|not a backup|does not exist|No backup/i,
	],
	// wizard flags (without a terminal the wizard refuses, but bad values are named first)
	[['--repository', 'Web'], /--repository|lower case|interactive terminal/],
	[['--tag', 'bad tag'], /--tag|not allowed|interactive terminal/],
];

describe('every flag value is validated before any side effect', () => {
	it.each(
		CASES.map(([argv, message]) => [argv.join(' ').replaceAll('\n', '\\n').slice(0, 90), argv, message] as const),
	)('%s', async (_name, argv, message) => {
		figures['inputs tried']++;
		const requestsBefore = endpoint.requests.length;
		const callsBefore = (await readFile(tripwires, 'utf8').catch(() => '')).length;
		const result = await run(argv);
		const started = (await readFile(tripwires, 'utf8').catch(() => '')).slice(callsBefore).split('\n').filter(Boolean);
		const calls = started.filter((line) => !READ_ONLY.test(line)).join('\n');
		const configNow = await readFile(join(dockerConfig, 'config.json'), 'utf8');
		const configFiles = await readdir(dockerConfig);
		const written = await readdir(outputs);
		const mutating = endpoint.requests.slice(requestsBefore).filter((request) => MUTATING.test(request.operation));
		if (result.code === 2) figures['rejected with usage (2)']++;
		else if (result.code === 1) figures['rejected (1)']++;
		figures['read-only processes'] += started.length - calls.split('\n').filter(Boolean).length;
		figures['processes with side effects'] += calls.split('\n').filter(Boolean).length;
		figures['mutating AWS calls'] += mutating.length;
		figures['files written'] += written.length + (configFiles.length - 1) + (configNow === CONFIG ? 0 : 1);

		expect(result.code, result.stderr).not.toBe(0);
		expect([1, 2]).toContain(result.code);
		expect(result.stderr + result.stdout).toMatch(message);
		expect(result.stderr).not.toMatch(/Unexpected error|\n\s+at /);
		expect(calls, 'a process with side effects was started').toBe('');
		expect(mutating.map((request) => request.operation)).toEqual([]);
		expect(configNow).toBe(CONFIG);
		expect(configFiles).toEqual(['config.json']);
		expect(written).toEqual([]);
	});
});
