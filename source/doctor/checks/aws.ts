/** Checks on the AWS side: credentials, identity, clock and region. */
import {PARTITION_REGIONS, partitionOfRegion} from '../../ecr/regions.js';
import type {DoctorFacts} from '../facts.js';
import {describeOutcomeProblem, formatSeconds} from '../outcome.js';
import type {CheckFix} from '../types.js';
import {blockedBy, pass, profileFlag, result, shellQuote, skip, type Check} from './common.js';

const FIVE_MINUTES_MS = 5 * 60 * 1000;
const CREDENTIAL_KINDS = new Set(['no-credentials', 'sso-expired', 'expired-credentials', 'mfa-required']);

function profileLabel(facts: DoctorFacts): string {
	return facts.aws.profileName ? `profile "${facts.aws.profileName}"` : 'the default credential chain';
}

function ssoLogin(facts: DoctorFacts): CheckFix {
	const name = facts.aws.profile?.name ?? facts.aws.profileName ?? 'default';
	return {
		description: `Sign in to AWS IAM Identity Center again for ${profileLabel(facts)}.`,
		command: `aws sso login --profile ${shellQuote(name)}`,
	};
}

export const awsCredentials: Check = (facts) => {
	const id = 'aws.credentials';
	const identity = facts.aws.identity;
	const profile = facts.aws.profile;
	const store = facts.store;
	if (identity.state === 'error' && CREDENTIAL_KINDS.has(identity.error.kind)) {
		const {kind, message} = identity.error;
		if (kind === 'sso-expired')
			return result(id, 'fail', `The SSO session of ${profileLabel(facts)} has expired: ${message}`, ssoLogin(facts));
		if (kind === 'mfa-required') {
			return result(id, 'fail', `${profileLabel(facts)} needs an MFA code: ${message}`, {
				description:
					'Run an AWS CLI command with this profile once to enter the MFA code and cache the session, then run ecr-setup again.',
				command: `aws sts get-caller-identity${profileFlag(facts.aws.profileName)}`,
			});
		}

		if (kind === 'expired-credentials') {
			return result(
				id,
				'fail',
				`The AWS credentials of ${profileLabel(facts)} have expired: ${message}`,
				profile?.sso
					? ssoLogin(facts)
					: {description: 'Get fresh temporary credentials (the session token has expired) and export them again.'},
			);
		}

		return result(
			id,
			'fail',
			`No AWS credentials found (${profileLabel(facts)}: environment, profiles, SSO, instance or container role): ${message}`,
			profile?.sso
				? ssoLogin(facts)
				: {
						description:
							'Configure credentials: an access key, an SSO profile, or a role. Without the AWS CLI: `ecr-setup sign-in` (IAM Identity Center, or --access-key-id ID).',
						command: `aws configure${profileFlag(facts.aws.profileName)}`,
					},
		);
	}

	if (identity.state === 'error' && identity.error.kind === 'no-region')
		return skip(id, 'skipped: no region to ask AWS in (see aws.region)');
	if (identity.state === 'timeout')
		return skip(
			id,
			`skipped: the credential check (sts:GetCallerIdentity) ${describeOutcomeProblem(identity)} (see network.endpoint)`,
		);
	if (profile?.mfa && store?.kind === 'helper' && store.helper === 'ecr-login') {
		return result(
			id,
			'warn',
			`${profileLabel(facts)} has mfa_serial and ecr-login serves ${facts.target.host}: the helper cannot prompt for an MFA code, so it fails silently.`,
			{
				description:
					'Give the helper credentials that need no prompt (AWS_PROFILE pointing at a profile without mfa_serial, or cached role credentials).',
			},
		);
	}

	if (identity.state === 'ok' || identity.state === 'error')
		return pass(id, `credentials found (${profileLabel(facts)})`);
	return skip(id, `skipped: ${describeOutcomeProblem(identity)}`);
};

export const awsIdentity: Check = (facts, prior) => {
	const id = 'aws.identity';
	const blocked = blockedBy(id, prior, ['aws.credentials']);
	if (blocked && prior.get('aws.credentials')?.status === 'fail') return blocked;
	const identity = facts.aws.identity;
	if (identity.state === 'ok') return pass(id, `${identity.value.arn} (account ${identity.value.account})`);
	if (identity.state === 'timeout') {
		const reached = identity.afterMs > 0 ? ': AWS could not be reached in time (see network.endpoint)' : '';
		return result(id, 'fail', `sts:GetCallerIdentity ${describeOutcomeProblem(identity)}${reached}.`, null);
	}

	if (identity.state === 'not-run') return skip(id, `skipped: ${identity.reason}`);
	const {kind, message, name} = identity.error;
	const label = name && !message.includes(name) ? `${name}: ${message}` : message;
	if (kind === 'region-disabled') {
		const region = facts.target.region ?? facts.aws.region.region;
		return result(
			id,
			'fail',
			`Region ${region ?? '(unknown)'} is not enabled for this account (an opt-in region): ${label}`,
			{
				description: 'Enable the region for the account (AWS console → Account → AWS Regions), or use another region.',
				...(region
					? {command: `aws account enable-region --region-name ${region}${profileFlag(facts.aws.profileName)}`}
					: {}),
			},
		);
	}

	if (kind === 'invalid-credentials') {
		return result(id, 'fail', `AWS rejected the credentials of ${profileLabel(facts)}: ${label}`, {
			description:
				'The keys are mistyped, deactivated or deleted, or temporary keys lack AWS_SESSION_TOKEN. Create new keys or sign in again, and check which credentials are in use.',
			command: `aws configure list${profileFlag(facts.aws.profileName)}`,
		});
	}

	if (kind === 'clock-skew')
		return result(id, 'fail', `AWS refused the request signature because of the clock: ${label} (see aws.clock)`, null);
	if (kind === 'network')
		return result(id, 'fail', `sts:GetCallerIdentity could not reach AWS: ${label} (see network.endpoint)`, null);
	if (kind === 'no-region') {
		return result(id, 'fail', `No region to call AWS in: ${label}`, {
			description: 'Set a region (see aws.region).',
			command: `export AWS_REGION=us-east-1`,
		});
	}

	return result(id, 'fail', `sts:GetCallerIdentity failed: ${label}`, null);
};

function clockFix(facts: DoctorFacts): CheckFix {
	if (facts.platform === 'darwin')
		return {description: 'Sync the clock with a time server.', command: 'sudo sntp -sS time.apple.com'};
	if (facts.platform === 'win32') return {description: 'Sync the clock with a time server.', command: 'w32tm /resync'};
	return {description: 'Turn on network time sync (NTP).', command: 'sudo timedatectl set-ntp true'};
}

export const awsClock: Check = (facts) => {
	const id = 'aws.clock';
	const clock = facts.aws.clock;
	const identity = facts.aws.identity;
	if (clock.state === 'ok') {
		const skewMs = clock.value.local.getTime() - clock.value.server.getTime();
		const minutes = Math.round(Math.abs(skewMs) / 60_000);
		if (Math.abs(skewMs) > FIVE_MINUTES_MS) {
			return result(
				id,
				'fail',
				`Your clock is ${minutes} min ${skewMs > 0 ? 'ahead of' : 'behind'} AWS (AWS says ${clock.value.server.toISOString()}): signed requests fail with "Signature expired".`,
				clockFix(facts),
			);
		}

		return pass(id, `within ${formatSeconds(Math.round(Math.abs(skewMs) / 1000) * 1000)} of AWS's clock`);
	}

	if (identity.state === 'error' && identity.error.kind === 'clock-skew') {
		return result(id, 'fail', `AWS says the request time is off: ${identity.error.message}`, clockFix(facts));
	}

	if (clock.state === 'timeout')
		return result(id, 'warn', `Could not compare clocks: the call ${describeOutcomeProblem(clock)}.`, null);
	if (clock.state === 'error') return result(id, 'warn', `Could not read AWS's clock: ${clock.error.message}`, null);
	return skip(id, `skipped: ${clock.reason}`);
};

export const awsRegion: Check = (facts) => {
	const id = 'aws.region';
	const {region: configured, source} = facts.aws.region;
	const registry = facts.target.registry;
	const sourceLabel =
		source === 'flag'
			? '--region'
			: source === 'profile'
				? `the profile ${facts.aws.profileName ?? 'default'}`
				: source;
	if (registry?.kind === 'public') return pass(id, 'ECR Public: tokens always come from us-east-1');
	if (!configured && !registry) {
		return result(
			id,
			'fail',
			'No AWS region: none of --region, AWS_REGION, AWS_DEFAULT_REGION or the profile sets one ("Region is missing").',
			{
				description: 'Pass --region, or set a region for the profile.',
				command: `aws configure set region us-east-1${profileFlag(facts.aws.profileName)}`,
			},
		);
	}

	if (registry?.kind === 'private') {
		if (!configured) return pass(id, `no region configured; ${registry.region} comes from the registry host`);
		if (configured !== registry.region) {
			return result(
				id,
				'warn',
				`The region in force is ${configured} (from ${sourceLabel}) but ${registry.host} is in ${registry.region}: a token fetched in ${configured} is refused there ("400 Bad Request"). ecr-setup uses ${registry.region} for this registry.`,
				{
					description: `Use ${registry.region} for this registry (scripts that run \`aws ecr get-login-password\` need --region ${registry.region}).`,
					command: `export AWS_REGION=${registry.region}`,
				},
			);
		}

		return pass(id, `${configured} (from ${sourceLabel}) matches ${registry.host}`);
	}

	const known = PARTITION_REGIONS[partitionOfRegion(configured!)] ?? [];
	if (!known.includes(configured!)) {
		return result(id, 'warn', `"${configured}" (from ${sourceLabel}) is not a region where ECR runs.`, {
			description: 'Use an ECR region such as us-east-1 or eu-west-1.',
			command: `aws configure set region us-east-1${profileFlag(facts.aws.profileName)}`,
		});
	}

	return pass(id, `${configured} (from ${sourceLabel})`);
};

export const AWS_CHECKS: Check[] = [awsCredentials, awsIdentity, awsClock, awsRegion];
