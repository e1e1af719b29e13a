/**
 * A lock next to a file, so that two ecr-setup runs never write it at once: `<file>.ecr-setup-lock`, created exclusively
 * (O_EXCL), holding the holder's pid, host and start time. A lock whose holder is gone (its pid is dead on this host, or
 * it is older than any write takes) is taken over; a live one is waited for, up to a bound, with one message. Other
 * programs (docker itself) do not take it: writers still check the file just before they rename.
 */
import {hostname} from 'node:os';
import * as nodeFs from 'node:fs/promises';
import {randomBytes} from 'node:crypto';
import {UserError} from '../errors/user-errors.js';
import {shellQuote} from '../lib/shell.js';
import {errorCode} from './errors.js';

export const LOCK_SUFFIX = '.ecr-setup-lock';

/** A write holds the lock for milliseconds; one older than this was left by a process that stopped. */
const STALE_AFTER_MS = 60_000;

export type LockHolder = {pid: number; host: string; since: number};

export type LockOptions = {
	/** How long to wait for a live holder (default 15 s). */
	timeoutMs?: number;
	/** Said once when the lock is held by someone else and this run starts to wait. */
	onWait?: (holder: LockHolder | undefined) => void;
	now?: () => number;
	/** Whether a process is alive (tests). */
	isAlive?: (pid: number) => boolean;
};

/** Whether a pid runs on this host (EPERM: it runs, as another user). */
export function processIsAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return errorCode(error) === 'EPERM';
	}
}

function parseHolder(text: string): LockHolder | undefined {
	try {
		const value = JSON.parse(text) as Partial<LockHolder>;
		if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.since === 'number')
			return {pid: value.pid, host: value.host, since: value.since};
	} catch {}
	return undefined;
}

/** Whether a holder can no longer be writing: dead on this host, or older than any write. */
export function isStale(
	holder: LockHolder | undefined,
	context: {host: string; now: number; isAlive: (pid: number) => boolean},
): boolean {
	// An unreadable lock is one a writer is still filling in, or one a crash cut short: age decides, below.
	if (!holder) return false;
	if (context.now - holder.since > STALE_AFTER_MS) return true;
	return holder.host === context.host && !context.isAlive(holder.pid);
}

/**
 * Create the lock with its content in one step: the holder is written to a temp file, which is then hard-linked to the
 * lock's name (link fails when the name exists). So a lock is never seen empty, even after a kill. The temp file is
 * named like the atomic writer's, whose clean-up removes one a killed run left.
 */
async function createLock(lockPath: string, target: string, content: string): Promise<'taken' | 'held' | 'impossible'> {
	const temp = `${target}.ecr-setup-tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
	try {
		await nodeFs.writeFile(temp, content, {flag: 'wx', mode: 0o600});
	} catch {
		// Created but not written (a full disk): nothing of ours may stay behind.
		await nodeFs.unlink(temp).catch(() => undefined);
		return 'impossible';
	}

	try {
		await nodeFs.link(temp, lockPath);
		return 'taken';
	} catch (error) {
		if (errorCode(error) === 'EEXIST') return 'held';
		// No hard links here (some network and FAT file systems): an exclusive create, then the content.
		try {
			await nodeFs.writeFile(lockPath, content, {flag: 'wx', mode: 0o600});
			return 'taken';
		} catch (fallback) {
			return errorCode(fallback) === 'EEXIST' ? 'held' : 'impossible';
		}
	} finally {
		await nodeFs.unlink(temp).catch(() => undefined);
	}
}

const sleep = async (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Run `fn` holding the lock of `target` (a real path). Where no lock can be made (a read-only or foreign-owned
 * directory), `fn` runs without one: its own write then fails and says why, and nothing is worse than before.
 */
export async function withFileLock<T>(target: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
	const lockPath = `${target}${LOCK_SUFFIX}`;
	const now = options.now ?? Date.now;
	const isAlive = options.isAlive ?? processIsAlive;
	const host = hostname();
	const deadline = now() + (options.timeoutMs ?? 15_000);
	const mine = JSON.stringify({pid: process.pid, host, since: now()});
	let waited = false;
	let delay = 20;
	for (;;) {
		const taken = await createLock(lockPath, target, mine);
		if (taken === 'taken') break;
		// No lock can be made here (read-only, full, foreign-owned): the write reports its own failure.
		if (taken === 'impossible') return fn();

		const text = await nodeFs.readFile(lockPath, 'utf8').catch(() => undefined);
		if (text === undefined) continue;
		const holder = parseHolder(text);
		const age = await nodeFs.stat(lockPath).then(
			(stats) => now() - stats.mtimeMs,
			() => 0,
		);
		if (isStale(holder, {host, now: now(), isAlive}) || (!holder && age > STALE_AFTER_MS)) {
			// Take a dead holder's lock over by renaming it away: of two runs that both saw it stale, one rename succeeds.
			const aside = `${lockPath}.stale-${process.pid}-${randomBytes(3).toString('hex')}`;
			if (
				await nodeFs.rename(lockPath, aside).then(
					() => true,
					() => false,
				)
			)
				await nodeFs.unlink(aside).catch(() => undefined);
			continue;
		}

		if (now() >= deadline) {
			throw new UserError(
				`${target} is being changed by another ecr-setup${holder ? ` (pid ${holder.pid} on ${holder.host})` : ''}, which has not finished.`,
				{
					code: 'file.locked',
					hint: `Wait for it and run again. If no ecr-setup is running, remove ${lockPath}.`,
					nextSteps: [`rm ${shellQuote(lockPath)}`],
				},
			);
		}

		if (!waited) {
			waited = true;
			options.onWait?.(holder);
		}

		await sleep(delay);
		delay = Math.min(delay * 2, 250);
	}

	try {
		return await fn();
	} finally {
		// Only our own lock is removed (a takeover after a very long stall may have replaced it).
		const text = await nodeFs.readFile(lockPath, 'utf8').catch(() => undefined);
		if (text === mine) await nodeFs.unlink(lockPath).catch(() => undefined);
	}
}
