/**
 * Speed and time left of a push, from the overall byte count sampled over time. Pure: the caller passes the clock, so
 * the same samples always give the same answer and the tests need no timers.
 */
import {humanSize} from '../lib/format.js';

export type ByteSample = {at: number; bytes: number};

/** Long enough to smooth docker's bursty updates (it reports each 1% of a layer), short enough to follow a change. */
export const SPEED_WINDOW_MS = 5000;
/** Before this much time has passed, a speed would be a guess from one or two updates. */
const MIN_SPAN_MS = 1000;

/**
 * The samples with one more: only those inside the window are kept, plus the last one before it, which is where the
 * window's bytes are measured from. A count that went down (docker retrying a layer from zero) starts afresh, and so
 * does every sample before the first byte.
 */
export function recordBytes(
	samples: readonly ByteSample[],
	at: number,
	bytes: number,
	windowMs = SPEED_WINDOW_MS,
): ByteSample[] {
	const last = samples.at(-1);
	// Time spent preparing before the first byte is not upload time: the baseline moves with it.
	if (last && bytes < last.bytes) return [{at, bytes}];
	if (bytes === 0) return [{at, bytes}];
	if (last && last.bytes === bytes && samples.length > 1) {
		// The same count again says nothing new; keeping the first time it was seen keeps a stall visible.
		return trim(samples, at, windowMs);
	}

	return trim([...samples, {at, bytes}], at, windowMs);
}

function trim(samples: readonly ByteSample[], now: number, windowMs: number): ByteSample[] {
	const start = now - windowMs;
	let first = 0;
	while (first + 1 < samples.length && samples[first + 1]!.at <= start) first++;
	return samples.slice(first);
}

/**
 * Bytes per second over the last window ending at `now`; undefined while there is too little history. Where the oldest
 * sample is older than the window, the count at the window's start is interpolated between it and the next one, so a
 * sample from long ago neither drags the speed down nor makes it jump when it falls out.
 */
export function speedAt(samples: readonly ByteSample[], now: number, windowMs = SPEED_WINDOW_MS): number | undefined {
	const first = samples[0];
	const last = samples.at(-1);
	if (!first || !last || now - first.at < MIN_SPAN_MS) return undefined;
	const start = now - windowMs;
	let fromAt = first.at;
	let fromBytes = first.bytes;
	const next = samples[1];
	if (first.at < start) {
		fromAt = start;
		if (!next) fromBytes = first.bytes;
		else if (next.at <= start) fromBytes = next.bytes;
		else fromBytes = first.bytes + ((next.bytes - first.bytes) * (start - first.at)) / (next.at - first.at);
	}

	const span = now - fromAt;
	if (span <= 0) return undefined;
	return Math.max(0, ((last.bytes - fromBytes) * 1000) / span);
}

/** Seconds until `remaining` bytes are sent at `speed`; undefined when the speed is unknown or nothing moves. */
export function secondsLeft(remaining: number, speed: number | undefined): number | undefined {
	if (speed === undefined || speed <= 0 || remaining < 0) return undefined;
	return Math.ceil(remaining / speed);
}

/** "45s", "3m 05s", "1h 02m": a time left that keeps its width while it counts down. */
export function formatDuration(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
	return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatSpeed(bytesPerSecond: number): string {
	return `${humanSize(bytesPerSecond)}/s`;
}

/** "1 layer", "3 layers". */
export function plural(count: number, noun: string): string {
	return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export type RateSummary = {current: number; total: number; speed: number | undefined; secondsLeft: number | undefined};

/** What a progress line shows about the bytes: sent, known total, speed, time left. */
export function summarizeRate(
	samples: readonly ByteSample[],
	current: number,
	total: number,
	now: number,
): RateSummary {
	const speed = speedAt(samples, now);
	return {current, total, speed, secondsLeft: total > 0 ? secondsLeft(total - current, speed) : undefined};
}

/** "2.10MB/s · 8s left", "measuring speed", "stalled"; empty before any byte is known. */
export function describeRate(rate: RateSummary): string {
	if (rate.total === 0 && rate.current === 0) return '';
	// Every byte sent (docker counts a little past its estimate): the registry is finishing, there is no speed to show.
	if (rate.total > 0 && rate.current >= rate.total) return '';
	if (rate.speed === undefined) return 'measuring speed';
	if (rate.speed === 0) return 'stalled';
	const left = rate.secondsLeft === undefined ? '' : ` · ${formatDuration(rate.secondsLeft)} left`;
	return `${formatSpeed(rate.speed)}${left}`;
}

/** Shorten text to `width` columns by cutting its middle, where a registry host's account and region repeat least. */
export function truncateMiddle(text: string, width: number): string {
	if (text.length <= width) return text;
	if (width <= 1) return text.slice(0, width);
	const keep = width - 1;
	const head = Math.ceil(keep / 2);
	return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}
