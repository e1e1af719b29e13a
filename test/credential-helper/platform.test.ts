import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
	DEFAULT_HELPER_VERSION,
	detectWsl,
	executableCandidates,
	helperExecutableName,
	isDirOnPath,
	parseOsRelease,
	pathAdvice,
	planInstalls,
	releaseAssetUrl,
	resolveExecutable,
	userBinDir,
} from '../../source/credential-helper/platform.js';
import {createCredentialHelperService} from '../../source/credential-helper/service.js';
import type {InstallMethod, PlatformInfo} from '../../source/credential-helper/types.js';
import {createFakeRunner} from '../helpers/fake-runner.js';

const WSL2 =
	'Linux version 5.15.167.4-microsoft-standard-WSL2 (root@f9c826d3017f) (gcc (GCC) 11.2.0, GNU ld (GNU Binutils) 2.37) #1 SMP Tue Nov 5 00:21:55 UTC 2024';
const WSL1 =
	'Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com) (gcc version 5.4.0 (GCC) ) #1237-Microsoft Sat Sep 11 14:32:00 PST 2021';
const DEBIAN =
	'Linux version 6.1.0-27-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)';

const OS_RELEASE = {
	debian12:
		'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
	ubuntu2204: 'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\n',
	amzn2:
		'NAME="Amazon Linux"\nVERSION="2"\nID="amzn"\nID_LIKE="centos rhel fedora"\nVERSION_ID="2"\nPRETTY_NAME="Amazon Linux 2"\n',
	amzn2023:
		'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\nPRETTY_NAME="Amazon Linux 2023.6.20241121"\n',
	alpine: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n',
};

describe('detectWsl', () => {
	it.each([
		['WSL 2 kernel', 'linux', WSL2, {}, true],
		['WSL 1 kernel', 'linux', WSL1, {}, true],
		['WSL_DISTRO_NAME only', 'linux', DEBIAN, {WSL_DISTRO_NAME: 'Ubuntu'}, true],
		['WSL_INTEROP only', 'linux', undefined, {WSL_INTEROP: '/run/WSL/1_interop'}, true],
		['plain Debian', 'linux', DEBIAN, {}, false],
		['no /proc/version', 'linux', undefined, {}, false],
		['macOS never', 'darwin', WSL2, {WSL_DISTRO_NAME: 'Ubuntu'}, false],
		['Windows itself is not WSL', 'win32', undefined, {WSL_DISTRO_NAME: 'Ubuntu'}, false],
	])('%s', (_name, osName, procVersion, env, expected) => {
		expect(detectWsl({os: osName, procVersion, env})).toBe(expected);
	});
});

describe('parseOsRelease', () => {
	it.each([
		['debian12', {id: 'debian', versionId: '12', idLike: []}],
		['ubuntu2204', {id: 'ubuntu', versionId: '22.04', idLike: ['debian']}],
		['amzn2', {id: 'amzn', versionId: '2', idLike: ['centos', 'rhel', 'fedora']}],
		['amzn2023', {id: 'amzn', versionId: '2023', idLike: ['fedora']}],
		['alpine', {id: 'alpine', versionId: '3.20.3', idLike: []}],
	] as const)('%s', (name, expected) => {
		expect(parseOsRelease(OS_RELEASE[name])).toMatchObject(expected);
	});

	it('reads escaped quotes and ignores comments and junk', () => {
		expect(parseOsRelease('# comment\nPRETTY_NAME="Say \\"hi\\""\nnot a line\nID=\'arch\'\n')).toEqual({
			id: 'arch',
			prettyName: 'Say "hi"',
			idLike: [],
		});
	});
});

describe('helper lookup per platform', () => {
	it.each([
		['ecr-login', 'linux', 'docker-credential-ecr-login'],
		['ecr-login', 'darwin', 'docker-credential-ecr-login'],
		['ecr-login', 'win32', 'docker-credential-ecr-login.exe'],
		['desktop.exe', 'linux', 'docker-credential-desktop.exe'],
		['desktop.exe', 'win32', 'docker-credential-desktop.exe'],
	])('helperExecutableName(%s, %s) = %s', (name, osName, expected) => {
		expect(helperExecutableName(name, osName)).toBe(expected);
	});

	it.each([
		{
			name: 'linux: every PATH directory in order',
			command: 'docker-credential-ecr-login',
			os: 'linux',
			env: {PATH: '/home/dev/.local/bin:/usr/local/bin::/usr/bin'},
			expected: [
				'/home/dev/.local/bin/docker-credential-ecr-login',
				'/usr/local/bin/docker-credential-ecr-login',
				'/usr/bin/docker-credential-ecr-login',
			],
		},
		{
			name: 'darwin: Homebrew prefixes as PATH lists them',
			command: 'docker-credential-ecr-login',
			os: 'darwin',
			env: {PATH: '/opt/homebrew/bin:/usr/local/bin'},
			expected: ['/opt/homebrew/bin/docker-credential-ecr-login', '/usr/local/bin/docker-credential-ecr-login'],
		},
		{
			name: 'win32: each PATHEXT extension, directories with spaces and quotes',
			command: 'docker-credential-ecr-login',
			os: 'win32',
			env: {
				Path: 'C:\\Windows\\system32;"C:\\Program Files\\Docker\\Docker\\resources\\bin"',
				PATHEXT: '.COM;.EXE;.BAT',
			},
			expected: [
				'C:\\Windows\\system32\\docker-credential-ecr-login.com',
				'C:\\Windows\\system32\\docker-credential-ecr-login.exe',
				'C:\\Windows\\system32\\docker-credential-ecr-login.bat',
				'C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker-credential-ecr-login.com',
				'C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker-credential-ecr-login.exe',
				'C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker-credential-ecr-login.bat',
			],
		},
		{
			name: 'win32: a name with a PATHEXT extension is taken as is',
			command: 'docker-credential-wincred.exe',
			os: 'win32',
			env: {PATH: 'C:\\bin', PATHEXT: '.COM;.EXE'},
			expected: ['C:\\bin\\docker-credential-wincred.exe'],
		},
		{
			name: 'win32: default PATHEXT when unset',
			command: 'docker',
			os: 'win32',
			env: {PATH: 'C:\\bin'},
			expected: ['C:\\bin\\docker.com', 'C:\\bin\\docker.exe', 'C:\\bin\\docker.bat', 'C:\\bin\\docker.cmd'],
		},
		{
			name: 'WSL: Windows directories appended to PATH are searched for .exe names',
			command: 'docker-credential-desktop.exe',
			os: 'linux',
			env: {PATH: '/usr/bin:/mnt/c/Program Files/Docker/Docker/resources/bin'},
			expected: [
				'/usr/bin/docker-credential-desktop.exe',
				'/mnt/c/Program Files/Docker/Docker/resources/bin/docker-credential-desktop.exe',
			],
		},
	])('$name', ({command, os: osName, env, expected}) => {
		expect(executableCandidates(command, {os: osName, env})).toEqual(expected);
	});

	it('resolveExecutable picks the first existing candidate', () => {
		const present = new Set(['C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker-credential-ecr-login.exe']);
		expect(
			resolveExecutable('docker-credential-ecr-login', {
				os: 'win32',
				env: {PATH: 'C:\\Windows;C:\\Program Files\\Docker\\Docker\\resources\\bin', PATHEXT: '.COM;.EXE'},
				exists: (file) => present.has(file),
			}),
		).toBe('C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker-credential-ecr-login.exe');
		expect(
			resolveExecutable('docker-credential-ecr-login', {os: 'linux', env: {PATH: '/usr/bin'}, exists: () => false}),
		).toBeNull();
	});

	it('isDirOnPath: trailing slashes, Windows case-insensitivity', () => {
		expect(isDirOnPath('/home/dev/.local/bin', {PATH: '/usr/bin:/home/dev/.local/bin/'}, 'linux')).toBe(true);
		expect(isDirOnPath('/home/dev/.local/bin', {PATH: '/usr/bin'}, 'linux')).toBe(false);
		expect(
			isDirOnPath(
				'C:\\Users\\Dev\\AppData\\Local\\Programs\\ecr-setup\\bin',
				{Path: 'c:\\users\\dev\\appdata\\local\\programs\\ecr-setup\\bin\\'},
				'win32',
			),
		).toBe(true);
	});
});

describe('release downloads', () => {
	it.each([
		['linux', 'x64', 'linux-amd64/docker-credential-ecr-login'],
		['linux', 'arm64', 'linux-arm64/docker-credential-ecr-login'],
		['darwin', 'arm64', 'darwin-arm64/docker-credential-ecr-login'],
		['darwin', 'x64', 'darwin-amd64/docker-credential-ecr-login'],
		['win32', 'x64', 'windows-amd64/docker-credential-ecr-login.exe'],
		['win32', 'arm64', 'windows-arm64/docker-credential-ecr-login.exe'],
	])('%s/%s → …/%s', (osName, arch, tail) => {
		expect(releaseAssetUrl({os: osName, arch})).toBe(
			`https://amazon-ecr-credential-helper-releases.s3.us-east-2.amazonaws.com/${DEFAULT_HELPER_VERSION}/${tail}`,
		);
	});

	it('version and base URL are parameters; unknown platforms have no release', () => {
		expect(releaseAssetUrl({os: 'linux', arch: 'x64', version: '0.9.0', baseUrl: 'http://127.0.0.1:8080/'})).toBe(
			'http://127.0.0.1:8080/0.9.0/linux-amd64/docker-credential-ecr-login',
		);
		expect(releaseAssetUrl({os: 'linux', arch: 'ia32'})).toBeUndefined();
		expect(releaseAssetUrl({os: 'freebsd', arch: 'x64'})).toBeUndefined();
	});

	it('user bin directories and PATH advice', () => {
		expect(userBinDir({os: 'linux', home: '/home/dev'}, {})).toBe('/home/dev/.local/bin');
		expect(userBinDir({os: 'win32', home: 'C:\\Users\\Dev'}, {LOCALAPPDATA: 'C:\\Users\\Dev\\AppData\\Local'})).toBe(
			'C:\\Users\\Dev\\AppData\\Local\\Programs\\ecr-setup\\bin',
		);
		expect(userBinDir({os: 'win32', home: 'C:\\Users\\Dev Name'}, {})).toBe(
			'C:\\Users\\Dev Name\\AppData\\Local\\Programs\\ecr-setup\\bin',
		);
		expect(pathAdvice('/home/dev/.local/bin', {os: 'linux', home: '/home/dev'}, {SHELL: '/bin/bash'})).toBe(
			`echo 'export PATH="$HOME/.local/bin:$PATH"' >> ~/.bashrc — then open a new terminal.`,
		);
		expect(pathAdvice('/Users/dev/.local/bin', {os: 'darwin', home: '/Users/dev'}, {SHELL: '/bin/zsh'})).toMatch(
			/>> ~\/\.zshrc/,
		);
		expect(pathAdvice('/home/dev/.local/bin', {os: 'linux', home: '/home/dev'}, {SHELL: '/usr/bin/fish'})).toBe(
			'fish_add_path ~/.local/bin',
		);
		expect(pathAdvice('C:\\x\\bin', {os: 'win32', home: 'C:\\Users\\Dev'}, {})).toMatch(
			/SetEnvironmentVariable\('Path'.*;C:\\x\\bin', 'User'\)/,
		);
	});
});

function platform(overrides: Partial<PlatformInfo>): PlatformInfo {
	return {os: 'linux', arch: 'x64', isRoot: false, isWsl: false, packageManagers: [], home: '/home/dev', ...overrides};
}

type PlanRow = {
	name: string;
	platform: PlatformInfo;
	env?: Record<string, string>;
	methods: InstallMethod[];
	first?: {before: string[][]; command: string[]; needsSudo: boolean};
};

const HOMEBREW_ARM = '/opt/homebrew/bin/brew';
const HOMEBREW_INTEL = '/usr/local/bin/brew';

describe('planInstalls', () => {
	const rows: PlanRow[] = [
		{
			name: 'Debian 12, not root: sudo apt-get',
			platform: platform({distro: 'debian', distroVersion: '12', packageManagers: ['apt']}),
			methods: ['apt', 'binary'],
			first: {
				before: [['sudo', 'apt-get', 'update']],
				command: ['sudo', 'apt-get', 'install', '-y', 'amazon-ecr-credential-helper'],
				needsSudo: true,
			},
		},
		{
			name: 'Debian 11 as root: no sudo',
			platform: platform({distro: 'debian', distroVersion: '11', isRoot: true, packageManagers: ['apt', 'go']}),
			methods: ['apt', 'binary', 'go'],
			first: {
				before: [['apt-get', 'update']],
				command: ['apt-get', 'install', '-y', 'amazon-ecr-credential-helper'],
				needsSudo: false,
			},
		},
		{
			name: 'Debian 10: too old for the package, binary first',
			platform: platform({distro: 'debian', distroVersion: '10', packageManagers: ['apt']}),
			methods: ['binary'],
		},
		{
			name: 'Ubuntu 22.04',
			platform: platform({distro: 'ubuntu', distroVersion: '22.04', packageManagers: ['apt']}),
			methods: ['apt', 'binary'],
		},
		{
			name: 'Ubuntu 19.04 is the first with the package',
			platform: platform({distro: 'ubuntu', distroVersion: '19.04', packageManagers: ['apt']}),
			methods: ['apt', 'binary'],
		},
		{
			name: 'Ubuntu 18.04: binary',
			platform: platform({distro: 'ubuntu', distroVersion: '18.04', packageManagers: ['apt']}),
			methods: ['binary'],
		},
		{
			name: 'Amazon Linux 2: amazon-linux-extras, then yum',
			platform: platform({distro: 'amzn', distroVersion: '2', packageManagers: ['yum']}),
			methods: ['yum', 'binary'],
			first: {
				before: [['sudo', 'amazon-linux-extras', 'enable', 'docker']],
				command: ['sudo', 'yum', 'install', '-y', 'amazon-ecr-credential-helper'],
				needsSudo: true,
			},
		},
		{
			name: 'Amazon Linux 2023: dnf',
			platform: platform({distro: 'amzn', distroVersion: '2023', packageManagers: ['dnf', 'yum']}),
			methods: ['dnf', 'binary'],
			first: {before: [], command: ['sudo', 'dnf', 'install', '-y', 'amazon-ecr-credential-helper'], needsSudo: true},
		},
		{
			name: 'Alpine as root: apk',
			platform: platform({
				distro: 'alpine',
				distroVersion: '3.20.3',
				isRoot: true,
				packageManagers: ['apk'],
				arch: 'arm64',
			}),
			methods: ['apk', 'binary'],
			first: {before: [], command: ['apk', 'add', 'docker-credential-ecr-login'], needsSudo: false},
		},
		{
			name: 'Debian without apt-get on PATH: no apt plan',
			platform: platform({distro: 'debian', distroVersion: '12'}),
			methods: ['binary'],
		},
		{
			name: 'Linux Mint: apt offered, after the binary (the package may be missing)',
			platform: platform({distro: 'linuxmint', distroVersion: '21.3', packageManagers: ['apt']}),
			methods: ['binary', 'apt'],
		},
		{
			name: 'WSL Ubuntu: the Linux package inside WSL',
			platform: platform({distro: 'ubuntu', distroVersion: '24.04', isWsl: true, packageManagers: ['apt']}),
			methods: ['apt', 'binary'],
		},
		{
			name: 'macOS, brew on PATH',
			platform: platform({os: 'darwin', arch: 'arm64', home: '/Users/dev', packageManagers: ['brew', 'go']}),
			methods: ['brew', 'binary', 'go'],
			first: {before: [], command: ['brew', 'install', 'docker-credential-helper-ecr'], needsSudo: false},
		},
		{
			name: 'macOS, Homebrew at /opt/homebrew outside PATH: run it by path',
			platform: platform({os: 'darwin', arch: 'arm64', home: '/Users/dev', commandPaths: {brew: HOMEBREW_ARM}}),
			methods: ['brew', 'binary'],
			first: {before: [], command: [HOMEBREW_ARM, 'install', 'docker-credential-helper-ecr'], needsSudo: false},
		},
		{
			name: 'macOS Intel, Homebrew at /usr/local outside PATH',
			platform: platform({os: 'darwin', arch: 'x64', home: '/Users/dev', commandPaths: {brew: HOMEBREW_INTEL}}),
			methods: ['brew', 'binary'],
			first: {before: [], command: [HOMEBREW_INTEL, 'install', 'docker-credential-helper-ecr'], needsSudo: false},
		},
		{
			name: 'macOS as root: brew still without sudo',
			platform: platform({os: 'darwin', isRoot: true, packageManagers: ['brew']}),
			methods: ['brew', 'binary'],
		},
		{name: 'macOS without brew: binary', platform: platform({os: 'darwin', arch: 'arm64'}), methods: ['binary']},
		{
			name: 'Windows: binary (.exe), then go',
			platform: platform({os: 'win32', home: 'C:\\Users\\Dev', packageManagers: ['go']}),
			methods: ['binary', 'go'],
		},
		{
			name: 'Linux on 32-bit x86: no release binary',
			platform: platform({arch: 'ia32', distro: 'debian', distroVersion: '12', packageManagers: ['apt']}),
			methods: ['apt'],
		},
		{
			name: 'Linuxbrew after the distro package',
			platform: platform({distro: 'ubuntu', distroVersion: '24.04', packageManagers: ['apt', 'brew']}),
			methods: ['apt', 'binary', 'brew'],
		},
	];

	it.each(rows)('$name', ({platform: info, env, methods, first}) => {
		const plans = planInstalls(info, {env: env ?? {PATH: '/usr/bin'}});
		expect(plans.map((plan) => plan.method)).toEqual(methods);
		if (first) expect(plans[0]).toMatchObject(first);
		for (const plan of plans) {
			expect(plan.needsSudo).toBe(plan.command[0] === 'sudo');
			expect(plan.before.every((step) => (step[0] === 'sudo') === plan.needsSudo)).toBe(true);
			expect(plan.description.length).toBeGreaterThan(10);
		}
	});

	it('sudo is said in the description only when it is used', () => {
		const [asUser] = planInstalls(platform({distro: 'debian', distroVersion: '12', packageManagers: ['apt']}), {
			env: {},
		});
		const [asRoot] = planInstalls(
			platform({distro: 'debian', distroVersion: '12', isRoot: true, packageManagers: ['apt']}),
			{env: {}},
		);
		expect(asUser!.description).toMatch(/with sudo: you are not root/);
		expect(asRoot!.description).not.toMatch(/sudo/);
	});

	it('WSL plans say that docker in WSL runs the Linux helper', () => {
		const [plan] = planInstalls(
			platform({distro: 'ubuntu', distroVersion: '24.04', isWsl: true, packageManagers: ['apt']}),
			{env: {}},
		);
		expect(plan!.description).toMatch(/WSL/);
	});

	it('binary on Linux: ~/.local/bin, not on PATH, with the line to add it', () => {
		const plans = planInstalls(platform({}), {
			env: {PATH: '/usr/bin', SHELL: '/bin/bash'},
			version: '0.9.0',
			baseUrl: 'http://127.0.0.1:9',
		});
		const binary = plans.find((plan) => plan.method === 'binary')!;
		expect(binary).toMatchObject({
			command: [],
			before: [],
			needsSudo: false,
			target: {path: '/home/dev/.local/bin/docker-credential-ecr-login', onPath: false},
			download: {
				url: 'http://127.0.0.1:9/0.9.0/linux-amd64/docker-credential-ecr-login',
				checksumUrl: 'http://127.0.0.1:9/0.9.0/linux-amd64/docker-credential-ecr-login.sha256',
				version: '0.9.0',
			},
		});
		expect(binary.download?.pathAdvice).toContain('$HOME/.local/bin');
		expect(binary.description).toContain('is not on your PATH');
	});

	it('binary on Linux when ~/.local/bin is on PATH', () => {
		const binary = planInstalls(platform({}), {env: {PATH: '/home/dev/.local/bin:/usr/bin'}}).find(
			(plan) => plan.method === 'binary',
		)!;
		expect(binary.target).toEqual({path: '/home/dev/.local/bin/docker-credential-ecr-login', onPath: true});
		expect(binary.download?.pathAdvice).toBeUndefined();
	});

	it('binary on Windows: the .exe into %LOCALAPPDATA%\\Programs\\ecr-setup\\bin, with the PowerShell line', () => {
		const env = {LOCALAPPDATA: 'C:\\Users\\Dev Name\\AppData\\Local', Path: 'C:\\Windows'};
		const [binary] = planInstalls(platform({os: 'win32', home: 'C:\\Users\\Dev Name'}), {env});
		expect(binary!.target).toEqual({
			path: 'C:\\Users\\Dev Name\\AppData\\Local\\Programs\\ecr-setup\\bin\\docker-credential-ecr-login.exe',
			onPath: false,
		});
		expect(binary!.download?.url).toMatch(/\/windows-amd64\/docker-credential-ecr-login\.exe$/);
		expect(binary!.download?.pathAdvice).toMatch(/PowerShell/);
		const onPath = planInstalls(platform({os: 'win32', home: 'C:\\Users\\Dev Name'}), {
			env: {...env, Path: 'C:\\Windows;C:\\Users\\Dev Name\\AppData\\Local\\Programs\\ecr-setup\\bin'},
		})[0]!;
		expect(onPath.target?.onPath).toBe(true);
	});

	it('go install targets GOBIN, else GOPATH/bin, else ~/go/bin', () => {
		const goPlan = (env: Record<string, string>) =>
			planInstalls(platform({packageManagers: ['go']}), {env}).find((plan) => plan.method === 'go')!;
		expect(goPlan({}).command).toEqual([
			'go',
			'install',
			'github.com/awslabs/amazon-ecr-credential-helper/ecr-login/cli/docker-credential-ecr-login@latest',
		]);
		expect(goPlan({}).target).toEqual({path: '/home/dev/go/bin/docker-credential-ecr-login', onPath: false});
		expect(goPlan({GOPATH: '/opt/go', PATH: '/opt/go/bin'}).target).toEqual({
			path: '/opt/go/bin/docker-credential-ecr-login',
			onPath: true,
		});
		expect(goPlan({GOBIN: '/srv/bin'}).target?.path).toBe('/srv/bin/docker-credential-ecr-login');
	});
});

describe('CredentialHelperService.platform() over platform inputs', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-platform-'));
	});
	afterAll(async () => {
		await rm(dir, {recursive: true, force: true});
	});

	async function files(procVersion: string | undefined, osRelease: string | undefined) {
		const proc = path.join(dir, `proc-${Math.random()}`);
		const release = path.join(dir, `release-${Math.random()}`);
		if (procVersion !== undefined) await writeFile(proc, procVersion);
		if (osRelease !== undefined) await writeFile(release, osRelease);
		return {procVersion: proc, osRelease: [release]};
	}

	it.each([
		{
			name: 'Debian 12 as a user with apt-get and go',
			os: 'linux',
			uid: 1000,
			env: {PATH: '/usr/bin'},
			proc: DEBIAN,
			release: OS_RELEASE.debian12,
			path: {'apt-get': '/usr/bin/apt-get', go: '/usr/local/go/bin/go'},
			expected: {
				os: 'linux',
				isRoot: false,
				isWsl: false,
				distro: 'debian',
				distroVersion: '12',
				packageManagers: ['apt', 'go'],
			},
		},
		{
			name: 'Amazon Linux 2023 as root',
			os: 'linux',
			uid: 0,
			env: {PATH: '/usr/bin'},
			proc: 'Linux version 6.1.115-126.197.amzn2023.x86_64',
			release: OS_RELEASE.amzn2023,
			path: {dnf: '/usr/bin/dnf', yum: '/usr/bin/yum'},
			expected: {isRoot: true, distro: 'amzn', distroVersion: '2023', packageManagers: ['dnf', 'yum']},
		},
		{
			name: 'Amazon Linux 2',
			os: 'linux',
			uid: 1000,
			env: {},
			proc: 'Linux version 5.10.228-219.884.amzn2.x86_64',
			release: OS_RELEASE.amzn2,
			path: {yum: '/usr/bin/yum'},
			expected: {distro: 'amzn', distroVersion: '2', packageManagers: ['yum']},
		},
		{
			name: 'Alpine in a container',
			os: 'linux',
			uid: 0,
			env: {},
			proc: DEBIAN,
			release: OS_RELEASE.alpine,
			path: {apk: '/sbin/apk'},
			expected: {distro: 'alpine', distroVersion: '3.20.3', packageManagers: ['apk']},
		},
		{
			name: 'WSL 2 Ubuntu (from /proc/version)',
			os: 'linux',
			uid: 1000,
			env: {},
			proc: WSL2,
			release: OS_RELEASE.ubuntu2204,
			path: {'apt-get': '/usr/bin/apt-get'},
			expected: {isWsl: true, distro: 'ubuntu', distroVersion: '22.04'},
		},
		{
			name: 'WSL from WSL_DISTRO_NAME alone',
			os: 'linux',
			uid: 1000,
			env: {WSL_DISTRO_NAME: 'Ubuntu-24.04'},
			proc: undefined,
			release: undefined,
			path: {},
			expected: {isWsl: true, packageManagers: []},
		},
		{
			name: 'macOS, Homebrew on PATH',
			os: 'darwin',
			uid: 501,
			env: {},
			proc: undefined,
			release: undefined,
			path: {brew: HOMEBREW_ARM},
			expected: {os: 'darwin', packageManagers: ['brew']},
		},
		{
			name: 'macOS, Homebrew only at /opt/homebrew/bin/brew',
			os: 'darwin',
			uid: 501,
			env: {},
			proc: undefined,
			release: undefined,
			path: {[HOMEBREW_ARM]: HOMEBREW_ARM},
			expected: {packageManagers: [], commandPaths: {brew: HOMEBREW_ARM}},
		},
		{
			name: 'macOS, Homebrew only at /usr/local/bin/brew',
			os: 'darwin',
			uid: 501,
			env: {},
			proc: undefined,
			release: undefined,
			path: {[HOMEBREW_INTEL]: HOMEBREW_INTEL},
			expected: {packageManagers: [], commandPaths: {brew: HOMEBREW_INTEL}},
		},
		{
			name: 'Windows: no uid, never root, no distro',
			os: 'win32',
			uid: undefined,
			env: {USERPROFILE: 'C:\\Users\\Dev'},
			proc: WSL2,
			release: OS_RELEASE.debian12,
			path: {},
			expected: {os: 'win32', isRoot: false, isWsl: false, packageManagers: []},
		},
	])('$name', async ({os: osName, uid, env, proc, release, path: table, expected}) => {
		const runner = createFakeRunner([], {path: table as Record<string, string>});
		const service = createCredentialHelperService({
			runner,
			env,
			platform: osName,
			arch: 'arm64',
			uid,
			home: '/home/dev',
			files: await files(proc, release),
		});
		const info = await service.platform();
		expect(info).toMatchObject({arch: 'arm64', home: '/home/dev', ...expected});
		if (!('distro' in expected)) expect(info.distro).toBeUndefined();
		if (!('commandPaths' in expected)) expect(info.commandPaths).toBeUndefined();
	});

	it.each([
		{
			name: 'win32 looks up docker-credential-ecr-login.exe (PATHEXT applies in the runner)',
			os: 'win32',
			helper: 'ecr-login',
			command: 'docker-credential-ecr-login.exe',
			file: 'C:\\Users\\Dev\\AppData\\Local\\Programs\\ecr-setup\\bin\\docker-credential-ecr-login.exe',
		},
		{
			name: 'WSL finds Docker Desktop’s Windows helper by its .exe name',
			os: 'linux',
			helper: 'desktop.exe',
			command: 'docker-credential-desktop.exe',
			file: '/mnt/c/Program Files/Docker/Docker/resources/bin/docker-credential-desktop.exe',
		},
		{
			name: 'darwin under the Homebrew prefix on PATH',
			os: 'darwin',
			helper: 'ecr-login',
			command: 'docker-credential-ecr-login',
			file: '/opt/homebrew/bin/docker-credential-ecr-login',
		},
	])('find: $name', async ({os: osName, helper, command, file}) => {
		const runner = createFakeRunner([{file, args: ['version'], result: {stdout: '0.12.0'}}], {path: {[command]: file}});
		const service = createCredentialHelperService({runner, env: {}, platform: osName, home: '/home/dev'});
		expect(await service.find(helper)).toEqual({name: helper, path: file, version: '0.12.0'});
		expect(runner.remaining()).toEqual([]);
	});

	it('install plans from the detected platform use the found Homebrew by path', async () => {
		const runner = createFakeRunner([], {path: {[HOMEBREW_ARM]: HOMEBREW_ARM}});
		const service = createCredentialHelperService({
			runner,
			env: {PATH: '/usr/bin'},
			platform: 'darwin',
			arch: 'arm64',
			uid: 501,
			home: '/Users/dev',
		});
		const plans = service.installPlans(await service.platform());
		expect(plans[0]!.command).toEqual([HOMEBREW_ARM, 'install', 'docker-credential-helper-ecr']);
		expect(plans[1]!.download?.url).toMatch(/\/darwin-arm64\/docker-credential-ecr-login$/);
	});
});
