import {describe, expect, it} from 'vitest';
import {
	OVERRIDDEN_VARIABLES,
	assertBindableProfile,
	boundHelperName,
	isEcrLoginHelper,
	isOwnWrapper,
	profileNameProblem,
	profileOfHelperName,
	readWrapper,
	wrapperFileName,
	wrapperText,
} from '../../source/credential-helper/wrapper.js';

describe('profile names', () => {
	it('takes letters, digits, dot, underscore and dash', () => {
		for (const name of ['default', 'prod', 'team-a.admin_1', 'A', '123456789012-ReadOnly'])
			expect(profileNameProblem(name)).toBeUndefined();
	});

	it.each([
		['my profile', 'a space'],
		['a/b', '"/"'],
		['a\\b', '"\\"'],
		['x;rm', '";"'],
		['$(id)', '"$"'],
		['q"uote', '"""'],
		["it's", `"'"`],
		['a*b', '"*"'],
		['tab\there', 'U+0009'],
		['naïve', 'U+00EF'],
		['new\nline', 'U+000A'],
	])('refuses %j, naming %s', (name, shown) => {
		expect(profileNameProblem(name)).toContain(`holds ${shown}`);
	});

	it('refuses an empty or overlong name', () => {
		expect(profileNameProblem('')).toMatch(/empty/);
		expect(profileNameProblem('p'.repeat(201))).toMatch(/201 characters/);
	});

	it('the refusal is a usage error (exit 2)', () => {
		expect(() => assertBindableProfile('a b')).toThrow(expect.objectContaining({exitCode: 2}));
	});
});

describe('helper names', () => {
	it('binds a host with ecr-login-<profile>, and reads the profile back', () => {
		expect(boundHelperName('prod')).toBe('ecr-login-prod');
		expect(profileOfHelperName('ecr-login-prod')).toBe('prod');
		expect(profileOfHelperName('ecr-login')).toBeUndefined();
		expect(profileOfHelperName('ecr-login-')).toBeUndefined();
		expect(profileOfHelperName('ecr-login-a b')).toBeUndefined();
		expect(profileOfHelperName('desktop')).toBeUndefined();
		expect(profileOfHelperName(undefined)).toBeUndefined();
	});

	it('counts the wrappers as the ECR helper too', () => {
		expect(isEcrLoginHelper('ecr-login')).toBe(true);
		expect(isEcrLoginHelper('ecr-login-prod')).toBe(true);
		expect(isEcrLoginHelper('osxkeychain')).toBe(false);
	});

	it('names the file as docker looks it up: bare on POSIX, .cmd on Windows', () => {
		expect(wrapperFileName('prod', 'sh')).toBe('docker-credential-ecr-login-prod');
		expect(wrapperFileName('prod', 'cmd')).toBe('docker-credential-ecr-login-prod.cmd');
	});
});

describe('the sh wrapper', () => {
	const text = wrapperText('prod', '/usr/bin/docker-credential-ecr-login', 'sh');

	it('clears every variable that would win, sets the profile and execs the real helper with its arguments', () => {
		const lines = text.split('\n');
		expect(lines[0]).toBe('#!/bin/sh');
		expect(lines).toContain(`unset ${OVERRIDDEN_VARIABLES.join(' ')}`);
		expect(lines).toContain('AWS_PROFILE=prod');
		expect(lines).toContain('export AWS_PROFILE');
		expect(lines.at(-2)).toBe('exec /usr/bin/docker-credential-ecr-login "$@"');
		expect(text.endsWith('\n')).toBe(true);
		expect(text).not.toContain('\r');
		for (const variable of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
			expect(OVERRIDDEN_VARIABLES).toContain(variable);
	});

	it('quotes a helper path with spaces and quotes for sh', () => {
		const odd = wrapperText('prod', "/Users/Jane Doe/it's/docker-credential-ecr-login", 'sh');
		expect(odd).toContain(`exec '/Users/Jane Doe/it'"'"'s/docker-credential-ecr-login' "$@"`);
		expect(readWrapper(odd)).toEqual({profile: 'prod', helperPath: "/Users/Jane Doe/it's/docker-credential-ecr-login"});
	});

	it('carries the marker, so ecr-setup knows its own file, and reads back its profile and helper', () => {
		expect(isOwnWrapper(text)).toBe(true);
		expect(readWrapper(text)).toEqual({profile: 'prod', helperPath: '/usr/bin/docker-credential-ecr-login'});
	});

	it('does not take a file someone else wrote for its own', () => {
		const theirs = '#!/bin/sh\nexport AWS_PROFILE=prod\nexec docker-credential-ecr-login "$@"\n';
		expect(isOwnWrapper(theirs)).toBe(false);
		expect(readWrapper(theirs)).toBeUndefined();
		expect(readWrapper('\u007fELF\u0002\u0001')).toBeUndefined();
	});

	it('refuses a profile or a path that cannot go in the script', () => {
		expect(() => wrapperText('a;b', '/usr/bin/docker-credential-ecr-login', 'sh')).toThrow(/";"/);
		expect(() => wrapperText('prod', '/usr/bin/x\ny', 'sh')).toThrow(/cannot go in a script/);
	});
});

describe('the cmd wrapper', () => {
	const helper = 'C:\\Users\\Jane Doe\\AppData\\Local\\Programs\\ecr-setup\\bin\\docker-credential-ecr-login.exe';
	const text = wrapperText('prod', helper, 'cmd');

	it('is a batch file with CRLF lines that clears the variables, sets the profile and passes its arguments on', () => {
		const lines = text.split('\r\n');
		expect(text.replaceAll('\r\n', '')).not.toContain('\n');
		expect(lines[0]).toBe('@echo off');
		expect(lines).toContain('setlocal');
		for (const variable of OVERRIDDEN_VARIABLES) expect(lines).toContain(`set "${variable}="`);
		expect(lines).toContain('set "AWS_PROFILE=prod"');
		expect(lines).toContain(`"${helper}" %*`);
		expect(lines.at(-2)).toBe('exit /b %ERRORLEVEL%');
		// The profile is set after the variables are cleared.
		expect(lines.indexOf('set "AWS_PROFILE=prod"')).toBeGreaterThan(lines.indexOf('set "AWS_PROFILE="'));
	});

	it('doubles a % in the helper path (batch files expand it even in quotes), and reads it back', () => {
		const odd = wrapperText('prod', 'C:\\100%\\docker-credential-ecr-login.exe', 'cmd');
		expect(odd).toContain('"C:\\100%%\\docker-credential-ecr-login.exe" %*');
		expect(readWrapper(odd)).toEqual({profile: 'prod', helperPath: 'C:\\100%\\docker-credential-ecr-login.exe'});
	});

	it('is recognised as ecr-setup’s and read back', () => {
		expect(isOwnWrapper(text)).toBe(true);
		expect(readWrapper(text)).toEqual({profile: 'prod', helperPath: helper});
		expect(isOwnWrapper('@echo off\r\nset AWS_PROFILE=prod\r\n')).toBe(false);
	});
});
