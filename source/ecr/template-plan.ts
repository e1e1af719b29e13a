/**
 * A repository creation template planned from the settings a person chose (the `template` command's flags, the wizard's
 * answers): the exact CreateRepositoryCreationTemplate request, checked as ECR would check it, and the same settings in
 * words. Pure; the AWS service sends the request.
 */
import {UsageError} from '../errors/user-errors.js';
import {
	createOnPushActions,
	describeTemplate,
	ROOT_PREFIX,
	templatePrefixProblem,
	type CreationTemplate,
	type TemplateUse,
} from './creation-templates.js';
import {
	describeTagMutability,
	keepTaggedLifecyclePolicy,
	type Encryption,
	type TagMutability,
	type TagMutabilityFilter,
} from './repository-settings.js';

/** ECR's limit on a template's description. */
export const MAX_TEMPLATE_DESCRIPTION = 256;

export type TemplateSettings = {
	/** ROOT, or the repository-name prefix the template covers (with the implied `/`). */
	prefix: string;
	imageTagMutability: TagMutability;
	exclusionFilters?: TagMutabilityFilter[];
	encryption?: Encryption;
	/** Keep the newest N tagged images in every repository the template creates. */
	keepImages?: number;
	description?: string;
	/** The role ECR assumes to apply a KMS key or resource tags to what it creates. */
	customRoleArn?: string;
	/** When ECR applies it (default: CREATE_ON_PUSH): PULL_THROUGH_CACHE for the repositories a cache rule creates. */
	appliedFor?: TemplateUse[];
};

/** What CreateRepositoryCreationTemplate is sent, in ecr-setup's terms (the AWS service maps it to the API's). */
export type TemplateRequest = {
	prefix: string;
	appliedFor: TemplateUse[];
	description?: string;
	imageTagMutability?: TagMutability;
	exclusionFilters?: TagMutabilityFilter[];
	encryption?: Encryption;
	lifecyclePolicy?: string;
	customRoleArn?: string;
};

/** The request with the API's field names, as CreateRepositoryCreationTemplate (and the AWS CLI's --cli-input-json) takes it. */
export type TemplateApiInput = {
	prefix: string;
	appliedFor: TemplateUse[];
	description?: string;
	imageTagMutability?: TagMutability;
	imageTagMutabilityExclusionFilters?: TagMutabilityFilter[];
	encryptionConfiguration?: {encryptionType: 'AES256' | 'KMS'; kmsKey?: string};
	lifecyclePolicy?: string;
	customRoleArn?: string;
};

export type TemplatePlan = {
	request: TemplateRequest;
	/** Exactly what is sent. */
	apiInput: TemplateApiInput;
	/** The settings in words, one line each. */
	summary: string[];
	/** What a person should know before creating it. */
	notes: string[];
};

/** The API's shape of a request: the field names of CreateRepositoryCreationTemplate. */
export function templateApiInput(request: TemplateRequest): TemplateApiInput {
	const encryption = request.encryption;
	return {
		prefix: request.prefix,
		appliedFor: request.appliedFor,
		...(request.description ? {description: request.description} : {}),
		...(request.imageTagMutability ? {imageTagMutability: request.imageTagMutability} : {}),
		...(request.exclusionFilters?.length ? {imageTagMutabilityExclusionFilters: request.exclusionFilters} : {}),
		...(encryption
			? {
					encryptionConfiguration:
						encryption.type === 'KMS' && encryption.kmsKey
							? {encryptionType: 'KMS' as const, kmsKey: encryption.kmsKey}
							: {encryptionType: encryption.type},
				}
			: {}),
		...(request.lifecyclePolicy ? {lifecyclePolicy: request.lifecyclePolicy} : {}),
		...(request.customRoleArn ? {customRoleArn: request.customRoleArn} : {}),
	};
}

/** "keeps the newest 30 tagged images", or how many rules a policy of another shape has. */
export function describeLifecyclePolicy(text: string | undefined): string {
	if (!text) return 'none (images are kept until deleted)';
	try {
		const rules = (JSON.parse(text) as {rules?: Array<{selection?: {tagStatus?: string; countNumber?: number}}>}).rules;
		const only = rules?.length === 1 ? rules[0] : undefined;
		if (only?.selection?.tagStatus === 'tagged' && typeof only.selection.countNumber === 'number')
			return `keep the newest ${only.selection.countNumber} tagged images`;
		return `a lifecycle policy of ${rules?.length ?? 0} rule(s)`;
	} catch {
		return 'a lifecycle policy that is not valid JSON';
	}
}

function describeEncryption(encryption: {type: string; kmsKey?: string} | undefined): string {
	if (!encryption || encryption.type === 'AES256') return 'AES256 (ECR’s default)';
	return `${encryption.type} (${encryption.kmsKey ?? 'the AWS managed key aws/ecr'})`;
}

/** A template's settings in words, one line each: for the plan and for `template --list`. */
export function describeTemplateSettings(
	template: Pick<
		CreationTemplate,
		'appliedFor' | 'imageTagMutability' | 'exclusionFilters' | 'encryption' | 'lifecyclePolicy' | 'description'
	> &
		Partial<Pick<CreationTemplate, 'repositoryPolicy' | 'resourceTagCount' | 'customRoleArn'>>,
): string[] {
	const lines = [
		`applied for:  ${template.appliedFor.join(', ') || '(nothing)'}`,
		`tags:         ${describeTagMutability(template.imageTagMutability ?? 'MUTABLE', template.exclusionFilters)}`,
		`encryption:   ${describeEncryption(template.encryption)}`,
		`lifecycle:    ${describeLifecyclePolicy(template.lifecyclePolicy)}`,
	];
	if (template.repositoryPolicy) lines.push('policy:       a repository policy');
	if (template.resourceTagCount)
		lines.push(`tagging:      ${template.resourceTagCount} resource tag(s) on each new repository`);
	if (template.customRoleArn) lines.push(`role:         ${template.customRoleArn}`);
	if (template.description) lines.push(`description:  ${template.description}`);
	return lines;
}

/**
 * The request for a create-on-push template with these settings. Throws a UsageError naming what ECR would refuse: a
 * prefix that is neither ROOT nor a repository name, a description over 256 characters, a KMS key without KMS.
 */
export function planCreationTemplate(settings: TemplateSettings): TemplatePlan {
	const problem = templatePrefixProblem(settings.prefix);
	if (problem) {
		throw new UsageError(problem, {
			code: 'usage.template-prefix',
			hint: `Pass --prefix ${ROOT_PREFIX} for every repository name, or a name prefix such as --prefix team (it covers team/…).`,
		});
	}

	const description = settings.description?.trim();
	if (description !== undefined && description.length > MAX_TEMPLATE_DESCRIPTION) {
		throw new UsageError(
			`A template's description can be at most ${MAX_TEMPLATE_DESCRIPTION} characters (this one has ${description.length}).`,
			{code: 'usage.template-description'},
		);
	}

	const request: TemplateRequest = {
		prefix: settings.prefix,
		appliedFor: settings.appliedFor ?? ['CREATE_ON_PUSH'],
		...(description ? {description} : {}),
		imageTagMutability: settings.imageTagMutability,
		...(settings.exclusionFilters?.length ? {exclusionFilters: settings.exclusionFilters} : {}),
		...(settings.encryption ? {encryption: settings.encryption} : {}),
		...(settings.keepImages === undefined ? {} : {lifecyclePolicy: keepTaggedLifecyclePolicy(settings.keepImages)}),
		...(settings.customRoleArn ? {customRoleArn: settings.customRoleArn} : {}),
	};
	const covered =
		settings.prefix === ROOT_PREFIX ? 'any name no other template covers' : `a name under ${settings.prefix}/`;
	const notes: string[] = [];
	if (request.appliedFor.includes('PULL_THROUGH_CACHE'))
		notes.push(
			`The repositories a pull-through cache rule creates, with ${covered}, get these settings on their first pull.`,
		);
	if (request.appliedFor.includes('CREATE_ON_PUSH'))
		notes.push(
			`A push to a repository that does not exist, with ${covered}, will create it with these settings: anyone who may push there and create repositories can now make new ones by pushing.`,
			`The pushing identity needs ${createOnPushActions({resourceTagCount: 0}).join(', ')} on the new repository besides the push actions: ecr-setup policy --repository NAME --push --create-on-push`,
		);
	if (settings.encryption?.type === 'KMS' && !settings.customRoleArn) {
		notes.push(
			'ECR applies a KMS key to the repositories a template creates through a role it assumes: pass --role ARN (a role ecr.amazonaws.com may assume, allowed to use the key) if ECR refuses the template or the pushes.',
		);
	}

	return {
		request,
		apiInput: templateApiInput(request),
		summary: [`${describeTemplate(request)}:`, ...describeTemplateSettings(request).map((line) => `  ${line}`)],
		notes,
	};
}

/** The template already there with the planned prefix, if any (ECR keeps one per prefix). */
export function existingTemplate(
	plan: Pick<TemplatePlan, 'request'>,
	templates: readonly CreationTemplate[],
): CreationTemplate | undefined {
	return templates.find((template) => template.prefix === plan.request.prefix);
}
