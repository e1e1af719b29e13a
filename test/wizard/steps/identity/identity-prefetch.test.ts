import {setImmediate as nextTurn} from 'node:timers/promises';
import {describe, expect, it, vi} from 'vitest';
import {startIdentityPrefetch} from '../../../../source/wizard/steps/identity/identity-prefetch.js';
import type {AwsProfile, AwsService, CallerIdentity} from '../../../../source/aws/types.js';

const IDENTITY: CallerIdentity = {
	account: '123456789012',
	arn: 'arn:aws:iam::123456789012:user/dev',
	userId: 'AID',
	kind: 'iam-user',
};

function aws(options: {profiles?: AwsProfile[]; identity?: () => Promise<CallerIdentity>} = {}) {
	const calls: Array<string | undefined> = [];
	const service = (profile: string | undefined): AwsService =>
		({
			profile,
			listProfiles: vi.fn(async () => options.profiles ?? []),
			getCallerIdentity: vi.fn(async () => {
				calls.push(profile);
				return (options.identity ?? (async () => IDENTITY))();
			}),
			withProfile: (name: string) => service(name),
		}) as unknown as AwsService;
	return {service: service(undefined), calls};
}

describe('startIdentityPrefetch', () => {
	it('asks AWS only after the current turn (the first frame), once, and hands the answer to the first taker for that profile', async () => {
		const {service, calls} = aws();
		const prefetch = startIdentityPrefetch(service, undefined, new AbortController().signal);
		expect(calls).toEqual([]);
		await nextTurn();
		await nextTurn();
		expect(calls).toEqual([undefined]);
		expect(prefetch.take('other')).toBeUndefined();
		await expect(prefetch.take(undefined)).resolves.toEqual(IDENTITY);
		// Taken: a retry asks AWS again.
		expect(prefetch.take(undefined)).toBeUndefined();
		expect(calls).toEqual([undefined]);
	});

	it('checks the named profile through withProfile', async () => {
		const {service, calls} = aws({profiles: [{name: 'a'}, {name: 'b'}] as AwsProfile[]});
		const prefetch = startIdentityPrefetch(service, 'b', new AbortController().signal);
		await expect(prefetch.take('b')).resolves.toEqual(IDENTITY);
		expect(calls).toEqual(['b']);
	});

	it('does not ask AWS when several profiles exist and none is chosen (the step asks which one)', async () => {
		const {service, calls} = aws({profiles: [{name: 'default'}, {name: 'prod'}] as AwsProfile[]});
		const prefetch = startIdentityPrefetch(service, undefined, new AbortController().signal);
		await expect(prefetch.take(undefined)).resolves.toBeNull();
		expect(calls).toEqual([]);
	});

	it('keeps AWS’s error for the step, and a failure nobody takes is not an unhandled rejection', async () => {
		const unhandled = vi.fn();
		process.on('unhandledRejection', unhandled);
		try {
			const failing = aws({identity: async () => Promise.reject(new Error('ExpiredToken'))});
			startIdentityPrefetch(failing.service, undefined, new AbortController().signal);
			const taken = startIdentityPrefetch(failing.service, undefined, new AbortController().signal);
			await expect(taken.take(undefined)).rejects.toThrow('ExpiredToken');
			await nextTurn();
			await nextTurn();
			expect(unhandled).not.toHaveBeenCalled();
		} finally {
			process.off('unhandledRejection', unhandled);
		}
	});

	it('asks nothing once the wizard is leaving (aborted before it started)', async () => {
		const {service, calls} = aws();
		const controller = new AbortController();
		const prefetch = startIdentityPrefetch(service, undefined, controller.signal);
		controller.abort();
		await expect(prefetch.take(undefined)).rejects.toThrow();
		expect(calls).toEqual([]);
	});
});
