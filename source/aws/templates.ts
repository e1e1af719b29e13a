/**
 * Creating a planned repository creation template through the AWS service. ECR keeps one template per prefix: a prefix
 * that has one already is refused before anything is sent, and again if another caller created it in the meantime
 * (ECR's TemplateAlreadyExistsException), with the same error either way.
 */
import type {CreationTemplate} from '../ecr/creation-templates.js';
import {describeTemplate} from '../ecr/creation-templates.js';
import {existingTemplate, type TemplatePlan} from '../ecr/template-plan.js';
import {UserError} from '../errors/user-errors.js';
import {AwsError} from './errors.js';
import type {AwsService, CallOptions} from './types.js';

export class TemplateExistsError extends UserError {
	constructor(
		readonly template: Pick<CreationTemplate, 'prefix'>,
		region: string,
	) {
		super(`${capitalise(describeTemplate(template))} already exists in ${region}; nothing was changed.`, {
			code: 'template.exists',
			hint: 'ECR keeps one template per prefix: change that one in the ECR console, or pick another prefix.',
			nextSteps: [`ecr-setup template --list --region ${region}`],
		});
		this.name = 'TemplateExistsError';
	}
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Throws TemplateExistsError when the plan's prefix already has a template; returns the region's templates. */
export async function assertTemplateFree(
	aws: AwsService,
	region: string,
	plan: Pick<TemplatePlan, 'request'>,
	options: CallOptions = {},
): Promise<CreationTemplate[]> {
	const templates = await aws.describeCreationTemplates(region, undefined, options);
	const existing = existingTemplate(plan, templates);
	if (existing) throw new TemplateExistsError(existing, region);
	return templates;
}

/** Create the planned template; a prefix taken meanwhile is the same TemplateExistsError. */
export async function createPlannedTemplate(
	aws: AwsService,
	region: string,
	plan: Pick<TemplatePlan, 'request'>,
): Promise<CreationTemplate> {
	try {
		return await aws.createCreationTemplate(region, plan.request);
	} catch (error) {
		if (error instanceof AwsError && error.awsCode === 'TemplateAlreadyExistsException')
			throw new TemplateExistsError(plan.request, region);
		throw error;
	}
}
