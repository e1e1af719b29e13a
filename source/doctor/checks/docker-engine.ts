/** The docker CLI on PATH and the daemon behind it: nothing else on the docker side can be checked without them. */
import {describeOutcomeProblem} from '../outcome.js';
import {blockedBy, pass, result, type Check, userName} from './common.js';

export const dockerCli: Check = (facts) => {
	const id = 'docker.cli';
	const cli = facts.docker.cli;
	if (cli.state === 'ok' && cli.value) return pass(id, `docker ${cli.value}`);
	if (cli.state === 'ok') {
		return result(id, 'fail', 'The docker CLI is not installed: no `docker` on PATH.', {
			description:
				'Install Docker Engine (Linux) or Docker Desktop (macOS, Windows): https://docs.docker.com/get-docker/',
		});
	}

	return result(id, 'fail', `\`docker version\` did not answer: ${describeOutcomeProblem(cli)}.`, {
		description: 'Check that the docker CLI on PATH runs (`docker version`).',
		command: 'docker version',
	});
};

export const dockerDaemon: Check = (facts, prior) => {
	const id = 'docker.daemon';
	const blocked = blockedBy(id, prior, ['docker.cli']);
	if (blocked) return blocked;
	const daemon = facts.docker.daemon;
	if (daemon.state !== 'ok') {
		return result(id, 'fail', `The docker daemon did not answer: ${describeOutcomeProblem(daemon)}.`, {
			description: 'Check that the docker daemon is running and responsive.',
			command: 'docker info',
		});
	}

	const status = daemon.value;
	if (status.ok) return pass(id, `daemon ${status.serverVersion} is reachable`);
	if (status.reason === 'permission') {
		return result(id, 'fail', `Permission denied on the docker socket: ${status.message}`, {
			description:
				'Add yourself to the docker group, then log out and back in. (Running `sudo docker` instead makes docker read /root/.docker/config.json, not yours.)',
			command: `sudo usermod -aG docker ${userName(facts)}`,
		});
	}

	if (status.reason === 'not-running') {
		return result(id, 'fail', `The docker daemon is not running: ${status.message}`, {
			description:
				facts.platform === 'linux'
					? 'Start the docker service.'
					: 'Start Docker Desktop (or your docker engine) and wait until it is ready.',
			...(facts.platform === 'linux'
				? {command: 'sudo systemctl start docker'}
				: facts.platform === 'darwin'
					? {command: 'open -a Docker'}
					: {}),
		});
	}

	return result(id, 'fail', `The docker daemon is not reachable: ${status.message}`, {
		description: 'Check DOCKER_HOST and the docker context in use.',
		command: 'docker context ls',
	});
};
