/**
 * One row per kind of machine developers really use: where docker's config is, how the helper is found, how
 * it is installed, and which credential store docker picks — each answered by the existing functions, from the same
 * platform inputs, on this Linux machine.
 */
import {describe, expect, it} from 'vitest';
import {locateConfigDir} from '../../../source/docker-config/location.js';
import {platformDefaultStore, resolveStore} from '../../../source/docker-config/stores.js';
import {helperExecutableName, planInstalls, resolveExecutable} from '../../../source/credential-helper/platform.js';
import type {InstallMethod, PlatformInfo} from '../../../source/credential-helper/types.js';
import type {DockerConfigData, StoreResolution} from '../../../source/docker-config/types.js';

const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
type Env = Record<string, string | undefined>;

type Row = {
	name: string;
	platform: PlatformInfo;
	env: Env;
	/** Files that exist on this machine (for PATH lookups). */
	files: string[];
	config: {dir: string; withDockerConfig?: string; withDockerConfigDir?: string};
	helper: {name: string; found: string | null};
	/** Install methods offered, best first, and the first plan's argv. */
	install: {methods: InstallMethod[]; first: string[]; needsSudo: boolean; target?: string};
	/** What docker's own default store is here (no store in config.json), with and without `pass` on PATH for Linux. */
	defaultStore: string | undefined;
	/** The store a Desktop-style config names, and what serves ECR and Docker Hub before and after ecr-setup adds credHelpers. */
	desktopConfig?: DockerConfigData;
};

const ROWS: Row[] = [
	{
		name: 'linux: Debian 12, user with sudo',
		platform: {
			os: 'linux',
			arch: 'x64',
			isRoot: false,
			isWsl: false,
			distro: 'debian',
			distroVersion: '12',
			packageManagers: ['apt'],
			home: '/home/jane',
		},
		env: {PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/home/jane'},
		files: ['/usr/bin/docker-credential-ecr-login'],
		config: {dir: '/home/jane/.docker', withDockerConfig: '/srv/docker-cfg'},
		helper: {name: 'docker-credential-ecr-login', found: '/usr/bin/docker-credential-ecr-login'},
		install: {
			methods: ['apt', 'binary'],
			first: ['sudo', 'apt-get', 'install', '-y', 'amazon-ecr-credential-helper'],
			needsSudo: true,
		},
		defaultStore: 'secretservice',
		desktopConfig: {credsStore: 'secretservice'},
	},
	{
		name: 'linux: Amazon Linux 2023 as root (EC2 user data, CI)',
		platform: {
			os: 'linux',
			arch: 'arm64',
			isRoot: true,
			isWsl: false,
			distro: 'amzn',
			distroVersion: '2023',
			packageManagers: ['dnf'],
			home: '/root',
		},
		env: {PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin'},
		files: [],
		config: {dir: '/root/.docker'},
		helper: {name: 'docker-credential-ecr-login', found: null},
		install: {
			methods: ['dnf', 'binary'],
			first: ['dnf', 'install', '-y', 'amazon-ecr-credential-helper'],
			needsSudo: false,
		},
		defaultStore: 'secretservice',
	},
	{
		name: 'linux: Alpine container',
		platform: {
			os: 'linux',
			arch: 'x64',
			isRoot: true,
			isWsl: false,
			distro: 'alpine',
			distroVersion: '3.20.3',
			packageManagers: ['apk'],
			home: '/root',
		},
		env: {PATH: '/usr/local/bin:/usr/bin:/bin'},
		files: ['/usr/local/bin/docker-credential-ecr-login'],
		config: {dir: '/root/.docker'},
		helper: {name: 'docker-credential-ecr-login', found: '/usr/local/bin/docker-credential-ecr-login'},
		install: {methods: ['apk', 'binary'], first: ['apk', 'add', 'docker-credential-ecr-login'], needsSudo: false},
		defaultStore: 'secretservice',
	},
	{
		name: 'darwin: Apple silicon, Homebrew at /opt/homebrew not on PATH, Docker Desktop',
		platform: {
			os: 'darwin',
			arch: 'arm64',
			isRoot: false,
			isWsl: false,
			packageManagers: [],
			home: '/Users/jane',
			commandPaths: {brew: '/opt/homebrew/bin/brew'},
		},
		env: {PATH: '/usr/bin:/bin:/usr/local/bin', HOME: '/Users/jane', SHELL: '/bin/zsh'},
		files: ['/usr/local/bin/docker-credential-desktop', '/usr/local/bin/docker-credential-osxkeychain'],
		config: {dir: '/Users/jane/.docker'},
		helper: {name: 'docker-credential-ecr-login', found: null},
		install: {
			methods: ['brew', 'binary'],
			first: ['/opt/homebrew/bin/brew', 'install', 'docker-credential-helper-ecr'],
			needsSudo: false,
		},
		defaultStore: 'osxkeychain',
		desktopConfig: {auths: {'https://index.docker.io/v1/': {}}, credsStore: 'desktop', currentContext: 'desktop-linux'},
	},
	{
		name: 'darwin: Intel, Homebrew on PATH, osxkeychain',
		platform: {os: 'darwin', arch: 'x64', isRoot: false, isWsl: false, packageManagers: ['brew'], home: '/Users/jane'},
		env: {PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/Users/jane'},
		files: ['/usr/local/bin/docker-credential-ecr-login'],
		config: {dir: '/Users/jane/.docker'},
		helper: {name: 'docker-credential-ecr-login', found: '/usr/local/bin/docker-credential-ecr-login'},
		install: {
			methods: ['brew', 'binary'],
			first: ['brew', 'install', 'docker-credential-helper-ecr'],
			needsSudo: false,
		},
		defaultStore: 'osxkeychain',
		desktopConfig: {credsStore: 'osxkeychain'},
	},
	{
		name: 'win32: Docker Desktop, a profile with a space, helper found through PATHEXT',
		platform: {os: 'win32', arch: 'x64', isRoot: false, isWsl: false, packageManagers: [], home: 'C:\\Users\\Jane Doe'},
		env: {
			USERPROFILE: 'C:\\Users\\Jane Doe',
			LOCALAPPDATA: 'C:\\Users\\Jane Doe\\AppData\\Local',
			Path: 'C:\\Program Files\\Docker\\Docker\\resources\\bin;"C:\\Users\\Jane Doe\\AppData\\Local\\Programs\\ecr-setup\\bin"',
			PATHEXT: '.COM;.EXE;.BAT;.CMD',
		},
		files: [
			'C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker-credential-desktop.exe',
			'C:\\Users\\Jane Doe\\AppData\\Local\\Programs\\ecr-setup\\bin\\docker-credential-ecr-login.exe',
		],
		config: {dir: 'C:\\Users\\Jane Doe\\.docker', withDockerConfigDir: 'D:\\docker config'},
		helper: {
			name: 'docker-credential-ecr-login.exe',
			found: 'C:\\Users\\Jane Doe\\AppData\\Local\\Programs\\ecr-setup\\bin\\docker-credential-ecr-login.exe',
		},
		install: {
			methods: ['binary'],
			first: [],
			needsSudo: false,
			target: 'C:\\Users\\Jane Doe\\AppData\\Local\\Programs\\ecr-setup\\bin\\docker-credential-ecr-login.exe',
		},
		defaultStore: 'wincred',
		desktopConfig: {auths: {}, credsStore: 'desktop'},
	},
	{
		name: 'WSL 2: Ubuntu 22.04 with Docker Desktop integration (desktop.exe from the Windows side)',
		platform: {
			os: 'linux',
			arch: 'x64',
			isRoot: false,
			isWsl: true,
			distro: 'ubuntu',
			distroVersion: '22.04',
			packageManagers: ['apt'],
			home: '/home/jane',
		},
		env: {
			PATH: '/usr/local/bin:/usr/bin:/mnt/c/Program Files/Docker/Docker/resources/bin:/mnt/c/WINDOWS/system32',
			HOME: '/home/jane',
			WSL_DISTRO_NAME: 'Ubuntu',
		},
		files: [
			'/mnt/c/Program Files/Docker/Docker/resources/bin/docker-credential-desktop.exe',
			'/mnt/c/Program Files/Docker/Docker/resources/bin/docker.exe',
		],
		config: {dir: '/home/jane/.docker'},
		helper: {name: 'docker-credential-ecr-login', found: null},
		install: {
			methods: ['apt', 'binary'],
			first: ['sudo', 'apt-get', 'install', '-y', 'amazon-ecr-credential-helper'],
			needsSudo: true,
		},
		defaultStore: 'secretservice',
		desktopConfig: {credsStore: 'desktop.exe'},
	},
];

describe.each(ROWS)('$name', (row) => {
	const {platform, env} = row;

	it('config location: --config > DOCKER_CONFIG > home', () => {
		expect(locateConfigDir({env, home: platform.home, platform: platform.os})).toBe(row.config.dir);
		expect(locateConfigDir({flag: 'cfg dir', env, home: platform.home, platform: platform.os})).toBe('cfg dir');
		const fromEnv = row.config.withDockerConfig ?? row.config.withDockerConfigDir ?? '/tmp/d';
		expect(locateConfigDir({env: {...env, DOCKER_CONFIG: fromEnv}, home: platform.home, platform: platform.os})).toBe(
			fromEnv,
		);
	});

	it('helper lookup: the executable name, and where a PATH search finds it', () => {
		const name = helperExecutableName('ecr-login', platform.os);
		expect(name).toBe(row.helper.name);
		const exists = (file: string) => row.files.includes(file);
		// Lookups on Windows go through PATHEXT with the bare name, as Go's exec.LookPath does.
		const command = platform.os === 'win32' ? 'docker-credential-ecr-login' : name;
		expect(resolveExecutable(command, {os: platform.os, env, exists})).toBe(row.helper.found);
	});

	it('install method: offered plans, best first', () => {
		const plans = planInstalls(platform, {env});
		expect(plans.map((plan) => plan.method)).toEqual(row.install.methods);
		expect(plans[0]!.command).toEqual(row.install.first);
		expect(plans[0]!.needsSudo).toBe(row.install.needsSudo);
		if (row.install.target) expect(plans[0]!.target?.path).toBe(row.install.target);
		const binary = plans.find((plan) => plan.method === 'binary')!;
		expect(binary.download?.url).toMatch(
			platform.os === 'win32'
				? /\/windows-amd64\/docker-credential-ecr-login\.exe$/
				: new RegExp(`/${platform.os}-${platform.arch === 'x64' ? 'amd64' : 'arm64'}/docker-credential-ecr-login$`),
		);
	});

	it('store resolution: docker’s platform default when config.json names none', () => {
		const hasPass = false;
		const platformDefault = platformDefaultStore(platform.os, hasPass);
		expect(platformDefault).toBe(row.defaultStore);
		expect(resolveStore({}, ECR, {}, platformDefault ? {platformDefault} : {})).toEqual({
			kind: 'helper',
			helper: row.defaultStore,
			source: 'platform-default',
		});
		if (platform.os === 'linux') expect(platformDefaultStore('linux', true)).toBe('pass');
		// Any auths entry switches the platform default off (docker only picks one for a config without credentials).
		expect(
			resolveStore({auths: {[ECR]: {auth: 'QVdTOnB3'}}}, ECR, {}, platformDefault ? {platformDefault} : {}).kind,
		).toBe('file');
	});
});

describe.each(ROWS.filter((row) => row.desktopConfig !== undefined))('$name: a desktop-style store', (row) => {
	const {platform, env} = row;

	it('keeps serving other registries; credHelpers wins for ECR', () => {
		const data = row.desktopConfig!;
		const store = data.credsStore!;
		const before: StoreResolution = resolveStore(data, ECR, {});
		expect(before).toEqual({kind: 'helper', helper: store, source: 'credsStore'});
		const after = {...data, credHelpers: {[ECR]: 'ecr-login'}};
		expect(resolveStore(after, ECR, {})).toEqual({
			kind: 'helper',
			helper: 'ecr-login',
			source: 'credHelpers',
			key: ECR,
		});
		expect(resolveStore(after, 'index.docker.io', {})).toEqual({kind: 'helper', helper: store, source: 'credsStore'});
		// The store's binary: on WSL `desktop.exe` is found on the Windows side of PATH, spaces and all.
		const binary = resolveExecutable(
			platform.os === 'win32' ? `docker-credential-${store}` : helperExecutableName(store, platform.os),
			{
				os: platform.os,
				env,
				exists: (file) => row.files.includes(file),
			},
		);
		if (store === 'desktop.exe')
			expect(binary).toBe('/mnt/c/Program Files/Docker/Docker/resources/bin/docker-credential-desktop.exe');
		if (platform.os === 'win32' && store === 'desktop')
			expect(binary).toBe('C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker-credential-desktop.exe');
	});
});
