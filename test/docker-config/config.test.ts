import {describe, expect, it} from 'vitest';
import {ConfigChangedError, ConfigError, lineColumnAt} from '../../source/docker-config/errors.js';
import {backupFileName, backupTimeOf} from '../../source/docker-config/backups.js';
import {
	containsAuth,
	envAuthConfigs,
	hostnameOfAuthKey,
	platformDefaultStore,
	resolveStore,
} from '../../source/docker-config/stores.js';
import {decodeConfigBytes, parseDockerConfig} from '../../source/docker-config/parse.js';
import {detectLayout, planEdit} from '../../source/docker-config/edit.js';
import {locateConfigDir} from '../../source/docker-config/location.js';
import {UserError} from '../../source/errors/user-errors.js';
import type {ConfigChange, LoadedConfig} from '../../source/docker-config/types.js';

const FILE = '/home/dev/.docker/config.json';
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const SET_HELPER: ConfigChange = {type: 'set-cred-helper', host: HOST, helper: 'ecr-login'};

function loaded(text: string, exists = true): LoadedConfig {
	return {
		dir: '/home/dev/.docker',
		path: FILE,
		realPath: FILE,
		exists,
		text,
		data: parseDockerConfig(text, FILE),
		mode: exists ? 0o600 : undefined,
	};
}

function parseError(text: string | Uint8Array): ConfigError {
	try {
		parseDockerConfig(text, FILE);
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return error as ConfigError;
	}

	throw new Error(`expected a ConfigError for ${JSON.stringify(String(text))}`);
}

describe('locateConfigDir', () => {
	it('prefers --config, then DOCKER_CONFIG, then ~/.docker', () => {
		expect(locateConfigDir({flag: '/flag', env: {DOCKER_CONFIG: '/env'}, home: '/home/dev', platform: 'linux'})).toBe(
			'/flag',
		);
		expect(locateConfigDir({env: {DOCKER_CONFIG: '/env'}, home: '/home/dev', platform: 'linux'})).toBe('/env');
		expect(locateConfigDir({env: {}, home: '/home/dev', platform: 'linux'})).toBe('/home/dev/.docker');
		expect(locateConfigDir({env: {}, home: '/Users/dev', platform: 'darwin'})).toBe('/Users/dev/.docker');
	});

	it('treats empty values as unset, as docker does', () => {
		expect(locateConfigDir({flag: '', env: {DOCKER_CONFIG: ''}, home: '/home/dev', platform: 'linux'})).toBe(
			'/home/dev/.docker',
		);
	});

	it('uses %USERPROFILE%\\.docker on Windows', () => {
		expect(locateConfigDir({env: {USERPROFILE: 'C:\\Users\\dev'}, home: 'C:\\Other', platform: 'win32'})).toBe(
			'C:\\Users\\dev\\.docker',
		);
		expect(locateConfigDir({env: {}, home: 'C:\\Users\\dev', platform: 'win32'})).toBe('C:\\Users\\dev\\.docker');
	});
});

describe('lineColumnAt', () => {
	it('counts lines across \\n, \\r\\n and \\r, columns in code points', () => {
		expect(lineColumnAt('abc', 0)).toEqual({line: 1, column: 1});
		expect(lineColumnAt('a\nbc', 3)).toEqual({line: 2, column: 2});
		expect(lineColumnAt('a\r\nbc', 4)).toEqual({line: 2, column: 2});
		expect(lineColumnAt('a\rbc', 3)).toEqual({line: 2, column: 2});
		expect(lineColumnAt('"😀"x', 4)).toEqual({line: 1, column: 4});
	});
});

describe('parseDockerConfig', () => {
	it('reads a docker-written config', () => {
		const data = parseDockerConfig(
			'{\n\t"auths": {\n\t\t"https://index.docker.io/v1/": {}\n\t},\n\t"credsStore": "desktop"\n}',
			FILE,
		);
		expect(data).toEqual({auths: {'https://index.docker.io/v1/': {}}, credsStore: 'desktop'});
	});

	it('treats empty, whitespace-only and null as an empty config (docker does)', () => {
		expect(parseDockerConfig('', FILE)).toEqual({});
		expect(parseDockerConfig(' \n\t\r\n', FILE)).toEqual({});
		expect(parseDockerConfig('null', FILE)).toEqual({});
		expect(parseDockerConfig(new Uint8Array(), FILE)).toEqual({});
	});

	it('keeps unknown keys in the data', () => {
		expect(parseDockerConfig('{"currentContext": "colima", "x-podman": {"a": [1, 2]}}', FILE)).toEqual({
			currentContext: 'colima',
			'x-podman': {a: [1, 2]},
		});
	});

	it.each([
		['{"auths": {},}', 1, 13, /trailing comma/],
		['{\n\t"a": 1,\n}', 2, 8, /trailing comma/],
		['{\n  // comment\n  "a": 1\n}', 2, 3, /comments are not allowed/],
		['{ /* c */ }', 1, 3, /comments are not allowed/],
		["{'auths': {}}", 1, 2, /double quotes/],
		['{"a" 1}', 1, 6, /expected ':'/],
		['{"a": 1 "b": 2}', 1, 9, /expected ','/],
		['{"a": }', 1, 7, /expected a value/],
		['{"a": "x}', 1, 7, /unterminated string/],
		['{"a": "x\n"}', 1, 9, /line break inside a string/],
		['{"a": 1} trailing', 1, 10, /unexpected/],
		['{"a": tru}', 1, 7, /unexpected character/],
		['{"a": "\\x"}', 1, 8, /escape/],
		['{"a": "tab\there"}', 1, 11, /control character/],
		['{"a": NaN}', 1, 7, /unexpected character/],
		['{"a": 1\u00a0}', 1, 8, /unexpected character/],
		['{"a": .5}', 1, 7, /unexpected character|invalid number/],
	])('rejects %j at line %i, column %i', (text, line, column, detail) => {
		const error = parseError(text);
		expect(error.line).toBe(line);
		expect(error.column).toBe(column);
		expect(error.detail).toMatch(detail);
		// The position once in the message (file:line:column), in words in the next step.
		expect(error.message.split(`${FILE}:${line}:${column}`)).toHaveLength(2);
		expect(error.message).not.toMatch(/\(line \d/);
		expect(error.nextSteps).toEqual([`Open ${FILE} in an editor and go to line ${line}, column ${column}.`]);
		expect(error.hint).toMatch(/ecr-setup wrote nothing/);
		expect(error.code).toBe('docker.config');
		expect(error).toBeInstanceOf(UserError);
		expect(error.reason).toBe('syntax');
	});

	it('rejects a file of other Unicode spaces, as Go does', () => {
		expect(parseError('\u00a0').reason).toBe('syntax');
		expect(parseError('\u2028{}').reason).toBe('syntax');
	});

	it('rejects a byte order mark like Go does', () => {
		const error = parseError('\uFEFF{}');
		expect(error).toMatchObject({line: 1, column: 1, reason: 'encoding'});
		expect(error.hint).toMatch(/without BOM/);
		const fromBytes = parseError(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]));
		expect(fromBytes.reason).toBe('encoding');
	});

	it('rejects invalid UTF-8, naming the line and column of the bad byte', () => {
		const bytes = Buffer.concat([
			Buffer.from('{\n  "auths": {"h": {"email": "caf'),
			Buffer.from([0xe9]),
			Buffer.from('"}}\n}'),
		]);
		const error = parseError(bytes);
		expect(error).toMatchObject({line: 2, column: 32, reason: 'encoding'});
		expect(error.detail).toMatch(/0xe9/);
		expect(() => decodeConfigBytes(Buffer.from([0xed, 0xa0, 0x80]), FILE)).toThrow(ConfigError);
		expect(decodeConfigBytes(Buffer.from('{"é": "😀"}'), FILE)).toBe('{"é": "😀"}');
	});

	it.each([
		['[]', 1, 1, /top level must be a JSON object/],
		['"config"', 1, 1, /top level/],
		['42', 1, 1, /top level/],
		['{"auths": []}', 1, 2, /"auths" must be an object, not an array/],
		['{"auths": "x"}', 1, 2, /"auths" must be an object/],
		['{"auths": {"h": "x"}}', 1, 12, /"auths" entry "h" must be an object/],
		['{"auths": {"h": {"auth": 5}}}', 1, 18, /"auth" must be a string/],
		['{"credHelpers": []}', 1, 2, /"credHelpers" must be an object/],
		['{"credHelpers": {"h": true}}', 1, 18, /helper name/],
		['{"credsStore": 1}', 1, 2, /"credsStore" must be a string, not a number/],
		['{"credsStore": {}}', 1, 2, /"credsStore" must be a string, not an object/],
		['{\n\t"CredsStore": []\n}', 2, 2, /"CredsStore" \(docker reads it as "credsStore"\)/],
		['{"HttpHeaders": {"User-Agent": 1}}', 1, 18, /must be a string/],
		['{"pruneFilters": "label=x"}', 1, 2, /array of strings/],
	])('rejects %j as the wrong type at %i:%i', (text, line, column, detail) => {
		const error = parseError(text);
		expect(error).toMatchObject({line, column, reason: 'type'});
		expect(error.detail).toMatch(detail);
	});

	it('rejects an auths "auth" docker cannot decode (docker then fails to load the whole file)', () => {
		for (const auth of ['!!', 'dXNlcg==', 'OnBhc3M=', 'abc']) {
			const error = parseError(`{\n\t"auths": {\n\t\t"h": {"auth": "${auth}"}\n\t}\n}`);
			expect(error).toMatchObject({line: 3, column: 17, reason: 'invalid-auth'});
			expect(error.hint).toMatch(/docker login h/);
		}

		expect(
			parseDockerConfig('{"auths": {"h": {"auth": "dXNlcjpwYXNz"}, "g": {"auth": ""}}}', FILE).auths,
		).toHaveProperty('h');
	});

	it('accepts null where Go does', () => {
		expect(parseDockerConfig('{"auths": null, "credHelpers": null, "credsStore": null}', FILE)).toEqual({});
		expect(parseDockerConfig('{"credHelpers": {"h": null}, "auths": {"a": null}}', FILE)).toEqual({
			credHelpers: {h: ''},
			auths: {a: {}},
		});
	});

	it('reads known keys in another letter case, as Go does', () => {
		const data = parseDockerConfig('{"CredHelpers": {"h": "ecr-login"}, "CREDSSTORE": "desktop"}', FILE);
		expect(data.credHelpers).toEqual({h: 'ecr-login'});
		expect(data.credsStore).toBe('desktop');
	});

	it('refuses duplicates of the keys it edits, and allows them elsewhere', () => {
		const top = parseError('{\n"credHelpers": {},\n"credHelpers": {"h": "x"}\n}');
		expect(top).toMatchObject({line: 3, column: 1, reason: 'duplicate-key'});
		expect(top.detail).toMatch(/first on line 2/);
		expect(parseError('{"credsStore": "a", "CredsStore": "b"}').reason).toBe('duplicate-key');
		expect(parseError('{"credHelpers": {"h": "a", "h": "b"}}').reason).toBe('duplicate-key');
		expect(parseError('{"auths": {"h": {}, "h": {}}}').reason).toBe('duplicate-key');
		expect(parseDockerConfig('{"x": 1, "x": 2}', FILE)).toEqual({x: 2});
	});

	it('refuses absurd nesting without blowing the stack', () => {
		const deep = `{"a": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
		expect(parseError(deep).reason).toBe('too-deep');
		expect(parseDockerConfig(`{"a": ${'['.repeat(100)}${']'.repeat(100)}}`, FILE)).toHaveProperty('a');
	});
});

describe('hostnameOfAuthKey (docker ConvertToHostname)', () => {
	it.each([
		['https://index.docker.io/v1/', 'index.docker.io'],
		['http://registry:5000/v2', 'registry:5000'],
		[`https://${HOST}`, HOST],
		[`${HOST}/my-app`, HOST],
		['registry.example.com:443', 'registry.example.com:443'],
		['HOST.Example.com', 'HOST.Example.com'],
		['https://user@host.example/x', 'host.example'],
	])('%s → %s', (key, host) => {
		expect(hostnameOfAuthKey(key)).toBe(host);
	});
});

describe('resolveStore', () => {
	it('uses credHelpers on an exact key match only', () => {
		const data = parseDockerConfig(
			JSON.stringify({
				credHelpers: {[`https://${HOST}`]: 'a', [`${HOST}/app`]: 'b', [`${HOST}:443`]: 'c', [HOST.toUpperCase()]: 'd'},
				credsStore: 'desktop',
			}),
			FILE,
		);
		expect(resolveStore(data, HOST)).toEqual({kind: 'helper', helper: 'desktop', source: 'credsStore'});
		const exact = parseDockerConfig(JSON.stringify({credHelpers: {[HOST]: 'ecr-login'}, credsStore: 'desktop'}), FILE);
		expect(resolveStore(exact, HOST)).toEqual({kind: 'helper', helper: 'ecr-login', source: 'credHelpers', key: HOST});
	});

	it('treats an empty helper name as the file store, without falling back to credsStore', () => {
		const data = parseDockerConfig(JSON.stringify({credHelpers: {[HOST]: ''}, credsStore: 'desktop'}), FILE);
		expect(resolveStore(data, HOST)).toEqual({kind: 'file', authKey: undefined, hasAuth: false});
	});

	it('falls back to the auths file store, exact key first, then by hostname', () => {
		const auth = Buffer.from('AWS:secret').toString('base64');
		const byHostname = parseDockerConfig(JSON.stringify({auths: {[`https://${HOST}`]: {auth}}}), FILE);
		expect(resolveStore(byHostname, HOST)).toEqual({kind: 'file', authKey: `https://${HOST}`, hasAuth: true});
		const both = parseDockerConfig(JSON.stringify({auths: {[`https://${HOST}`]: {auth}, [HOST]: {}}}), FILE);
		expect(resolveStore(both, HOST)).toEqual({kind: 'file', authKey: HOST, hasAuth: false});
		const otherPort = parseDockerConfig(JSON.stringify({auths: {[`${HOST}:443`]: {auth}}}), FILE);
		expect(resolveStore(otherPort, HOST)).toEqual({kind: 'file', authKey: undefined, hasAuth: false});
	});

	it('lets DOCKER_AUTH_CONFIG win for the hosts it names (exact key)', () => {
		const data = parseDockerConfig(JSON.stringify({credHelpers: {[HOST]: 'ecr-login'}}), FILE);
		const env = {
			DOCKER_AUTH_CONFIG: JSON.stringify({auths: {[HOST]: {auth: Buffer.from('AWS:x').toString('base64')}}}),
		};
		expect(resolveStore(data, HOST, env)).toEqual({kind: 'env', variable: 'DOCKER_AUTH_CONFIG', authKey: HOST});
		expect(resolveStore(data, 'other.example', env)).toEqual({kind: 'file', authKey: undefined, hasAuth: false});
		expect(
			resolveStore(data, HOST, {DOCKER_AUTH_CONFIG: JSON.stringify({auths: {[`https://${HOST}`]: {}}})}),
		).toMatchObject({kind: 'helper'});
	});

	it('ignores an unreadable DOCKER_AUTH_CONFIG, as docker does', () => {
		const data = parseDockerConfig(JSON.stringify({credHelpers: {[HOST]: 'ecr-login'}}), FILE);
		for (const value of ['', 'not json', '[]', JSON.stringify({auths: {[HOST]: {auth: 'not base64!'}}})]) {
			expect(resolveStore(data, HOST, {DOCKER_AUTH_CONFIG: value})).toMatchObject({
				kind: 'helper',
				helper: 'ecr-login',
			});
		}

		expect(envAuthConfigs({})).toBeUndefined();
		expect(envAuthConfigs({DOCKER_AUTH_CONFIG: '{"Auths": {"h": {}}}'})).toEqual({h: {}});
	});

	it('uses the platform default only when the file configures no store', () => {
		const options = {platformDefault: 'osxkeychain'};
		expect(resolveStore({}, HOST, {}, options)).toEqual({
			kind: 'helper',
			helper: 'osxkeychain',
			source: 'platform-default',
		});
		expect(resolveStore(parseDockerConfig('{"auths": {}, "credHelpers": {}}', FILE), HOST, {}, options)).toMatchObject({
			source: 'platform-default',
		});
		expect(resolveStore(parseDockerConfig('{"auths": {"x": {}}}', FILE), HOST, {}, options)).toMatchObject({
			kind: 'file',
		});
		expect(resolveStore({}, HOST)).toEqual({kind: 'file', authKey: undefined, hasAuth: false});
		expect(containsAuth({credsStore: ''})).toBe(false);
	});

	it('names the platform default store as docker picks it', () => {
		expect(platformDefaultStore('darwin', false)).toBe('osxkeychain');
		expect(platformDefaultStore('win32', true)).toBe('wincred');
		expect(platformDefaultStore('linux', true)).toBe('pass');
		expect(platformDefaultStore('linux', false)).toBe('secretservice');
		expect(platformDefaultStore('aix', false)).toBeUndefined();
	});
});

describe('planEdit', () => {
	it('writes a new file docker-style', () => {
		const plan = planEdit(loaded('', false), [SET_HELPER]);
		expect(plan.newText).toBe(`{\n\t"credHelpers": {\n\t\t"${HOST}": "ecr-login"\n\t}\n}\n`);
		expect(plan.changed).toBe(true);
		expect(plan.baseText).toBe('');
		expect(JSON.parse(plan.newText)).toEqual({credHelpers: {[HOST]: 'ecr-login'}});
	});

	it('replaces an empty, whitespace-only or null file', () => {
		for (const text of ['\n', 'null\n']) {
			expect(planEdit(loaded(text), [SET_HELPER]).newText).toBe(
				`{\n\t"credHelpers": {\n\t\t"${HOST}": "ecr-login"\n\t}\n}\n`,
			);
		}
	});

	it('adds credHelpers after the last key of a docker file, leaving every other byte', () => {
		const text =
			'{\n\t"auths": {\n\t\t"https://index.docker.io/v1/": {}\n\t},\n\t"credsStore": "desktop",\n\t"currentContext": "desktop-linux"\n}';
		const plan = planEdit(loaded(text), [SET_HELPER]);
		expect(plan.newText).toBe(
			'{\n\t"auths": {\n\t\t"https://index.docker.io/v1/": {}\n\t},\n\t"credsStore": "desktop",\n\t"currentContext": "desktop-linux",\n' +
				`\t"credHelpers": {\n\t\t"${HOST}": "ecr-login"\n\t}\n}`,
		);
		expect(plan.newText.startsWith(text.slice(0, -2))).toBe(true);
	});

	it('adds to an existing credHelpers in the file indentation and line endings', () => {
		const text = '{\r\n  "credHelpers": {\r\n    "gcr.io": "gcloud"\r\n  },\r\n  "x": true\r\n}\r\n';
		const plan = planEdit(loaded(text), [SET_HELPER]);
		expect(plan.newText).toBe(
			`{\r\n  "credHelpers": {\r\n    "gcr.io": "gcloud",\r\n    "${HOST}": "ecr-login"\r\n  },\r\n  "x": true\r\n}\r\n`,
		);
	});

	it('keeps a one-line file on one line, and its odd spacing', () => {
		const text = '{"a":1,   "credHelpers" : {"x":"y"}  , "z": [1,2]}';
		expect(planEdit(loaded(text), [SET_HELPER]).newText).toBe(
			`{"a":1,   "credHelpers" : {"x":"y", "${HOST}":"ecr-login"}  , "z": [1,2]}`,
		);
		expect(planEdit(loaded('{"credHelpers":{}}'), [SET_HELPER]).newText).toBe(
			`{"credHelpers":{"${HOST}":"ecr-login"}}`,
		);
	});

	it('fills an empty multi-line credHelpers', () => {
		const text = '{\n\t"auths": {},\n\t"credHelpers": {}\n}\n';
		expect(planEdit(loaded(text), [SET_HELPER]).newText).toBe(
			`{\n\t"auths": {},\n\t"credHelpers": {\n\t\t"${HOST}": "ecr-login"\n\t}\n}\n`,
		);
	});

	it('replaces a wrong helper value in place and a null credHelpers', () => {
		const text = `{\n\t"credHelpers": {\n\t\t"${HOST}": "desktop"\n\t}\n}`;
		expect(planEdit(loaded(text), [SET_HELPER]).newText).toBe(
			`{\n\t"credHelpers": {\n\t\t"${HOST}": "ecr-login"\n\t}\n}`,
		);
		expect(planEdit(loaded('{\n\t"credHelpers": null\n}'), [SET_HELPER]).newText).toBe(
			`{\n\t"credHelpers": {\n\t\t"${HOST}": "ecr-login"\n\t}\n}`,
		);
	});

	it('edits a case-variant key in place instead of adding a second one', () => {
		const text = '{\n\t"CredHelpers": {\n\t\t"gcr.io": "gcloud"\n\t}\n}';
		const plan = planEdit(loaded(text), [SET_HELPER]);
		expect(plan.newText).toBe(`{\n\t"CredHelpers": {\n\t\t"gcr.io": "gcloud",\n\t\t"${HOST}": "ecr-login"\n\t}\n}`);
		expect(() => parseDockerConfig(plan.newText, FILE)).not.toThrow();
	});

	it('is idempotent: planning the same change on its own result changes nothing', () => {
		for (const text of ['', '{}', '{\n  "auths": {}\n}\n', '{"credHelpers":{"a":"b"}}']) {
			const first = planEdit(loaded(text, text !== ''), [SET_HELPER]);
			const second = planEdit(loaded(first.newText), [SET_HELPER]);
			expect(second.changed).toBe(false);
			expect(second.newText).toBe(first.newText);
			expect(second.diff).toBe('');
		}
	});

	it('never touches credsStore unless a change names it', () => {
		const text = '{\n\t"credsStore": "desktop"\n}';
		const plan = planEdit(loaded(text), [
			SET_HELPER,
			{type: 'remove-cred-helper', host: 'gcr.io'},
			{type: 'remove-auth', key: HOST},
		]);
		expect(JSON.parse(plan.newText).credsStore).toBe('desktop');
		expect(plan.newText).toContain('\t"credsStore": "desktop",\n');
		expect(JSON.parse(planEdit(loaded(text), [{type: 'remove-creds-store'}]).newText)).toEqual({});
		expect(JSON.parse(planEdit(loaded(text), [{type: 'set-creds-store', helper: 'ecr-login'}]).newText)).toEqual({
			credsStore: 'ecr-login',
		});
		expect(planEdit(loaded('', false), [{type: 'set-creds-store', helper: 'ecr-login'}]).newText).toBe(
			'{\n\t"credsStore": "ecr-login"\n}\n',
		);
		expect(planEdit(loaded('{}'), [{type: 'set-creds-store', helper: 'ecr-login'}]).newText).toBe(
			'{\n\t"credsStore": "ecr-login"\n}',
		);
	});

	it('removes entries with their comma and nothing else', () => {
		const text = `{\n\t"auths": {\n\t\t"https://${HOST}": {},\n\t\t"${HOST}": {"auth": "eDp5"},\n\t\t"z": {}\n\t},\n\t"credHelpers": {\n\t\t"a": "b"\n\t}\n}`;
		expect(planEdit(loaded(text), [{type: 'remove-auth', key: `https://${HOST}`}]).newText).toBe(
			`{\n\t"auths": {\n\t\t"${HOST}": {"auth": "eDp5"},\n\t\t"z": {}\n\t},\n\t"credHelpers": {\n\t\t"a": "b"\n\t}\n}`,
		);
		expect(planEdit(loaded(text), [{type: 'remove-auth', key: HOST}]).newText).toBe(
			`{\n\t"auths": {\n\t\t"https://${HOST}": {},\n\t\t"z": {}\n\t},\n\t"credHelpers": {\n\t\t"a": "b"\n\t}\n}`,
		);
		expect(planEdit(loaded(text), [{type: 'remove-cred-helper', host: 'a'}]).newText).toBe(
			`{\n\t"auths": {\n\t\t"https://${HOST}": {},\n\t\t"${HOST}": {"auth": "eDp5"},\n\t\t"z": {}\n\t},\n\t"credHelpers": {}\n}`,
		);
		const missing = planEdit(loaded(text), [
			{type: 'remove-cred-helper', host: 'nope'},
			{type: 'remove-auth', key: 'nope'},
			{type: 'remove-creds-store'},
		]);
		expect(missing.changed).toBe(false);
		expect(missing.newText).toBe(text);
	});

	it('applies several changes in order', () => {
		const text = `{\n\t"auths": {\n\t\t"https://${HOST}": {}\n\t},\n\t"credsStore": "desktop"\n}`;
		const plan = planEdit(loaded(text), [
			{type: 'remove-auth', key: `https://${HOST}`},
			SET_HELPER,
			{type: 'set-cred-helper', host: 'public.ecr.aws', helper: 'ecr-login'},
		]);
		expect(JSON.parse(plan.newText)).toEqual({
			auths: {},
			credsStore: 'desktop',
			credHelpers: {[HOST]: 'ecr-login', 'public.ecr.aws': 'ecr-login'},
		});
		expect(plan.changes).toHaveLength(3);
	});

	it('gives a unified diff with the path in the header', () => {
		const plan = planEdit(loaded('{\n\t"auths": {}\n}\n'), [SET_HELPER]);
		expect(plan.diff).toContain(`--- ${FILE}`);
		expect(plan.diff).toContain(`+++ ${FILE}`);
		expect(plan.diff).toContain('-\t"auths": {}\n');
		expect(plan.diff).toContain('+\t"auths": {},\n');
		expect(plan.diff).toContain(`+\t\t"${HOST}": "ecr-login"\n`);
	});

	it('keeps the rest of a large file and its unknown keys byte for byte', () => {
		const unknown = '\t"x-extension": {"nested": [1, 2.50, "\\u00e9"], "keep": "  spaces  "},\n';
		const text = `{\n${unknown}\t"auths": {\n${Array.from({length: 2000}, (_, index) => `\t\t"h${index}.example": {"auth": "eDp5"}`).join(',\n')}\n\t}\n}\n`;
		const plan = planEdit(loaded(text), [SET_HELPER]);
		const inserted = `,\n\t"credHelpers": {\n\t\t"${HOST}": "ecr-login"\n\t}`;
		const at = text.lastIndexOf('\n}');
		expect(plan.newText).toBe(text.slice(0, at) + inserted + text.slice(at));
	});
});

describe('detectLayout', () => {
	it('follows the file, tab when it has no indentation', () => {
		expect(detectLayout('{}')).toEqual({indent: '\t', eol: '\n', colon: ': '});
		expect(detectLayout('{\n    "a":{\n        "b":1}}')).toMatchObject({indent: '    ', colon: ':'});
		expect(detectLayout('{\r\n\t"a": 1\r\n}')).toMatchObject({indent: '\t', eol: '\r\n'});
	});
});

describe('backup names', () => {
	it('encode a sortable, colon-free timestamp that reads back', () => {
		const when = new Date('2026-11-27T20:50:54.123Z');
		const name = backupFileName('config.json', when);
		expect(name).toBe('config.json.ecr-setup-backup-2026-11-27T20-50-54-123Z');
		expect(name).not.toContain(':');
		expect(backupTimeOf(name)).toEqual(when);
		expect(backupTimeOf(`${name}-2`)).toEqual(when);
		expect(backupTimeOf('config.json.bak')).toBeUndefined();
		expect(backupTimeOf('config.json.ecr-setup-backup-yesterday')).toBeUndefined();
	});
});

describe('errors', () => {
	it('ConfigChangedError is a UserError with a stable code and a hint', () => {
		const error = new ConfigChangedError(FILE);
		expect(error).toBeInstanceOf(UserError);
		expect(error.code).toBe('docker.config.changed');
		expect(error.message).toContain(FILE);
		expect(error.hint).toMatch(/run the command again/i);
	});
});
