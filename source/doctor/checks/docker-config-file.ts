/** The config.json docker reads: valid, in a directory docker can write, and the same file this run reads. */
import {outcomeValue} from '../outcome.js';
import {pass, result, shellQuote, type Check, userName} from './common.js';

export const dockerConfig: Check = (facts) => {
	const id = 'docker.config';
	const config = facts.config;
	if (config.state === 'error') {
		const where =
			config.line === undefined ? config.file : `${config.file}, line ${config.line}, column ${config.column ?? 1}`;
		return result(id, 'fail', config.message, {
			description: `Fix ${where} (strict JSON: no comments, no trailing commas). Until then docker only warns and ignores the whole file, so no credential store is used.`,
		});
	}

	const dir = facts.configDir;
	if (!dir.writable) {
		const permission = /EACCES|EPERM|not writable/.test(dir.problem ?? '');
		return result(
			id,
			'fail',
			`docker cannot save credentials in ${dir.path}: ${dir.problem} (\`docker login\` fails with "permission denied").`,
			{
				description: permission
					? `Give ${dir.path} back to your user (it was probably created by \`sudo docker login\`).`
					: `Point DOCKER_CONFIG at a directory you own, or remove what is in the way of ${dir.path}.`,
				...(permission ? {command: `sudo chown -R ${userName(facts)} ${shellQuote(dir.path)}`} : {}),
			},
		);
	}

	const loaded = config.config;
	if (!loaded.exists)
		return pass(
			id,
			`${loaded.path} does not exist yet (docker treats that as an empty config); ${dir.path} is writable`,
		);
	const via = loaded.realPath !== loaded.path ? ` (a link to ${loaded.realPath})` : '';
	return pass(id, `${loaded.path}${via} is valid JSON and its directory is writable`);
};

export const dockerSudo: Check = (facts) => {
	const id = 'docker.sudo';
	const sudoUser = facts.env['SUDO_USER'];
	const dir = facts.configDir.path;
	if (sudoUser && sudoUser !== 'root') {
		return result(
			id,
			'warn',
			`Running under sudo (SUDO_USER=${sudoUser}): this run reads ${dir}, while docker run as ${sudoUser} reads ${sudoUser}'s ~/.docker/config.json.`,
			{
				description: `Run ecr-setup and docker as the same user: without sudo, after adding ${sudoUser} to the docker group (then log out and back in).`,
				command: `sudo usermod -aG docker ${shellQuote(sudoUser)}`,
			},
		);
	}

	const daemon = outcomeValue(facts.docker.daemon);
	if (daemon && !daemon.ok && daemon.reason === 'permission') {
		return result(
			id,
			'warn',
			`The docker socket needs root: \`sudo docker push\` reads /root/.docker/config.json, not ${dir}, so nothing configured here applies.`,
			{
				description: 'Add yourself to the docker group (then log out and back in) so docker runs without sudo.',
				command: `sudo usermod -aG docker ${userName(facts)}`,
			},
		);
	}

	return pass(id, `not running under sudo; docker reads ${dir}`);
};
