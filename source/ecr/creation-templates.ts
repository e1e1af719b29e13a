/**
 * Repository creation templates (ECR): settings ECR applies to a repository it creates itself. Since 19 December 2025
 * a push to a repository that does not exist creates it when a template whose `appliedFor` holds `CREATE_ON_PUSH`
 * covers the name. A template's prefix covers the names under it with an implied `/` (`team` covers `team/api`, not
 * `teamwork`); the prefix `ROOT` covers every name that no more specific template covers. Without such a template ECR
 * still answers `name unknown`.
 */
import {CREATE_ON_PUSH_ACTIONS, TAG_ACTIONS} from './actions.js';
import {validateRepositoryName} from './names.js';
import type {TagMutability, TagMutabilityFilter} from './repository-settings.js';

export const ROOT_PREFIX = 'ROOT';

export type TemplateUse = 'CREATE_ON_PUSH' | 'PULL_THROUGH_CACHE' | 'REPLICATION';

export type CreationTemplate = {
	prefix: string;
	appliedFor: TemplateUse[];
	description?: string;
	imageTagMutability?: TagMutability;
	exclusionFilters?: TagMutabilityFilter[];
	encryption?: {type: string; kmsKey?: string};
	lifecyclePolicy?: string;
	repositoryPolicy?: string;
	/** How many resource tags the template puts on each new repository. */
	resourceTagCount: number;
	/** The role ECR uses to apply KMS encryption and tags, when the template names one. */
	customRoleArn?: string;
};

export function templateCovers(prefix: string, name: string): boolean {
	return prefix === ROOT_PREFIX || name.startsWith(`${prefix}/`);
}

/** The template ECR applies when a push creates `name`: the most specific create-on-push template covering it. */
export function templateForPush(name: string, templates: readonly CreationTemplate[]): CreationTemplate | undefined {
	let best: CreationTemplate | undefined;
	for (const template of templates) {
		if (!template.appliedFor.includes('CREATE_ON_PUSH') || !templateCovers(template.prefix, name)) continue;
		const rank = template.prefix === ROOT_PREFIX ? 0 : template.prefix.length;
		const bestRank = best ? (best.prefix === ROOT_PREFIX ? 0 : best.prefix.length) : -1;
		if (rank > bestRank) best = template;
	}

	return best;
}

/**
 * What the pushing identity needs, beyond the push actions, for ECR to create the repository on push:
 * `ecr:CreateRepository`, and `ecr:TagResource` when the template tags what it creates.
 */
export function createOnPushActions(template: Pick<CreationTemplate, 'resourceTagCount'>): string[] {
	return template.resourceTagCount > 0 ? [...CREATE_ON_PUSH_ACTIONS, ...TAG_ACTIONS] : [...CREATE_ON_PUSH_ACTIONS];
}

/** "the template ROOT (every name)" / "the template team (team/…)". */
export function describeTemplate(template: Pick<CreationTemplate, 'prefix'>): string {
	return template.prefix === ROOT_PREFIX
		? 'the repository creation template ROOT (every name)'
		: `the repository creation template "${template.prefix}" (${template.prefix}/…)`;
}

/** Why a template prefix is refused, or undefined: `ROOT`, or a repository name (which the prefix's names start with). */
export function templatePrefixProblem(prefix: string): string | undefined {
	if (prefix === ROOT_PREFIX) return undefined;
	const check = validateRepositoryName(prefix);
	return check.ok ? undefined : `The prefix "${prefix}" is neither ROOT nor a repository name: ${check.reason}`;
}
