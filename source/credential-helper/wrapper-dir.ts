/**
 * Where a profile wrapper goes: a directory on the PATH docker sees (docker finds helpers by a PATH lookup), the real
 * helper's own directory first, else the user's own bin directory when it is on PATH. Pure over the PATH entries and
 * what the caller found out about each directory.
 */
import path from 'node:path';
import {isDirOnPath, pathAdvice, userBinDir} from './platform.js';

type Env = Record<string, string | undefined>;

export type DirCandidate = {dir: string; why: string};

/** What the caller saw of a directory: whether it is there, whether this user may write in it, whether anyone may. */
export type DirProbe = {
	exists: boolean;
	/** Writable by this user; for a directory that does not exist yet, whether it can be created. */
	writable: boolean;
	/** Writable by every user: another account could swap the wrapper for its own program. */
	worldWritable: boolean;
};

export type DirChoice =
	| {ok: true; dir: string; why: string; create: boolean}
	| {ok: false; tried: Array<{dir: string; reason: string}>; addToPath: string; advice: string};

export type WrapperDirInput = {os: string; env: Env; home: string; helperPath: string};

function api(os: string) {
	return os === 'win32' ? path.win32 : path.posix;
}

/** Per-user directories that need no administrator, in the order they are tried (only those on PATH count). */
export function userBinCandidates(os: string, env: Env, home: string): string[] {
	if (os === 'win32') {
		const local = env['LOCALAPPDATA'] ?? path.win32.join(home, 'AppData', 'Local');
		// Windows puts WindowsApps on every user's PATH; install-helper's own directory is there when the user added it.
		return [userBinDir({os, home}, env), path.win32.join(local, 'Microsoft', 'WindowsApps')];
	}

	return [path.posix.join(home, '.local', 'bin'), path.posix.join(home, 'bin')];
}

/** The directories worth probing, best first: the helper's own, then the per-user ones that are on PATH. */
export function wrapperDirCandidates(input: WrapperDirInput): DirCandidate[] {
	const {os, env, home} = input;
	const candidates: DirCandidate[] = [];
	const helperDir = api(os).dirname(api(os).resolve(input.helperPath));
	if (isDirOnPath(helperDir, env, os)) candidates.push({dir: helperDir, why: 'next to docker-credential-ecr-login'});
	for (const dir of userBinCandidates(os, env, home)) {
		if (!isDirOnPath(dir, env, os)) continue;
		if (candidates.some((candidate) => sameDir(candidate.dir, dir, os))) continue;
		candidates.push({dir, why: 'your own bin directory, on PATH'});
	}

	return candidates;
}

function sameDir(a: string, b: string, os: string): boolean {
	const normal = (value: string) => {
		const resolved = api(os)
			.normalize(value)
			.replace(/[\\/]+$/, '');
		return os === 'win32' || os === 'darwin' ? resolved.toLowerCase() : resolved;
	};
	return normal(a) === normal(b);
}

/** The first candidate this user can write in that others cannot; else which directory to add to PATH, and how. */
export function chooseWrapperDir(
	input: WrapperDirInput,
	probes: ReadonlyMap<string, DirProbe>,
	candidates: DirCandidate[] = wrapperDirCandidates(input),
): DirChoice {
	const tried: Array<{dir: string; reason: string}> = [];
	for (const candidate of candidates) {
		const probe = probes.get(candidate.dir);
		if (!probe) {
			tried.push({dir: candidate.dir, reason: 'could not be checked'});
			continue;
		}

		if (!probe.writable) {
			tried.push({dir: candidate.dir, reason: probe.exists ? 'not writable by you' : 'cannot be created'});
			continue;
		}

		if (input.os !== 'win32' && probe.worldWritable) {
			tried.push({dir: candidate.dir, reason: 'writable by every user, so anyone could replace the wrapper'});
			continue;
		}

		return {ok: true, dir: candidate.dir, why: candidate.why, create: !probe.exists};
	}

	const addToPath = userBinDir({os: input.os, home: input.home}, input.env);
	return {ok: false, tried, addToPath, advice: pathAdvice(addToPath, {os: input.os, home: input.home}, input.env)};
}
