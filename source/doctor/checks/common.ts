/** What every check family shares: the check signature, titles, the "a prerequisite failed" skip, and bits of fix text. */
import {relativeTime} from '../../lib/format.js';
import {shellQuote} from '../../lib/shell.js';
import type {DockerConfigData} from '../../docker-config/types.js';
import type {DoctorFacts} from '../facts.js';
import type {CheckFix, CheckId, CheckResult, CheckStatus} from '../types.js';

/** A check is a pure function of the facts and the results of the checks before it. */
export type Check = (facts: DoctorFacts, prior: ReadonlyMap<CheckId, CheckResult>) => CheckResult;

export const TITLES: Record<CheckId, string> = {
	'docker.cli': 'Docker CLI installed',
	'docker.daemon': 'Docker daemon reachable',
	'docker.config': 'Docker config file valid and writable',
	'docker.auth-config-env': 'DOCKER_AUTH_CONFIG not overriding config.json',
	'docker.store': 'Credential store for the registry',
	'docker.helper-key': 'credHelpers key matches the registry host exactly',
	'docker.helper-works': 'Credential helper returns credentials',
	'docker.stored-token': 'Tokens stored in config.json still valid',
	'docker.login-conflict': '`docker login` compatible with the credential helper',
	'docker.sudo': 'docker and ecr-setup read the same config.json',
	'aws.credentials': 'AWS credentials available',
	'aws.identity': 'AWS identity (sts:GetCallerIdentity)',
	'aws.clock': 'Local clock in sync with AWS',
	'aws.region': 'AWS region matches the registry',
	'ecr.auth-token': 'ECR authorization token (ecr:GetAuthorizationToken)',
	'ecr.cross-account': 'Registry in your own account',
	'ecr.repository': 'Repository exists',
	'ecr.repository-policy': 'Repository policy allows your pushes',
	'ecr.tag-immutable': 'Tag can be pushed (tag immutability)',
	'image.local': 'Image exists locally',
	'image.tagged': 'Image tagged with the full ECR URI',
	'network.endpoint': 'ECR endpoints reachable',
};

export function result(id: CheckId, status: CheckStatus, detail: string, fix: CheckFix | null = null): CheckResult {
	return {id, status, title: TITLES[id], detail, fix};
}

export function pass(id: CheckId, detail: string): CheckResult {
	return result(id, 'pass', detail);
}

export function skip(id: CheckId, detail: string): CheckResult {
	return result(id, 'skip', detail);
}

/** A skip naming the first prerequisite that did not pass, or undefined when all passed (or warned). */
export function blockedBy(
	id: CheckId,
	prior: ReadonlyMap<CheckId, CheckResult>,
	needs: CheckId[],
): CheckResult | undefined {
	for (const need of needs) {
		const before = prior.get(need);
		if (before?.status === 'skip' && before.detail.startsWith('skipped: ')) return skip(id, before.detail);
		if (before && (before.status === 'fail' || before.status === 'skip')) {
			return skip(
				id,
				`skipped: ${need} ${before.status === 'fail' ? 'failed' : 'was skipped'} (${firstSentence(before.detail)})`,
			);
		}
	}

	return undefined;
}

function firstSentence(text: string): string {
	const short = text.replace(/^skipped: /, '');
	const end = short.search(/[.;:](?:\s|$)/);
	const sentence = end === -1 ? short : short.slice(0, end);
	return sentence.length > 100 ? `${sentence.slice(0, 97)}…` : sentence;
}

export {shellQuote};

export function profileFlag(profileName: string | undefined): string {
	return profileName && profileName !== 'default' ? ` --profile ${shellQuote(profileName)}` : '';
}

/** "3 h 5 min ago", "in 20 min", or whole days past two days ("12 days ago"). */
export function relativeTo(target: Date, now: Date): string {
	const ms = target.getTime() - now.getTime();
	const days = Math.floor(Math.abs(ms) / 86_400_000);
	if (days < 2) return relativeTime(target, now);
	return ms >= 0 ? `in ${days} days` : `${days} days ago`;
}

/** config.json as docker reads it: an invalid file counts as empty. */
export function configData(facts: DoctorFacts): DockerConfigData {
	return facts.config.state === 'ok' ? facts.config.config.data : {};
}

/** The user a fix command names (the one who ran sudo, when sudo is in play). */
export function userName(facts: DoctorFacts): string {
	return facts.env['SUDO_USER'] || facts.env['USER'] || facts.env['LOGNAME'] || '$USER';
}

/** The repository does not exist (yet) in the target region. */
export function repositoryMissing(facts: DoctorFacts): boolean {
	const outcome = facts.aws.repository;
	return (
		(outcome.state === 'ok' && outcome.value === null) ||
		(outcome.state === 'error' && outcome.error.kind === 'repository-not-found')
	);
}
