import {PARTITIONS, partitionOf} from './partitions.js';

/** Commercial AWS regions where ECR runs. */
export const COMMERCIAL_ECR_REGIONS = [
	'af-south-1',
	'ap-east-1',
	'ap-east-2',
	'ap-northeast-1',
	'ap-northeast-2',
	'ap-northeast-3',
	'ap-south-1',
	'ap-south-2',
	'ap-southeast-1',
	'ap-southeast-2',
	'ap-southeast-3',
	'ap-southeast-4',
	'ap-southeast-5',
	'ap-southeast-6',
	'ap-southeast-7',
	'ca-central-1',
	'ca-west-1',
	'eu-central-1',
	'eu-central-2',
	'eu-north-1',
	'eu-south-1',
	'eu-south-2',
	'eu-west-1',
	'eu-west-2',
	'eu-west-3',
	'il-central-1',
	'me-central-1',
	'me-south-1',
	'mx-central-1',
	'sa-east-1',
	'us-east-1',
	'us-east-2',
	'us-west-1',
	'us-west-2',
] as const;

/** The regions where ECR runs, by partition. */
export const PARTITION_REGIONS: Record<string, readonly string[]> = Object.fromEntries(
	PARTITIONS.map((partition) => [partition.id, partition.id === 'aws' ? COMMERCIAL_ECR_REGIONS : partition.regions]),
);

/** Regions that are disabled until an account opts in. */
export const OPT_IN_REGIONS = new Set([
	'af-south-1',
	'ap-east-1',
	'ap-east-2',
	'ap-south-2',
	'ap-southeast-3',
	'ap-southeast-4',
	'ap-southeast-5',
	'ap-southeast-6',
	'ap-southeast-7',
	'ca-west-1',
	'eu-central-2',
	'eu-south-1',
	'eu-south-2',
	'il-central-1',
	'me-central-1',
	'me-south-1',
	'mx-central-1',
]);

export function partitionOfRegion(region: string): string {
	return partitionOf(region).id;
}

/** The partition named in an ARN (arn:<partition>:…). */
export function partitionOfArn(arn: string): string {
	return arn.split(':')[1] || 'aws';
}

// Two letters for most partitions; eusc-de-east-1 has four.
const REGION_SHAPE = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

export function isRegionShaped(value: string): boolean {
	return REGION_SHAPE.test(value);
}
