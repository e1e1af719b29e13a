import {describe, expect, it} from 'vitest';
import {
	accountMismatch,
	boundProfiles,
	planAllProfiles,
	profileWarnings,
	unbindChanges,
	wrappersNoLongerNamed,
} from '../../source/credential-helper/bindings.js';
import {parseRegistryHost} from '../../source/ecr/hosts.js';

const A = '111111111111';
const B = '222222222222';
const hostA = (region: string) => `${A}.dkr.ecr.${region}.amazonaws.com`;

describe('account matching', () => {
	it('is quiet when the profile reaches the registry’s own account, and for ECR Public', () => {
		expect(accountMismatch(parseRegistryHost(hostA('eu-west-1'))!, A, 'prod')).toBeUndefined();
		expect(accountMismatch(parseRegistryHost('public.ecr.aws')!, B, 'prod')).toBeUndefined();
	});

	it('names both accounts and the repository policy when they differ', () => {
		const message = accountMismatch(parseRegistryHost(hostA('eu-west-1'))!, B, 'dev');
		expect(message).toContain(`Profile dev reaches account ${B}`);
		expect(message).toContain(`belongs to account ${A}`);
		expect(message).toContain('repository policy');
	});
});

describe('binding every profile', () => {
	it('binds each account’s registries in each profile’s region to the first profile that reaches it', () => {
		const plan = planAllProfiles({
			reaches: [
				{profile: 'default', region: 'us-east-1', account: A},
				{profile: 'admin', region: 'eu-west-1', account: A},
				{profile: 'other', region: 'eu-west-1', account: B},
			],
			regions: [],
			current: {},
		});
		expect(plan.bindings).toEqual([
			{
				account: A,
				profile: 'default',
				reachedBy: ['default', 'admin'],
				hosts: [hostA('us-east-1'), hostA('eu-west-1')],
			},
			{account: B, profile: 'other', reachedBy: ['other'], hosts: [`${B}.dkr.ecr.eu-west-1.amazonaws.com`]},
		]);
		expect(plan.failures).toEqual([]);
	});

	it('uses the regions given instead, for every account', () => {
		const plan = planAllProfiles({
			reaches: [{profile: 'p', region: 'us-east-1', account: A}],
			regions: ['ap-south-1', 'cn-north-1'],
			current: {},
		});
		expect(plan.bindings[0]!.hosts).toEqual([hostA('ap-south-1'), `${A}.dkr.ecr.cn-north-1.amazonaws.com.cn`]);
	});

	it('keeps a registry bound to another profile that reaches the account, so a second run changes nothing', () => {
		const plan = planAllProfiles({
			reaches: [
				{profile: 'a', region: 'us-east-1', account: A},
				{profile: 'b', region: 'eu-west-1', account: A},
			],
			regions: [],
			current: {[hostA('eu-west-1')]: 'ecr-login-b', [hostA('us-east-1')]: 'ecr-login-gone'},
		});
		expect(plan.bindings).toEqual([
			{account: A, profile: 'a', reachedBy: ['a', 'b'], hosts: [hostA('us-east-1')]},
			{account: A, profile: 'b', reachedBy: ['a', 'b'], hosts: [hostA('eu-west-1')]},
		]);
	});

	it('lists the profiles that failed with their fix, and the accounts without any region', () => {
		const plan = planAllProfiles({
			reaches: [
				{
					profile: 'sso',
					region: 'us-east-1',
					failure: 'The SSO session has expired',
					fix: 'aws sso login --profile sso',
				},
				{profile: 'noregion', region: undefined, account: B},
			],
			regions: [],
			current: {},
		});
		expect(plan.bindings).toEqual([]);
		expect(plan.failures).toEqual([
			{profile: 'sso', failure: 'The SSO session has expired', fix: 'aws sso login --profile sso'},
		]);
		expect(plan.withoutRegion).toEqual([{account: B, profiles: ['noregion']}]);
	});
});

describe('wrappers a config names', () => {
	it('are the bound helpers of credHelpers and credsStore', () => {
		expect(
			boundProfiles({
				credHelpers: {x: 'ecr-login-b', y: 'ecr-login', z: 'ecr-login-a', w: 'ecr-login-a'},
				credsStore: 'ecr-login-c',
			}),
		).toEqual(['a', 'b', 'c']);
	});

	it('a restore (or an unbind) may remove those the new config no longer names', () => {
		expect(
			wrappersNoLongerNamed(
				{credHelpers: {x: 'ecr-login-a', y: 'ecr-login-b'}},
				{credHelpers: {x: 'ecr-login', y: 'ecr-login-b', z: 'ecr-login-new'}},
			),
		).toEqual(['a']);
		expect(wrappersNoLongerNamed({credHelpers: {x: 'ecr-login-a'}}, {})).toEqual(['a']);
		expect(wrappersNoLongerNamed({}, {credHelpers: {x: 'ecr-login-a'}})).toEqual([]);
	});

	it('an unbind takes bound hosts back to the plain helper and says which were not bound', () => {
		expect(unbindChanges({x: 'ecr-login-a', y: 'ecr-login'}, ['x', 'y', 'z'])).toEqual({
			unbound: [{host: 'x', profile: 'a'}],
			notBound: ['y', 'z'],
		});
	});
});

describe('what keeps the helper from using a profile', () => {
	const plain = {name: 'p', sso: false, mfa: false, source: 'config' as const};

	it('an MFA profile: the helper cannot ask for the code', () => {
		expect(profileWarnings({...plain, mfa: true}, '0.9.0')).toEqual([expect.stringContaining('cannot ask for one')]);
	});

	it('an sso-session profile with a 0.6 helper, which panics on it; a newer helper reads it', () => {
		const sso = {...plain, sso: true, ssoSession: 'corp'};
		expect(profileWarnings(sso, '0.6.4')).toEqual([expect.stringContaining('[sso-session corp]')]);
		expect(profileWarnings(sso, '0.9.0')).toEqual([]);
		expect(profileWarnings(sso, undefined)).toEqual([]);
		expect(profileWarnings(plain, '0.6.4')).toEqual([]);
	});
});
