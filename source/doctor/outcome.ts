import {classifyError, type FactError} from './classify.js';

export type Outcome<T> =
	| {state: 'ok'; value: T}
	| {state: 'error'; error: FactError}
	| {state: 'timeout'; afterMs: number}
	| {state: 'not-run'; reason: string};

export function ok<T>(value: T): Outcome<T> {
	return {state: 'ok', value};
}

export function notRun<T>(reason: string): Outcome<T> {
	return {state: 'not-run', reason};
}

export function outcomeValue<T>(outcome: Outcome<T>): T | undefined {
	return outcome.state === 'ok' ? outcome.value : undefined;
}

/** "timed out after 8 s", "AccessDeniedException: …", or the reason it did not run. */
export function describeOutcomeProblem(outcome: Outcome<unknown>): string {
	switch (outcome.state) {
		case 'ok':
			return '';
		case 'timeout':
			return outcome.afterMs === 0
				? 'was not started: the time limit of the whole run was used up'
				: `timed out after ${formatSeconds(outcome.afterMs)}`;
		case 'not-run':
			return outcome.reason;
		case 'error':
			return outcome.error.message;
	}
}

export function formatSeconds(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	const seconds = ms / 1000;
	return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

export class Deadline {
	private readonly end: number;

	constructor(
		totalMs: number,
		private readonly callMs: number,
		readonly signal: AbortSignal | undefined,
	) {
		this.end = Date.now() + totalMs;
	}

	/** What one call may take now: its own bound, never past the overall one. */
	budget(): number {
		return Math.max(0, Math.min(this.callMs, this.end - Date.now()));
	}
}

/**
 * Run one fact-gathering call with a time limit. It never throws: errors become classified outcomes,
 * and a call still running at its limit is abandoned (its signal aborted) and reported as a timeout.
 */
export async function gather<T>(
	deadline: Deadline,
	call: (signal: AbortSignal) => Promise<T>,
	/** A tighter bound for this call than the deadline's per-call one. */
	capMs?: number,
): Promise<Outcome<T>> {
	const limit = capMs === undefined ? deadline.budget() : Math.min(capMs, deadline.budget());
	if (deadline.signal?.aborted) return notRun('cancelled');
	if (limit <= 0) return {state: 'timeout', afterMs: 0};
	const controller = new AbortController();
	const onAbort = () => controller.abort();
	deadline.signal?.addEventListener('abort', onAbort, {once: true});
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<Outcome<T>>((resolve) => {
		timer = setTimeout(() => {
			controller.abort();
			resolve({state: 'timeout', afterMs: limit});
		}, limit);
	});
	const attempt = (async (): Promise<Outcome<T>> => {
		try {
			return ok(await call(controller.signal));
		} catch (error) {
			if (controller.signal.aborted && !deadline.signal?.aborted) return {state: 'timeout', afterMs: limit};
			return {state: 'error', error: classifyError(error)};
		}
	})();
	try {
		return await Promise.race([attempt, timeout]);
	} finally {
		clearTimeout(timer);
		deadline.signal?.removeEventListener('abort', onAbort);
	}
}
