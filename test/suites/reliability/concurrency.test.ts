/**
 * Concurrent writers of one docker config: real `ecr-setup` processes (the built CLI) started together, many times.
 * Each run that exits 0 must have its edit in the file; the file must always parse and keep what the runs did not touch;
 * a refusal (exit 1) must say why. The figures are printed.
 */
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {buildCli, type Ended, startCli} from '../../helpers/cli-process.js';
import {report} from '../../helpers/report.js';

const ACCOUNT = '123456789012';
const host = (region: string) => `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com`;
const START = '{\n\t"auths": {},\n\t"x-unknown": {"kept": true}\n}\n';
const ROUNDS = 12;

let root: string;
let cli: string;
const figures = {runs: 0, 'exited 0': 0, refusals: 0, 'edits lost': 0, 'files broken': 0, 'unknown keys dropped': 0};
const refusalReasons = new Set<string>();

beforeAll(async () => {
	root = await mkdtemp(join(tmpdir(), 'ecr-setup-concurrency-'));
	cli = buildCli(join(root, 'dist'));
}, 180_000);

afterAll(async () => {
	report('concurrent writers', {...figures, 'refusal reasons': [...refusalReasons].join(' | ') || 'none'});
	await rm(root, {recursive: true, force: true});
});

function env(dir: string): NodeJS.ProcessEnv {
	return {
		PATH: process.env['PATH'],
		HOME: dir,
		DOCKER_CONFIG: join(dir, '.docker'),
		CI: 'true',
		AWS_EC2_METADATA_DISABLED: 'true',
		AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
		AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
	};
}

async function together(dir: string, commands: string[][]): Promise<Ended[]> {
	const runs = commands.map((args) => startCli(cli, args, env(dir)));
	for (const run of runs) run.child.stdin.end();
	return Promise.all(runs.map(async (run) => run.ended(60_000)));
}

/** Parse the file as docker would, counting a broken one. */
async function readConfig(dir: string): Promise<{credHelpers?: Record<string, string>; [key: string]: unknown}> {
	const text = await readFile(join(dir, '.docker', 'config.json'), 'utf8');
	try {
		return JSON.parse(text) as {credHelpers?: Record<string, string>};
	} catch {
		figures['files broken']++;
		throw new Error(`config.json does not parse:\n${text}`);
	}
}

function tally(ended: Ended[]): void {
	for (const run of ended) {
		figures.runs++;
		expect(run.hung, run.stderr).toBe(false);
		if (run.code === 0) figures['exited 0']++;
		else {
			figures.refusals++;
			const reason = /✖ (.*)/.exec(run.stderr)?.[1] ?? run.stderr.trim().split('\n').at(-1) ?? '';
			refusalReasons.add(reason.replace(/\/\S+/g, 'PATH'));
			// A refusal always says what happened and what to do.
			expect(run.stderr).toMatch(/✖ .+/);
		}
	}
}

describe('two or three configure-helper runs on one config.json at once', () => {
	it(`each run that reports success has its registry in the file (${ROUNDS} rounds)`, async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const dir = await mkdtemp(join(root, `round-${round}-`));
			const docker = join(dir, '.docker');
			await mkdir(docker, {recursive: true});
			await writeFile(join(docker, 'config.json'), START);
			const regions = round % 2 === 0 ? ['eu-west-1', 'us-east-1'] : ['eu-west-1', 'us-east-1', 'ap-south-1'];
			const ended = await together(
				dir,
				regions.map((region) => ['configure-helper', '--registry', host(region), '--yes']),
			);
			tally(ended);
			const config = await readConfig(dir);
			if ((config['x-unknown'] as {kept?: boolean} | undefined)?.kept !== true) figures['unknown keys dropped']++;
			regions.forEach((region, index) => {
				if (ended[index]!.code === 0 && config.credHelpers?.[host(region)] !== 'ecr-login') figures['edits lost']++;
			});
			// No lock or temp file is left behind.
			const left = (await readdir(docker)).filter((name) => /ecr-setup-(lock|tmp)/.test(name));
			expect(left).toEqual([]);
		}

		expect(figures['edits lost']).toBe(0);
		expect(figures['files broken']).toBe(0);
		expect(figures['unknown keys dropped']).toBe(0);
		// Nobody asked at a terminal, so a changed file is planned again, not refused.
		expect(figures.refusals).toBe(0);
	}, 300_000);

	it('configure-helper and restore-config at once: the file always parses, and each outcome is one of the two orders', async () => {
		for (let round = 0; round < 6; round++) {
			const dir = await mkdtemp(join(root, `restore-${round}-`));
			const docker = join(dir, '.docker');
			await mkdir(docker, {recursive: true});
			await writeFile(join(docker, 'config.json'), START);
			// A first edit makes the backup that restore-config puts back.
			const [first] = await together(dir, [['configure-helper', '--registry', host('eu-west-1'), '--yes']]);
			expect(first!.code, first!.stderr).toBe(0);
			const ended = await together(dir, [
				['configure-helper', '--registry', host('us-east-1'), '--yes'],
				['restore-config', '--yes'],
			]);
			tally(ended);
			const config = await readConfig(dir);
			const helpers = config.credHelpers ?? {};
			// restore then configure: the start plus us-east-1; configure then restore: the file before us-east-1 (a
			// backup), or the start again. Never a mixture nobody wrote.
			const orders = [
				JSON.stringify({[host('us-east-1')]: 'ecr-login'}),
				JSON.stringify({[host('eu-west-1')]: 'ecr-login'}),
				JSON.stringify({}),
				JSON.stringify({[host('eu-west-1')]: 'ecr-login', [host('us-east-1')]: 'ecr-login'}),
			];
			expect(orders).toContain(JSON.stringify(Object.fromEntries(Object.entries(helpers).sort())));
			if ((config['x-unknown'] as {kept?: boolean} | undefined)?.kept !== true) figures['unknown keys dropped']++;
		}

		expect(figures['files broken']).toBe(0);
		expect(figures['unknown keys dropped']).toBe(0);
	}, 300_000);
});
