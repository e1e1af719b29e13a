import {describe, expect, it} from 'vitest';
import {parseRegistryHost, privateRegistryHost} from '../../source/ecr/hosts.js';
import {PARTITIONS, partitionOf} from '../../source/ecr/partitions.js';
import {isRegionShaped, partitionOfRegion} from '../../source/ecr/regions.js';

const ACCOUNT = '123456789012';

describe('every host form, from the partition table', () => {
	it.each([
		// [host, partition, region, fips, dualStack]
		[`${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`, 'aws', 'us-east-1', false, false],
		[`${ACCOUNT}.dkr.ecr-fips.us-east-2.amazonaws.com`, 'aws', 'us-east-2', true, false],
		[`${ACCOUNT}.dkr-ecr.eu-west-1.on.aws`, 'aws', 'eu-west-1', false, true],
		[`${ACCOUNT}.dkr-ecr-fips.us-west-2.on.aws`, 'aws', 'us-west-2', true, true],
		[`${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn`, 'aws-cn', 'cn-north-1', false, false],
		[`${ACCOUNT}.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn`, 'aws-cn', 'cn-northwest-1', false, true],
		[`${ACCOUNT}.dkr.ecr-fips.us-gov-west-1.amazonaws.com`, 'aws-us-gov', 'us-gov-west-1', true, false],
		[`${ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.eu`, 'aws-eusc', 'eusc-de-east-1', false, false],
		[`${ACCOUNT}.dkr-ecr.eusc-de-east-1.on.amazonwebservices.eu`, 'aws-eusc', 'eusc-de-east-1', false, true],
		[`${ACCOUNT}.dkr.ecr.us-iso-east-1.c2s.ic.gov`, 'aws-iso', 'us-iso-east-1', false, false],
		[`${ACCOUNT}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`, 'aws-iso-b', 'us-isob-east-1', false, false],
		[`${ACCOUNT}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`, 'aws-iso-e', 'eu-isoe-west-1', false, false],
		[`${ACCOUNT}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov`, 'aws-iso-f', 'us-isof-south-1', false, false],
	])('%s: %s, %s', (host, partition, region, fips, dualStack) => {
		expect(parseRegistryHost(host)).toEqual({
			kind: 'private',
			host,
			account: ACCOUNT,
			region,
			partition,
			fips,
			dualStack,
		});
		expect(privateRegistryHost(ACCOUNT, region, {fips, dualStack})).toBe(host);
	});

	it.each([
		// A suffix of another partition than the region's: docker would reach no ECR there.
		`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com.cn`,
		`${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com`,
		`${ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.com`,
		// The API's dual-stack suffix is not a registry's.
		`${ACCOUNT}.dkr-ecr.eu-west-1.api.aws`,
		`${ACCOUNT}.dkr.ecr.eu-west-1.on.aws`,
	])('rejects %s', (host) => {
		expect(parseRegistryHost(host)).toBeUndefined();
	});

	it('knows ECR Public and its dual-stack host', () => {
		expect(parseRegistryHost('public.ecr.aws')).toEqual({kind: 'public', host: 'public.ecr.aws'});
		expect(parseRegistryHost('ecr-public.aws.com')).toEqual({kind: 'public', host: 'ecr-public.aws.com'});
	});

	it('each listed region belongs to its own partition, and is region-shaped', () => {
		for (const partition of PARTITIONS) {
			for (const region of partition.regions) {
				expect(partitionOf(region).id).toBe(partition.id);
				expect(partitionOfRegion(region)).toBe(partition.id);
				expect(isRegionShaped(region)).toBe(true);
			}
		}
	});
});
