/**
 * Running `docker push` inside a pseudo-terminal, because docker prints byte counts only when its output is a terminal.
 *
 * Why a terminal and not the Engine API's JSON stream: the CLI keeps resolving credentials itself (credHelpers,
 * credsStore, DOCKER_AUTH_CONFIG, `--config`, contexts and remote daemons), so no registry secret ever passes through
 * ecr-setup, and the output is the same text the line parser already reads. util-linux `script` gives the terminal;
 * when it cannot be used the push runs as before, without byte counts, and the caller says why.
 */
import {shellQuote} from '../lib/shell.js';

export type PtyPlan =
	| {use: true; file: string; args: string[]; env: Record<string, string>}
	| {use: false; reason: string};

export type PtyFacts = {
	platform: NodeJS.Platform | string;
	/** The docker executable; podman, nerdctl and finch draw their own progress that the parser does not read. */
	binary: string;
	/** Absolute path of `script`, or null when it is not on PATH. */
	script: string | null;
};

const DOCKER = /^docker(?:\.exe)?$/i;

/** How to run `binary args…` so that its stdout is a terminal, or why it cannot be done here. */
export function planPty(facts: PtyFacts, argv: readonly string[]): PtyPlan {
	const name = facts.binary.split(/[\\/]/).pop() ?? facts.binary;
	if (!DOCKER.test(name)) return {use: false, reason: `${name} does not print docker's byte counts`};
	// macOS and BSD `script` take different options; Windows has none.
	if (facts.platform !== 'linux') return {use: false, reason: `no pseudo-terminal helper on ${facts.platform}`};
	if (!facts.script) return {use: false, reason: '`script` (util-linux) is not installed'};
	// A wide terminal, so docker never shortens a status line; exec, so the pid ecr-setup stops is docker's own child.
	const command = `stty cols 200 rows 50 2>/dev/null; exec ${[facts.binary, ...argv].map((arg) => shellQuote(arg)).join(' ')}`;
	return {
		use: true,
		file: facts.script,
		// -q no banner, -f flush each write (live progress), -e docker's exit status, -c the command; no typescript file.
		args: ['-qfec', command, '/dev/null'],
		// script runs the command with $SHELL; a login shell such as fish would read it differently.
		env: {SHELL: '/bin/sh'},
	};
}

/** `script` itself failed (no pseudo-terminal left, a seccomp sandbox): its own message, before docker ever ran. */
export function ptyFailed(lines: readonly string[]): boolean {
	const first = lines.find((line) => line.trim().length > 0);
	return first !== undefined && /^script: /.test(first.trim());
}
