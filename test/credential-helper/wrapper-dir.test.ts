import {describe, expect, it} from 'vitest';
import {
	chooseWrapperDir,
	type DirProbe,
	wrapperDirCandidates,
	userBinCandidates,
} from '../../source/credential-helper/wrapper-dir.js';

const OPEN: DirProbe = {exists: true, writable: true, worldWritable: false};
const CLOSED: DirProbe = {exists: true, writable: false, worldWritable: false};
const MISSING: DirProbe = {exists: false, writable: true, worldWritable: false};

const linux = {
	os: 'linux',
	home: '/home/jane',
	env: {PATH: '/home/jane/.local/bin:/usr/local/bin:/usr/bin:/bin'},
	helperPath: '/usr/bin/docker-credential-ecr-login',
};

function probes(entries: Record<string, DirProbe>): Map<string, DirProbe> {
	return new Map(Object.entries(entries));
}

describe('wrapper directory', () => {
	it('goes next to the real helper when that directory is writable', () => {
		expect(wrapperDirCandidates(linux).map((candidate) => candidate.dir)).toEqual([
			'/usr/bin',
			'/home/jane/.local/bin',
		]);
		expect(chooseWrapperDir(linux, probes({'/usr/bin': OPEN, '/home/jane/.local/bin': OPEN}))).toEqual({
			ok: true,
			dir: '/usr/bin',
			why: 'next to docker-credential-ecr-login',
			create: false,
		});
	});

	it('else in ~/.local/bin when it is on PATH, made when it is not there yet', () => {
		expect(chooseWrapperDir(linux, probes({'/usr/bin': CLOSED, '/home/jane/.local/bin': MISSING}))).toEqual({
			ok: true,
			dir: '/home/jane/.local/bin',
			why: 'your own bin directory, on PATH',
			create: true,
		});
	});

	it('tries ~/bin too, but never a per-user directory that is not on PATH', () => {
		const input = {...linux, env: {PATH: '/usr/bin:/home/jane/bin'}};
		expect(wrapperDirCandidates(input).map((candidate) => candidate.dir)).toEqual(['/usr/bin', '/home/jane/bin']);
		const none = {...linux, env: {PATH: '/usr/bin:/bin'}};
		expect(wrapperDirCandidates(none).map((candidate) => candidate.dir)).toEqual(['/usr/bin']);
	});

	it('says which directory to add to PATH, and how, when none will do', () => {
		const choice = chooseWrapperDir(
			{...linux, env: {PATH: '/usr/bin:/bin', SHELL: '/bin/zsh'}},
			probes({'/usr/bin': CLOSED}),
		);
		expect(choice).toEqual({
			ok: false,
			tried: [{dir: '/usr/bin', reason: 'not writable by you'}],
			addToPath: '/home/jane/.local/bin',
			advice: `echo 'export PATH="$HOME/.local/bin:$PATH"' >> ~/.zshrc — then open a new terminal.`,
		});
	});

	it('passes over a directory every user may write in', () => {
		const input = {
			...linux,
			env: {PATH: '/tmp/bin:/home/jane/.local/bin'},
			helperPath: '/tmp/bin/docker-credential-ecr-login',
		};
		const choice = chooseWrapperDir(
			input,
			probes({'/tmp/bin': {...OPEN, worldWritable: true}, '/home/jane/.local/bin': OPEN}),
		);
		expect(choice).toMatchObject({ok: true, dir: '/home/jane/.local/bin'});
	});

	it('Homebrew on macOS: next to the helper’s link in the prefix’s bin, which is on PATH', () => {
		const mac = {
			os: 'darwin',
			home: '/Users/jane',
			env: {PATH: '/opt/homebrew/bin:/usr/bin:/bin'},
			helperPath: '/opt/homebrew/bin/docker-credential-ecr-login',
		};
		expect(chooseWrapperDir(mac, probes({'/opt/homebrew/bin': OPEN}))).toMatchObject({
			ok: true,
			dir: '/opt/homebrew/bin',
		});
	});

	it('Windows: the helper’s directory, else ecr-setup’s bin or WindowsApps when they are on PATH', () => {
		const env = {
			Path: 'C:\\Program Files\\Docker\\Docker\\resources\\bin;C:\\Users\\Jane\\AppData\\Local\\Microsoft\\WindowsApps',
			LOCALAPPDATA: 'C:\\Users\\Jane\\AppData\\Local',
		};
		expect(userBinCandidates('win32', env, 'C:\\Users\\Jane')).toEqual([
			'C:\\Users\\Jane\\AppData\\Local\\Programs\\ecr-setup\\bin',
			'C:\\Users\\Jane\\AppData\\Local\\Microsoft\\WindowsApps',
		]);
		const input = {
			os: 'win32',
			home: 'C:\\Users\\Jane',
			env,
			helperPath: 'C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker-credential-ecr-login.exe',
		};
		expect(wrapperDirCandidates(input).map((candidate) => candidate.dir)).toEqual([
			'C:\\Program Files\\Docker\\Docker\\resources\\bin',
			'C:\\Users\\Jane\\AppData\\Local\\Microsoft\\WindowsApps',
		]);
		const choice = chooseWrapperDir(
			input,
			probes({
				'C:\\Program Files\\Docker\\Docker\\resources\\bin': CLOSED,
				'C:\\Users\\Jane\\AppData\\Local\\Microsoft\\WindowsApps': OPEN,
			}),
		);
		expect(choice).toMatchObject({ok: true, dir: 'C:\\Users\\Jane\\AppData\\Local\\Microsoft\\WindowsApps'});
	});
});
