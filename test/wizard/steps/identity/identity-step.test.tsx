import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {IdentityStep, orderProfiles} from '../../../../source/wizard/steps/identity/identity-step.js';
import {AwsError} from '../../../../source/aws/errors.js';
import type {AwsProfile, AwsService} from '../../../../source/aws/types.js';
import {ARROW_DOWN, ENTER, ESCAPE, flat} from '../../../helpers/render.js';
import {renderStep} from '../../../helpers/step-harness.js';
import {ACCOUNT, world} from '../../../helpers/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

const profile = (name: string, extra: Partial<AwsProfile> = {}): AwsProfile => ({
	name,
	sso: false,
	mfa: false,
	source: 'config',
	...extra,
});

describe('identity step', () => {
	it('shows account, ARN and kind, and completes without a key when nothing needs choosing', async () => {
		const w = world();
		vi.mocked(w.aws.getCallerIdentity).mockResolvedValueOnce({
			account: ACCOUNT,
			arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Dev_abc/dev@example.com`,
			userId: 'AROA:dev',
			kind: 'sso',
		});
		const step = renderStep(IdentityStep, {services: w.services});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledTimes(1);
		});
		expect(step.complete.mock.calls[0]![0]).toEqual({
			patch: {
				identity: {
					account: ACCOUNT,
					arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Dev_abc/dev@example.com`,
					kind: 'sso',
				},
				profile: undefined,
			},
			summary: `Identity: arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Dev_abc/dev@example.com (SSO (IAM Identity Center), account ${ACCOUNT})`,
			interactive: false,
		});
	});

	it('several profiles and none chosen: pick one, default first, and use it', async () => {
		const devAws = {...world().services.aws, profile: 'dev'} as AwsService;
		const devIdentity = vi.fn(async () => ({
			account: '210987654321',
			arn: 'arn:aws:iam::210987654321:user/dev',
			userId: 'X',
			kind: 'iam-user' as const,
		}));
		const withProfile = vi.fn(() => ({...devAws, getCallerIdentity: devIdentity}) as AwsService);
		const w = world({
			aws: {
				withProfile,
				listProfiles: vi.fn(async () => [
					profile('dev', {sso: true, region: 'eu-central-1'}),
					profile('default'),
					profile('prod', {mfa: true}),
				]),
			},
		});
		const step = renderStep(IdentityStep, {services: w.services});
		const frame = await step.app.waitFor('Several AWS profiles');
		expect(frame).toMatch(/› default[\s\S]*dev {2}SSO · eu-central-1[\s\S]*prod {2}MFA/);
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledTimes(1);
		});
		expect(withProfile).toHaveBeenCalledWith('dev');
		expect(devIdentity).toHaveBeenCalled();
		expect(w.aws.getCallerIdentity).not.toHaveBeenCalled();
		expect(step.complete.mock.calls[0]![0]).toMatchObject({
			patch: {profile: 'dev', identity: {account: '210987654321'}},
			interactive: true,
		});
	});

	it('orders the default profile first', () => {
		expect(orderProfiles([profile('a'), profile('default'), profile('b')]).map((item) => item.name)).toEqual([
			'default',
			'a',
			'b',
		]);
	});

	it.each([
		['no-credentials' as const, 'No AWS credentials found'],
		['invalid-credentials' as const, 'AWS rejected the credentials'],
		['expired-credentials' as const, 'The AWS credentials have expired'],
		['clock-skew' as const, "This computer's clock is off"],
	])('explains %s with the next step, and retries with r', async (kind, title) => {
		const w = world();
		const error = new AwsError(`boom (${kind})`, {kind, hint: 'Do the thing.', nextSteps: ['aws configure']});
		vi.mocked(w.aws.getCallerIdentity).mockRejectedValueOnce(error);
		const step = renderStep(IdentityStep, {services: w.services});
		const frame = flat(await step.app.waitFor(title));
		expect(frame).toContain(`✖ ${title}`);
		expect(frame).toContain(`boom (${kind}) Do the thing.`);
		expect(frame).toContain('→ aws configure');
		// With no credentials at all, Enter chooses a way to sign in; r still asks again.
		expect(frame).toContain(kind === 'no-credentials' ? 'r retry' : 'Enter/r retry');
		await step.app.press('r');
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledTimes(1);
		});
	});

	it('classifies raw SDK errors too (no credentials from the provider chain)', async () => {
		const w = world();
		const error = Object.assign(new Error('Could not load credentials from any providers'), {
			name: 'CredentialsProviderError',
		});
		vi.mocked(w.aws.getCallerIdentity).mockRejectedValueOnce(error);
		const step = renderStep(IdentityStep, {services: w.services});
		const frame = flat(await step.app.waitFor('No AWS credentials found'));
		expect(frame).toContain('aws configure sso');
	});

	it('Esc goes back', async () => {
		const w = world();
		vi.mocked(w.aws.getCallerIdentity).mockRejectedValueOnce(new AwsError('x', {kind: 'network'}));
		const step = renderStep(IdentityStep, {services: w.services});
		await step.app.waitFor('AWS could not be reached');
		await step.app.press(ESCAPE);
		expect(step.back).toHaveBeenCalled();
	});
});
