/**
 * A registry bound to a profile (credHelpers value `ecr-login-<profile>`): docker runs ecr-setup's wrapper, which must be
 * the one ecr-setup wrote for that profile, safe to run (only its owner may change it), name a profile that exists and
 * run a helper that is still there.
 */
import {ECR_LOGIN_HELPER} from '../../credential-helper/wrapper.js';
import {shellQuote} from '../../lib/shell.js';
import type {DoctorFacts} from '../facts.js';
import {pass, result, skip, type Check} from './common.js';

function rebind(facts: DoctorFacts, profile: string): string {
	return `ecr-setup configure-helper --registry ${facts.target.host ?? 'HOST'} --profile ${shellQuote(profile)}`;
}

export const dockerBinding: Check = (facts) => {
	const id = 'docker.binding';
	const binding = facts.binding;
	const host = facts.target.host;
	if (!host) return skip(id, 'skipped: no registry host');
	if (!binding) {
		const store = facts.store;
		if (store?.kind === 'helper' && store.helper === ECR_LOGIN_HELPER)
			return pass(
				id,
				`${host} is not bound to a profile: docker-credential-ecr-login uses the AWS environment docker runs with (bind one with configure-helper --profile P)`,
			);
		return skip(id, `skipped: ${host} is not served by docker-credential-ecr-login`);
	}
	const {profile, wrapper} = binding;
	const fix = {
		description: `Bind ${host} to profile ${profile} again: ecr-setup writes its wrapper.`,
		command: rebind(facts, profile),
	};
	if (wrapper === null)
		return result(
			id,
			'fail',
			`config.json binds ${host} to profile ${profile}, but docker-credential-ecr-login-${profile} is not on PATH as an executable: docker fails with "executable file not found in $PATH".`,
			fix,
		);
	if ('error' in wrapper)
		return result(id, 'fail', `The wrapper of profile ${profile} could not be read: ${wrapper.error}`, null);
	if (!wrapper.own)
		return result(
			id,
			'warn',
			`${wrapper.path} was not written by ecr-setup: docker runs it for ${host}, and what it does with profile ${profile} is not known here.`,
			{
				description: `Look at ${wrapper.path}; move it away and bind again to have ecr-setup write its own.`,
				command: rebind(facts, profile),
			},
		);
	if (wrapper.own.profile !== profile)
		return result(
			id,
			'fail',
			`${wrapper.path} runs the helper with profile ${wrapper.own.profile}, not ${profile}: ${host} gets the wrong account's token.`,
			fix,
		);
	const unsafe = wrapper.mode !== undefined && (wrapper.mode & 0o022) !== 0;
	const foreign =
		wrapper.uid !== undefined && binding.uid !== undefined && wrapper.uid !== binding.uid && wrapper.uid !== 0;
	if (unsafe || foreign)
		return result(
			id,
			'fail',
			`${wrapper.path} ${unsafe ? `is writable by ${(wrapper.mode! & 0o002) !== 0 ? 'everyone' : 'its group'} (mode ${(wrapper.mode! & 0o777).toString(8).padStart(4, '0')})` : `belongs to user ${wrapper.uid}, not to you`}: whoever can change it can run commands as you and read your AWS credentials.`,
			unsafe
				? {description: 'Only its owner may change it.', command: `chmod 0755 ${shellQuote(wrapper.path)}`}
				: {description: `Move it away and bind again: ${rebind(facts, profile)}.`, command: rebind(facts, profile)},
		);
	if (!binding.settings)
		return result(
			id,
			'fail',
			`${host} is bound to profile ${profile}, which the AWS config files do not define: the helper fails with "failed to get shared config profile, ${profile}".`,
			{
				description: `Create profile ${profile} (or bind ${host} to a profile that exists).`,
				command: `ecr-setup sign-in --profile ${shellQuote(profile)}`,
			},
		);
	if (binding.helperRuns === false)
		return result(
			id,
			'fail',
			`${wrapper.path} runs ${wrapper.own.helperPath}, which is gone or not executable (was the helper moved or upgraded?).`,
			fix,
		);
	const mode = wrapper.mode === undefined ? '' : `, mode ${(wrapper.mode & 0o777).toString(8).padStart(4, '0')}`;
	return pass(
		id,
		`${host} is bound to profile ${profile}: ${wrapper.path} (ecr-setup's${mode}) runs ${wrapper.own.helperPath ?? 'the helper'}`,
	);
};
