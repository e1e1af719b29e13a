/**
 * Broken docker config files, each with where ecr-setup must point (line, column, 1-based) and what docker/cli itself
 * does with it (checked against the real docker CLI by the suite when one is installed). `docker: 'accepts'` marks the
 * few files docker reads but ecr-setup refuses to edit, because an edit would be ambiguous or lose data.
 */
import type {ConfigErrorReason} from '../../source/docker-config/errors.js';

export type MalformedConfig = {
	name: string;
	bytes: Buffer;
	line: number;
	column: number;
	reason: ConfigErrorReason;
	docker: 'rejects' | 'accepts';
};

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DOCKER_FILE = `{\n\t"auths": {\n\t\t"https://index.docker.io/v1/": {}\n\t},\n\t"credHelpers": {\n\t\t"${HOST}": "ecr-login"\n\t},\n\t"currentContext": "default"\n}`;

function text(
	name: string,
	content: string,
	line: number,
	column: number,
	reason: ConfigErrorReason,
	docker: 'rejects' | 'accepts' = 'rejects',
): MalformedConfig {
	return {name, bytes: Buffer.from(content, 'utf8'), line, column, reason, docker};
}

function bytes(
	name: string,
	content: Buffer,
	line: number,
	column: number,
	reason: ConfigErrorReason,
	docker: 'rejects' | 'accepts' = 'rejects',
): MalformedConfig {
	return {name, bytes: content, line, column, reason, docker};
}

const manyAuths = Array.from(
	{length: 40_000},
	(_, index) => `\t\t"registry-${index}.example.com": {"auth": "dXNlcjpwYXNz"}`,
).join(',\n');

export const MALFORMED_CONFIGS: MalformedConfig[] = [
	// Encoding
	text('BOM before a docker file', `\uFEFF${DOCKER_FILE}`, 1, 1, 'encoding'),
	bytes(
		'UTF-16 LE with BOM',
		Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{}', 'utf16le')]),
		1,
		1,
		'encoding',
	),
	bytes(
		'invalid UTF-8 byte in a string',
		Buffer.concat([Buffer.from('{\n\t"psFormat": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}')]),
		2,
		18,
		'encoding',
		'accepts',
	),
	bytes(
		'overlong UTF-8 sequence',
		Buffer.concat([Buffer.from('{"a": "'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]),
		1,
		8,
		'encoding',
		'accepts',
	),
	bytes('NUL byte between tokens', Buffer.from('{"auths": {}\u0000}'), 1, 13, 'syntax'),
	// Comments and trailing commas (what people add by hand)
	text('line comment', '{\n\t// registries\n\t"auths": {}\n}', 2, 2, 'syntax'),
	text('block comment after a value', '{\n\t"auths": {} /* old */\n}', 2, 14, 'syntax'),
	text('shell comment first', '# docker config\n{}', 1, 1, 'syntax'),
	text('trailing comma in the top object', '{\n\t"auths": {},\n}', 2, 13, 'syntax'),
	text(
		'trailing comma in credHelpers',
		`{"credHelpers": {"${HOST}": "ecr-login",}}`,
		1,
		17 + HOST.length + 2 + 2 + 11 + 1,
		'syntax',
	),
	text('trailing comma in an array', '{"pruneFilters": ["label=a",]}', 1, 28, 'syntax'),
	// Not JSON at all, or JSON5-isms
	text('single quotes', "{'auths': {}}", 1, 2, 'syntax'),
	text('unquoted key', '{auths: {}}', 1, 2, 'syntax'),
	text('missing comma between keys', '{\n\t"auths": {}\n\t"credsStore": "desktop"\n}', 3, 2, 'syntax'),
	text('missing colon', '{"auths" {}}', 1, 10, 'syntax'),
	text('unterminated string', '{"credsStore": "desk}', 1, 16, 'syntax'),
	text('unterminated object (truncated write)', DOCKER_FILE.slice(0, 60), 5, 2, 'syntax'),
	text('NaN value', '{"x-extra": NaN}', 1, 13, 'syntax'),
	text('hex number', '{"x-extra": 0x10}', 1, 14, 'syntax'),
	text('leading zero', '{"x-extra": 01}', 1, 14, 'syntax'),
	text('raw tab inside a string', '{"psFormat": "a\tb"}', 1, 16, 'syntax'),
	text('raw newline inside a string', '{"psFormat": "a\nb"}', 1, 16, 'syntax'),
	text('invalid escape', '{"psFormat": "\\q"}', 1, 15, 'syntax'),
	text('short unicode escape', '{"psFormat": "\\u12"}', 1, 15, 'syntax'),
	// Wrong shapes (valid JSON docker cannot decode)
	text('top-level array', '[]', 1, 1, 'type'),
	text('top-level array of a config', '[{"auths": {}}]', 1, 1, 'type'),
	text('top-level string', '"auths"', 1, 1, 'type'),
	text('top-level number', '42', 1, 1, 'type'),
	text('auths is an array', '{\n\t"auths": []\n}', 2, 2, 'type'),
	text('auths is a string', '{"auths": "none"}', 1, 2, 'type'),
	text('auths entry is a string', '{"auths": {"r.example": "dXNlcjpw"}}', 1, 12, 'type'),
	text('auths auth is a number', '{"auths": {"r.example": {"auth": 5}}}', 1, 26, 'type'),
	text(
		'auths auth not base64 of user:password',
		'{"auths": {"r.example": {"auth": "not base64"}}}',
		1,
		34,
		'invalid-auth',
	),
	text('credHelpers is an array', '{"credHelpers": ["ecr-login"]}', 1, 2, 'type'),
	text('credHelpers is a string', '{"credHelpers": "ecr-login"}', 1, 2, 'type'),
	text('credHelpers value is an object', `{"credHelpers": {"${HOST}": {"helper": "ecr-login"}}}`, 1, 18, 'type'),
	text('credHelpers value is true', `{"credHelpers": {"${HOST}": true}}`, 1, 18, 'type'),
	text('credsStore is a number', '{"credsStore": 1}', 1, 2, 'type'),
	text('credsStore is an array', '{"credsStore": ["desktop"]}', 1, 2, 'type'),
	text('credsStore is false', '{\n  "credsStore": false\n}', 2, 3, 'type'),
	text('psFormat is a number', '{"psFormat": 1}', 1, 2, 'type'),
	text('HttpHeaders value is a number', '{"HttpHeaders": {"X-Meta": 1}}', 1, 18, 'type'),
	// Size and depth
	text(
		'deeply nested (20 000 levels)',
		`{"x-extra": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
		1,
		13 + 999,
		'too-deep',
	),
	text('huge file, trailing comma at the end', `{\n\t"auths": {\n${manyAuths},\n\t}\n}`, 40_002, 57, 'syntax'),
	// Files docker reads but ecr-setup will not edit
	text(
		'duplicate credHelpers',
		'{\n\t"credHelpers": {},\n\t"credHelpers": {"a": "b"}\n}',
		3,
		2,
		'duplicate-key',
		'accepts',
	),
	text(
		'duplicate registry in credHelpers',
		`{"credHelpers": {\n"${HOST}": "desktop",\n"${HOST}": "ecr-login"}}`,
		3,
		1,
		'duplicate-key',
		'accepts',
	),
	text(
		'credsStore twice in two letter cases',
		'{"credsStore": "desktop", "CredsStore": "ecr-login"}',
		1,
		27,
		'duplicate-key',
		'accepts',
	),
	text('content after the object', '{"auths": {}} {"credsStore": "x"}', 1, 15, 'syntax', 'accepts'),
];

/** Files that look wrong but are fine for docker and for ecr-setup. */
export const ACCEPTED_ODDITIES: Array<{name: string; bytes: Buffer}> = [
	{name: 'empty file (docker: empty config)', bytes: Buffer.alloc(0)},
	{name: 'whitespace only', bytes: Buffer.from(' \n\t\r\n')},
	{name: 'null', bytes: Buffer.from('null')},
	{name: 'nulls for every known key', bytes: Buffer.from('{"auths": null, "credHelpers": null, "credsStore": null}')},
	{name: 'known keys in another letter case', bytes: Buffer.from('{"CredHelpers": {"gcr.io": "gcloud"}}')},
	{name: 'duplicate unknown keys', bytes: Buffer.from('{"x-a": 1, "x-a": 2}')},
	{
		name: 'nested 500 levels in an unknown key',
		bytes: Buffer.from(`{"x-extra": ${'['.repeat(500)}${']'.repeat(500)}}`),
	},
	{name: 'huge valid file (2 MB)', bytes: Buffer.from(`{\n\t"auths": {\n${manyAuths}\n\t}\n}`)},
];
