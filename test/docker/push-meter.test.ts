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
import {createLineSplitter} from '../../source/process/runner.js';

/**
 * A timed terminal capture: each line is `<ms since start>\t<chunk>`, with `\e`, `\r`, `\n` and `\\` escaped.
 * pty-timed-30mb is made by hand (a 30 MB layer at exactly 2 MB/s); pty-relay-30mb is what docker 28.2 printed through
 * util-linux script, pushing a 30 MB layer through the e2e suite's 3 MB/s relay (scenario 13 writes it).
 */
function timedCapture(name: string): Array<{at: number; chunk: string}> {
	const escapes: Record<string, string> = {e: '\u001B', r: '\r', n: '\n', '\\': '\\'};
	return readFileSync(new URL(`../fixtures/docker-push/${name}.txt`, import.meta.url), 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => {
			const tab = line.indexOf('\t');
			const chunk = line.slice(tab + 1).replaceAll(/\\([ernN\\])/g, (_, code: string) => escapes[code]!);
			return {at: Number(line.slice(0, tab)), chunk};
		});
}

/**
 * Replay a capture as the docker service reads it (chunks cut into lines by the runner's splitter, each line fed to the
 * tracker) and the views measure it, asking for the rate at each of `asks` (ms).
 */
function replay(asks: number[], name = 'pty-timed-30mb') {
	const tracker = createPushTracker();
	let samples: ByteSample[] = [];
	let at = 0;
	const counts: Array<{at: number; bytes: number}> = [];
	const splitter = createLineSplitter((line) => {
		tracker.feed(line);
		samples = recordBytes(samples, at, tracker.state.bytesDone);
		if (counts.at(-1)?.bytes !== tracker.state.bytesDone) counts.push({at, bytes: tracker.state.bytesDone});
	});
	const answers = new Map<number, ReturnType<typeof summarizeRate>>();
	const pending = [...asks];
	for (const entry of timedCapture(name)) {
		while (pending.length > 0 && pending[0]! < entry.at) {
			const ask = pending.shift()!;
			answers.set(ask, summarizeRate(samples, tracker.state.bytesDone, tracker.state.bytesTotal, ask));
		}

		at = entry.at;
		splitter.push(entry.chunk);
	}

	splitter.end();
	return {answers, state: tracker.state, counts};
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

describe('push meter over a real capture: docker 28.2 through a pty, 30 MB through a 3 MB/s link', () => {
	it('counts bytes up all along the push, from the first count to the whole layer', () => {
		const {counts, state} = replay([], 'pty-relay-30mb');
		expect(state.layers).toHaveLength(1);
		// docker printed a count about every half second; a chunk cut inside a line is put together first.
		expect(counts.length).toBeGreaterThan(15);
		const sending = counts.slice(0, -1);
		for (let index = 1; index < sending.length; index++)
			expect(sending[index]!.bytes).toBeGreaterThan(sending[index - 1]!.bytes);
		// docker's last count (30.01MB) runs past its estimate; Pushed settles the layer at its size.
		expect(sending.at(-1)!.bytes).toBe(30_010_000);
		expect(counts.at(-1)!.bytes).toBe(30_000_000);
		expect(counts[0]!.at).toBeLessThan(1000);
		expect(state.bytesTotal).toBe(30_000_000);
		expect(state.bytesDone).toBe(30_000_000);
		expect(state.digest).toMatchObject({tag: 'capture', size: 528});
	});

	it('measures the link: about 3 MB/s and the time left while the layer goes up, nothing odd at the end', () => {
		const {answers} = replay([300, 5000, 7000, 9190, 10_000], 'pty-relay-30mb');
		expect(describeRate(answers.get(300)!)).toBe('measuring speed');
		for (const ask of [5000, 7000]) {
			const rate = answers.get(ask)!;
			expect(rate.speed! / 1e6).toBeGreaterThan(2.6);
			expect(rate.speed! / 1e6).toBeLessThan(3.5);
			const expected = (rate.total - rate.current) / rate.speed!;
			expect(rate.secondsLeft).toBeGreaterThanOrEqual(Math.floor(expected));
			expect(rate.secondsLeft).toBeLessThanOrEqual(Math.ceil(expected) + 1);
			expect(describeRate(rate)).toMatch(/^(2\.[6-9]\d|3\.[0-4]\d)MB\/s · \ds left$/);
		}

		// Just before the last count: under a second left.
		expect(answers.get(9190)!.secondsLeft).toBeLessThanOrEqual(1);
		// Every byte sent, the registry finishing the upload: no speed or time left is made up.
		expect(describeRate(answers.get(10_000)!)).toBe('');
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
