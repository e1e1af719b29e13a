/**
 * The AWS partitions, as the AWS SDK's endpoint rules list them (their DNS suffixes and region patterns), and what
 * ECR's hosts look like in each. One table serves registry hosts, API endpoints, regions, ARNs and IAM policies.
 *
 * - Registry host: `<account>.dkr.ecr[-fips].<region>.<dnsSuffix>`; dual-stack `<account>.dkr-ecr[-fips].<region>.<dual>`,
 *   where `<dual>` is the partition's dual-stack suffix with `on.` for `api.` (on.aws, on.amazonwebservices.com.cn, …).
 * - API: `api.ecr[-fips].<region>.<dnsSuffix>`, dual-stack `ecr[-fips].<region>.<dualStackDnsSuffix>`.
 */
export type PartitionId =
	| 'aws'
	| 'aws-cn'
	| 'aws-us-gov'
	| 'aws-eusc'
	| 'aws-iso'
	| 'aws-iso-b'
	| 'aws-iso-e'
	| 'aws-iso-f';

export type Partition = {
	id: PartitionId;
	/** What people call it, for messages. */
	label: string;
	dnsSuffix: string;
	/** The SDK's dual-stack API suffix (api.aws, api.amazonwebservices.com.cn, …). */
	dualStackDnsSuffix: string;
	regionPattern: RegExp;
	/** The regions where ECR runs (the commercial list is in regions.ts). */
	regions: readonly string[];
};

export const PARTITIONS: readonly Partition[] = [
	{
		id: 'aws-us-gov',
		label: 'AWS GovCloud (US)',
		dnsSuffix: 'amazonaws.com',
		dualStackDnsSuffix: 'api.aws',
		regionPattern: /^us-gov-\w+-\d+$/,
		regions: ['us-gov-east-1', 'us-gov-west-1'],
	},
	{
		id: 'aws-cn',
		label: 'AWS China',
		dnsSuffix: 'amazonaws.com.cn',
		dualStackDnsSuffix: 'api.amazonwebservices.com.cn',
		regionPattern: /^cn-\w+-\d+$/,
		regions: ['cn-north-1', 'cn-northwest-1'],
	},
	{
		id: 'aws-eusc',
		label: 'AWS European Sovereign Cloud',
		dnsSuffix: 'amazonaws.eu',
		dualStackDnsSuffix: 'api.amazonwebservices.eu',
		regionPattern: /^eusc-de-\w+-\d+$/,
		regions: ['eusc-de-east-1'],
	},
	{
		id: 'aws-iso',
		label: 'AWS ISO (US)',
		dnsSuffix: 'c2s.ic.gov',
		dualStackDnsSuffix: 'api.aws.ic.gov',
		regionPattern: /^us-iso-\w+-\d+$/,
		regions: ['us-iso-east-1', 'us-iso-west-1'],
	},
	{
		id: 'aws-iso-b',
		label: 'AWS ISOB (US)',
		dnsSuffix: 'sc2s.sgov.gov',
		dualStackDnsSuffix: 'api.aws.scloud',
		regionPattern: /^us-isob-\w+-\d+$/,
		regions: ['us-isob-east-1'],
	},
	{
		id: 'aws-iso-e',
		label: 'AWS ISOE (Europe)',
		dnsSuffix: 'cloud.adc-e.uk',
		dualStackDnsSuffix: 'api.cloud-aws.adc-e.uk',
		regionPattern: /^eu-isoe-\w+-\d+$/,
		regions: ['eu-isoe-west-1'],
	},
	{
		id: 'aws-iso-f',
		label: 'AWS ISOF',
		dnsSuffix: 'csp.hci.ic.gov',
		dualStackDnsSuffix: 'api.aws.hci.ic.gov',
		regionPattern: /^us-isof-\w+-\d+$/,
		regions: ['us-isof-east-1', 'us-isof-south-1'],
	},
	// Last: its pattern (us-…, eu-…) also matches the GovCloud and ISO region names above.
	{
		id: 'aws',
		label: 'AWS',
		dnsSuffix: 'amazonaws.com',
		dualStackDnsSuffix: 'api.aws',
		regionPattern: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
		regions: [],
	},
];

const BY_ID = new Map(PARTITIONS.map((partition) => [partition.id, partition]));

/** The partition of a region name; the commercial one for a name no pattern knows. */
export function partitionOf(region: string): Partition {
	return PARTITIONS.find((partition) => partition.regionPattern.test(region)) ?? BY_ID.get('aws')!;
}

export function partitionById(id: string): Partition | undefined {
	return BY_ID.get(id as PartitionId);
}

/** The dual-stack suffix of registry hosts: the API's with `on.` for `api.`. */
export function dualStackRegistrySuffix(partition: Partition): string {
	return partition.dualStackDnsSuffix.replace(/^api\./, 'on.');
}
