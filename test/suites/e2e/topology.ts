/**
 * Names and addresses of the end-to-end stack. Shared by the stack script (which writes the hosts file, the certificate
 * and the AWS stand-in's configuration from them, through topology-cli.ts) and the scenarios (which talk to them).
 */

import {COMMERCIAL_ECR_REGIONS} from '../../../source/ecr/regions.js';
import type {RegistryEndpoint} from '../../helpers/aws-stand-in/registry-front.js';

export type {RegistryEndpoint};

export const ACCOUNT = '123456789012';
export const CALLER_ARN = `arn:aws:iam::${ACCOUNT}:user/e2e-developer`;
export const CALLER_USER_ID = 'AIDAE2ESTANDIN000001';

/**
 * A second account, which owns the repository the developer pushes to across accounts. Its identity signs with its
 * own access key (harness.ts OWNER_KEYS); every other key is the developer's.
 */
export const OWNER_ACCOUNT = '210987654321';
export const OWNER = {
	account: OWNER_ACCOUNT,
	arn: `arn:aws:iam::${OWNER_ACCOUNT}:user/e2e-owner`,
	userId: 'AIDAE2ESTANDINOWNER1',
	accessKeyId: 'AKIAE2ESTANDINOWNER1',
};

/** An account only IAM Identity Center's portal reaches (no access key of its own), with a registry of its own. */
export const SSO_PRODUCTION_ACCOUNT = '222222222222';

/** The AWS APIs (ECR, ECR Public, STS, IAM Identity Center's OIDC and portal) for every region answer here. */
export const API_ADDRESS = '127.0.0.2';
/** Plain HTTP control API of the stand-in; only scenarios use it. */
export const CONTROL_PORT = 8480;
export const CONTROL_URL = `http://${API_ADDRESS}:${CONTROL_PORT}`;

/** Every ECR region. The SDK and the CLI may search them all: each name must resolve to the stand-in, never to the outside. */
export const ECR_REGIONS = COMMERCIAL_ECR_REGIONS;

/**
 * One real registry per ECR host, so a token or a repository of one region is not valid in another (as in ECR). docker
 * talks to the stand-in's ECR-like front on address:443; docker-registry itself (TLS, htpasswd) listens behind it on
 * address:backendPort.
 */
export const REGISTRIES: RegistryEndpoint[] = [
	{
		host: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
		account: ACCOUNT,
		region: 'us-east-1',
		address: '127.0.0.3',
		port: 443,
		backendPort: 5000,
	},
	{
		host: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`,
		account: ACCOUNT,
		region: 'eu-west-1',
		address: '127.0.0.4',
		port: 443,
		backendPort: 5000,
	},
	{
		// ECR Public: one registry for every account, images under the registry's alias, its own token.
		host: 'public.ecr.aws',
		account: ACCOUNT,
		region: 'us-east-1',
		address: '127.0.0.5',
		port: 443,
		backendPort: 5000,
		public: true,
	},
	{
		host: `${OWNER_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
		account: OWNER_ACCOUNT,
		region: 'us-east-1',
		address: '127.0.0.6',
		port: 443,
		backendPort: 5000,
	},
	{
		// Behind a slow link: docker reaches the relay (relay.ts) on 127.0.0.7:443, which feeds this front on :8443 at
		// SLOW_LINK's rate. A long region name, for the layout at 80 columns.
		host: `${ACCOUNT}.dkr.ecr.ap-southeast-2.amazonaws.com`,
		account: ACCOUNT,
		region: 'ap-southeast-2',
		address: '127.0.0.7',
		port: 8443,
		backendPort: 5000,
	},
	{
		// The Production account of the stand-in's IAM Identity Center: where a person who signed in pushes.
		host: `${SSO_PRODUCTION_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
		account: SSO_PRODUCTION_ACCOUNT,
		region: 'us-east-1',
		address: '127.0.0.8',
		port: 443,
		backendPort: 5000,
	},
];

export const REGISTRY_US = REGISTRIES[0]!;
export const REGISTRY_EU = REGISTRIES[1]!;
export const REGISTRY_PUBLIC = REGISTRIES[2]!;
/** The registry behind the rate-limited relay (3 MB/s up), where a push takes long enough to be watched. */
export const REGISTRY_SLOW = REGISTRIES.find((registry) => registry.region === 'ap-southeast-2')!;
export const SLOW_LINK = {
	listen: `${REGISTRY_SLOW.address}:443`,
	target: `${REGISTRY_SLOW.address}:${REGISTRY_SLOW.port}`,
	bytesPerSecond: 3_000_000,
};

/** The other account's registry in us-east-1 (the region's one token serves it too, as in ECR). */
export const REGISTRY_OWNER = REGISTRIES.find((registry) => registry.account === OWNER_ACCOUNT)!;
/** The registry of the Production account sign-in reaches. */
export const REGISTRY_SSO_PRODUCTION = REGISTRIES.find((registry) => registry.account === SSO_PRODUCTION_ACCOUNT)!;

/** Names that resolve to nothing listening, so nothing is ever looked up outside the machine. */
export const BLACKHOLE_ADDRESS = '127.0.0.9';

export function apiHosts(): string[] {
	const hosts = ['sts.amazonaws.com', 'api.ecr-public.us-east-1.amazonaws.com', 'ecr-public.us-east-1.amazonaws.com'];
	for (const region of ECR_REGIONS) {
		hosts.push(
			`api.ecr.${region}.amazonaws.com`,
			`ecr.${region}.amazonaws.com`,
			`sts.${region}.amazonaws.com`,
			`oidc.${region}.amazonaws.com`,
			`portal.sso.${region}.amazonaws.com`,
			`secretsmanager.${region}.amazonaws.com`,
		);
	}
	return hosts;
}

/** The hosts file bind-mounted over /etc/hosts inside the suite's mount namespace. */
export function hostsFile(): string {
	const lines = ['127.0.0.1 localhost', '::1 localhost ip6-localhost ip6-loopback'];
	for (const registry of REGISTRIES) lines.push(`${registry.address} ${registry.host}`);
	for (const host of apiHosts()) lines.push(`${API_ADDRESS} ${host}`);
	return `${lines.join('\n')}\n`;
}

/** Every name the server certificate must carry. */
export function certificateNames(): string[] {
	return [...REGISTRIES.map((registry) => registry.host), ...apiHosts()];
}
