/** Checks on the docker side: CLI, daemon, config.json, and the credential store docker will use for the registry. */
import {explainStoreError, helperLogReason} from '../../credential-helper/store-errors.js';
import {installCommandText} from '../../credential-helper/platform.js';
import {envAuthConfigs, hostnameOfAuthKey} from '../../docker-config/stores.js';
import {explainHostMismatch, hostOfRegistryString, parseRegistryHost} from '../../ecr/hosts.js';
import {decodeBasicAuth, storedAuthExpiry} from '../../ecr/token.js';
import type {ConfigChange, DockerConfigData, StoreResolution} from '../../docker-config/types.js';
import type {DoctorFacts} from '../facts.js';
import {describeOutcomeProblem, outcomeValue} from '../outcome.js';
import type {CheckFix, CheckResult} from '../types.js';
import {blockedBy, pass, relativeTo, result, shellQuote, skip, type Check} from './common.js';

const ECR_LOGIN = 'ecr-login';
const ONE_HOUR_MS = 60 * 60 * 1000;

export function configData(facts: DoctorFacts): DockerConfigData {
	return facts.config.state === 'ok' ? facts.config.config.data : {};
}

function binaryOf(helper: string): string {
	return `docker-credential-${helper}`;
}

/**
 * The command that installs docker-credential-ecr-login here, as the helper service plans it. A download plan runs no
 * command (ecr-setup fetches and verifies the release itself), so `ecr-setup install-helper` is what to run then.
 */
export function installCommand(facts: DoctorFacts): string {
	const plan = facts.installPlan;
	if (!plan || plan.command.length === 0) return 'ecr-setup install-helper';
	return installCommandText(plan);
}

/** Point the host at ecr-login: the fix for most store problems (credHelpers beats credsStore for this host only). */
export function ecrLoginFix(
	facts: DoctorFacts,
	host: string,
	why: string,
	extra: ConfigChange[] = [],
	consent?: string,
): CheckFix {
	const installed = Boolean(facts.binaries[binaryOf(ECR_LOGIN)]);
	const changes: ConfigChange[] = [...extra, {type: 'set-cred-helper', host, helper: ECR_LOGIN}];
	return {
		description: `${why} Set credHelpers["${host}"] to "ecr-login" so docker asks docker-credential-ecr-login for this registry${
			installed ? '' : ' (install it first)'
		}.`,
		command: installed
			? `ecr-setup configure-helper --registry ${host}`
			: `${installCommand(facts)} && ecr-setup configure-helper --registry ${host}`,
		action: {type: 'config', changes, ...(consent ? {consent} : {})},
	};
}

function dockerVersionAtLeast(version: string | null | undefined, major: number, minor: number): boolean | undefined {
	const match = version ? /(\d+)\.(\d+)/.exec(version) : null;
	if (!match) return undefined;
	const [have, haveMinor] = [Number(match[1]), Number(match[2])];
	return have > major || (have === major && haveMinor >= minor);
}

function userName(facts: DoctorFacts): string {
	return facts.env['SUDO_USER'] || facts.env['USER'] || facts.env['LOGNAME'] || '$USER';
}

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

export const dockerAuthConfigEnv: Check = (facts) => {
	const id = 'docker.auth-config-env';
	const value = facts.env['DOCKER_AUTH_CONFIG'];
	if (!value) return pass(id, 'DOCKER_AUTH_CONFIG is not set');
	const host = facts.target.host;
	const unset = {
		description: 'Unset DOCKER_AUTH_CONFIG in this shell (and wherever it is exported) so docker uses config.json.',
		command: 'unset DOCKER_AUTH_CONFIG',
	};
	const version = outcomeValue(facts.docker.cli);
	if (dockerVersionAtLeast(version, 28, 2) === false) {
		return pass(id, `DOCKER_AUTH_CONFIG is set, but docker ${version} ignores it (only docker 28.2 and later read it)`);
	}

	const auths = envAuthConfigs(facts.env);
	if (!auths) {
		return result(
			id,
			'warn',
			'DOCKER_AUTH_CONFIG is set but is not a valid {"auths": {…}} JSON document: docker ignores it.',
			unset,
		);
	}

	if (!host) return skip(id, 'DOCKER_AUTH_CONFIG is set; no registry host to compare it with');
	if (facts.store?.kind === 'env') {
		const entry = auths[host] as {auth?: unknown} | null | undefined;
		const auth = entry && typeof entry.auth === 'string' ? entry.auth : undefined;
		const expiry = auth ? storedAuthExpiry(auth) : undefined;
		if (expiry && expiry.getTime() <= facts.now.getTime()) {
			return result(
				id,
				'fail',
				`DOCKER_AUTH_CONFIG names ${host} and wins over config.json, but its token expired ${relativeTo(expiry, facts.now)}: ECR answers "Your authorization token has expired".`,
				unset,
			);
		}

		return result(
			id,
			'warn',
			`DOCKER_AUTH_CONFIG names ${host}: docker uses it for this host and ignores config.json (credHelpers, credsStore, auths).`,
			unset,
		);
	}

	const near = Object.keys(auths).filter((key) => key !== host && hostOfRegistryString(key) === host);
	if (near.length > 0) {
		return pass(
			id,
			`DOCKER_AUTH_CONFIG is set; its key "${near[0]}" is not exactly ${host}, so docker does not use it for this host`,
		);
	}

	return pass(id, `DOCKER_AUTH_CONFIG is set but does not name ${host}`);
};

function describeStoreSource(store: Extract<StoreResolution, {kind: 'helper'}>): string {
	if (store.source === 'credHelpers') return `credHelpers["${store.key ?? ''}"] = "${store.helper}"`;
	if (store.source === 'credsStore') return `credsStore "${store.helper}"`;
	return `the platform default store "${store.helper}" (config.json names no store)`;
}

export const dockerStore: Check = (facts) => {
	const id = 'docker.store';
	const host = facts.target.host;
	const store = facts.store;
	if (!host || !store) return skip(id, 'skipped: no registry host (give --registry or --image, or fix aws.identity)');
	const ignored = facts.config.state === 'error' ? ' (config.json is invalid, so docker ignores it)' : '';
	if (store.kind === 'env') return pass(id, `DOCKER_AUTH_CONFIG serves ${host} (see docker.auth-config-env)`);
	if (store.kind === 'file') {
		if (store.hasAuth)
			return pass(
				id,
				`config.json serves ${host} from auths["${store.authKey ?? host}"] (plain text; see docker.stored-token)`,
			);
		const what =
			store.authKey === undefined
				? 'no auths entry'
				: `an empty auths["${store.authKey}"] entry (left by a store that is gone)`;
		return result(
			id,
			'fail',
			`No credential store serves ${host}${ignored}: no credHelpers key, no credsStore, ${what}. docker sends no credentials → "no basic auth credentials".`,
			ecrLoginFix(facts, host, 'Give docker a way to get ECR tokens.'),
		);
	}

	const binary = binaryOf(store.helper);
	const source = describeStoreSource(store);
	const found = facts.binaries[binary];
	if (!found) {
		const execError = `exec: "${binary}": executable file not found in $PATH`;
		if (store.source === 'credHelpers' && store.helper === ECR_LOGIN) {
			return result(
				id,
				'fail',
				`${source} serves ${host}, but ${binary} is not on PATH: docker fails with ${execError}.`,
				{
					description: 'Install the Amazon ECR credential helper.',
					command: installCommand(facts),
					action: {type: 'install-helper'},
				},
			);
		}

		if (store.source === 'credsStore' && /^desktop(?:\.exe)?$/.test(store.helper)) {
			return result(
				id,
				'fail',
				`${source} is left over from Docker Desktop or Rancher Desktop${facts.platform === 'linux' && store.helper === 'desktop.exe' ? ' (WSL)' : ''}, and ${binary} is not on PATH: every registry fails with ${execError}.`,
				ecrLoginFix(
					facts,
					host,
					'Remove the stale credsStore.',
					[{type: 'remove-creds-store'}],
					`Remove credsStore "${store.helper}" (it applies to every registry)?`,
				),
			);
		}

		const extra: ConfigChange[] = store.source === 'credsStore' ? [{type: 'remove-creds-store'}] : [];
		return result(
			id,
			'fail',
			`${source} serves ${host}, but ${binary} is not on PATH: docker fails with ${execError}.`,
			ecrLoginFix(
				facts,
				host,
				store.source === 'credsStore'
					? `Install ${binary}, or remove credsStore.`
					: `Install ${binary}, or use ecr-login for this host.`,
				extra,
				extra.length > 0 ? `Remove credsStore "${store.helper}" (it applies to every registry)?` : undefined,
			),
		);
	}

	if (store.helper === 'secretservice' && !facts.env['DBUS_SESSION_BUS_ADDRESS'] && !facts.env['DISPLAY']) {
		return result(
			id,
			'fail',
			`${source} serves ${host}, but there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS and DISPLAY are unset): ${binary} fails with "Cannot autolaunch D-Bus without X11 $DISPLAY".`,
			ecrLoginFix(facts, host, 'A headless machine has no keyring to unlock.'),
		);
	}

	if (store.helper === 'pass') {
		if (!facts.binaries['pass']) {
			return result(
				id,
				'fail',
				`${source} serves ${host}, but the \`pass\` program is not on PATH: ${binary} cannot work.`,
				ecrLoginFix(facts, host, 'Install pass, or'),
			);
		}

		if (facts.passStore && !facts.passStore.initialised) {
			return result(
				id,
				'fail',
				`${source} serves ${host}, but pass is not initialised (${facts.passStore.dir}/.gpg-id is missing): ${binary} fails with "pass not initialized".`,
				ecrLoginFix(facts, host, 'Run `pass init <your GPG key id>` to use pass, or'),
			);
		}
	}

	return pass(id, `${source} serves ${host}; ${binary} is at ${found}`);
};

/** Keys meant for this host that docker will not match, and why; keys docker does match are left out. */
export function nearMissKeys(
	facts: DoctorFacts,
	host: string,
): {
	credHelpers: Array<{key: string; helper: string; why: string; certain: boolean}>;
	auths: Array<{key: string; why: string}>;
} {
	const data = configData(facts);
	const target = parseRegistryHost(host);
	const candidates = new Set<string>([facts.target.rawRegistry ?? ''].filter(Boolean));
	const helpers: Array<{key: string; helper: string; why: string; certain: boolean}> = [];
	for (const [key, helper] of Object.entries(data.credHelpers ?? {})) {
		if (key === host) continue;
		const bare = hostOfRegistryString(key).replace(/:\d+$/, '');
		const certain = bare === host || candidates.has(key);
		let likely = false;
		const other = parseRegistryHost(bare);
		if (!certain && other?.kind === 'private' && target?.kind === 'private') {
			const sameAccount = other.account === target.account;
			const sameRegion = other.region === target.region;
			likely = sameAccount !== sameRegion;
		}

		if (certain || likely) helpers.push({key, helper, why: explainHostMismatch(key, host) ?? '', certain});
	}

	const auths: Array<{key: string; why: string}> = [];
	for (const key of Object.keys(data.auths ?? {})) {
		// docker itself strips scheme and path from auths keys; only what survives that can miss.
		if (key === host || hostnameOfAuthKey(key) === host) continue;
		const bare = hostOfRegistryString(key).replace(/:\d+$/, '');
		if (bare === host) auths.push({key, why: explainHostMismatch(hostnameOfAuthKey(key), host) ?? ''});
	}

	return {credHelpers: helpers, auths};
}

export const dockerHelperKey: Check = (facts, prior) => {
	const id = 'docker.helper-key';
	const host = facts.target.host;
	if (!host) return skip(id, 'skipped: no registry host');
	const blocked = blockedBy(id, prior, ['docker.config']);
	if (blocked && facts.config.state === 'error') return blocked;
	const data = configData(facts);
	const exact = Object.hasOwn(data.credHelpers ?? {}, host);
	const near = nearMissKeys(facts, host);
	const raw = facts.target.rawRegistry;
	const rawNote = raw && raw !== host ? ` (you typed "${raw}"; docker looks up "${host}")` : '';
	if (exact) {
		const extra = near.credHelpers.filter((entry) => entry.certain).map((entry) => `"${entry.key}"`);
		return pass(
			id,
			`credHelpers["${host}"] matches exactly${extra.length > 0 ? `; ${extra.join(', ')} is unused` : ''}${rawNote}`,
		);
	}

	const certain = near.credHelpers.filter((entry) => entry.certain);
	if (certain.length > 0) {
		const first = certain[0]!;
		const changes: ConfigChange[] = [
			...certain.map((entry): ConfigChange => ({type: 'remove-cred-helper', host: entry.key})),
			{type: 'set-cred-helper', host, helper: first.helper},
		];
		return result(
			id,
			'fail',
			`credHelpers key "${first.key}" was meant for ${host} but docker compares keys byte for byte and ${first.why}${rawNote}: docker never asks "${first.helper}".`,
			{
				description: `Replace the key by exactly "${host}".`,
				command: `ecr-setup configure-helper --registry ${host}`,
				action: {type: 'config', changes},
			},
		);
	}

	if (near.auths.length > 0 && facts.store?.kind === 'file') {
		const first = near.auths[0]!;
		return result(
			id,
			'fail',
			`auths key "${first.key}" was meant for ${host} but ${first.why}: docker does not use it for this host.`,
			{
				description: `Remove it and log in again for ${host}.`,
				command: `ecr-setup login --registry ${host}`,
				action: {
					type: 'config',
					changes: near.auths.map((entry): ConfigChange => ({type: 'remove-auth', key: entry.key})),
				},
			},
		);
	}

	const likely = near.credHelpers.filter((entry) => !entry.certain);
	if (likely.length > 0) {
		const first = likely[0]!;
		return result(id, 'warn', `No credHelpers key for ${host}; "${first.key}" looks meant for it but ${first.why}.`, {
			description: `Add a credHelpers key for exactly "${host}".`,
			command: `ecr-setup configure-helper --registry ${host}`,
			action: {type: 'config', changes: [{type: 'set-cred-helper', host, helper: first.helper}]},
		});
	}

	return pass(id, `no credHelpers or auths key near ${host} is mistyped${rawNote}`);
};

export const dockerHelperWorks: Check = (facts, prior) => {
	const id = 'docker.helper-works';
	const host = facts.target.host;
	const store = facts.store;
	if (!host || !store) return skip(id, 'skipped: no registry host');
	if (store.kind !== 'helper')
		return skip(
			id,
			`skipped: ${host} is served by ${store.kind === 'env' ? 'DOCKER_AUTH_CONFIG' : 'config.json auths'}, not a credential helper`,
		);
	const blocked = blockedBy(id, prior, ['docker.store']);
	if (blocked) return blocked;
	const binary = binaryOf(store.helper);
	const outcome = facts.helperGet;
	if (outcome.state === 'timeout') {
		return result(id, 'fail', `\`${binary} get\` for ${host} did not answer: ${describeOutcomeProblem(outcome)}.`, {
			description: 'The helper hangs (often on the network or a keyring prompt); see network.endpoint.',
		});
	}

	if (outcome.state !== 'ok')
		return result(id, 'fail', `\`${binary} get\` could not run: ${describeOutcomeProblem(outcome)}.`, null);
	const answer = outcome.value;
	if (answer.ok) return pass(id, `\`${binary} get\` returned credentials for ${host} (user ${answer.username})`);
	const reason = helperLogReason(answer.logExcerpt);
	const detail = `\`${binary} get\` failed for ${host}: ${answer.message.trim()}${reason ? `; its log says: ${reason}` : ''}`;
	if (store.helper === ECR_LOGIN) {
		const profile = facts.aws.profile;
		const network = /dial tcp|no such host|i\/o timeout|connection refused|TLS handshake|x509:/i.test(
			answer.logExcerpt ?? '',
		);
		return result(id, 'fail', `${detail}${network ? ' (a network problem: see network.endpoint)' : ''}.`, {
			description: `The helper uses the same AWS credentials as the AWS CLI (AWS_PROFILE, env keys, SSO); make them work for ${host}${
				reason ? '' : `; the real reason is in ${logPath(facts)}`
			}.`,
			...(profile?.sso ? {command: `aws sso login --profile ${shellQuote(profile.name)}`} : {}),
		});
	}

	// Keychain, wincred, pass and D-Bus failures have known causes and fixes of their own.
	const known = explainStoreError(`${answer.message}\n${answer.logExcerpt ?? ''}`, {host});
	if (known) {
		return result(id, 'fail', `${detail}: ${known.explanation}`, {
			description: known.fix,
			...(known.command ? {command: known.command} : {}),
		});
	}

	return result(id, 'fail', `${detail}: docker sends no credentials → "no basic auth credentials".`, {
		description: `Store a 12-hour token for ${host} in ${store.helper} with docker login, or use ecr-login for this host.`,
		command: `ecr-setup login --registry ${host}`,
		action: {type: 'login', registry: host},
	});
};

function logPath(facts: DoctorFacts): string {
	const dir = facts.env['AWS_ECR_CACHE_DIR'] || '~/.ecr';
	return `${dir}/log/ecr-login.log`;
}

type StoredEntry = {key: string; username: string | undefined; expiry: Date | undefined; hasAuth: boolean};

export const dockerStoredToken: Check = (facts, prior) => {
	const id = 'docker.stored-token';
	const host = facts.target.host;
	if (!host) return skip(id, 'skipped: no registry host');
	if (facts.config.state === 'error')
		return blockedBy(id, prior, ['docker.config']) ?? skip(id, 'skipped: config.json is invalid');
	const auths = configData(facts).auths ?? {};
	const entries: StoredEntry[] = Object.entries(auths)
		.filter(([key]) => key === host || hostnameOfAuthKey(key) === host)
		.map(([key, value]) => {
			const auth = value && typeof value.auth === 'string' ? value.auth : '';
			return {
				key,
				username: auth ? decodeBasicAuth(auth)?.username : undefined,
				expiry: auth ? storedAuthExpiry(auth) : undefined,
				hasAuth: auth !== '',
			};
		});
	const withAuth = entries.filter((entry) => entry.hasAuth);
	if (withAuth.length === 0) return pass(id, `no token for ${host} is stored in config.json auths`);
	const store = facts.store;
	const usedKey = store?.kind === 'file' ? store.authKey : undefined;
	const servedBy =
		store?.kind === 'helper'
			? `docker-credential-${store.helper}`
			: store?.kind === 'env'
				? 'DOCKER_AUTH_CONFIG'
				: undefined;
	const now = facts.now.getTime();
	const expired = withAuth.filter((entry) => entry.expiry && entry.expiry.getTime() <= now);
	const soon = withAuth.filter(
		(entry) => entry.expiry && entry.expiry.getTime() > now && entry.expiry.getTime() - now < ONE_HOUR_MS,
	);
	const duplicates = entries.length > 1;
	const remove = (keys: string[]): CheckFix => {
		const simple = keys.every((key) => [host, `http://${host}`, `https://${host}`].includes(key));
		const login = store?.kind === 'file';
		return {
			description: `Remove ${keys.map((key) => `auths["${key}"]`).join(', ')}${login ? ` and log in again for ${host} (or use ecr-login, which fetches fresh tokens itself)` : ''}.`,
			command: simple ? `docker logout ${host}` : `ecr-setup doctor --fix --registry ${host}`,
			action: {type: 'config', changes: keys.map((key): ConfigChange => ({type: 'remove-auth', key}))},
		};
	};

	const describe = (entry: StoredEntry) =>
		`auths["${entry.key}"] expired ${relativeTo(entry.expiry!, facts.now)} (${entry.expiry!.toISOString()})`;
	// Keep the freshest valid entry (the exact key on a tie); everything else for this host is stale or shadowed.
	const valid = withAuth
		.filter((entry) => !expired.includes(entry))
		.sort(
			(a, b) =>
				(b.expiry?.getTime() ?? 0) - (a.expiry?.getTime() ?? 0) || Number(b.key === host) - Number(a.key === host),
		);
	const keep = valid[0];
	const stale = entries.filter((entry) => entry !== keep && (entry.hasAuth || duplicates)).map((entry) => entry.key);
	const used = usedKey === undefined ? undefined : withAuth.find((entry) => entry.key === usedKey);
	if (used && expired.includes(used)) {
		const others = duplicates
			? `; ${entries.length} keys name this host (${entries.map((entry) => `"${entry.key}"`).join(', ')}) and docker uses "${used.key}"`
			: '';
		return result(
			id,
			'fail',
			`${describe(used)}: docker sends it and ECR answers "denied: Your authorization token has expired"${others}.`,
			remove(stale),
		);
	}

	if (used && soon.includes(used)) {
		return result(
			id,
			'warn',
			`auths["${used.key}"] expires ${relativeTo(used.expiry!, facts.now)}: a long push may outlive it.`,
			{
				description: `Log in again for ${host}, or use ecr-login so tokens are refreshed for you.`,
				command: `ecr-setup login --registry ${host}`,
				action: {type: 'login', registry: host},
			},
		);
	}

	if (duplicates) {
		const chosen = usedKey
			? `docker uses "${usedKey}" (${usedKey === host ? 'the exact key comes first' : 'the first whose hostname matches'}) and ignores the rest, so a token refreshed under another key changes nothing`
			: `${servedBy ?? 'another store'} serves ${host}, so none of them is used`;
		return result(
			id,
			'warn',
			`${entries.length} auths keys name ${host} (${entries.map((entry) => `"${entry.key}"`).join(', ')}): ${chosen}.`,
			remove(stale),
		);
	}

	if (expired.length > 0) {
		return result(
			id,
			'warn',
			`${describe(expired[0]!)}; docker does not use it now (${servedBy ?? 'another store'} serves ${host}), but would if that store went away.`,
			remove(expired.map((entry) => entry.key)),
		);
	}

	const entry = withAuth[0]!;
	if (entry.username !== undefined && entry.username !== 'AWS' && parseRegistryHost(host)) {
		return result(
			id,
			'warn',
			`auths["${entry.key}"] holds user "${entry.username}": ECR only accepts the user "AWS" with a token.`,
			remove([entry.key]),
		);
	}

	if (!entry.expiry)
		return pass(id, `auths["${entry.key}"] holds a token whose expiry cannot be read (ECR tokens last 12 h)`);
	return pass(
		id,
		`auths["${entry.key}"] holds a token valid ${relativeTo(entry.expiry, facts.now)}${usedKey === entry.key ? '' : ` (not used: ${servedBy ?? 'another store'} serves ${host})`}`,
	);
};

export const dockerLoginConflict: Check = (facts) => {
	const id = 'docker.login-conflict';
	const host = facts.target.host;
	const store = facts.store;
	if (!host || !store) return skip(id, 'skipped: no registry host');
	if (store.kind !== 'helper' || store.helper !== ECR_LOGIN)
		return pass(id, `${host} is not served by ecr-login, so \`docker login\` can store credentials`);
	if (facts.env['AWS_ECR_IGNORE_CREDS_STORAGE'] === 'true')
		return pass(id, 'AWS_ECR_IGNORE_CREDS_STORAGE=true: `docker login` and `docker logout` are no-ops for ecr-login');
	return result(
		id,
		'warn',
		`ecr-login serves ${host} and cannot store credentials: \`docker login ${host}\` fails with "error storing credentials … not implemented".`,
		{
			description: `Skip \`docker login\` for ${host} (ecr-login fetches tokens itself), or set AWS_ECR_IGNORE_CREDS_STORAGE=true so that scripts running it succeed.`,
			command: 'export AWS_ECR_IGNORE_CREDS_STORAGE=true',
		},
	);
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

export const DOCKER_CHECKS: Check[] = [
	dockerCli,
	dockerDaemon,
	dockerConfig,
	dockerAuthConfigEnv,
	dockerStore,
	dockerHelperKey,
	dockerHelperWorks,
	dockerStoredToken,
	dockerLoginConflict,
	dockerSudo,
];

export type {CheckResult};
