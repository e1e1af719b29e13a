/**
 * The region step's background scan: which regions already hold repositories. Parallel with a bound, stops at the first
 * page of each region (enough to know "has some"), and stops everything when the signal aborts.
 */
import type {AwsService} from '../../../aws/types.js';
import {errorMessage} from '../../../errors/user-errors.js';

export type RegionScan =
	| {state: 'pending'}
	| {state: 'found'; count: number; more: boolean}
	| {state: 'empty'}
	| {state: 'failed'; message: string};

export async function scanRegions(
	aws: AwsService,
	regions: readonly string[],
	options: {concurrency?: number; signal?: AbortSignal; onResult: (region: string, result: RegionScan) => void},
): Promise<void> {
	const queue = [...regions];
	const concurrency = Math.max(1, options.concurrency ?? 6);

	async function worker(): Promise<void> {
		for (;;) {
			if (options.signal?.aborted) return;
			const region = queue.shift();
			if (region === undefined) return;
			const controller = new AbortController();
			const stop = () => controller.abort();
			options.signal?.addEventListener('abort', stop, {once: true});
			let firstPage: number | undefined;
			try {
				const all = await aws.listRepositories(region, {
					signal: controller.signal,
					onPage(soFar) {
						if (firstPage === undefined && soFar.length > 0) {
							firstPage = soFar.length;
							// One page answers the question; the rest of the listing is not needed.
							controller.abort();
						}
					},
				});
				if (!options.signal?.aborted) {
					options.onResult(
						region,
						all.length > 0 ? {state: 'found', count: all.length, more: false} : {state: 'empty'},
					);
				}
			} catch (error) {
				if (options.signal?.aborted) return;
				if (firstPage !== undefined) options.onResult(region, {state: 'found', count: firstPage, more: true});
				else options.onResult(region, {state: 'failed', message: errorMessage(error)});
			} finally {
				options.signal?.removeEventListener('abort', stop);
			}
		}
	}

	await Promise.all(Array.from({length: Math.min(concurrency, regions.length)}, async () => worker()));
}
