/**
 * Kill the writer with SIGKILL at random moments while it rewrites config.json over and over (the real service, real
 * files, real renames, in a child process). After every kill the file must be exactly one of the complete versions,
 * valid JSON with its mode intact; backups must be complete too; temp files may be left behind but never read.
 */
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import * as fs from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseDockerConfig} from '../../../source/docker-config/parse.js';
import {planEdit} from '../../../source/docker-config/edit.js';
import {createDockerConfigService} from '../../../source/docker-config/service.js';
import type {LoadedConfig} from '../../../source/docker-config/types.js';
import {bundleConfigService, makeTempRoot, report} from '../../helpers/reliability.js';

/** Writer processes killed. */
const RUNS = 200;
/** Config directories each writer rewrites concurrently: one kill interrupts each at its own point of the write. */
const DIRS_PER_WRITER = 3;
/** Writers alive at once (the machine has 2 cores). */
const PARALLEL = 2;
/** Upper bound of the random delay between "writer warmed up" and SIGKILL, in microseconds. */
const MAX_DELAY_US = 8000;
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const ORIGINAL =
	'{\n\t"auths": {\n\t\t"https://index.docker.io/v1/": {}\n\t},\n\t"credsStore": "desktop",\n\t"currentContext": "desktop-linux",\n' +
	'\t"x-unknown": {"padding": "' +
	'x'.repeat(6000) +
	'"}\n}\n';

const WRITER = `
import {unlink} from 'node:fs/promises';
import {createDockerConfigService} from './config-service.mjs';
const [host, ...dirs] = process.argv.slice(2);
let warm = 0;
async function loop(dir) {
	const service = createDockerConfigService({dir, env: {}});
	for (let round = 0; ; round++) {
		const config = await service.read();
		const helper = config.data.credHelpers?.[host] === 'ecr-login' ? 'desktop' : 'ecr-login';
		const result = await service.apply(config, service.plan(config, [{type: 'set-cred-helper', host, helper}]));
		if (result.backupPath) await unlink(result.backupPath);
		// One warm-up write per directory first, so kills land in steady-state writing, not in module loading.
		if (round === 0 && ++warm === dirs.length) process.stdout.write('R');
		if (round >= 1) process.stdout.write('.');
	}
}
await Promise.all(dirs.map(loop));
`;

let root: string;

function loaded(text: string): LoadedConfig {
	return {
		dir: root,
		path: 'config.json',
		realPath: 'config.json',
		exists: true,
		text,
		data: parseDockerConfig(text, 'config.json'),
		mode: 0o640,
	};
}

function sleepMicroseconds(us: number): Promise<void> {
	return new Promise((resolve) => {
		const whole = Math.floor(us / 1000);
		setTimeout(() => {
			// The sub-millisecond remainder by spinning, so kill offsets are not bunched on millisecond ticks.
			const end = process.hrtime.bigint() + BigInt(Math.round(us % 1000)) * 1000n;
			while (process.hrtime.bigint() < end) {}
			resolve();
		}, whole);
	});
}

/** Start a writer on `dirs`, kill it `delayUs` after it is warm; resolves with how many writes it finished after warming up. */
function killWriterAfter(dirs: string[], delayUs: number): Promise<{writes: number}> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [join(root, 'writer.mjs'), HOST, ...dirs], {
			stdio: ['ignore', 'pipe', 'pipe'],
			cwd: root,
		});
		let out = '';
		let err = '';
		let ready = false;
		const watchdog = setTimeout(() => child.kill('SIGKILL'), 30_000);
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			out += chunk;
			if (!ready && out.includes('R')) {
				ready = true;
				void sleepMicroseconds(delayUs).then(() => child.kill('SIGKILL'));
			}
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
		child.on('error', reject);
		child.on('close', (_code, signal) => {
			clearTimeout(watchdog);
			if (!ready || signal !== 'SIGKILL')
				reject(new Error(`writer ended before it was killed (${String(signal)}): ${err}`));
			else resolve({writes: out.split('.').length - 1});
		});
	});
}

async function makeDirectory(name: string): Promise<string> {
	const dir = join(root, name, '.docker');
	await fs.mkdir(dir, {recursive: true, mode: 0o700});
	await fs.writeFile(join(dir, 'config.json'), ORIGINAL);
	await fs.chmod(join(dir, 'config.json'), 0o640);
	return dir;
}

beforeAll(async () => {
	// tmpfs when there is one: SIGKILL safety rests on rename, not fsync, and slow disks would only cost time.
	root = await makeTempRoot('ecr-setup-sigkill-', existsSync('/dev/shm') ? '/dev/shm' : undefined);
	await bundleConfigService(root);
	await fs.writeFile(join(root, 'writer.mjs'), WRITER);
});

afterAll(async () => {
	await fs.rm(root, {recursive: true, force: true});
});

describe('SIGKILL during config writes', () => {
	it(`leaves config.json old or new, never partial, over ${RUNS} random kills`, {timeout: 600_000}, async () => {
		const withEcr = planEdit(loaded(ORIGINAL), [{type: 'set-cred-helper', host: HOST, helper: 'ecr-login'}]).newText;
		const withDesktop = planEdit(loaded(withEcr), [{type: 'set-cred-helper', host: HOST, helper: 'desktop'}]).newText;
		expect(planEdit(loaded(withDesktop), [{type: 'set-cred-helper', host: HOST, helper: 'ecr-login'}]).newText).toBe(
			withEcr,
		);
		const complete = new Set([ORIGINAL, withEcr, withDesktop]);

		const slots = await Promise.all(
			Array.from({length: PARALLEL}, async (_, slot) =>
				Promise.all(Array.from({length: DIRS_PER_WRITER}, async (_, index) => makeDirectory(`w${slot}-${index}`))),
			),
		);
		let writes = 0;
		let checks = 0;
		let bad = 0;
		const seen = new Map<string, number>();
		const check = async (dir: string, run: number) => {
			checks++;
			const text = await fs.readFile(join(dir, 'config.json'), 'utf8');
			if (!complete.has(text)) bad++;
			expect(
				complete.has(text),
				`kill ${run}, ${dir}: config.json is not a complete version (${text.length} bytes)`,
			).toBe(true);
			expect(() => JSON.parse(text)).not.toThrow();
			expect((await fs.stat(join(dir, 'config.json'))).mode & 0o777).toBe(0o640);
			const state = text === ORIGINAL ? 'original' : text === withEcr ? 'ecr-login' : 'desktop';
			seen.set(state, (seen.get(state) ?? 0) + 1);
		};

		const started = Date.now();
		let next = 0;
		await Promise.all(
			slots.map(async (dirs) => {
				while (next < RUNS) {
					const run = next++;
					const outcome = await killWriterAfter(dirs, Math.floor(Math.random() * MAX_DELAY_US));
					writes += outcome.writes;
					for (const dir of dirs) await check(dir, run);
				}
			}),
		);

		// Whatever the kills left behind: backups are whole files, temp files are never taken for backups.
		let temps = 0;
		let swept = 0;
		let backups = 0;
		let locks = 0;
		for (const dir of slots.flat()) {
			const names = await fs.readdir(dir);
			const tempNames = names.filter((name) => name.includes('.ecr-setup-tmp-'));
			const backupNames = names.filter((name) => name.includes('.ecr-setup-backup-') && !tempNames.includes(name));
			temps += tempNames.length;
			backups += backupNames.length;
			// A writer killed while it held the file's lock leaves the lock: the next write takes it over (below).
			const lockNames: string[] = names.filter((name) => name === 'config.json.ecr-setup-lock');
			locks += lockNames.length;
			expect(
				names.filter(
					(name) =>
						name !== 'config.json' &&
						!tempNames.includes(name) &&
						!backupNames.includes(name) &&
						!lockNames.includes(name),
				),
			).toEqual([]);
			for (const name of backupNames) expect(complete.has(await fs.readFile(join(dir, name), 'utf8')), name).toBe(true);
			const service = createDockerConfigService({dir, env: {}});
			const listed = await service.listBackups();
			expect(listed.map((backup) => backup.path).sort()).toEqual(backupNames.map((name) => join(dir, name)).sort());
			const config = await service.read();
			expect(complete.has(config.text)).toBe(true);

			// The next write sweeps the dead writers' temp files once they are old enough to be surely abandoned.
			const anHourAgo = new Date(Date.now() - 3_600_000);
			for (const name of tempNames) await fs.utimes(join(dir, name), anHourAgo, anHourAgo);
			await service.apply(
				config,
				service.plan(config, [
					{type: 'set-cred-helper', host: HOST, helper: 'ecr-login'},
					{type: 'set-cred-helper', host: 'public.ecr.aws', helper: 'ecr-login'},
				]),
			);
			// (A temp whose pid a new process has taken meanwhile is rightly kept: its writer might be alive.)
			const pidTaken = (name: string) => {
				try {
					process.kill(Number(/\.ecr-setup-tmp-(\d+)-/.exec(name)![1]), 0);
					return true;
				} catch (error) {
					return (error as NodeJS.ErrnoException).code === 'EPERM';
				}
			};

			const after = await fs.readdir(dir);
			expect(after).not.toContain('config.json.ecr-setup-lock');
			expect(after.filter((name) => name.includes('.ecr-setup-tmp-')).sort()).toEqual(
				tempNames.filter(pidTaken).sort(),
			);
			swept += tempNames.filter((name) => !pidTaken(name)).length;
		}

		report('sigkill', {
			'writer processes killed': RUNS,
			'config files checked after a kill': checks,
			'writes completed between warm-up and kill': writes,
			'final states': [...seen].map(([state, count]) => `${state}:${count}`).join('/'),
			'temp files left (never read; swept by the next write)': `${temps}/${swept}`,
			'backups left (all complete)': backups,
			'locks of killed writers (taken over by the next write)': locks,
			'partial or invalid files': bad,
			'bytes lost': bad === 0 ? 0 : 'SOME',
			directory: root,
			seconds: Math.round((Date.now() - started) / 1000),
		});
	});
});
