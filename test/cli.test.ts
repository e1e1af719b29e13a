import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {main} from '../source/cli.js';
import {streams} from './helpers/cli-streams.js';

describe('cli', () => {
	it('prints the version from package.json', async () => {
		const s = streams();
		expect(await main(['--version'], s.io, {})).toBe(0);
		expect(s.out.join('')).toMatch(/^\d+\.\d+\.\d+\n$/);
	});

	it('colours output on a terminal only, and NO_COLOR from the environment main() is given turns it off', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'ecr-setup-cli-colour-'));
		try {
			const args = [
				'configure-helper',
				'--registry',
				'123456789012.dkr.ecr.eu-west-1.amazonaws.com',
				'--config',
				dir,
				'--dry-run',
			];
			const env = {PATH: '', HOME: dir};
			const terminal = streams(true);
			expect(await main(args, terminal.io, env)).toBe(0);
			expect(terminal.out.join('')).toContain('\u001B[');
			const piped = streams(false);
			expect(await main(args, piped.io, env)).toBe(0);
			expect(piped.out.join('')).toContain('"ecr-login"');
			expect(piped.out.join('')).not.toContain('\u001B[');
			const noColor = streams(true);
			expect(await main(args, noColor.io, {...env, NO_COLOR: '1'})).toBe(0);
			expect(noColor.out.join('')).toContain('"ecr-login"');
			expect(noColor.out.join('')).not.toContain('\u001B[');
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});

	it('lists every command in --help', async () => {
		const s = streams();
		expect(await main(['--help'], s.io, {})).toBe(0);
		for (const name of [
			'whoami',
			'sign-in',
			'login',
			'configure-helper',
			'install-helper',
			'push',
			'doctor',
			'restore-config',
			'ci',
			'template',
			'pull-through',
			'policy',
		]) {
			expect(s.out.join('')).toContain(name);
		}
	});

	it('shows a command’s own flags with `<command> --help`', async () => {
		const s = streams();
		expect(await main(['push', '--help'], s.io, {})).toBe(0);
		expect(s.out.join('')).toContain('--create-repository');
		for (const flag of [
			'--immutable-except PATTERN',
			'--mutable-except PATTERN',
			'--encryption AES256|KMS',
			'--kms-key KEY',
			'--keep-images N',
		])
			expect(s.out.join('')).toContain(flag);
	});

	it('exits 2 with a hint on an unknown command or flag', async () => {
		const a = streams();
		expect(await main(['pusj'], a.io, {})).toBe(2);
		expect(a.err.join('')).toContain('Unknown command "pusj"');
		const b = streams();
		expect(await main(['push', '--colour'], b.io, {})).toBe(2);
		expect(b.err.join('')).toContain('Unknown option --colour');
	});

	it('rejects an unknown --engine before doing anything (exit 2)', async () => {
		const s = streams();
		expect(await main(['login', '--engine', 'rkt'], s.io, {})).toBe(2);
		expect(s.err.join('')).toContain('--engine rkt is not one of docker, podman, finch');
	});

	it('refuses to start the wizard without a TTY, naming the subcommands (exit 2)', async () => {
		const s = streams(false);
		expect(await main([], s.io, {})).toBe(2);
		expect(s.err.join('')).toContain('ecr-setup push IMAGE --repository NAME');
	});

	it('treats CI=true as non-interactive even on a TTY', async () => {
		const s = streams(true);
		expect(await main([], s.io, {CI: 'true'})).toBe(2);
	});

	it('with --json prints exactly one JSON document on stdout, also for errors', async () => {
		const s = streams();
		expect(await main(['push', '--json'], s.io, {})).toBe(2);
		const doc = JSON.parse(s.out.join('')) as {error: {code: string; message: string}};
		expect(doc.error.code).toBe('usage');
		expect(doc.error.message).toContain('Which image');
	});
});
