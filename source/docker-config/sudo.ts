/**
 * Who runs docker, and so which config.json it reads, as pure functions.
 *
 * - `sudo docker …` runs the CLI as root with sudo's reset environment: HOME=/root and no DOCKER_CONFIG (env_reset drops
 *   it unless sudoers keeps it), so docker reads `/root/.docker/config.json`, and the credential helper it starts reads
 *   root's `~/.aws`, not the user's.
 * - `sudo ecr-setup …` (SUDO_USER set) edits the config of the environment it got: root's when sudo reset HOME, the user's
 *   when HOME was kept (older Ubuntu) — and a file root creates there is root's, which docker run as the user cannot read.
 * - A daemon socket only root may open (`srw-rw---- root docker` and the user not in the `docker` group) means the user
 *   runs `sudo docker`, so the same applies without any sudo in this run.
 */
import path from 'node:path';
import {locateConfigDir} from './location.js';
import {shellQuote} from '../lib/shell.js';

type Env = Record<string, string | undefined>;

export const ROOT_CONFIG_DIR = '/root/.docker';

/** Who may open a unix socket, from its stat (mode, owner) and the caller's uid and groups. */
export function canOpenSocket(
	socket: {mode: number; uid: number; gid: number},
	user: {uid: number; gids: readonly number[]},
): boolean {
	if (user.uid === 0) return true;
	// connect(2) on a unix socket needs write permission on it.
	if (socket.uid === user.uid) return (socket.mode & 0o200) !== 0;
	if (user.gids.includes(socket.gid)) return (socket.mode & 0o020) !== 0;
	return (socket.mode & 0o002) !== 0;
}

/** The socket the docker CLI dials: DOCKER_HOST when it is unix://, else the default (none for tcp:// or ssh:// hosts). */
export function dockerSocketPath(env: Env, os: string): string | undefined {
	const host = env['DOCKER_HOST'];
	if (host) return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
	return os === 'win32' ? undefined : '/var/run/docker.sock';
}

/** A home directory for a user name when the caller could not read it from the password database. */
export function defaultHomeOf(user: string, os: string): string {
	if (user === 'root') return os === 'darwin' ? '/var/root' : '/root';
	return os === 'darwin' ? `/Users/${user}` : `/home/${user}`;
}

export type ConfigReader = {
	/** The user docker runs as. */
	user: string;
	/** The config directory docker uses then. */
	dir: string;
	file: string;
	/** How docker gets run that way, e.g. "sudo docker …". */
	how: string;
};

export type SudoInput = {
	os: string;
	env: Env;
	/** Effective uid of this process (undefined on Windows). */
	uid: number | undefined;
	/** os.homedir() of this process. */
	home: string;
	/** --config DIR of this run. */
	configFlag?: string | undefined;
	/** This process's user name (os.userInfo().username). */
	userName: string;
	/** SUDO_USER's home from the password database, when known. */
	sudoUserHome?: string | undefined;
	/** The daemon socket refused this user (DaemonStatus reason 'permission'), or canOpenSocket said no. */
	socketRootOnly?: boolean;
};

export type SudoSituation = 'plain' | 'root' | 'under-sudo' | 'root-socket';

export type SudoAnalysis = {
	situation: SudoSituation;
	/** The config directory this run reads and writes. */
	thisRun: ConfigReader;
	/** Where docker reads its config when the user runs it the way this machine needs, best guess first. */
	dockerReads: ConfigReader[];
	/** Config directories to configure so every way of running docker works, this run's first. */
	targets: string[];
	/** One paragraph for the user; empty when nothing is special. */
	message: string;
	notes: string[];
};

function reader(user: string, dir: string, how: string): ConfigReader {
	return {user, dir, file: path.posix.join(dir, 'config.json'), how};
}

/** Which config.json docker reads, given who runs this and who may open the socket. */
export function analyseSudo(input: SudoInput): SudoAnalysis {
	const {env, os} = input;
	const thisDir = locateConfigDir({flag: input.configFlag, env, home: input.home, platform: os});
	const isRoot = input.uid === 0;
	const sudoUser = env['SUDO_USER'] && env['SUDO_USER'] !== 'root' ? env['SUDO_USER'] : undefined;
	const rootDir = path.posix.join(defaultHomeOf('root', os), '.docker');
	const awsNote =
		'Under sudo, docker-credential-ecr-login runs as root and reads root’s AWS credentials (/root/.aws, root’s environment), not yours.';

	if (os === 'win32') {
		const thisRun = reader(input.userName, thisDir, 'docker …');
		return {situation: 'plain', thisRun, dockerReads: [thisRun], targets: [thisDir], message: '', notes: []};
	}

	// `sudo …` (root), or `sudo -u other …`: either way this run is not the user who typed the command.
	if (sudoUser && (isRoot || (input.userName !== '' && input.userName !== sudoUser))) {
		const userHome = input.sudoUserHome ?? defaultHomeOf(sudoUser, os);
		const userDir = path.posix.join(userHome, '.docker');
		const thisRun = reader(isRoot ? 'root' : input.userName, thisDir, 'sudo docker …');
		const asUser = reader(sudoUser, userDir, `docker … (as ${sudoUser}, in the docker group)`);
		const notes = [awsNote];
		const keptHome = thisDir === userDir;
		if (keptHome) {
			notes.push(
				`sudo kept HOME, so this run edits ${sudoUser}’s file as root: a new file would belong to root, which docker run as ${sudoUser} cannot read.`,
			);
		}

		const dockerReads =
			input.socketRootOnly === false
				? [asUser, reader('root', rootDir, 'sudo docker …')]
				: [reader('root', rootDir, 'sudo docker …'), asUser];
		const targets = [...new Set([thisDir, userDir, rootDir])];
		return {
			situation: 'under-sudo',
			thisRun,
			dockerReads,
			targets,
			message:
				`ecr-setup runs under sudo (SUDO_USER=${sudoUser}) and edits ${thisRun.file}. ` +
				`\`sudo docker\` reads ${path.posix.join(rootDir, 'config.json')}; docker run as ${sudoUser} reads ${asUser.file}. ` +
				`Configure the one you use (or both): run ecr-setup without sudo for ${sudoUser}'s, or pass --config ${shellQuote(userDir)}.`,
			notes,
		};
	}

	if (isRoot) {
		const thisRun = reader(input.userName || 'root', thisDir, 'docker …');
		return {situation: 'root', thisRun, dockerReads: [thisRun], targets: [thisDir], message: '', notes: []};
	}

	const thisRun = reader(input.userName, thisDir, 'docker …');
	if (input.socketRootOnly) {
		const asRoot = reader('root', rootDir, 'sudo docker …');
		return {
			situation: 'root-socket',
			thisRun,
			dockerReads: [asRoot, thisRun],
			targets: [thisDir, rootDir],
			message:
				`Only root may open the docker socket${dockerSocketPath(env, os) ? ` (${dockerSocketPath(env, os)})` : ''}, so you run \`sudo docker\`, which reads ${asRoot.file}, not ${thisRun.file}. ` +
				`Add yourself to the docker group (sudo usermod -aG docker ${input.userName}, then log in again) so docker reads yours, or configure root's too (sudo ecr-setup configure-helper --config ${rootDir}).`,
			notes: [awsNote],
		};
	}

	return {situation: 'plain', thisRun, dockerReads: [thisRun], targets: [thisDir], message: '', notes: []};
}
