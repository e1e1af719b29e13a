/**
 * The OAuth device flow's polling, as IAM Identity Center's OIDC service asks clients to poll: every `interval` seconds,
 * five seconds more after each `slow_down`, on while the answer is `authorization_pending`, and never past the code's
 * `expiresIn`. `expired_token` and `access_denied` end it. The rules are a pure function; `pollForToken` runs them.
 */
import {CancelledError, UserError} from '../errors/user-errors.js';

/** What one CreateToken poll answered. */
export type PollAnswer = 'authorization_pending' | 'slow_down' | 'expired_token' | 'access_denied' | 'other';

export type PollState = {intervalS: number; deadline: number; polls: number};

export type PollDecision =
	| {action: 'wait'; delayMs: number; state: PollState}
	| {action: 'stop'; reason: 'expired' | 'denied' | 'timeout'};

/** RFC 8628's default when the server names no interval; the service's own answers carry one. */
export const DEFAULT_INTERVAL_S = 5;
export const SLOW_DOWN_S = 5;

export function startPolling(
	authorization: {intervalS?: number | undefined; expiresInS: number},
	now: number,
): PollState {
	const interval = authorization.intervalS;
	return {
		intervalS: interval !== undefined && Number.isFinite(interval) && interval >= 1 ? interval : DEFAULT_INTERVAL_S,
		deadline: now + Math.max(0, authorization.expiresInS) * 1000,
		polls: 0,
	};
}

/** After an answer that is not a token: how long to wait before the next poll, or why to stop. */
export function nextPoll(state: PollState, answer: PollAnswer, now: number): PollDecision {
	if (answer === 'expired_token') return {action: 'stop', reason: 'expired'};
	if (answer === 'access_denied') return {action: 'stop', reason: 'denied'};
	const intervalS = answer === 'slow_down' ? state.intervalS + SLOW_DOWN_S : state.intervalS;
	const delayMs = intervalS * 1000;
	// A poll after the code expired can only answer expired_token: stop at the deadline instead.
	if (now + delayMs > state.deadline) return {action: 'stop', reason: 'timeout'};
	return {action: 'wait', delayMs, state: {...state, intervalS, polls: state.polls + 1}};
}

function minutes(ms: number): string {
	const value = Math.max(1, Math.round(ms / 60_000));
	return `${value} minute${value === 1 ? '' : 's'}`;
}

/** The failure the user sees when polling stops without a token. Nothing was written by then. */
export function pollFailure(reason: 'expired' | 'denied' | 'timeout', lifetimeMs: number): UserError {
	switch (reason) {
		case 'denied': {
			return new UserError('The sign-in was denied in the browser, so ecr-setup wrote nothing.', {
				code: 'aws.sso-denied',
				hint: 'Run the command again and choose Allow on the page that shows the code.',
			});
		}

		case 'expired': {
			return new UserError('The sign-in code expired before it was approved, so ecr-setup wrote nothing.', {
				code: 'aws.sso-code-expired',
				hint: `Run the command again and approve the code within ${minutes(lifetimeMs)}.`,
			});
		}

		default: {
			return new UserError(`Nobody approved the sign-in within ${minutes(lifetimeMs)}, so ecr-setup wrote nothing.`, {
				code: 'aws.sso-timeout',
				hint: 'Run the command again, open the page it shows and confirm the code there.',
			});
		}
	}
}

export type PollOptions<T> = {
	authorization: {intervalS?: number | undefined; expiresInS: number};
	/** One CreateToken call: resolves with the token, or throws what the service answered. */
	createToken: () => Promise<T>;
	/** Which answer a thrown error is; 'other' is rethrown as it is. */
	classify: (error: unknown) => PollAnswer;
	now: () => number;
	sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	signal?: AbortSignal | undefined;
};

export async function pollForToken<T>(options: PollOptions<T>): Promise<T> {
	const started = options.now();
	let state = startPolling(options.authorization, started);
	const lifetime = state.deadline - started;
	let delay = state.intervalS * 1000;
	if (started + delay > state.deadline) throw pollFailure('timeout', lifetime);
	for (;;) {
		await options.sleep(delay, options.signal);
		if (options.signal?.aborted) throw new CancelledError();
		try {
			return await options.createToken();
		} catch (error) {
			if (options.signal?.aborted) throw new CancelledError();
			const answer = options.classify(error);
			if (answer === 'other') throw error;
			const decision = nextPoll(state, answer, options.now());
			if (decision.action === 'stop') throw pollFailure(decision.reason, lifetime);
			state = decision.state;
			delay = decision.delayMs;
		}
	}
}

/** A wait that an abort ends at once (Ctrl-C while waiting for approval). */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted) throw new CancelledError();
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(new CancelledError());
		};

		signal?.addEventListener('abort', onAbort, {once: true});
	});
}
