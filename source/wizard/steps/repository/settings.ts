/**
 * The repository step's pure side: the settings a new repository is created with (as typed), what a creation template
 * would give it instead, and what the step hands on to the rest of the wizard.
 */
import type {CreateRepositoryInput, RepositoryInfo} from '../../../aws/types.js';
import {createOnPushActions, type CreationTemplate} from '../../../ecr/creation-templates.js';
import {
	describeTagMutability,
	exclusionFilterProblem,
	keepTaggedLifecyclePolicy,
	MAX_EXCLUSION_FILTERS,
	type TagMutability,
} from '../../../ecr/repository-settings.js';
import type {ChosenRepository, CreatedWith} from '../../state.js';

/** A repository to create, as the screens have it so far (the patterns as typed, comma-separated). */
export type Draft = {
	name: string;
	mutability: TagMutability;
	patterns: string;
	scanOnPush: boolean;
	/** Keep the newest this many tagged images; undefined keeps every image. */
	keepImages?: number;
	encryption: 'AES256' | 'KMS';
};

export function newDraft(name: string): Draft {
	return {name, mutability: 'MUTABLE', patterns: '', scanOnPush: true, encryption: 'AES256'};
}

export function hasExclusions(mutability: TagMutability): boolean {
	return mutability === 'IMMUTABLE_WITH_EXCLUSION' || mutability === 'MUTABLE_WITH_EXCLUSION';
}

export type Parsed<T> = {ok: true; value: T} | {ok: false; reason: string};

/** "latest, dev-*" → the distinct patterns, each checked by ECR's rule for tag filters, at most five. */
export function parsePatterns(text: string): Parsed<string[]> {
	const patterns = [
		...new Set(
			text
				.split(',')
				.map((part) => part.trim())
				.filter((part) => part.length > 0),
		),
	];
	if (patterns.length === 0) return {ok: false, reason: 'Give at least one tag pattern, e.g. latest or dev-*.'};
	if (patterns.length > MAX_EXCLUSION_FILTERS)
		return {ok: false, reason: `ECR takes at most ${MAX_EXCLUSION_FILTERS} tag patterns (this is ${patterns.length}).`};
	for (const pattern of patterns) {
		const problem = exclusionFilterProblem(pattern);
		if (problem) return {ok: false, reason: problem};
	}

	return {ok: true, value: patterns};
}

/** The lifecycle field: empty keeps every image, else a whole number of tagged images to keep. */
export function parseKeepImages(text: string): Parsed<number | undefined> {
	const trimmed = text.trim();
	if (trimmed.length === 0) return {ok: true, value: undefined};
	const count = Number(trimmed);
	if (!/^\d+$/.test(trimmed) || count < 1 || count > 10_000)
		return {ok: false, reason: 'A whole number from 1 to 10000, or empty to keep every image.'};
	return {ok: true, value: count};
}

function draftPatterns(draft: Draft): string[] {
	if (!hasExclusions(draft.mutability)) return [];
	const parsed = parsePatterns(draft.patterns);
	return parsed.ok ? parsed.value : [];
}

/** What the AWS service is asked for; settings that are ECR's defaults are left out. */
export function createInput(draft: Draft): CreateRepositoryInput {
	const patterns = draftPatterns(draft);
	return {
		name: draft.name,
		imageTagMutability: draft.mutability,
		...(patterns.length > 0
			? {exclusionFilters: patterns.map((filter) => ({filterType: 'WILDCARD' as const, filter}))}
			: {}),
		scanOnPush: draft.scanOnPush,
		...(draft.encryption === 'KMS' ? {encryption: {type: 'KMS' as const}} : {}),
		...(draft.keepImages ? {lifecyclePolicy: keepTaggedLifecyclePolicy(draft.keepImages)} : {}),
	};
}

export function createdWith(draft: Draft): CreatedWith {
	const patterns = draftPatterns(draft);
	return {
		imageTagMutability: draft.mutability,
		...(patterns.length > 0 ? {exclusions: patterns} : {}),
		scanOnPush: draft.scanOnPush,
		...(draft.keepImages ? {keepImages: draft.keepImages} : {}),
		...(draft.encryption === 'KMS' ? {encryption: 'KMS' as const} : {}),
	};
}

/** ["immutable tags except latest", "scan on push on", "AES-256 encryption", "keeps the newest 30 tagged images"]. */
export function draftSettings(draft: Draft): string[] {
	const filters = draftPatterns(draft).map((filter) => ({filterType: 'WILDCARD' as const, filter}));
	return [
		describeTagMutability(draft.mutability, filters),
		`scan on push ${draft.scanOnPush ? 'on' : 'off'}`,
		draft.encryption === 'KMS' ? 'KMS encryption (AWS managed key)' : 'AES-256 encryption',
		draft.keepImages ? `keeps the newest ${draft.keepImages} tagged images` : 'keeps every image',
	];
}

/** A list note for a repository that exists (its exclusion patterns are not listed, only that there are some). */
export function mutabilityNote(mutability: TagMutability): string {
	if (hasExclusions(mutability))
		return `${mutability.startsWith('IMMUTABLE') ? 'immutable' : 'mutable'} tags, with exceptions`;
	return describeTagMutability(mutability);
}

export function chosen(repository: RepositoryInfo, created?: CreatedWith): ChosenRepository {
	return {
		name: repository.name,
		uri: repository.uri,
		registryId: repository.registryId,
		region: repository.region,
		imageTagMutability: repository.imageTagMutability,
		...(repository.exclusionFilters?.length ? {exclusionFilters: repository.exclusionFilters} : {}),
		created: created !== undefined,
		...(created ? {createdWith: created} : {}),
	};
}

/** The repository as it will be once the first push has made ECR create it from the template. */
export function toBeCreatedOnPush(
	name: string,
	where: {host: string; registryId: string; region: string},
	template: CreationTemplate,
): ChosenRepository {
	return {
		name,
		uri: `${where.host}/${name}`,
		registryId: where.registryId,
		region: where.region,
		imageTagMutability: template.imageTagMutability ?? 'MUTABLE',
		created: false,
		createOnPush: {prefix: template.prefix, actions: createOnPushActions(template)},
	};
}

export function repositorySummary(repository: ChosenRepository): string {
	if (repository.createOnPush)
		return `Repository: ${repository.uri} (ECR creates it on the first push, from the template ${repository.createOnPush.prefix})`;
	if (!repository.createdWith) return `Repository: ${repository.uri}`;
	const filters = (repository.createdWith.exclusions ?? []).map((filter) => ({
		filterType: 'WILDCARD' as const,
		filter,
	}));
	return `Repository: ${repository.uri} (created, ${describeTagMutability(repository.imageTagMutability, filters)})`;
}

/** The settings a repository created from this template gets. */
export function templateSettings(template: CreationTemplate): string[] {
	return [
		describeTagMutability(template.imageTagMutability ?? 'MUTABLE', template.exclusionFilters ?? []),
		template.encryption?.type?.startsWith('KMS') ? 'KMS encryption' : 'AES-256 encryption',
		template.lifecyclePolicy ? 'its lifecycle policy' : 'no lifecycle policy',
		...(template.repositoryPolicy ? ['its repository policy'] : []),
		...(template.resourceTagCount > 0
			? [`${template.resourceTagCount} resource tag${template.resourceTagCount === 1 ? '' : 's'}`]
			: []),
	];
}

/** "ecr:CreateRepository" / "ecr:CreateRepository and ecr:TagResource". */
export function actionsText(actions: readonly string[]): string {
	return actions.join(' and ');
}
