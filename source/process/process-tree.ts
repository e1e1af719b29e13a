/**
 * The processes a child started, read from Linux's /proc, so a cancelled wrapper (util-linux `script`, which runs docker
 * in a session of its own) is stopped together with what it runs. Elsewhere the tree is empty and only the child is
 * signalled.
 */
import {readdir, readFile} from 'node:fs/promises';

/** A process as /proc/<pid>/stat names it: its parent, and its start time (so a reused pid is never signalled). */
export type ProcessEntry = {pid: number; ppid: number; start: string};

/** Parent and start time from one /proc/<pid>/stat line; the command name in parentheses may hold spaces or ')'. */
export function parseStat(pid: number, text: string): ProcessEntry | undefined {
	const close = text.lastIndexOf(')');
	if (close < 0) return undefined;
	// After the name: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime
	// cstime priority nice num_threads itrealvalue starttime …
	const fields = text
		.slice(close + 1)
		.trim()
		.split(/\s+/);
	const ppid = Number(fields[1]);
	const start = fields[19];
	if (!Number.isInteger(ppid) || start === undefined) return undefined;
	return {pid, ppid, start};
}

/** Every descendant of root in a process table, nearest first. */
export function descendantsIn(table: readonly ProcessEntry[], root: number): ProcessEntry[] {
	const children = new Map<number, ProcessEntry[]>();
	for (const entry of table) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry]);
	const found: ProcessEntry[] = [];
	const queue = [root];
	for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
		for (const child of children.get(pid) ?? []) {
			if (child.pid === root || found.some((entry) => entry.pid === child.pid)) continue;
			found.push(child);
			queue.push(child.pid);
		}
	}

	return found;
}

async function entryOf(pid: number, procDir: string): Promise<ProcessEntry | undefined> {
	try {
		return parseStat(pid, await readFile(`${procDir}/${pid}/stat`, 'utf8'));
	} catch {
		return undefined;
	}
}

/** The live process table, or none where there is no /proc. */
export async function processTable(procDir = '/proc'): Promise<ProcessEntry[]> {
	let names: string[];
	try {
		names = await readdir(procDir);
	} catch {
		return [];
	}

	const pids = names.filter((name) => /^\d+$/.test(name)).map(Number);
	const entries = await Promise.all(pids.map(async (pid) => entryOf(pid, procDir)));
	return entries.filter((entry): entry is ProcessEntry => entry !== undefined);
}

/** Still the same process: alive, not a zombie, and started when it was first seen. */
export async function stillRunning(entry: ProcessEntry, procDir = '/proc'): Promise<boolean> {
	try {
		const text = await readFile(`${procDir}/${entry.pid}/stat`, 'utf8');
		const now = parseStat(entry.pid, text);
		const state = text.slice(text.lastIndexOf(')') + 1).trim()[0];
		return now?.start === entry.start && state !== 'Z' && state !== 'X';
	} catch {
		return false;
	}
}
