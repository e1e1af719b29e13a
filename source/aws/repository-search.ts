/**
 * Look for one repository in many regions at once: a bounded number of calls in flight, one time limit for all, and a
 * result that says which regions have it, which failed (and why) and which did not answer in time.
 */
import {CancelledError} from '../errors/user-errors.js';
import type {RepositoryInfo, RepositorySearchResult} from './types.js';

export const DEFAULT_FIND_CONCURRENCY = 6;
export const DEFAULT_FIND_TIMEOUT_MS = 8000;

export type RegionLookup = {
	/** The repository in this region, or null when it is not there. */
	describe(region: string, signal: AbortSignal): Promise<RepositoryInfo | null>;
	/** Why a region's call failed, in one sentence. */
	explain(error: unknown, region: string): string;
};

export async function searchRegions(
	regions: readonly string[],
	lookup: RegionLookup,
	options: {concurrency?: number | undefined; timeoutMs?: number | undefined; signal?: AbortSignal | undefined} = {},
): Promise<RepositorySearchResult> {
	const concurrency = Math.max(1, options.concurrency ?? DEFAULT_FIND_CONCURRENCY);
	const timeoutMs = options.timeoutMs ?? DEFAULT_FIND_TIMEOUT_MS;
	const outer = options.signal;
	if (outer?.aborted) throw new CancelledError();

	const controller = new AbortController();
	const onOuterAbort = () => controller.abort();
	outer?.addEventListener('abort', onOuterAbort, {once: true});
	const found = new Map<string, RepositoryInfo>();
	const failed = new Map<string, string>();
	const answered = new Set<string>();
	let next = 0;
	let closed = false;

	const worker = async () => {
		while (!closed && next < regions.length) {
			const region = regions[next++]!;
			try {
				const repository = await lookup.describe(region, controller.signal);
				if (closed) return;
				if (repository) found.set(region, repository);
			} catch (error) {
				if (closed) return;
				failed.set(region, lookup.explain(error, region));
			}

			answered.add(region);
		}
	};

	let timer: NodeJS.Timeout | undefined;
	const deadline = new Promise<void>((resolve) => {
		timer = setTimeout(resolve, timeoutMs);
		// The limit must not keep the process alive on its own.
		timer.unref?.();
	});
	const cancelled = new Promise<void>((resolve) => {
		controller.signal.addEventListener('abort', () => resolve(), {once: true});
	});
	const workers = Array.from({length: Math.min(concurrency, regions.length)}, async () => worker());
	try {
		await Promise.race([Promise.all(workers), deadline, cancelled]);
	} finally {
		closed = true;
		clearTimeout(timer);
		outer?.removeEventListener('abort', onOuterAbort);
		// Calls still running past the limit are abandoned; aborting frees their sockets.
		controller.abort();
	}

	if (outer?.aborted) throw new CancelledError();
	return {
		found: regions.flatMap((region) => {
			const repository = found.get(region);
			return repository ? [repository] : [];
		}),
		failed: regions.flatMap((region) => {
			const message = failed.get(region);
			return message === undefined ? [] : [{region, message}];
		}),
		timedOut: regions.filter((region) => !answered.has(region)),
	};
}
