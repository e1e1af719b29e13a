/** Checks on ECR: the token, the account, the repository, its policy and its tag mutability (in that order). */
import {createOnPushActions, describeTemplate, templateForPush} from '../../ecr/creation-templates.js';
import {formatImageRef} from '../../ecr/image-ref.js';
import {describeTagMutability} from '../../ecr/repository-settings.js';
import {privateRegistryHost} from '../../ecr/hosts.js';
import type {DoctorFacts} from '../facts.js';
import type {CheckResult} from '../types.js';
import {describeOutcomeProblem, outcomeValue} from '../outcome.js';
import {ecrCrossAccount, ecrRepositoryPolicy} from './ecr-policy.js';
import {
	blockedBy,
	pass,
	profileFlag,
	relativeTo,
	repositoryMissing,
	result,
	shellQuote,
	skip,
	type Check,
} from './common.js';

function identityAccount(facts: DoctorFacts): string | undefined {
	return outcomeValue(facts.aws.identity)?.account;
}

export const ecrAuthToken: Check = (facts, prior) => {
	const id = 'ecr.auth-token';
	const blocked = blockedBy(id, prior, ['aws.credentials', 'aws.identity']);
	if (blocked) return blocked;
	const token = facts.aws.token;
	const host = facts.target.host;
	const api =
		facts.target.registry?.kind === 'public' ? 'ecr-public:GetAuthorizationToken' : 'ecr:GetAuthorizationToken';
	if (token.state === 'ok') {
		return pass(
			id,
			`${api} works in ${facts.target.region}; a token for ${host} would be valid until ${token.value.expiresAt.toISOString()} (${relativeTo(token.value.expiresAt, facts.now)})`,
		);
	}

	if (token.state === 'not-run') return skip(id, `skipped: ${token.reason}`);
	if (token.state === 'timeout')
		return result(id, 'fail', `${api} ${describeOutcomeProblem(token)} (see network.endpoint).`, null);
	const {kind, message, name} = token.error;
	const label = name ? `${name}: ${message}` : message;
	if (kind === 'access-denied') {
		return result(id, 'fail', `You may not get an ECR token: ${label}`, {
			description: `Attach an IAM policy allowing "${api}" on "*" (plus the push actions on the repository) to ${outcomeValue(facts.aws.identity)?.arn ?? 'your identity'}.`,
			command: `ecr-setup policy${facts.target.repository ? ` --repository ${shellQuote(facts.target.repository)}` : ''}`,
		});
	}

	if (kind === 'throttled') {
		return result(id, 'warn', `ECR is throttling token requests: ${label}`, {
			description:
				'Something is fetching tokens in a loop (20 per second per account and region): cache them (ecr-login does) and retry in a minute.',
		});
	}

	if (kind === 'region-disabled') {
		return result(id, 'fail', `Region ${facts.target.region} is not enabled for this account: ${label}`, {
			description: 'Enable the region for the account, or use a registry in another region.',
			command: `aws account enable-region --region-name ${facts.target.region}${profileFlag(facts.aws.profileName)}`,
		});
	}

	return result(id, 'fail', `${api} failed: ${label}`, null);
};

export const ecrRepository: Check = (facts, prior) => {
	const id = 'ecr.repository';
	const target = facts.target;
	if (target.repositoryProblem) {
		const suggestion = target.repositorySuggestion;
		return result(id, 'fail', target.repositoryProblem, {
			description: suggestion
				? `Pass only the repository name: --repository ${suggestion}.`
				: 'Pass only the repository name (the part after the registry host and "/").',
			...(suggestion && target.host
				? {command: `ecr-setup doctor --registry ${target.host} --repository ${shellQuote(suggestion)}`}
				: {}),
		});
	}

	if (!target.repository) return skip(id, 'skipped: no repository (give --repository or --image)');
	if (target.registry?.kind === 'public') return skip(id, 'skipped: ECR Public repositories are not checked');
	const blocked = blockedBy(id, prior, ['aws.identity']);
	if (blocked) return blocked;
	const outcome = facts.aws.repository;
	const name = target.repository;
	if (outcome.state === 'ok' && outcome.value) {
		const info = outcome.value;
		return pass(
			id,
			`${info.uri} exists (${info.imageTagMutability.toLowerCase().replaceAll('_', ' ')}, ${info.encryptionType} encryption)`,
		);
	}

	if (outcome.state === 'ok' || (outcome.state === 'error' && outcome.error.kind === 'repository-not-found'))
		return missingRepository(facts, name);

	if (outcome.state === 'timeout')
		return result(
			id,
			'fail',
			`ecr:DescribeRepositories ${describeOutcomeProblem(outcome)} (see network.endpoint).`,
			null,
		);
	if (outcome.state === 'not-run') return skip(id, `skipped: ${outcome.reason}`);
	const {kind, message, name: errorName} = outcome.error;
	if (kind === 'access-denied') {
		const foreign = identityAccount(facts) !== target.account;
		return result(
			id,
			'warn',
			`Cannot tell whether "${name}" exists: ${errorName ? `${errorName}: ` : ''}${message} (pushing may still work).`,
			{
				description: foreign
					? `Account ${target.account} owns it: only its repository policy can let you describe it, and pushing needs only the push actions there (see ecr.repository-policy).`
					: 'Allow ecr:DescribeRepositories on the repository to let ecr-setup check it.',
			},
		);
	}

	return result(id, 'fail', `ecr:DescribeRepositories failed: ${errorName ? `${errorName}: ` : ''}${message}`, null);
};

/** The repository is missing in the target region: a create-on-push template may create it; it may exist elsewhere. */
function missingRepository(facts: DoctorFacts, name: string): CheckResult {
	const id = 'ecr.repository';
	const target = facts.target;
	const here = `"${name}" does not exist in ${target.region} (account ${target.account})`;
	const search = outcomeValue(facts.aws.search);
	const templates = facts.aws.templates;
	const template = templates.state === 'ok' ? templateForPush(name, templates.value) : undefined;
	const createCommand = `aws ecr create-repository --repository-name ${shellQuote(name)} --region ${target.region}${profileFlag(facts.aws.profileName)}`;
	const elsewhere = search && search.found.length > 0 ? search.found : undefined;
	const otherRegion = elsewhere && {
		first: elsewhere[0]!,
		regions: elsewhere.map((repo) => repo.region).join(', '),
		fix: {
			description: `Push to ${elsewhere[0]!.region} instead (${elsewhere[0]!.uri}), or create the repository in ${target.region}.`,
			command:
				target.image && !target.imageIsEcr
					? `docker tag ${shellQuote(target.image)} ${formatImageRef({
							registry: privateRegistryHost(elsewhere[0]!.registryId, elsewhere[0]!.region),
							repository: name,
							tag: target.tag ?? 'latest',
						})}`
					: createCommand,
		},
	};

	if (template) {
		const creates = `${describeTemplate(template)} creates it on the first push (${describeTagMutability(template.imageTagMutability ?? 'MUTABLE', template.exclusionFilters)}, ${template.encryption?.type ?? 'AES256'} encryption)`;
		const needs = `the pushing identity needs ${createOnPushActions(template).join(' and ')} on it besides the push actions (ecr-setup policy --repository ${shellQuote(name)} --push --create-on-push)`;
		if (otherRegion) {
			return result(
				id,
				'warn',
				`${here}, but it exists in ${otherRegion.regions} (${otherRegion.first.uri}); a push here makes a second one: ${creates}.`,
				otherRegion.fix,
			);
		}

		return pass(id, `${here} yet; ${creates}, and ${needs}`);
	}

	if (otherRegion) {
		return result(
			id,
			'fail',
			`${here}; it exists in ${otherRegion.regions} (${otherRegion.first.uri}). docker push answers "name unknown".`,
			otherRegion.fix,
		);
	}

	const unsearched = search ? [...search.failed.map((entry) => entry.region), ...search.timedOut] : [];
	const where =
		facts.aws.search.state === 'ok'
			? `nor in any other region of your account${unsearched.length > 0 ? ` (${unsearched.length} region(s) could not be searched: ${unsearched.slice(0, 5).join(', ')})` : ''}`
			: facts.aws.search.state === 'timeout'
				? `and the search of other regions ${describeOutcomeProblem(facts.aws.search)}`
				: identityAccount(facts) === target.account
					? ''
					: `(it belongs to account ${target.account}; only your own account's regions can be searched)`;
	const prefix = name.includes('/') ? name.split('/')[0]! : 'ROOT';
	const createFix = {
		description: `Create the repository in ${target.region}, or a create-on-push template that covers it (ecr-setup template --prefix ${prefix}).`,
		command: createCommand,
	};
	if (templates.state === 'error' || templates.state === 'timeout') {
		const problem =
			templates.state === 'error'
				? `${templates.error.name ? `${templates.error.name}: ` : ''}${templates.error.message}`
				: describeOutcomeProblem(templates);
		return result(
			id,
			'warn',
			`${here}${where ? ` ${where}` : ''}. Whether a create-on-push template creates it on the first push cannot be told: ecr:DescribeRepositoryCreationTemplates ${templates.state === 'error' ? `failed (${problem})` : problem}. Without one, docker push answers "name unknown".`,
			templates.state === 'error' && templates.error.kind === 'access-denied'
				? {
						...createFix,
						description: `${createFix.description} Allowing ecr:DescribeRepositoryCreationTemplates lets ecr-setup see the templates.`,
					}
				: createFix,
		);
	}

	const why =
		templates.state === 'ok'
			? 'no create-on-push repository creation template covers the name'
			: 'unless a create-on-push repository creation template covers the name';
	return result(
		id,
		'fail',
		`${here}${where ? ` ${where}` : ''}. docker push answers "name unknown": ${why}.`,
		createFix,
	);
}

export const ecrTagImmutable: Check = (facts, prior) => {
	const id = 'ecr.tag-immutable';
	const tag = facts.target.tag;
	if (!tag) return skip(id, 'skipped: no tag (give --image)');
	const blocked = blockedBy(id, prior, ['ecr.repository']);
	if (blocked) return blocked;
	const repository = outcomeValue(facts.aws.repository);
	if (!repository && repositoryMissing(facts)) return skip(id, 'skipped: the repository does not exist yet');
	if (!repository) return skip(id, 'skipped: the repository could not be checked');
	const mutability = repository.imageTagMutability;
	const outcome = facts.aws.tagImage;
	if (outcome.state === 'timeout')
		return result(id, 'warn', `ecr:DescribeImages ${describeOutcomeProblem(outcome)}.`, null);
	if (outcome.state === 'not-run') return skip(id, `skipped: ${outcome.reason}`);
	if (outcome.state === 'error') {
		if (mutability === 'MUTABLE')
			return pass(id, `"${repository.name}" is mutable: the tag ${tag} can be pushed (overwritten if it exists)`);
		return result(
			id,
			'warn',
			`"${repository.name}" is ${mutability} and the tag could not be looked up: ${outcome.error.message}`,
			null,
		);
	}

	const existing = outcome.value;
	if (!existing)
		return pass(id, `${tag} is not in "${repository.name}" yet (${mutability.toLowerCase().replaceAll('_', ' ')})`);
	const when = existing.pushedAt ? `, pushed ${relativeTo(existing.pushedAt, facts.now)}` : '';
	const what = `The tag ${tag} already exists in "${repository.name}" (${existing.digest.slice(0, 19)}…${when})`;
	const newTag = {
		description:
			'Push under a new tag (a version or the git commit), or delete the old image first if you really mean to replace it.',
	};
	if (mutability === 'IMMUTABLE') {
		return result(
			id,
			'fail',
			`${what} and the repository is IMMUTABLE: docker push fails with "tag invalid: … already exists".`,
			newTag,
		);
	}

	// Exclusion filters turn the rule round for the tags they match; which tags those are, the doctor does not read.
	const exclusion =
		mutability === 'IMMUTABLE_WITH_EXCLUSION'
			? {rule: 'immutable', fails: `unless ${tag} matches one`}
			: mutability === 'MUTABLE_WITH_EXCLUSION'
				? {rule: 'mutable', fails: `if ${tag} matches one`}
				: undefined;
	if (exclusion) {
		return result(
			id,
			'warn',
			`${what}; the repository is ${exclusion.rule} except for tags matching its exclusion filters: the push fails ${exclusion.fails}.`,
			newTag,
		);
	}

	return pass(id, `${what}; the repository is mutable, so the push moves the tag`);
};

export const ECR_CHECKS: Check[] = [ecrAuthToken, ecrCrossAccount, ecrRepository, ecrRepositoryPolicy, ecrTagImmutable];
