/** The credential store docker uses for the registry: that it exists, that it answers, and what it lets `docker login` do. */
import {explainStoreError, helperLogReason} from '../../credential-helper/store-errors.js';
import type {ConfigChange, StoreResolution} from '../../docker-config/types.js';
import type {DoctorFacts} from '../facts.js';
import {describeOutcomeProblem, formatSeconds} from '../outcome.js';
import {explainEcrLoginFailure} from './helper-health.js';
import {blockedBy, pass, result, shellQuote, skip, type Check} from './common.js';
import {ECR_LOGIN, binaryOf, ecrLoginFix, installCommand} from './ecr-login-fix.js';
import {isEcrLoginHelper, profileOfHelperName} from '../../credential-helper/wrapper.js';

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
		const bound = profileOfHelperName(store.helper);
		if (store.source === 'credHelpers' && bound) {
			return result(
				id,
				'fail',
				`${source} binds ${host} to profile ${bound}, but ${binary} is not on PATH: docker fails with ${execError}.`,
				{
					description: `Write the wrapper again (see docker.binding).`,
					command: `ecr-setup configure-helper --registry ${host} --profile ${shellQuote(bound)}`,
				},
			);
		}

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
	const ecrLogin = isEcrLoginHelper(store.helper);
	if (outcome.state === 'timeout') {
		const known = ecrLogin ? explainEcrLoginFailure(facts, host, store.helper, 'timeout') : undefined;
		if (known) return result(id, 'fail', known.detail, known.fix);
		return result(id, 'fail', `\`${binary} get\` for ${host} did not answer: ${describeOutcomeProblem(outcome)}.`, {
			description: 'The helper hangs (often on the network or a keyring prompt); see network.endpoint.',
		});
	}

	if (outcome.state !== 'ok')
		return result(id, 'fail', `\`${binary} get\` could not run: ${describeOutcomeProblem(outcome)}.`, null);
	const answer = outcome.value;
	const took = facts.helperGetMs === undefined ? '' : ` in ${formatSeconds(facts.helperGetMs)}`;
	if (answer.ok) return pass(id, `\`${binary} get\` returned credentials for ${host}${took} (user ${answer.username})`);
	const explained = ecrLogin ? explainEcrLoginFailure(facts, host, store.helper, answer) : undefined;
	if (explained) return result(id, 'fail', explained.detail, explained.fix);
	const reason = helperLogReason(answer.logExcerpt);
	const detail = `\`${binary} get\` failed for ${host}: ${answer.message.trim()}${reason ? `; its log says: ${reason}` : ''}`;
	if (isEcrLoginHelper(store.helper)) {
		const bound = profileOfHelperName(store.helper);
		const profile = bound ? facts.binding?.settings : facts.aws.profile;
		const credentials = bound
			? `The wrapper runs the helper with profile ${bound} (and no other AWS variables); make that profile work for ${host}`
			: `The helper uses the same AWS credentials as the AWS CLI (AWS_PROFILE, env keys, SSO); make them work for ${host}`;
		const network = /dial tcp|no such host|i\/o timeout|connection refused|TLS handshake|x509:/i.test(
			answer.logExcerpt ?? '',
		);
		return result(id, 'fail', `${detail}${network ? ' (a network problem: see network.endpoint)' : ''}.`, {
			description: `${credentials}${reason ? '' : `; the real reason is in ${logPath(facts)}`}.`,
			...(profile?.sso ? {command: `ecr-setup sign-in --profile ${shellQuote(profile.name)}`} : {}),
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

export const dockerLoginConflict: Check = (facts) => {
	const id = 'docker.login-conflict';
	const host = facts.target.host;
	const store = facts.store;
	if (!host || !store) return skip(id, 'skipped: no registry host');
	if (store.kind !== 'helper' || !isEcrLoginHelper(store.helper))
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
