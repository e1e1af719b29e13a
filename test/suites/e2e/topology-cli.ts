/**
 * The topology in the forms stack.sh needs, bundled with esbuild next to the stand-in (Node 20 does not run TypeScript):
 *   node topology.mjs hosts                     the hosts file bind-mounted over /etc/hosts
 *   node topology.mjs san                       the server certificate's subjectAltName extension line
 *   node topology.mjs registry-hosts            the registry hosts (ECR's and public.ecr.aws), one a line
 *   node topology.mjs stand-in-config WORKDIR   the AWS stand-in's ServeConfig (WORKDIR holds pki/ and registry/<host>/)
 *   node topology.mjs slow-link                 the relay's arguments: LISTEN TARGET BYTES_PER_SECOND
 */
import path from 'node:path';
import type {ServeConfig} from '../../helpers/aws-stand-in/cli.js';
import {
	ACCOUNT,
	API_ADDRESS,
	CALLER_ARN,
	CALLER_USER_ID,
	CONTROL_PORT,
	certificateNames,
	ECR_REGIONS,
	hostsFile,
	OWNER,
	REGISTRIES,
	SLOW_LINK,
} from './topology.js';

function standInConfig(work: string): ServeConfig {
	const pki = path.join(work, 'pki');
	return {
		api: {host: API_ADDRESS, port: 443},
		control: {host: API_ADDRESS, port: CONTROL_PORT},
		tls: {
			cert: path.join(pki, 'server.crt'),
			key: path.join(pki, 'server.key'),
			ca: path.join(pki, 'ca.crt'),
		},
		identity: {account: ACCOUNT, arn: CALLER_ARN, userId: CALLER_USER_ID},
		identities: [OWNER],
		regions: [...ECR_REGIONS],
		registries: REGISTRIES.map((registry) => ({
			...registry,
			htpasswd: path.join(work, 'registry', registry.host, 'htpasswd'),
		})),
	};
}

const [command, argument] = process.argv.slice(2);
if (command === 'hosts') {
	process.stdout.write(hostsFile());
} else if (command === 'san') {
	const addresses = [API_ADDRESS, ...REGISTRIES.map((registry) => registry.address)];
	process.stdout.write(
		`subjectAltName=${[...certificateNames().map((name) => `DNS:${name}`), ...addresses.map((ip) => `IP:${ip}`)].join(',')}\n`,
	);
} else if (command === 'registry-hosts') {
	process.stdout.write(`${REGISTRIES.map((registry) => registry.host).join('\n')}\n`);
} else if (command === 'slow-link') {
	process.stdout.write(`${SLOW_LINK.listen} ${SLOW_LINK.target} ${SLOW_LINK.bytesPerSecond}\n`);
} else if (command === 'stand-in-config' && argument) {
	process.stdout.write(`${JSON.stringify(standInConfig(argument), null, '\t')}\n`);
} else {
	process.stderr.write('usage: topology.mjs hosts | san | registry-hosts | slow-link | stand-in-config WORKDIR\n');
	process.exit(2);
}
