import {describe, expect, it} from 'vitest';
import {analyseSudo, canOpenSocket, defaultHomeOf, dockerSocketPath} from '../../source/docker-config/sudo.js';

describe('canOpenSocket', () => {
	const dockerSocket = {mode: 0o140660, uid: 0, gid: 999};
	it.each([
		[{uid: 0, gids: []}, true, 'root'],
		[{uid: 1000, gids: [1000, 999]}, true, 'in the docker group'],
		[{uid: 1000, gids: [1000]}, false, 'not in the group'],
	])('%j → %s (%s)', (user, expected) => {
		expect(canOpenSocket(dockerSocket, user)).toBe(expected);
	});

	it('owner and world bits', () => {
		expect(canOpenSocket({mode: 0o140600, uid: 1000, gid: 1000}, {uid: 1000, gids: []})).toBe(true);
		expect(canOpenSocket({mode: 0o140666, uid: 0, gid: 0}, {uid: 1000, gids: []})).toBe(true);
		expect(canOpenSocket({mode: 0o140660, uid: 0, gid: 999}, {uid: 1000, gids: [999]})).toBe(true);
		expect(canOpenSocket({mode: 0o140640, uid: 0, gid: 999}, {uid: 1000, gids: [999]})).toBe(false);
	});
});

describe('dockerSocketPath and homes', () => {
	it('follows DOCKER_HOST for unix sockets only', () => {
		expect(dockerSocketPath({}, 'linux')).toBe('/var/run/docker.sock');
		expect(dockerSocketPath({DOCKER_HOST: 'unix:///run/user/1000/docker.sock'}, 'linux')).toBe(
			'/run/user/1000/docker.sock',
		);
		expect(dockerSocketPath({DOCKER_HOST: 'tcp://10.0.0.1:2376'}, 'linux')).toBeUndefined();
		expect(dockerSocketPath({}, 'win32')).toBeUndefined();
	});

	it('default homes', () => {
		expect(defaultHomeOf('jane', 'linux')).toBe('/home/jane');
		expect(defaultHomeOf('jane', 'darwin')).toBe('/Users/jane');
		expect(defaultHomeOf('root', 'darwin')).toBe('/var/root');
	});
});

describe('analyseSudo: which config.json docker reads', () => {
	it('plain user who can open the socket: docker reads this run’s file, nothing to say', () => {
		const analysis = analyseSudo({
			os: 'linux',
			env: {},
			uid: 1000,
			home: '/home/jane',
			userName: 'jane',
			socketRootOnly: false,
		});
		expect(analysis.situation).toBe('plain');
		expect(analysis.dockerReads.map((reader) => reader.file)).toEqual(['/home/jane/.docker/config.json']);
		expect(analysis.targets).toEqual(['/home/jane/.docker']);
		expect(analysis.message).toBe('');
	});

	it('root-only socket: `sudo docker` reads /root/.docker/config.json; both are offered, this run’s first', () => {
		const analysis = analyseSudo({
			os: 'linux',
			env: {},
			uid: 1000,
			home: '/home/jane',
			userName: 'jane',
			socketRootOnly: true,
		});
		expect(analysis.situation).toBe('root-socket');
		expect(analysis.dockerReads[0]).toMatchObject({
			user: 'root',
			file: '/root/.docker/config.json',
			how: 'sudo docker …',
		});
		expect(analysis.targets).toEqual(['/home/jane/.docker', '/root/.docker']);
		expect(analysis.message).toMatch(/\/var\/run\/docker\.sock/);
		expect(analysis.message).toMatch(/usermod -aG docker jane/);
		expect(analysis.notes.join('\n')).toMatch(/root’s AWS credentials/);
	});

	it('sudo ecr-setup with HOME reset to /root: this run edits root’s file; the user’s is named too', () => {
		const analysis = analyseSudo({
			os: 'linux',
			env: {SUDO_USER: 'jane', HOME: '/root'},
			uid: 0,
			home: '/root',
			userName: 'root',
		});
		expect(analysis.situation).toBe('under-sudo');
		expect(analysis.thisRun.file).toBe('/root/.docker/config.json');
		expect(analysis.dockerReads.map((reader) => reader.file)).toEqual([
			'/root/.docker/config.json',
			'/home/jane/.docker/config.json',
		]);
		expect(analysis.targets).toEqual(['/root/.docker', '/home/jane/.docker']);
		expect(analysis.message).toMatch(/SUDO_USER=jane/);
		expect(analysis.message).toMatch(/--config \/home\/jane\/\.docker/);
	});

	it('sudo with HOME kept (older Ubuntu): warns that a file root creates is root’s', () => {
		const analysis = analyseSudo({
			os: 'linux',
			env: {SUDO_USER: 'jane'},
			uid: 0,
			home: '/home/jane',
			userName: 'root',
			sudoUserHome: '/home/jane',
			socketRootOnly: false,
		});
		expect(analysis.thisRun.dir).toBe('/home/jane/.docker');
		// The user can open the socket: docker as jane is the likely reader.
		expect(analysis.dockerReads[0]!.user).toBe('jane');
		expect(analysis.targets).toEqual(['/home/jane/.docker', '/root/.docker']);
		expect(analysis.notes.join('\n')).toMatch(/belong to root/);
	});

	it('a home with a space is quoted in the advice; macOS homes', () => {
		const analysis = analyseSudo({
			os: 'darwin',
			env: {SUDO_USER: 'jane'},
			uid: 0,
			home: '/var/root',
			userName: 'root',
			sudoUserHome: '/Users/Jane Doe',
		});
		expect(analysis.message).toContain("--config '/Users/Jane Doe/.docker'");
		expect(analysis.targets).toContain('/var/root/.docker');
	});

	it('root login without sudo, SUDO_USER=root, --config and Windows are plain', () => {
		expect(analyseSudo({os: 'linux', env: {}, uid: 0, home: '/root', userName: 'root'}).situation).toBe('root');
		expect(
			analyseSudo({os: 'linux', env: {SUDO_USER: 'root'}, uid: 0, home: '/root', userName: 'root'}).situation,
		).toBe('root');
		expect(
			analyseSudo({os: 'linux', env: {}, uid: 1000, home: '/home/jane', userName: 'jane', configFlag: '/srv/cfg'})
				.thisRun.file,
		).toBe('/srv/cfg/config.json');
		expect(
			analyseSudo({
				os: 'win32',
				env: {USERPROFILE: 'C:\\Users\\jane'},
				uid: undefined,
				home: 'C:\\Users\\jane',
				userName: 'jane',
				socketRootOnly: true,
			}).situation,
		).toBe('plain');
	});
});
