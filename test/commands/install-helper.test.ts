/**
 * `install-helper --method binary`: the command's consent rule for releases ecr-setup has no sum for, its flags, and
 * what it prints and returns. The real helper service installs into a temp home; only the network (fetch) and the
 * process runner (nothing on PATH) are fakes.
 */
import {createHash} from 'node:crypto';
import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {installHelperCommand} from '../../source/commands/install-helper.js';
import type {CommandContext} from '../../source/commands/types.js';
import {createCredentialHelperService} from '../../source/credential-helper/service.js';
import {UsageError, UserError} from '../../source/errors/user-errors.js';
import {createFakeRunner} from '../helpers/fake-runner.js';
import {createFakeServices, createRecordingIo} from '../helpers/fake-services.js';

const BINARY = '#!/bin/sh\necho 0.13.0\n';
const SUM = createHash('sha256').update(BINARY).digest('hex');
const BASE = 'https://releases.example.test';

let home: string;
const fetched: string[] = [];

beforeEach(async () => {
	home = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-install-helper-'));
	fetched.length = 0;
});

afterEach(async () => {
	await rm(home, {recursive: true, force: true});
});

function context(flags: Record<string, unknown>, options: {dryRun?: boolean} = {}) {
	const bin = path.join(home, '.local', 'bin');
	const helper = createCredentialHelperService({
		runner: createFakeRunner([
			{
				file: path.join(bin, 'docker-credential-ecr-login'),
				args: ['version'],
				result: {stdout: '0.13.0'},
				repeat: true,
			},
		]),
		env: {PATH: '/nonexistent'},
		platform: 'linux',
		arch: 'x64',
		home,
		uid: 1000,
		files: {procVersion: '/nonexistent', osRelease: []},
		releaseBaseUrl: BASE,
		checksums: {'0.12.0': {'linux-amd64': {sha256: 'a'.repeat(64), source: 'https://example.test/sums'}}},
		fetch: (async (url: string | URL) => {
			fetched.push(String(url));
			return new Response(String(url).endsWith('.sha256') ? `${SUM}  docker-credential-ecr-login\n` : BINARY);
		}) as typeof fetch,
	});
	const services = createFakeServices({helper});
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
			dryRun: options.dryRun ?? false,
			color: false,
			verbose: false,
		},
		flags,
		positionals: [],
		signal: new AbortController().signal,
	} as CommandContext;
	return {ctx, io, target: path.join(bin, 'docker-credential-ecr-login')};
}

describe('install-helper --method binary', () => {
	it('a release not in the table is refused without --allow-unverified: nothing downloaded, the error names the flag', async () => {
		const {ctx, io} = context({method: 'binary', 'helper-version': '0.13.0'});
		const error = await installHelperCommand.run(ctx).then(
			() => undefined,
			(error_: unknown) => error_,
		);
		expect(error).toBeInstanceOf(UserError);
		expect(error).toMatchObject({code: 'helper.unverified'});
		expect((error as UserError).hint).toContain('--allow-unverified');
		expect(io.stdout.join('\n')).toContain("UNVERIFIED: this release is not in ecr-setup's table");
		expect(fetched).toEqual([]);
		expect(await readdir(home)).toEqual([]);
	});

	it('with --allow-unverified it installs, says "unverified" on screen, and --json says verified: false', async () => {
		const {ctx, io, target} = context({method: 'binary', 'helper-version': '0.13.0', 'allow-unverified': true});
		const result = await installHelperCommand.run(ctx);
		expect(await readFile(target, 'utf8')).toBe(BINARY);
		expect(io.stdout.join('\n')).toContain(
			`Installed docker-credential-ecr-login: ${target} (0.13.0) (unverified: not in ecr-setup's table of known sums).`,
		);
		expect(io.stderr.join('\n')).toContain('UNVERIFIED: 0.13.0 is not in');
		expect(result.json).toMatchObject({
			installed: true,
			method: 'binary',
			helperVersion: '0.13.0',
			verified: false,
			knownSha256: null,
		});
	});

	it('--dry-run shows the known sum and its source for a release in the table', async () => {
		const {ctx, io} = context({method: 'binary', 'helper-version': '0.12.0'}, {dryRun: true});
		const result = await installHelperCommand.run(ctx);
		expect(io.stdout.join('\n')).toContain(
			`verify   against the SHA-256 ecr-setup ships for this release (${'a'.repeat(64)}, from https://example.test/sums)`,
		);
		expect(result.json).toMatchObject({dryRun: true, verified: true, knownSha256: 'a'.repeat(64)});
		expect(fetched).toEqual([]);
	});

	it('usage errors: a malformed --helper-version, and the binary-only flags with another method', async () => {
		await expect(installHelperCommand.run(context({method: 'binary', 'helper-version': 'latest'}).ctx)).rejects.toThrow(
			UsageError,
		);
		await expect(installHelperCommand.run(context({method: 'apt', 'allow-unverified': true}).ctx)).rejects.toThrow(
			'--allow-unverified applies to --method binary only.',
		);
		await expect(installHelperCommand.run(context({'helper-version': '0.12.0'}).ctx)).rejects.toThrow(
			'--helper-version applies to --method binary only.',
		);
	});
});
