import {describe, expect, it} from 'vitest';
import {abortableSleep, nextPoll, type PollAnswer, pollForToken, startPolling} from '../../source/aws/device-flow.js';

const NOW = 1_000_000;

describe('the polling rules', () => {
	it('waits the interval while pending, five seconds more after each slow_down', () => {
		const state = startPolling({intervalS: 1, expiresInS: 600}, NOW);
		expect(state).toEqual({intervalS: 1, deadline: NOW + 600_000, polls: 0});
		const pending = nextPoll(state, 'authorization_pending', NOW);
		expect(pending).toEqual({action: 'wait', delayMs: 1000, state: {...state, polls: 1}});
		const slower = nextPoll(state, 'slow_down', NOW);
		expect(slower).toMatchObject({action: 'wait', delayMs: 6000, state: {intervalS: 6}});
		if (slower.action !== 'wait') throw new Error('unreachable');
		// The slower pace stays.
		expect(nextPoll(slower.state, 'authorization_pending', NOW)).toMatchObject({delayMs: 6000});
		expect(nextPoll(slower.state, 'slow_down', NOW)).toMatchObject({delayMs: 11_000});
	});

	it('expired_token and access_denied end it; so does a next poll past the code’s life', () => {
		const state = startPolling({intervalS: 5, expiresInS: 60}, NOW);
		expect(nextPoll(state, 'expired_token', NOW)).toEqual({action: 'stop', reason: 'expired'});
		expect(nextPoll(state, 'access_denied', NOW)).toEqual({action: 'stop', reason: 'denied'});
		expect(nextPoll(state, 'authorization_pending', NOW + 55_000)).toMatchObject({action: 'wait'});
		expect(nextPoll(state, 'authorization_pending', NOW + 55_001)).toEqual({action: 'stop', reason: 'timeout'});
		expect(nextPoll(state, 'slow_down', NOW + 50_001)).toEqual({action: 'stop', reason: 'timeout'});
	});

	it('a missing or unusable interval is the RFC’s five seconds', () => {
		for (const intervalS of [undefined, 0, -1, Number.NaN])
			expect(startPolling({intervalS, expiresInS: 10}, NOW).intervalS).toBe(5);
	});
});

/** A clock that only sleeping moves. */
function clock() {
	let now = NOW;
	const waits: number[] = [];
	return {
		now: () => now,
		waits,
		sleep: async (ms: number) => {
			waits.push(ms);
			now += ms;
		},
	};
}

function scripted(answers: Array<PollAnswer | 'token' | Error>) {
	let calls = 0;
	return {
		calls: () => calls,
		createToken: async () => {
			const answer = answers[calls++];
			if (answer === 'token') return {accessToken: 'yes'};
			if (answer instanceof Error) throw answer;
			throw Object.assign(new Error(String(answer)), {error: answer});
		},
		classify: (error: unknown) => (error as {error?: PollAnswer}).error ?? 'other',
	};
}

describe('pollForToken', () => {
	it('polls at the interval, slows down when told, and returns the token', async () => {
		const time = clock();
		const script = scripted(['authorization_pending', 'slow_down', 'authorization_pending', 'token']);
		const token = await pollForToken({authorization: {intervalS: 1, expiresInS: 600}, ...script, ...time});
		expect(token).toEqual({accessToken: 'yes'});
		expect(time.waits).toEqual([1000, 1000, 6000, 6000]);
	});

	it('a denied or expired code, or nobody approving in time, is a clear error', async () => {
		await expect(
			pollForToken({authorization: {intervalS: 1, expiresInS: 600}, ...scripted(['access_denied']), ...clock()}),
		).rejects.toMatchObject({code: 'aws.sso-denied', message: expect.stringMatching(/denied.*wrote nothing/)});
		await expect(
			pollForToken({authorization: {intervalS: 1, expiresInS: 600}, ...scripted(['expired_token']), ...clock()}),
		).rejects.toMatchObject({code: 'aws.sso-code-expired', hint: expect.stringContaining('10 minutes')});
		const time = clock();
		const pending = scripted(Array.from({length: 100}, () => 'authorization_pending' as const));
		await expect(
			pollForToken({authorization: {intervalS: 5, expiresInS: 120}, ...pending, ...time}),
		).rejects.toMatchObject({code: 'aws.sso-timeout', message: expect.stringContaining('2 minutes')});
		expect(pending.calls()).toBe(24);
		expect(time.now() - NOW).toBeLessThanOrEqual(120_000);
	});

	it('passes any other failure on as it is', async () => {
		const failure = new Error('socket hang up');
		await expect(
			pollForToken({authorization: {intervalS: 1, expiresInS: 600}, ...scripted([failure]), ...clock()}),
		).rejects.toBe(failure);
	});

	it('stops at once when cancelled, even in the middle of a wait', async () => {
		const controller = new AbortController();
		const waiting = pollForToken({
			authorization: {intervalS: 30, expiresInS: 600},
			...scripted(['token']),
			now: Date.now,
			sleep: abortableSleep,
			signal: controller.signal,
		});
		setTimeout(() => controller.abort(), 10);
		await expect(waiting).rejects.toMatchObject({name: 'CancelledError'});
	});
});
