import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {
	explainHostMismatch,
	hostOfRegistryString,
	parseRegistryHost,
	privateRegistryHost,
} from '../../source/ecr/hosts.js';
import {COMMERCIAL_ECR_REGIONS, PARTITION_REGIONS} from '../../source/ecr/regions.js';

describe('parseRegistryHost', () => {
	it.each([
		[
			'123456789012.dkr.ecr.us-east-1.amazonaws.com',
			{account: '123456789012', region: 'us-east-1', partition: 'aws', fips: false, dualStack: false},
		],
		[
			'123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
			{account: '123456789012', region: 'cn-north-1', partition: 'aws-cn', fips: false, dualStack: false},
		],
		[
			'123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
			{region: 'us-gov-west-1', partition: 'aws-us-gov', fips: true, dualStack: false},
		],
		['123456789012.dkr-ecr.eu-west-1.on.aws', {region: 'eu-west-1', fips: false, dualStack: true}],
	])('parses %s', (host, expected) => {
		expect(parseRegistryHost(host)).toMatchObject({kind: 'private', host, ...expected});
	});

	it('knows ECR Public', () => {
		expect(parseRegistryHost('public.ecr.aws')).toEqual({kind: 'public', host: 'public.ecr.aws'});
	});

	it.each([
		'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
		'123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app',
		'123456789012.dkr.ecr.us-east-1.amazonaws.com:443',
		'12345678901.dkr.ecr.us-east-1.amazonaws.com',
		'123456789012.dkr.ecr.us-east-1.amazonaws.org',
		'docker.io',
		'',
	])('rejects %s (docker would not look it up as that host)', (host) => {
		expect(parseRegistryHost(host)).toBeUndefined();
	});

	it('round-trips every region of every partition through privateRegistryHost', () => {
		const regions = Object.values(PARTITION_REGIONS).flat();
		fc.assert(
			fc.property(
				fc.stringMatching(/^\d{12}$/),
				fc.constantFrom(...regions),
				fc.boolean(),
				fc.boolean(),
				(account, region, fips, dualStack) => {
					const host = privateRegistryHost(account, region, {fips, dualStack});
					const parsed = parseRegistryHost(host);
					expect(parsed).toMatchObject({kind: 'private', account, region, fips, dualStack});
				},
			),
		);
	});

	it('has the 34 commercial regions', () => {
		expect(new Set(COMMERCIAL_ECR_REGIONS).size).toBe(34);
	});
});

describe('hostOfRegistryString and explainHostMismatch', () => {
	const host = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
	it('strips scheme and path, keeps the port', () => {
		expect(hostOfRegistryString(`https://${host}/my-app`)).toBe(host);
		expect(hostOfRegistryString(`${host}:5000/x`)).toBe(`${host}:5000`);
	});

	it('explains each way a key misses the host', () => {
		expect(explainHostMismatch(host, host)).toBeUndefined();
		expect(explainHostMismatch(`https://${host}`, host)).toContain('scheme');
		expect(explainHostMismatch(`${host}/my-app`, host)).toContain('path (/my-app)');
		expect(explainHostMismatch(`${host}:443`, host)).toContain('port');
		expect(explainHostMismatch('123456789012.dkr.ecr.us-west-2.amazonaws.com', host)).toContain(
			'region is us-west-2, not us-east-1',
		);
		expect(explainHostMismatch('210987654321.dkr.ecr.us-east-1.amazonaws.com', host)).toContain(
			'account is 210987654321',
		);
	});
});
