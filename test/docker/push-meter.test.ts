import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {
	type ByteSample,
	describeRate,
	formatDuration,
	plural,
	recordBytes,
	secondsLeft,
	speedAt,
	summarizeRate,
	truncateMiddle,
} from '../../source/docker/push-meter.js';
import {createPushTracker} from '../../source/docker/push-progress.js';

/** A terminal capture of a 30 MB layer at 2 MB/s: each line is `<ms since start>\t<chunk>`, `\e` and `\r` escaped. */
function timedCapture(name: string): Array<{at: number; chunk: string}> {
	return readFileSync(new URL(`../fixtures/docker-push/${name}.txt`, import.meta.url), 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => {
			const [at, chunk = ''] = line.split('\t');
			return {at: Number(at), chunk: chunk.replaceAll('\\e', '\u001B').replaceAll('\\r', '\r')};
		});
}

/** Replay a capture through the tracker and the meter, asking for the rate at each of `asks` (ms). */
function replay(asks: number[]) {
	const tracker = createPushTracker();
	let samples: ByteSample[] = [];
	const answers = new Map<number, ReturnType<typeof summarizeRate>>();
	const pending = [...asks];
	for (const {at, chunk} of timedCapture('pty-timed-30mb')) {
		while (pending.length > 0 && pending[0]! < at) {
			const ask = pending.shift()!;
			answers.set(ask, summarizeRate(samples, tracker.state.bytesDone, tracker.state.bytesTotal, ask));
		}

		tracker.feed(chunk);
		samples = recordBytes(samples, at, tracker.state.bytesDone);
	}

	return {answers, state: tracker.state};
}

describe('push meter over a captured terminal push', () => {
	it('reads bytes, speed and time left while the layer goes up', () => {
		const {answers, state} = replay([400, 1200, 8500]);
		// Before any byte count: nothing to say.
		expect(describeRate(answers.get(400)!)).toBe('');
		// Under a second of history: no guess yet.
		expect(describeRate(answers.get(1200)!)).toBe('measuring speed');
		const mid = answers.get(8500)!;
		expect(mid.current).toBe(15_900_000);
		expect(mid.total).toBe(30_000_000);
		expect(mid.speed! / 1e6).toBeCloseTo(2, 1);
		expect(mid.secondsLeft).toBeGreaterThanOrEqual(7);
		expect(mid.secondsLeft).toBeLessThanOrEqual(8);
		expect(describeRate(mid)).toMatch(/^(1\.9\d|2\.0\d)MB\/s · [78]s left$/);
		expect(state.digest?.tag).toBe('v1');
		expect(state.bytesDone).toBe(30_000_000);
	});
});

describe('speedAt', () => {
	it('measures over the window ending now, interpolating the sample before it', () => {
		const samples = [
			{at: 0, bytes: 0},
			{at: 10_000, bytes: 10_000_000},
		];
		// 1 MB/s throughout: the window's start (5 s) is interpolated to 5 MB.
		expect(speedAt(samples, 10_000)).toBeCloseTo(1_000_000);
	});

	it('falls to zero when nothing arrives (a stall), instead of repeating the last speed', () => {
		let samples: ByteSample[] = [];
		samples = recordBytes(samples, 0, 0);
		samples = recordBytes(samples, 2000, 2_000_000);
		expect(speedAt(samples, 2000)).toBeCloseTo(1_000_000);
		samples = recordBytes(samples, 9000, 2_000_000);
		expect(speedAt(samples, 9000)).toBe(0);
		expect(describeRate({current: 2_000_000, total: 5_000_000, speed: 0, secondsLeft: undefined})).toBe('stalled');
	});

	it('starts afresh when the count goes down (docker retrying a layer)', () => {
		const samples = recordBytes([{at: 0, bytes: 5_000_000}], 1000, 1_000_000);
		expect(samples).toEqual([{at: 1000, bytes: 1_000_000}]);
		expect(speedAt(samples, 1500)).toBeUndefined();
	});

	it('keeps only the window and the one sample before it', () => {
		let samples: ByteSample[] = [];
		for (let at = 0; at <= 20_000; at += 500) samples = recordBytes(samples, at, at * 100);
		expect(samples[0]!.at).toBe(15_000);
		expect(samples.length).toBe(11);
	});
});

describe('formatting', () => {
	it.each([
		[0, '0s'],
		[45, '45s'],
		[65, '1m 05s'],
		[3725, '1h 02m'],
	])('formatDuration(%d) = %s', (seconds, text) => {
		expect(formatDuration(seconds)).toBe(text);
	});

	it('counts seconds left up, and has none without a speed', () => {
		expect(secondsLeft(3_000_000, 2_000_000)).toBe(2);
		expect(secondsLeft(3_000_000, undefined)).toBeUndefined();
		expect(secondsLeft(3_000_000, 0)).toBeUndefined();
	});

	it('says 1 layer and 2 layers', () => {
		expect(plural(1, 'layer')).toBe('1 layer');
		expect(plural(2, 'layer')).toBe('2 layers');
		expect(plural(0, 'layer')).toBe('0 layers');
	});

	it('shortens a long host in the middle', () => {
		const uri = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/team/very-long-repository-name:v1.2.3';
		const short = truncateMiddle(uri, 40);
		expect(short).toHaveLength(40);
		expect(short.startsWith('12345678901')).toBe(true);
		expect(short.endsWith(':v1.2.3')).toBe(true);
		expect(short).toContain('…');
		expect(truncateMiddle('short', 40)).toBe('short');
	});
});
