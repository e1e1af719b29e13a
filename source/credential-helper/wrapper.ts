/**
 * A profile bound to a registry: docker-credential-ecr-login reads the one environment docker gives it, so a registry that
 * needs another profile gets a helper of its own, `docker-credential-ecr-login-<profile>`, a small script that sets
 * AWS_PROFILE and runs the real helper. Its name and text derive only from a checked profile name and the real helper's
 * path; a marker line says ecr-setup wrote it, so ecr-setup may later change or remove it and never touches any other file.
 */
import {UsageError} from '../errors/user-errors.js';
import {shellQuote} from '../lib/shell.js';

export const ECR_LOGIN_HELPER = 'ecr-login';

const BOUND_PREFIX = `${ECR_LOGIN_HELPER}-`;

/** Characters that are safe in a file name on every platform and need no quoting in sh or cmd. */
const PROFILE_CHARACTER = /^[A-Za-z0-9._-]$/;

/** Room for `docker-credential-ecr-login-` and `.cmd` in a 255-byte file name. */
const MAX_PROFILE_LENGTH = 200;

/** Set by the shell or a CI job, each of these would choose other credentials than the bound profile's. */
export const OVERRIDDEN_VARIABLES = [
	'AWS_ACCESS_KEY_ID',
	'AWS_ACCESS_KEY',
	'AWS_SECRET_ACCESS_KEY',
	'AWS_SECRET_KEY',
	'AWS_SESSION_TOKEN',
	'AWS_SECURITY_TOKEN',
	'AWS_CREDENTIAL_EXPIRATION',
	'AWS_PROFILE',
	'AWS_DEFAULT_PROFILE',
	'AWS_WEB_IDENTITY_TOKEN_FILE',
	'AWS_ROLE_ARN',
	'AWS_ROLE_SESSION_NAME',
	'AWS_SDK_LOAD_CONFIG',
] as const;

/** What a marker line starts with (after `# ` in sh, `rem ` in cmd): the sign that ecr-setup wrote the file. */
export const WRAPPER_MARKER = 'Written by ecr-setup: docker-credential-ecr-login with the AWS profile';

export type WrapperFlavour = 'sh' | 'cmd';

export function wrapperFlavour(os: string): WrapperFlavour {
	return os === 'win32' ? 'cmd' : 'sh';
}

/** Why a profile name cannot be bound, or undefined when it can. */
export function profileNameProblem(profile: string): string | undefined {
	if (profile.length === 0) return 'The profile name is empty.';
	if (profile.length > MAX_PROFILE_LENGTH)
		return `The profile name is ${profile.length} characters long; a bound profile may have at most ${MAX_PROFILE_LENGTH}.`;
	for (const character of profile) {
		if (!PROFILE_CHARACTER.test(character)) {
			const shown =
				character === ' '
					? 'a space'
					: /^[\x21-\x7e]$/.test(character)
						? `"${character}"`
						: `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
			return `The profile name "${[...profile].map((c) => (PROFILE_CHARACTER.test(c) ? c : '?')).join('')}" holds ${shown}, which cannot be part of a helper's file name.`;
		}
	}

	return undefined;
}

/** A usage error naming the character when the profile cannot be bound. */
export function assertBindableProfile(profile: string): void {
	const problem = profileNameProblem(profile);
	if (problem) {
		throw new UsageError(problem, {
			code: 'helper.profile-name',
			hint: 'A profile bound to a registry names a file docker runs: letters, digits, ".", "_" and "-" only. Rename the profile in ~/.aws/config (and ~/.aws/credentials).',
		});
	}
}

/** The credHelpers value that binds a registry to a profile. */
export function boundHelperName(profile: string): string {
	return `${BOUND_PREFIX}${profile}`;
}

/** The profile a credHelpers value binds, or undefined when it is not one of ecr-setup's bindings. */
export function profileOfHelperName(helper: string | undefined): string | undefined {
	if (!helper?.startsWith(BOUND_PREFIX)) return undefined;
	const profile = helper.slice(BOUND_PREFIX.length);
	return profileNameProblem(profile) ? undefined : profile;
}

/** docker-credential-ecr-login itself, or one of its bound wrappers: either way the ECR helper answers. */
export function isEcrLoginHelper(helper: string | undefined): boolean {
	return helper === ECR_LOGIN_HELPER || profileOfHelperName(helper) !== undefined;
}

/** The file name of a wrapper: no extension for sh (docker runs it by name), `.cmd` on Windows (found through PATHEXT). */
export function wrapperFileName(profile: string, flavour: WrapperFlavour): string {
	return `docker-credential-${boundHelperName(profile)}${flavour === 'cmd' ? '.cmd' : ''}`;
}

function assertUsablePath(helperPath: string, flavour: WrapperFlavour): void {
	// A line break would end the exec line early; a quote cannot be escaped inside cmd's double quotes.
	if (/[\u0000-\u001f\u007f]/.test(helperPath) || (flavour === 'cmd' && helperPath.includes('"'))) {
		throw new UsageError(
			`The path of docker-credential-ecr-login (${JSON.stringify(helperPath)}) cannot go in a script.`,
			{
				code: 'helper.path-unusable',
				hint: 'Install the helper in a directory whose name has no control characters or quotes.',
			},
		);
	}
}

/** The wrapper's full text: clear the variables that would win over the profile, set it, run the real helper. */
export function wrapperText(profile: string, helperPath: string, flavour: WrapperFlavour): string {
	assertBindableProfile(profile);
	assertUsablePath(helperPath, flavour);
	if (flavour === 'cmd') {
		return [
			'@echo off',
			`rem ${WRAPPER_MARKER} ${profile}.`,
			'rem docker runs it for the registries config.json binds to',
			`rem "${boundHelperName(profile)}"; ecr-setup configure-helper --unbind removes it.`,
			'rem Keys and profiles from the shell would win over the profile: they are cleared first.',
			'setlocal',
			...OVERRIDDEN_VARIABLES.map((name) => `set "${name}="`),
			`set "AWS_PROFILE=${profile}"`,
			// In a batch file `%` starts a variable even inside quotes; `%%` is a literal one.
			`"${helperPath.replaceAll('%', '%%')}" %*`,
			'exit /b %ERRORLEVEL%',
			'',
		].join('\r\n');
	}

	return [
		'#!/bin/sh',
		`# ${WRAPPER_MARKER} ${profile}.`,
		'# docker runs it for the registries config.json binds to',
		`# "${boundHelperName(profile)}"; ecr-setup configure-helper --unbind removes it.`,
		'# Keys and profiles from the shell would win over the profile: they are cleared first.',
		`unset ${OVERRIDDEN_VARIABLES.join(' ')}`,
		`AWS_PROFILE=${profile}`,
		'export AWS_PROFILE',
		`exec ${shellQuote(helperPath)} "$@"`,
		'',
	].join('\n');
}

/** Whether a file's text is a wrapper ecr-setup wrote: its second line is the marker. */
export function isOwnWrapper(text: string): boolean {
	const second = text.split(/\r?\n/, 2)[1] ?? '';
	return second.startsWith(`# ${WRAPPER_MARKER} `) || second.startsWith(`rem ${WRAPPER_MARKER} `);
}

export type WrapperContent = {profile: string; helperPath: string | undefined};

/** The profile (and the helper it runs) of a wrapper ecr-setup wrote, read back from its text; undefined for any other file. */
export function readWrapper(text: string): WrapperContent | undefined {
	if (!isOwnWrapper(text)) return undefined;
	const lines = text.split(/\r?\n/);
	const profile =
		lines.map((line) => /^AWS_PROFILE=([A-Za-z0-9._-]+)$/.exec(line)?.[1]).find(Boolean) ??
		lines.map((line) => /^set "AWS_PROFILE=([A-Za-z0-9._-]+)"$/.exec(line)?.[1]).find(Boolean);
	if (!profile) return undefined;
	const exec = lines.map((line) => /^exec (.+) "\$@"$/.exec(line)?.[1]).find(Boolean);
	const call = lines.map((line) => /^"(.+)" %\*$/.exec(line)?.[1]).find(Boolean);
	const helperPath = exec ? unquoteShell(exec) : call?.replaceAll('%%', '%');
	return {profile, helperPath};
}

function unquoteShell(word: string): string | undefined {
	if (!word.startsWith("'")) return word;
	if (!word.endsWith("'")) return undefined;
	return word.slice(1, -1).replaceAll(`'"'"'`, "'");
}
