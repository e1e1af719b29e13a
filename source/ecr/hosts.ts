/**
 * ECR registry hosts: private `<12 digits>.dkr.ecr.<region>.amazonaws.com`, China `.amazonaws.com.cn`,
 * FIPS `dkr.ecr-fips`, dual-stack `<id>.dkr-ecr.<region>.on.aws`, and ECR Public `public.ecr.aws`.
 */
import {partitionOfRegion} from './regions.js';

export const PUBLIC_REGISTRY_HOST = 'public.ecr.aws';

export type PrivateRegistry = {
	kind: 'private';
	host: string;
	account: string;
	region: string;
	partition: string;
	fips: boolean;
	dualStack: boolean;
};

export type PublicRegistry = {kind: 'public'; host: typeof PUBLIC_REGISTRY_HOST};

export type EcrRegistry = PrivateRegistry | PublicRegistry;

const PRIVATE_HOST =
	/^(?<account>\d{12})\.dkr\.(?<fips>ecr|ecr-fips)\.(?<region>[a-z]{2}(?:-[a-z]+)+-\d{1,2})\.(?<suffix>amazonaws\.com|amazonaws\.com\.cn|c2s\.ic\.gov|sc2s\.sgov\.gov)$/;
const DUAL_STACK_HOST =
	/^(?<account>\d{12})\.dkr-(?<fips>ecr|ecr-fips)\.(?<region>[a-z]{2}(?:-[a-z]+)+-\d{1,2})\.(?<suffix>on\.aws|api\.aws|on\.amazonwebservices\.com\.cn)$/;

/**
 * Parse a registry host. Accepts exactly a host (lower case, no scheme, no path, no port):
 * anything else is not what docker will look up, so it is not treated as an ECR host.
 */
export function parseRegistryHost(host: string): EcrRegistry | undefined {
	if (host === PUBLIC_REGISTRY_HOST) return {kind: 'public', host: PUBLIC_REGISTRY_HOST};
	const match = PRIVATE_HOST.exec(host) ?? DUAL_STACK_HOST.exec(host);
	if (!match?.groups) return undefined;
	const {account, region, fips} = match.groups as {account: string; region: string; fips: string};
	return {
		kind: 'private',
		host,
		account,
		region,
		partition: partitionOfRegion(region),
		fips: fips === 'ecr-fips',
		dualStack: host.includes('.dkr-ecr'),
	};
}

export function privateRegistryHost(
	account: string,
	region: string,
	options: {fips?: boolean; dualStack?: boolean} = {},
): string {
	const service = options.fips ? 'ecr-fips' : 'ecr';
	const partition = partitionOfRegion(region);
	if (options.dualStack) {
		const suffix = partition === 'aws-cn' ? 'on.amazonwebservices.com.cn' : 'on.aws';
		return `${account}.dkr-${service}.${region}.${suffix}`;
	}

	const suffix =
		partition === 'aws-cn'
			? 'amazonaws.com.cn'
			: partition === 'aws-iso'
				? 'c2s.ic.gov'
				: partition === 'aws-iso-b'
					? 'sc2s.sgov.gov'
					: 'amazonaws.com';
	return `${account}.dkr.${service}.${region}.${suffix}`;
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
