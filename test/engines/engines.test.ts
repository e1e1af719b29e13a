import {describe, expect, it} from 'vitest';
import {
	detectEngine,
	dockerHostIsPodman,
	finchFiles,
	parseEngine,
	podmanAuthFiles,
	podmanHelperFile,
	windowsPathToWsl,
	wslDockerClient,
	wslPathToWindows,
} from '../../source/engines/engines.js';
import {UsageError} from '../../source/errors/user-errors.js';
import {shellQuote as shellQuotePath, windowsQuotePath} from '../../source/lib/shell.js';
import {explainStoreError} from '../../source/credential-helper/store-errors.js';

describe('parseEngine', () => {
	it('accepts the three engines in any case and rejects others with the choices', () => {
		expect(parseEngine('Podman')).toBe('podman');
		expect(parseEngine(' finch ')).toBe('finch');
		expect(parseEngine(undefined)).toBeUndefined();
		expect(() => parseEngine('containerd')).toThrow(UsageError);
		expect(() => parseEngine('containerd')).toThrow(/not a container engine/);
	});
});

describe('detectEngine', () => {
	const env = {};
	it.each([
		[{docker: '/usr/bin/docker', podman: '/usr/bin/podman'}, 'docker', 'path'],
		[{docker: null, podman: '/usr/bin/podman', finch: '/usr/local/bin/finch'}, 'podman', 'path'],
		[{finch: '/usr/local/bin/finch'}, 'finch', 'path'],
		[{}, 'docker', 'none-found'],
	] as const)('found %j → %s', (found, engine, source) => {
		const detection = detectEngine({found, env});
		expect(detection.engine).toBe(engine);
		expect(detection.source).toBe(source);
		expect(detection.binary).toBe(source === 'none-found' ? null : found[engine as keyof typeof found]);
	});

	it('the flag wins over PATH and notes a missing CLI', () => {
		const detection = detectEngine({flag: 'finch', found: {docker: '/usr/bin/docker'}, env});
		expect(detection).toMatchObject({engine: 'finch', source: 'flag', binary: null});
		expect(detection.notes.join('\n')).toMatch(/no `finch` on PATH/);
	});

	it('says when docker and podman are both installed', () => {
		expect(detectEngine({found: {docker: '/usr/bin/docker', podman: '/usr/bin/podman'}, env}).notes.join('\n')).toMatch(
			/--engine podman/,
		);
	});

	it('notes a DOCKER_HOST on podman’s socket, and keeps configuring docker (the docker CLI does the login)', () => {
		const detection = detectEngine({
			found: {docker: '/usr/bin/docker'},
			env: {DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock'},
		});
		expect(detection.engine).toBe('docker');
		expect(detection.notes.join('\n')).toMatch(/points at podman's socket.*docker's config\.json/);
	});

	it.each([
		['unix:///run/user/1000/podman/podman.sock', true],
		['unix:///run/podman/podman.sock', true],
		['unix:///Users/jane/.local/share/containers/podman/machine/podman-machine-default/podman.sock', true],
		['npipe:////./pipe/podman-machine-default', true],
		['unix:///var/run/docker.sock', false],
		['tcp://127.0.0.1:2375', false],
		[undefined, false],
	])('dockerHostIsPodman(%s) = %s', (host, expected) => {
		expect(dockerHostIsPodman(host)).toBe(expected);
	});
});

describe('podman auth files (containers-auth.json(5))', () => {
	it.each([
		{
			name: 'linux with XDG_RUNTIME_DIR',
			input: {os: 'linux', env: {XDG_RUNTIME_DIR: '/run/user/1000'}, home: '/home/jane', uid: 1000},
			primary: '/run/user/1000/containers/auth.json',
			source: 'XDG_RUNTIME_DIR',
			volatile: true,
			write: '/home/jane/.config/containers/auth.json',
		},
		{
			name: 'linux without XDG_RUNTIME_DIR (sudo, cron)',
			input: {os: 'linux', env: {}, home: '/home/jane', uid: 1000},
			primary: '/run/containers/1000/auth.json',
			source: 'per-uid',
			volatile: true,
			write: '/home/jane/.config/containers/auth.json',
		},
		{
			name: 'linux with XDG_CONFIG_HOME',
			input: {
				os: 'linux',
				env: {XDG_RUNTIME_DIR: '/run/user/1000', XDG_CONFIG_HOME: '/home/jane/cfg'},
				home: '/home/jane',
				uid: 1000,
			},
			primary: '/run/user/1000/containers/auth.json',
			source: 'XDG_RUNTIME_DIR',
			volatile: true,
			write: '/home/jane/cfg/containers/auth.json',
		},
		{
			name: 'REGISTRY_AUTH_FILE',
			input: {
				os: 'linux',
				env: {REGISTRY_AUTH_FILE: '/srv/ci/auth.json', XDG_RUNTIME_DIR: '/run/user/1000'},
				home: '/home/jane',
				uid: 1000,
			},
			primary: '/srv/ci/auth.json',
			source: 'REGISTRY_AUTH_FILE',
			volatile: false,
			write: '/srv/ci/auth.json',
		},
		{
			name: 'macOS',
			input: {os: 'darwin', env: {XDG_RUNTIME_DIR: '/tmp/x'}, home: '/Users/jane'},
			primary: '/Users/jane/.config/containers/auth.json',
			source: 'home',
			volatile: false,
			write: '/Users/jane/.config/containers/auth.json',
		},
		{
			name: 'Windows, profile with a space',
			input: {os: 'win32', env: {}, home: 'C:\\Users\\Jane Doe'},
			primary: 'C:\\Users\\Jane Doe\\.config\\containers\\auth.json',
			source: 'home',
			volatile: false,
			write: 'C:\\Users\\Jane Doe\\.config\\containers\\auth.json',
		},
	])('$name', ({input, primary, source, volatile, write}) => {
		const files = podmanAuthFiles(input);
		expect(files.primary).toBe(primary);
		expect(files.primarySource).toBe(source);
		expect(files.primaryIsVolatile).toBe(volatile);
		expect(files.readOrder[0]).toBe(primary);
		// Docker's file is always read last but one, then ~/.dockercfg.
		expect(files.readOrder.at(-2)).toMatch(/\.docker[\\/]config\.json$/);
		expect(files.readOrder.at(-1)).toMatch(/\.dockercfg$/);
		expect(new Set(files.readOrder).size).toBe(files.readOrder.length);
		expect(podmanHelperFile(input).path).toBe(write);
	});
});

describe('finchFiles', () => {
	it.each([
		[{os: 'darwin', env: {}, home: '/Users/jane'}, '/Users/jane/.finch/finch.yaml', '/Users/jane/.finch/config.json'],
		[
			{os: 'win32', env: {LOCALAPPDATA: 'C:\\Users\\Jane Doe\\AppData\\Local'}, home: 'C:\\Users\\Jane Doe'},
			'C:\\Users\\Jane Doe\\AppData\\Local\\.finch\\finch.yaml',
			'C:\\Users\\Jane Doe\\AppData\\Local\\.finch\\config.json',
		],
		[
			{os: 'win32', env: {}, home: 'C:\\Users\\jane'},
			'C:\\Users\\jane\\AppData\\Local\\.finch\\finch.yaml',
			'C:\\Users\\jane\\AppData\\Local\\.finch\\config.json',
		],
	])('%j', (input, yaml, config) => {
		expect(finchFiles(input)).toMatchObject({yaml, config});
	});
});

describe('WSL paths and the docker CLI that runs', () => {
	it.each([
		['C:\\Users\\Jane Doe\\.docker\\config.json', '/mnt/', '/mnt/c/Users/Jane Doe/.docker/config.json'],
		['D:/work', '/mnt/', '/mnt/d/work'],
		['C:\\', '/mnt/', '/mnt/c'],
		['C:\\Users\\jane', '/', '/c/Users/jane'],
		['\\\\server\\share', '/mnt/', undefined],
	])('windowsPathToWsl(%s, %s) = %s', (input, root, expected) => {
		expect(windowsPathToWsl(input, root)).toBe(expected);
	});

	it.each([
		[
			'/mnt/c/Program Files/Docker/Docker/resources/bin/docker.exe',
			'C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker.exe',
		],
		['/mnt/c', 'C:\\'],
		['/home/jane/.docker', undefined],
		['/mnt/wsl/docker-desktop/cli-tools/usr/bin/docker', undefined],
	])('wslPathToWindows(%s) = %s', (input, expected) => {
		expect(wslPathToWindows(input)).toBe(expected);
	});

	it('a Linux docker inside WSL reads the Linux user’s config and runs the Linux helper', () => {
		const client = wslDockerClient({dockerPath: '/usr/bin/docker', env: {}, home: '/home/jane'});
		expect(client).toMatchObject({
			side: 'linux',
			configFile: '/home/jane/.docker/config.json',
			helper: 'docker-credential-ecr-login',
		});
		expect(
			wslDockerClient({dockerPath: '/usr/bin/docker', env: {DOCKER_CONFIG: '/srv/docker'}, home: '/home/jane'})
				.configFile,
		).toBe('/srv/docker/config.json');
	});

	it('docker.exe from the Windows side reads %USERPROFILE%\\.docker and runs the .exe helper', () => {
		const client = wslDockerClient({
			dockerPath: '/mnt/c/Program Files/Docker/Docker/resources/bin/docker.exe',
			env: {DOCKER_CONFIG: '/home/jane/.docker'},
			home: '/home/jane',
			windowsUserProfile: 'C:\\Users\\Jane Doe',
		});
		expect(client.side).toBe('windows');
		expect(client.windowsConfigFile).toBe('C:\\Users\\Jane Doe\\.docker\\config.json');
		expect(client.configFile).toBe('/mnt/c/Users/Jane Doe/.docker/config.json');
		expect(client.helper).toBe('docker-credential-ecr-login.exe');
		expect(client.notes.join('\n')).toMatch(/not listed in WSLENV/);
		const forwarded = wslDockerClient({
			dockerPath: 'docker.exe',
			env: {DOCKER_CONFIG: 'x', WSLENV: 'USERPROFILE/p:DOCKER_CONFIG/p'},
			home: '/home/jane',
		});
		expect(forwarded.notes.join('\n')).not.toMatch(/WSLENV/);
		expect(forwarded.configFile).toBeUndefined();
	});

	it('quotes paths with spaces for both shells', () => {
		expect(shellQuotePath('/home/jane/.docker')).toBe('/home/jane/.docker');
		expect(shellQuotePath('/Users/Jane Doe/.docker')).toBe("'/Users/Jane Doe/.docker'");
		expect(shellQuotePath("/tmp/it's")).toBe(`'/tmp/it'"'"'s'`);
		expect(windowsQuotePath('C:\\Users\\Jane Doe\\bin')).toBe('"C:\\Users\\Jane Doe\\bin"');
		expect(windowsQuotePath('C:\\tools')).toBe('C:\\tools');
	});
});

describe('explainStoreError', () => {
	const host = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
	it.each([
		[
			'error getting credentials - err: exit status 1, out: `User interaction is not allowed. (-25308)`',
			'store.keychain-locked',
			'osxkeychain',
			/security unlock-keychain/,
		],
		[
			'Error saving credentials: error storing credentials - err: exit status 1, out: `The specified item already exists in the keychain.`',
			'store.keychain-duplicate',
			'osxkeychain',
			/security delete-internet-password -s 123456789012/,
		],
		[
			'Error saving credentials: error storing credentials - err: exit status 1, out: `The stub received bad data.`',
			'store.wincred-too-large',
			'wincred',
			undefined,
		],
		[
			'error getting credentials - err: exit status 1, out: `A specified logon session does not exist. It may already have been terminated.`',
			'store.wincred-no-session',
			'wincred',
			undefined,
		],
		[
			'error getting credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`',
			'store.secretservice-no-display',
			'secretservice',
			undefined,
		],
		[
			'error getting credentials - err: exit status 1, out: `pass not initialized: exit status 1: Error: password store is empty. Try "pass init".`',
			'store.pass-uninitialized',
			'pass',
			/pass init/,
		],
		[
			'error getting credentials - err: exec: "docker-credential-desktop.exe": executable file not found in $PATH, out: ``',
			'store.helper-missing',
			'desktop.exe',
			undefined,
		],
		[
			'Error saving credentials: error storing credentials - err: exit status 1, out: `not implemented`',
			'store.ecr-login-cannot-store',
			'ecr-login',
			/AWS_ECR_IGNORE_CREDS_STORAGE/,
		],
	])('%s', (text, code, store, command) => {
		const explained = explainStoreError(text, {host});
		expect(explained?.code).toBe(code);
		expect(explained?.store).toBe(store);
		expect(explained?.explanation.length).toBeGreaterThan(20);
		if (command) expect(explained?.command).toMatch(command);
	});

	it('names docker-credential-osxkeychain when docker names it, and WSL for desktop.exe', () => {
		expect(explainStoreError('exec: "docker-credential-desktop.exe": executable file not found')?.explanation).toMatch(
			/WSL/,
		);
		expect(explainStoreError('docker-credential-desktop: User interaction is not allowed.')?.store).toBe('desktop');
	});

	it('offers ecr-login for the keychain and wincred failures, and leaves unknown text alone', () => {
		expect(explainStoreError('The stub received bad data.')?.fix).toMatch(/configure-helper/);
		expect(explainStoreError('denied: requested access to the resource is denied')).toBeUndefined();
	});
});
