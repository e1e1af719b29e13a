import {privateRegistryHost} from '../ecr/hosts.js';
import {FALLBACK_REGION} from '../aws/region.js';
import {regionInForce} from './shared.js';
import type {CommandDefinition} from './types.js';

const KIND_LABEL: Record<string, string> = {
	'iam-user': 'IAM user',
	'assumed-role': 'assumed role',
	sso: 'IAM Identity Center (SSO) role',
	root: 'root user (avoid using it for day-to-day work)',
	federated: 'federated user',
	unknown: 'identity',
};

export const whoamiCommand: CommandDefinition = {
	name: 'whoami',
	summary: 'Show the AWS identity, account and region in use',
	usage: 'ecr-setup whoami [--profile P] [--region R] [--json]',
	flags: [],
	async run(context) {
		const {services, io, signal} = context;
		const resolved = await regionInForce(context);
		const identity = await services.aws.getCallerIdentity({region: resolved.region ?? FALLBACK_REGION, signal});
		const registry = resolved.region ? privateRegistryHost(identity.account, resolved.region) : undefined;
		io.out(`Account   ${identity.account}`);
		io.out(`Identity  ${identity.arn} (${KIND_LABEL[identity.kind] ?? identity.kind})`);
		io.out(`Profile   ${services.aws.profile ?? 'default credential chain'}`);
		io.out(
			resolved.region
				? `Region    ${resolved.region} (from ${resolved.source === 'flag' ? '--region' : resolved.source})`
				: 'Region    none set — pass --region or set AWS_REGION',
		);
		if (registry) io.out(`Registry  ${registry}`);
		return {
			json: {
				account: identity.account,
				arn: identity.arn,
				userId: identity.userId,
				kind: identity.kind,
				profile: services.aws.profile ?? null,
				region: resolved.region ?? null,
				regionSource: resolved.source,
				registry: registry ?? null,
			},
		};
	},
};
