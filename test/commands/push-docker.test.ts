import {afterEach, describe, expect, it, vi} from 'vitest';
import {createPushReporter} from '../../source/commands/push-docker.js';
import type {CommandIo} from '../../source/lib/io.js';
import {createEngineDockerService} from '../../source/engines/service.js';
import {createFakeRunner} from '../helpers/fake-runner.js';

function recordingIo(): CommandIo & {errs: string[]} {
	const errs: string[] = [];
	return {errs, out() {}, err: (text) => errs.push(text), interactive: true, color: false, confirm: async () => true};
}

afterEach(() => {
	vi.restoreAllMocks();
	vi.useRealTimers();
});

describe('push reporter', () => {
	it('without a terminal: a line per layer change, and why there are no bytes', () => {
		const io = recordingIo();
		const reporter = createPushReporter(io, false);
		reporter.onEvent({type: 'bytes-unavailable', reason: '`script` (util-linux) is not installed'});
		reporter.onEvent({type: 'layer', id: 'a1b2c3d4e5f6', status: 'preparing'});
		reporter.onEvent({type: 'layer', id: 'a1b2c3d4e5f6', status: 'pushed'});
		reporter.finish();
		expect(io.errs).toEqual([
			'byte progress unavailable: `script` (util-linux) is not installed',
			'  a1b2c3d4e5f6: preparing',
			'  a1b2c3d4e5f6: pushed',
		]);
	});

	it('on a terminal: bytes, speed and time left, redrawn on a clock, within the width', () => {
		vi.useFakeTimers();
		const writes: string[] = [];
		vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
			writes.push(String(chunk));
			return true;
		});
		let clock = 0;
		const reporter = createPushReporter(recordingIo(), true, () => clock);
		reporter.onEvent({type: 'layer', id: 'a1b2c3d4e5f6', status: 'pushing', current: 0, total: 30_000_000});
		for (let step = 1; step <= 6; step++) {
			clock = step * 1000;
			reporter.onEvent({
				type: 'layer',
				id: 'a1b2c3d4e5f6',
				status: 'pushing',
				current: step * 2_000_000,
				total: 30_000_000,
			});
		}

		expect(writes.at(-1)).toBe('\r\u001B[2KPushing: 0/1 layer done, 12.0MB of 30.0MB · 2.00MB/s · 9s left');
		// No new bytes: the clock alone redraws, and the speed falls.
		clock = 8000;
		vi.advanceTimersByTime(500);
		expect(writes.at(-1)).toMatch(
			/^\r\u001B\[2KPushing: 0\/1 layer done, 12\.0MB of 30\.0MB · 1\.\d+MB\/s · \d+s left$/,
		);
		for (const line of writes) expect(line.length).toBeLessThanOrEqual(80 + 5);
		reporter.finish();
		expect(writes.at(-1)).toBe('\r\u001B[2K');
	});

	it('finch through the real engine service: the push goes on and stderr says why there are no bytes', async () => {
		const ref = '123456789012.dkr.ecr.us-east-1.amazonaws.com/x:v1';
		const runner = createFakeRunner(
			[{file: 'finch', args: ['push', ref], lines: [`v1: digest: sha256:${'d'.repeat(64)} size: 528`]}],
			{path: {script: '/usr/bin/script'}},
		);
		const io = recordingIo();
		const reporter = createPushReporter(io, false);
		const finch = createEngineDockerService({runner, env: {}, engine: 'finch'});
		const result = await finch.push(ref, {onEvent: reporter.onEvent});
		reporter.finish();
		expect(result.digest).toBe(`sha256:${'d'.repeat(64)}`);
		expect(io.errs).toEqual(["byte progress unavailable: finch does not print docker's byte counts"]);
	});
});
