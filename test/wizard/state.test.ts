import {describe, expect, it} from 'vitest';
import {initialState, nextStep, stepPosition, wizardReducer, type WizardState} from '../../source/wizard/state.js';

const complete = (state: WizardState, summary: string, interactive = true, patch: Partial<WizardState> = {}) =>
	wizardReducer(state, {type: 'complete', patch, summary, interactive});

describe('wizard state machine', () => {
	it('walks the push flow in order, logging one line per finished step', () => {
		let state = initialState();
		const seen: string[] = [state.step];
		for (const summary of ['w', 'i', 'r', 'repo', 'a', 'img', 'p']) {
			state = complete(state, summary);
			seen.push(state.step);
		}

		expect(seen).toEqual(['welcome', 'identity', 'region', 'repository', 'auth', 'image', 'push', 'done']);
		expect(state.log.map((entry) => entry.text)).toEqual(['w', 'i', 'r', 'repo', 'a', 'img', 'p']);
		expect(state.log.map((entry) => entry.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
	});

	it('each mode has its own flow', () => {
		expect(nextStep(initialState('helper'), 'region')).toBe('auth');
		expect(nextStep(initialState('helper'), 'auth')).toBe('done');
		expect(nextStep(initialState('troubleshoot'), 'region')).toBe('troubleshoot');
		expect(stepPosition(initialState('helper'), 'auth')).toEqual({index: 4, total: 5});
	});

	it('a detour to fix a push comes back to the push', () => {
		const state: WizardState = {...initialState('push'), pushFailure: {kind: 'no-basic-auth', message: 'x'}};
		expect(nextStep(state, 'auth')).toBe('push');
		expect(nextStep(state, 'repository')).toBe('push');
		expect(nextStep(state, 'image')).toBe('push');
	});

	it('Esc goes back to the last step answered by hand, skipping ones answered by flags', () => {
		let state = initialState();
		state = complete(state, 'welcome', true);
		state = complete(state, 'identity', false);
		state = complete(state, 'region', false);
		expect(state.step).toBe('repository');
		state = wizardReducer(state, {type: 'back'});
		expect(state.step).toBe('welcome');
		expect(state.log.at(-1)).toEqual({id: 4, text: '↶ Back to Welcome', tone: 'back'});
		expect(wizardReducer(state, {type: 'back'})).toBe(state);
	});

	it('goto jumps with a note; pending is kept for a hand-over', () => {
		let state = wizardReducer(initialState(), {
			type: 'goto',
			step: 'auth',
			patch: {region: 'eu-west-1'},
			note: 'detour',
		});
		expect(state).toMatchObject({step: 'auth', region: 'eu-west-1', log: [{text: 'detour', tone: 'note'}]});
		state = wizardReducer(state, {type: 'pending', pending: {kind: 'sso-login', profile: 'p'}});
		expect(JSON.parse(JSON.stringify(state))).toEqual(state);
	});
});
