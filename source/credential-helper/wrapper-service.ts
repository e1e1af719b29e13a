/**
 * The profile wrappers on disk: finding the one docker would run (a PATH lookup, as docker does), planning a write (where,
 * what text, the diff), writing it atomically (0755, refusing a file ecr-setup did not write) and removing one of ours.
 */
import {constants as fsConstants} from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {UserError, errorMessage} from '../errors/user-errors.js';
import {atomicFiles, type FileSystem} from '../files/atomic-file.js';
import {errorCode} from '../files/errors.js';
import {withFileLock} from '../files/lock.js';
import {fileDiff} from '../lib/diff.js';
import {executableCandidates} from './platform.js';
import {chooseWrapperDir, type DirProbe, wrapperDirCandidates} from './wrapper-dir.js';
import {
	boundHelperName,
	readWrapper,
	wrapperFileName,
	wrapperFlavour,
	wrapperText,
	type WrapperContent,
} from './wrapper.js';

type Env = Record<string, string | undefined>;

const WRAPPER_MODE = 0o755;

export type WrapperFile = {
	path: string;
	text: string;
	/** What ecr-setup wrote into it; undefined when ecr-setup did not write the file (or it is a link). */
	own: WrapperContent | undefined;
};

export type WrapperPlan = {
	profile: string;
	/** The credHelpers value that names it: `ecr-login-<profile>`. */
	helperName: string;
	path: string;
	text: string;
	/** The wrapper's text now ('undefined': there is none yet). */
	before: string | undefined;
	changed: boolean;
	/** The directory has to be made first (a per-user bin directory that is on PATH but not there yet). */
	createDir: boolean;
	/** Why this directory, in a few words. */
	why: string;
	/** Only the mode changes (back to 0755): the text is already right. */
	modeOnly: boolean;
	/** Unified diff of the wrapper ('' when its text stays). */
	diff: string;
};

export type WrapperRemoval = {profile: string; path: string; text: string};

export interface WrapperService {
	/** The docker-credential-ecr-login-<profile> docker would run: the first on PATH, or null. */
	find(profile: string): Promise<WrapperFile | null>;
	/** Where and what the wrapper will be. Throws a UserError when no directory on PATH will do or the name is taken. */
	plan(profile: string, helperPath: string): Promise<WrapperPlan>;
	/** Write the plan; the returned undo puts back what was there (used when the config write after it fails). */
	apply(plan: WrapperPlan): Promise<{undo: () => Promise<void>}>;
	/** The removal of profile's wrapper when it is ecr-setup's, else a note saying why it stays. */
	planRemoval(profile: string): Promise<{removal: WrapperRemoval} | {note: string; missing: boolean}>;
	/** Remove it if it still holds the text shown; false when it changed (it is then left alone). */
	remove(removal: WrapperRemoval): Promise<boolean>;
}

export type WrapperServiceOptions = {
	env?: Env;
	platform?: string;
	home?: string;
	fs?: FileSystem;
	/** How a directory is judged (tests stand in for permissions a root test run cannot lose). */
	probe?: (dir: string) => Promise<DirProbe>;
};

function ioError(error: unknown, target: string, action: 'read' | 'write'): UserError {
	if (error instanceof UserError) return error;
	return new UserError(`Cannot ${action} ${target}: ${errorMessage(error)}`, {
		code: 'helper.wrapper-io',
		hint:
			action === 'write'
				? 'Nothing was bound: config.json is written only after the wrapper.'
				: 'Check the permissions of that file.',
		cause: error,
	});
}

/** Whether this user may write in dir (or create it, when it is missing), and whether everyone may. */
export async function probeDirectory(dir: string): Promise<DirProbe> {
	const stats = await nodeFs.stat(dir).catch(() => undefined);
	if (stats) {
		const writable =
			stats.isDirectory() &&
			(await nodeFs.access(dir, fsConstants.W_OK).then(
				() => true,
				() => false,
			));
		return {exists: true, writable, worldWritable: (stats.mode & 0o002) !== 0};
	}

	let parent = path.dirname(dir);
	while (parent !== path.dirname(parent) && !(await nodeFs.stat(parent).catch(() => undefined)))
		parent = path.dirname(parent);
	const writable = await nodeFs.access(parent, fsConstants.W_OK).then(
		() => true,
		() => false,
	);
	return {exists: false, writable, worldWritable: false};
}

export function createWrapperService(options: WrapperServiceOptions = {}): WrapperService {
	const env = options.env ?? process.env;
	const platform = options.platform ?? process.platform;
	const home = options.home ?? (platform === 'win32' ? (env['USERPROFILE'] ?? os.homedir()) : os.homedir());
	const fs = options.fs ?? nodeFs;
	const files = atomicFiles({fs, explain: ioError});
	const probe = options.probe ?? probeDirectory;
	const flavour = wrapperFlavour(platform);

	/** A regular file's text and whether ecr-setup wrote it; a link is never taken for one of ours. */
	async function look(file: string): Promise<WrapperFile | null> {
		let stats: Awaited<ReturnType<FileSystem['lstat']>>;
		try {
			stats = await fs.lstat(file);
		} catch (error) {
			if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return null;
			throw ioError(error, file, 'read');
		}

		if (!stats.isFile()) return {path: file, text: '', own: undefined};
		const text = await fs.readFile(file, 'utf8').catch((error: unknown) => {
			throw ioError(error, file, 'read');
		});
		return {path: file, text, own: readWrapper(text)};
	}

	async function find(profile: string): Promise<WrapperFile | null> {
		const command = `docker-credential-${boundHelperName(profile)}`;
		for (const candidate of executableCandidates(command, {os: platform, env})) {
			const found = await look(candidate);
			if (!found) continue;
			// docker runs a file only when it is executable (its PATH lookup skips the others).
			if (platform !== 'win32') {
				const stats = await fs.stat(candidate).catch(() => undefined);
				if (!stats?.isFile() || (stats.mode & 0o111) === 0) continue;
			}

			return found;
		}

		return null;
	}

	function notOurs(file: string, profile: string): UserError {
		return new UserError(`${file} exists and was not written by ecr-setup: it is left as it is.`, {
			code: 'helper.wrapper-taken',
			hint: `docker would run that file for registries bound to profile ${profile}. Move it away (or rename the AWS profile), then run the command again. Nothing was changed.`,
		});
	}

	function otherProfile(file: string, own: WrapperContent, profile: string): UserError {
		return new UserError(`${file} is ecr-setup's wrapper of profile ${own.profile}, not of ${profile}.`, {
			code: 'helper.wrapper-taken',
			hint: 'On this file system the two names are one file. Bind one of the two profiles only, or rename one. Nothing was changed.',
		});
	}

	async function plan(profile: string, found: string): Promise<WrapperPlan> {
		// A relative PATH entry finds a relative path; the wrapper must run the same file from any directory.
		const helperPath = (platform === 'win32' ? path.win32 : path.posix).resolve(found);
		const text = wrapperText(profile, helperPath, flavour);
		const helperName = boundHelperName(profile);
		const existing = await find(profile);
		if (existing && !existing.own) throw notOurs(existing.path, profile);
		if (existing?.own && existing.own.profile !== profile) throw otherProfile(existing.path, existing.own, profile);
		let target: string;
		let why: string;
		let before: string | undefined;
		let createDir = false;
		if (existing) {
			target = existing.path;
			why = 'where it already is';
			before = existing.text;
		} else {
			const input = {os: platform, env, home, helperPath};
			const candidates = wrapperDirCandidates(input);
			const probes = new Map(await Promise.all(candidates.map(async (c) => [c.dir, await probe(c.dir)] as const)));
			const choice = chooseWrapperDir(input, probes, candidates);
			if (!choice.ok) {
				const tried = choice.tried.map((entry) => `${entry.dir} (${entry.reason})`).join(', ');
				throw new UserError(
					`No directory on PATH can take docker-credential-${helperName}${tried ? `: tried ${tried}` : ''}.`,
					{
						code: 'helper.wrapper-no-dir',
						hint: `docker finds credential helpers on PATH. Add ${choice.addToPath} to PATH, then run the command again. Nothing was changed.`,
						nextSteps: [choice.advice],
					},
				);
			}

			target = (platform === 'win32' ? path.win32 : path.posix).join(choice.dir, wrapperFileName(profile, flavour));
			why = choice.why;
			createDir = choice.create;
			// A file docker would not run (not executable) still has the name: it is someone's, unless ecr-setup wrote it.
			const there = await look(target);
			if (there && !there.own) throw notOurs(target, profile);
			if (there?.own && there.own.profile !== profile) throw otherProfile(target, there.own, profile);
			before = there?.text;
		}

		const sameText = before === text;
		const unchanged = sameText && (await modeIsRight(target));
		return {
			profile,
			helperName,
			path: target,
			text,
			before,
			changed: !unchanged,
			createDir,
			why,
			modeOnly: sameText && !unchanged,
			diff: sameText ? '' : fileDiff(target, before, text),
		};
	}

	async function modeIsRight(file: string): Promise<boolean> {
		if (platform === 'win32') return true;
		const stats = await fs.stat(file).catch(() => undefined);
		return stats !== undefined && (stats.mode & 0o777) === WRAPPER_MODE;
	}

	/** Throws unless the file is still what the plan was made from (absent, or the same text). */
	async function assertAsPlanned(target: string, before: string | undefined): Promise<void> {
		const now = await look(target);
		const same = before === undefined ? now === null : now?.own !== undefined && now.text === before;
		if (!same) {
			throw new UserError(`${target} changed while ecr-setup was waiting: it is left as it is.`, {
				code: 'helper.wrapper-changed',
				hint: 'Run the command again to see the change it would make now. Nothing was bound.',
			});
		}
	}

	async function apply(wrapperPlan: WrapperPlan): Promise<{undo: () => Promise<void>}> {
		if (!wrapperPlan.changed) return {undo: async () => undefined};
		const dir = path.dirname(wrapperPlan.path);
		let created: string | undefined;
		if (wrapperPlan.createDir) {
			created = await fs.mkdir(dir, {recursive: true, mode: 0o755}).catch((error: unknown) => {
				throw ioError(error, dir, 'write');
			});
		}

		const owner = {uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0};
		// Under the wrapper's lock, as every ecr-setup write is: two binds of one profile at once never interleave.
		await withFileLock(wrapperPlan.path, async () => {
			await files.replaceFile(
				wrapperPlan.path,
				Buffer.from(wrapperPlan.text, 'utf8'),
				{mode: WRAPPER_MODE, ...owner},
				() => assertAsPlanned(wrapperPlan.path, wrapperPlan.before),
			);
		});
		await files.removeStaleTemps(wrapperPlan.path);
		return {
			async undo() {
				const now = await look(wrapperPlan.path).catch(() => null);
				if (now?.text !== wrapperPlan.text) return;
				if (wrapperPlan.before === undefined) {
					await fs.unlink(wrapperPlan.path).catch(() => undefined);
					// The directories made for it, innermost first, as long as nothing else went in.
					for (let at = dir; created && at.startsWith(created); at = path.dirname(at)) {
						if (
							!(await nodeFs.rmdir(at).then(
								() => true,
								() => false,
							)) ||
							at === created
						)
							break;
					}
				} else {
					await files.replaceFile(wrapperPlan.path, Buffer.from(wrapperPlan.before, 'utf8'), {
						mode: WRAPPER_MODE,
						...owner,
					});
				}
			},
		};
	}

	async function planRemoval(profile: string): Promise<{removal: WrapperRemoval} | {note: string; missing: boolean}> {
		const found = await find(profile);
		const name = `docker-credential-${boundHelperName(profile)}`;
		if (!found) return {note: `${name} is not on PATH: there is no wrapper to remove.`, missing: true};
		if (!found.own) return {note: `${found.path} was not written by ecr-setup: it is left as it is.`, missing: false};
		if (found.own.profile !== profile)
			return {
				note: `${found.path} is the wrapper of profile ${found.own.profile}: it is left as it is.`,
				missing: false,
			};
		return {removal: {profile, path: found.path, text: found.text}};
	}

	async function remove(removal: WrapperRemoval): Promise<boolean> {
		const now = await look(removal.path);
		if (!now?.own || now.text !== removal.text) return false;
		try {
			await fs.unlink(removal.path);
		} catch (error) {
			if (errorCode(error) === 'ENOENT') return true;
			throw ioError(error, removal.path, 'write');
		}

		return true;
	}

	return {find, plan, apply, planRemoval, remove};
}
