/**
 * Drives a program in a real terminal: a tmux session of a given size, keys sent with send-keys, the screen read with
 * capture-pane. Every session lives on the suite's own tmux socket (stack.sh kills that server at the end, whatever happened).
 */
import {execFile} from 'node:child_process';
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {stack, type Env} from './harness.js';

function tmux(args: readonly string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(
			'tmux',
			['-S', socketPath(), ...args],
			{env: {PATH: '/usr/local/bin:/usr/bin:/bin', TERM: 'xterm-256color'}, timeout: 10_000},
			(error, stdout, stderr) => {
				if (error) reject(new Error(`tmux ${args.join(' ')}: ${stderr || error.message}`));
				else resolve(stdout);
			},
		);
	});
}

export function socketPath(): string {
	return path.join(stack.work, 'tmux.sock');
}

function shellQuote(value: string): string {
	return `'${value.replace(/'/g, `'\\''`)}'`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type TmuxStartOptions = {
	name: string;
	width?: number;
	height?: number;
	/** argv of the program. */
	command: string[];
	/** Its whole environment (nothing of the tmux server's leaks in). */
	env: Env;
	cwd?: string;
};

export class TmuxSession {
	private constructor(
		readonly name: string,
		private readonly statusFile: string,
	) {}

	/** Starts the program in a detached session; the pane stays after it exits so its status and last screen can be read. */
	static async start(options: TmuxStartOptions): Promise<TmuxSession> {
		// The environment goes through a file, not argv: the AWS keys in it (dummies here) must never be visible in `ps`.
		const envFile = path.join(stack.work, `tmux-${options.name}.env`);
		// tmux's own terminal type (its default-terminal with no config file), which `env -i` would otherwise drop.
		const env = {TERM: 'screen', ...options.env};
		writeFileSync(
			envFile,
			Object.entries(env)
				.map(([key, value]) => `${key}=${shellQuote(value)}\n`)
				.join(''),
			{mode: 0o600},
		);
		// tmux marks the pane dead when the pty closes, sometimes before it has reaped the child: #{pane_dead_status}
		// then stays empty. The program's status is written to a file by the shell around it instead.
		const statusFile = path.join(stack.work, `tmux-${options.name}.status`);
		rmSync(statusFile, {force: true});
		const inner = `set -a; . ${shellQuote(envFile)}; set +a; cd ${shellQuote(options.cwd ?? options.env.HOME ?? '/')}; ${options.command.map(shellQuote).join(' ')}; echo $? > ${shellQuote(statusFile)}`;
		const shellCommand = `exec env -i /bin/bash -c ${shellQuote(inner)}`;
		await tmux([
			'-f',
			'/dev/null',
			'new-session',
			'-d',
			'-s',
			options.name,
			'-x',
			String(options.width ?? 80),
			'-y',
			String(options.height ?? 24),
			shellCommand,
			';',
			'set-option',
			'-t',
			options.name,
			'remain-on-exit',
			'on',
		]);
		return new TmuxSession(options.name, statusFile);
	}

	/** The visible screen as plain text (no escapes), trailing blank lines dropped. */
	async screen(): Promise<string> {
		const text = await tmux(['capture-pane', '-p', '-t', this.name]);
		return text.replace(/\s+$/, '');
	}

	/** Named keys as tmux spells them: Enter, Escape, Up, Down, Tab, BSpace, C-c … */
	async press(...keys: string[]): Promise<void> {
		await tmux(['send-keys', '-t', this.name, ...keys]);
	}

	/** Literal text, character by character as typed. */
	async type(text: string): Promise<void> {
		await tmux(['send-keys', '-t', this.name, '-l', text]);
	}

	/** Waits until the screen matches; on time-out the error shows the last screen. */
	async waitFor(pattern: string | RegExp, timeoutMs = 15_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let last = '';
		while (Date.now() < deadline) {
			last = await this.screen();
			if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) return last;
			await sleep(100);
		}
		throw new Error(
			`tmux ${this.name}: screen did not show ${String(pattern)} within ${timeoutMs} ms. Last screen:\n${last}`,
		);
	}

	/** Waits until the screen has not changed for quietMs (a frame finished drawing). */
	async waitForQuiet(quietMs = 500, timeoutMs = 15_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let last = await this.screen();
		let since = Date.now();
		while (Date.now() < deadline) {
			await sleep(100);
			const now = await this.screen();
			if (now !== last) {
				last = now;
				since = Date.now();
			} else if (Date.now() - since >= quietMs) {
				return now;
			}
		}
		return last;
	}

	/** The program's exit status once it has exited, else undefined. */
	async exitStatus(): Promise<number | undefined> {
		if (existsSync(this.statusFile)) {
			const text = readFileSync(this.statusFile, 'utf8').trim();
			if (/^\d+$/.test(text)) return Number(text);
		}

		const [dead, signal] = (await tmux(['display-message', '-p', '-t', this.name, '#{pane_dead} #{pane_dead_signal}']))
			.trim()
			.split(' ');
		// The shell around the program died too (a signal, or a kill): 128 + the signal, as a shell reports it.
		if (dead === '1' && !existsSync(this.statusFile)) return signal ? 128 + Number(signal) : 255;
		return undefined;
	}

	async waitForExit(timeoutMs = 10_000): Promise<number> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const status = await this.exitStatus();
			if (status !== undefined) return status;
			await sleep(100);
		}
		throw new Error(
			`tmux ${this.name}: the program did not exit within ${timeoutMs} ms. Last screen:\n${await this.screen()}`,
		);
	}

	async kill(): Promise<void> {
		await tmux(['kill-session', '-t', this.name]).catch(() => {});
	}
}
