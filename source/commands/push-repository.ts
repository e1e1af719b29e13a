/**
 * Where a private push goes when its repository may not exist yet: the repository that exists, one ecr-setup creates
 * (--create-repository, or yes in a terminal), or one ECR creates itself on push because a repository creation template
 * applied for CREATE_ON_PUSH covers the name. Decided before anything changes, so a dry run can say what would happen.
 */
import {AwsError} from '../aws/errors.js';
import type {RepositoryInfo} from '../aws/types.js';
import {
	type CreationTemplate,
	createOnPushActions,
	describeTemplate,
	templateForPush,
} from '../ecr/creation-templates.js';
import {privateRegistryHost} from '../ecr/hosts.js';
import {describeRepositorySettings, type RepositorySettings} from '../ecr/repository-settings.js';
import {UserError} from '../errors/user-errors.js';
import type {CommandContext} from './types.js';

export type RepositoryPlan =
	| {kind: 'exists'; repository: RepositoryInfo}
	| {kind: 'create'; settings: RepositorySettings}
	| {kind: 'create-on-push'; template: CreationTemplate; host: string};

export type PlanInput = {
	region: string;
	repository: string;
	existing: RepositoryInfo | null;
	/** --create-repository was given. */
	create: boolean;
	settings: RepositorySettings;
};

/** The templates, or why they could not be read (the push then goes on as if there were none). */
async function readTemplates(
	context: CommandContext,
	region: string,
): Promise<{templates: CreationTemplate[]} | {unreadable: string}> {
	try {
		return {
			templates: await context.services.aws.describeCreationTemplates(region, undefined, {signal: context.signal}),
		};
	} catch (error) {
		// Denied, or not served where the call went: the push is decided as if there were no template.
		if (error instanceof AwsError && (error.kind === 'access-denied' || error.kind === 'unknown')) {
			return {unreadable: error.message};
		}

		throw error;
	}
}

export async function planRepository(context: CommandContext, input: PlanInput): Promise<RepositoryPlan> {
	const {io} = context;
	const {region, repository, existing} = input;
	if (existing) return {kind: 'exists', repository: existing};
	// Asked to create it: ecr-setup creates it with the flags' settings, whatever a template would have done.
	if (input.create) return {kind: 'create', settings: input.settings};

	const read = await readTemplates(context, region);
	const template = 'templates' in read ? templateForPush(repository, read.templates) : undefined;
	if (template) {
		const identity = await context.services.aws.getCallerIdentity({region, signal: context.signal});
		return {kind: 'create-on-push', template, host: privateRegistryHost(identity.account, region)};
	}

	if ('unreadable' in read) {
		io.err(
			`Note: the repository creation templates of ${region} could not be read, so whether ECR would create "${repository}" on push is unknown: ${read.unreadable}`,
		);
	}

	const why =
		'unreadable' in read
			? 'and the repository creation templates that could create it on push could not be read'
			: 'and no repository creation template applied for create on push covers that name, so ECR will not create it on push';
	const confirmed =
		io.interactive &&
		(await io.confirm(`Repository "${repository}" does not exist in ${region}. Create it?`, {
			flag: '--create-repository',
		}));
	if (!confirmed) {
		throw new UserError(`Repository "${repository}" does not exist in ${region}, ${why}.`, {
			code: 'ecr.repository',
			hint: 'Pass --create-repository to create it, or check the name and region.',
			nextSteps: [`ecr-setup doctor --repository ${repository} --region ${region}`],
		});
	}

	return {kind: 'create', settings: input.settings};
}

/** What ECR will do on the push, and what it needs of the pushing identity for that. */
export function describeCreateOnPush(template: CreationTemplate, repository: string, region: string): string {
	return (
		`Repository "${repository}" does not exist in ${region}: ECR will create it on push from ${describeTemplate(template)}, ` +
		`with the template's settings (${describeRepositorySettings(template)}). ` +
		`The pushing identity needs ${createOnPushActions(template).join(' and ')} for that, besides the push actions.`
	);
}
