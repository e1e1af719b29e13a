/**
 * ECR registry hosts, in every partition (see partitions.ts): `<12 digits>.dkr.ecr.<region>.<suffix>` (amazonaws.com,
 * amazonaws.com.cn, amazonaws.eu for the European Sovereign Cloud, the ISO partitions' own domains), FIPS `dkr.ecr-fips`,
 * dual-stack `<id>.dkr-ecr.<region>.on.aws` (and each partition's `on.` suffix), and ECR Public: `public.ecr.aws`, or
 * `ecr-public.aws.com` over dual-stack.
 */
import {PARTITIONS, dualStackRegistrySuffix, partitionOf} from './partitions.js';

export const PUBLIC_REGISTRY_HOST = 'public.ecr.aws';
/** ECR Public's dual-stack host. */
export const PUBLIC_DUAL_STACK_HOST = 'ecr-public.aws.com';

export type PrivateRegistry = {
	kind: 'private';
	host: string;
	account: string;
	region: string;
	partition: string;
	fips: boolean;
	dualStack: boolean;
};

export type PublicRegistry = {kind: 'public'; host: typeof PUBLIC_REGISTRY_HOST | typeof PUBLIC_DUAL_STACK_HOST};

export type EcrRegistry = PrivateRegistry | PublicRegistry;

const escapeDots = (text: string) => text.replaceAll('.', '\\.');
const REGION = '[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}';
/** Every partition's suffixes, each tied to its partition so a host's suffix must fit its region. */
const HOST_FORMS = PARTITIONS.flatMap((partition) => [
	{partition, dualStack: false, suffix: partition.dnsSuffix},
	{partition, dualStack: true, suffix: dualStackRegistrySuffix(partition)},
]);
const PRIVATE_HOST = new RegExp(
	`^(?<account>\\d{12})\\.dkr(?<separator>[.-])(?<service>ecr|ecr-fips)\\.(?<region>${REGION})\\.(?<suffix>${[
		...new Set(HOST_FORMS.map((form) => escapeDots(form.suffix))),
	].join('|')})$`,
);

/**
 * Parse a registry host. Accepts exactly a host (lower case, no scheme, no path, no port): anything else is not what
 * docker will look up, so it is not treated as an ECR host. The suffix must be the one of the region's partition.
 */
export function parseRegistryHost(host: string): EcrRegistry | undefined {
	if (host === PUBLIC_REGISTRY_HOST || host === PUBLIC_DUAL_STACK_HOST) return {kind: 'public', host};
	const groups = PRIVATE_HOST.exec(host)?.groups;
	if (!groups) return undefined;
	const {account, separator, service, region, suffix} = groups as Record<string, string>;
	const dualStack = separator === '-';
	const partition = partitionOf(region!);
	const expected = dualStack ? dualStackRegistrySuffix(partition) : partition.dnsSuffix;
	if (suffix !== expected) return undefined;
	return {
		kind: 'private',
		host,
		account: account!,
		region: region!,
		partition: partition.id,
		fips: service === 'ecr-fips',
		dualStack,
	};
}

export function privateRegistryHost(
	account: string,
	region: string,
	options: {fips?: boolean; dualStack?: boolean} = {},
): string {
	const service = options.fips ? 'ecr-fips' : 'ecr';
	const partition = partitionOf(region);
	return options.dualStack
		? `${account}.dkr-${service}.${region}.${dualStackRegistrySuffix(partition)}`
		: `${account}.dkr.${service}.${region}.${partition.dnsSuffix}`;
}

/**
 * What a user may type or what a config key may hold: `https://host/path`, `host:443`, `HOST`.
 * Returns the bare hostname docker would use (scheme and path stripped, lower-cased); the port is kept.
 */
export function hostOfRegistryString(value: string): string {
	let rest = value.trim();
	rest = rest.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
	const slash = rest.indexOf('/');
	if (slash !== -1) rest = rest.slice(0, slash);
	return rest.toLowerCase();
}

/** Why a near-miss config key does not serve a host, or undefined when it is byte-equal. */
export function explainHostMismatch(key: string, host: string): string | undefined {
	if (key === host) return undefined;
	const reasons: string[] = [];
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(key)) reasons.push(`it has a scheme (${key.split('://')[0]}://)`);
	const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
	const slash = withoutScheme.indexOf('/');
	if (slash !== -1) reasons.push(`it has a path (${withoutScheme.slice(slash)})`);
	const hostPart = slash === -1 ? withoutScheme : withoutScheme.slice(0, slash);
	const port = /:(\d+)$/.exec(hostPart);
	if (port) reasons.push(`it has a port (:${port[1]})`);
	const bare = hostPart.replace(/:\d+$/, '');
	if (bare !== host && bare.toLowerCase() === host) reasons.push('its letter case differs');
	const keyRegistry = parseRegistryHost(bare.toLowerCase());
	const hostRegistry = parseRegistryHost(host);
	if (keyRegistry?.kind === 'private' && hostRegistry?.kind === 'private') {
		if (keyRegistry.account !== hostRegistry.account)
			reasons.push(`its account is ${keyRegistry.account}, not ${hostRegistry.account}`);
		if (keyRegistry.region !== hostRegistry.region)
			reasons.push(`its region is ${keyRegistry.region}, not ${hostRegistry.region}`);
		if (keyRegistry.fips !== hostRegistry.fips || keyRegistry.dualStack !== hostRegistry.dualStack)
			reasons.push('it names a different endpoint type (FIPS or dual-stack)');
	}

	return reasons.length > 0 ? reasons.join(', ') : 'it is not byte-equal to the host';
}
