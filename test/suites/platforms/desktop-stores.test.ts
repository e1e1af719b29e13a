/**
 * Docker Desktop (macOS, Windows) and its WSL integration leave a credsStore in config.json. `configure-helper` must keep
 * it for every other registry and add credHelpers for ECR only — checked here on real files in a directory whose name
 * has a space, through the real DockerConfigService.
 */
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {configureHelperCommand} from '../../../source/commands/configure-helper.js';
import type {CommandContext} from '../../../source/commands/types.js';
import {createDockerConfigService} from '../../../source/docker-config/service.js';
import {createFakeServices, createRecordingIo} from '../../helpers/fake-services.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

// What Docker Desktop 4.x writes on macOS (tab-indented, as docker saves).
const MAC_DESKTOP = `{
	"auths": {
		"https://index.docker.io/v1/": {}
	},
	"credsStore": "desktop",
	"currentContext": "desktop-linux",
	"features": {
		"hooks": "true"
	},
	"plugins": {
		"-x-cli-hints": {
			"enabled": "true"
		}
	}
}`;

const MAC_KEYCHAIN = `{
	"auths": {
		"ghcr.io": {}
	},
	"credsStore": "osxkeychain"
}
`;

// Windows: CRLF line endings and a two-space indent (hand-edited in an editor).
const WINDOWS_WINCRED = '{\r\n  "auths": {},\r\n  "credsStore": "wincred",\r\n  "currentContext": "default"\r\n}\r\n';

// WSL: Docker Desktop's integration points the Linux CLI at the Windows helper.
const WSL_DESKTOP_EXE = '{\n\t"credsStore": "desktop.exe"\n}\n';

let root: string;
let dir: string;

beforeEach(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-desktop-'));
	dir = path.join(root, 'Jane Doe', '.docker');
	await mkdir(dir, {recursive: true});
});

afterEach(async () => {
	await rm(root, {recursive: true, force: true});
});

function context() {
	const dockerConfig = createDockerConfigService({dir, now: () => new Date('2026-11-27T21:00:00Z')});
	const services = createFakeServices({
		dockerConfig,
		env: {HOME: path.join(root, 'Jane Doe')},
		runner: {which: async (command: string) => (command === 'docker' ? '/usr/local/bin/docker' : null)},
		helper: {
			find: async () => ({name: 'ecr-login', path: '/opt/homebrew/bin/docker-credential-ecr-login', version: '0.9.0'}),
			get: async () => ({ok: true, username: 'AWS'}),
		},
	});
	const io = createRecordingIo({yes: true});
	const ctx = {
		services,
		io,
		options: {
			profile: undefined,
			region: undefined,
			config: undefined,
			json: false,
			yes: true,
			dryRun: false,
			color: false,
			verbose: false,
		},
		flags: {registry: [HOST]},
		positionals: [],
		signal: new AbortController().signal,
	} as CommandContext;
	return {ctx, io, dockerConfig};
}

describe.each([
	{name: 'macOS Docker Desktop (credsStore desktop)', text: MAC_DESKTOP, store: 'desktop', eol: '\n'},
	{name: 'macOS without Desktop (credsStore osxkeychain)', text: MAC_KEYCHAIN, store: 'osxkeychain', eol: '\n'},
	{name: 'Windows (credsStore wincred, CRLF)', text: WINDOWS_WINCRED, store: 'wincred', eol: '\r\n'},
	{
		name: 'WSL with Desktop integration (credsStore desktop.exe)',
		text: WSL_DESKTOP_EXE,
		store: 'desktop.exe',
		eol: '\n',
	},
])('$name', ({text, store, eol}) => {
	it('configure-helper keeps the store and every other key, adds credHelpers for ECR only, with a backup', async () => {
		const file = path.join(dir, 'config.json');
		await writeFile(file, text);
		const {ctx, io, dockerConfig} = context();
		const result = await configureHelperCommand.run(ctx);
		expect(result.json).toMatchObject({changed: true, written: true, verified: true});

		const written = await readFile(file, 'utf8');
		const before = JSON.parse(text) as Record<string, unknown>;
		const after = JSON.parse(written) as Record<string, unknown>;
		expect(after['credsStore']).toBe(store);
		expect(after['credHelpers']).toEqual({[HOST]: 'ecr-login'});
		const {credHelpers: _added, ...rest} = after;
		expect(rest).toEqual(before);
		// Only lines were added: every original line is still there, in order (a comma may follow a line that is no longer last).
		const bare = (line: string) => line.replace(/,$/, '');
		const originalLines = text.split(eol).filter(Boolean);
		let at = 0;
		for (const line of written.split(eol))
			if (at < originalLines.length && bare(line) === bare(originalLines[at]!)) at++;
		expect(at).toBe(originalLines.length);
		if (eol === '\r\n') expect(written.replaceAll('\r\n', '')).not.toContain('\n');

		expect(io.stdout.join('\n')).toContain(`"credsStore": "${store}" stays in place for other registries`);
		expect((await readdir(dir)).filter((name) => name.includes('.ecr-setup-backup-'))).toHaveLength(1);

		// Docker now asks ecr-login for ECR, and the old store for everything else.
		const loaded = await dockerConfig.read();
		expect(dockerConfig.resolveStore(loaded, HOST)).toEqual({
			kind: 'helper',
			helper: 'ecr-login',
			source: 'credHelpers',
			key: HOST,
		});
		expect(dockerConfig.resolveStore(loaded, 'index.docker.io')).toEqual({
			kind: 'helper',
			helper: store,
			source: 'credsStore',
		});
	});
});
