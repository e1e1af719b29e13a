/**
 * `ecr-setup template`: create a repository creation template that makes ECR create a missing repository on its first
 * push (the settings and the exact request shown first, then a yes), or list the region's templates. The planning is
 * ecr/template-plan.ts and the create aws/templates.ts, which the wizard uses as well; the terminal is here.
 */
import {booleanFlag, stringFlag, stringListFlag} from './args.js';
import {UsageError} from '../errors/user-errors.js';
import {describeTemplate, type CreationTemplate} from '../ecr/creation-templates.js';
import {encryptionFromFlags, tagMutabilityFromFlags} from '../ecr/repository-settings.js';
import {describeTemplateSettings, planCreationTemplate, type TemplateSettings} from '../ecr/template-plan.js';
import {assertTemplateFree, createPlannedTemplate} from '../aws/templates.js';
import {assertRoleArn} from '../generators/policy.js';
import {requireRegion} from './shared.js';
import type {CommandContext, CommandDefinition, CommandResult} from './types.js';

const SETTING_FLAGS = [
	'prefix',
	'create-on-push',
	'immutable',
	'immutable-except',
	'mutable-except',
	'encryption',
	'kms-key',
	'keep-images',
	'description',
	'role',
] as const;

/** The settings the flags ask for; every UsageError names its flag, before any AWS call. */
export function settingsFromFlags(flags: CommandContext['flags']): TemplateSettings {
	const prefix = stringFlag(flags, 'prefix');
	if (prefix === undefined) {
		throw new UsageError('Which names should the template cover? Pass --prefix PREFIX, or --prefix ROOT for all.', {
			code: 'usage.template-prefix',
			hint: 'A prefix covers the names under it: --prefix team covers team/api and team/web. Or list the templates: ecr-setup template --list',
		});
	}

	const keep = stringFlag(flags, 'keep-images');
	if (keep !== undefined && !/^\d+$/.test(keep.trim())) {
		throw new UsageError(`--keep-images takes a whole number from 1 to 10000 (got "${keep}").`, {
			code: 'usage.keep-images',
		});
	}

	const role = stringFlag(flags, 'role');
	if (role !== undefined) assertRoleArn(role);
	const encryption = encryptionFromFlags(stringFlag(flags, 'encryption'), stringFlag(flags, 'kms-key'));
	const description = stringFlag(flags, 'description');
	return {
		prefix,
		...tagMutabilityFromFlags({
			immutable: booleanFlag(flags, 'immutable'),
			immutableExcept: stringListFlag(flags, 'immutable-except'),
			mutableExcept: stringListFlag(flags, 'mutable-except'),
		}),
		...(encryption ? {encryption} : {}),
		...(keep === undefined ? {} : {keepImages: Number(keep)}),
		...(description === undefined ? {} : {description}),
		...(role === undefined ? {} : {customRoleArn: role}),
	};
}

async function createTemplate(context: CommandContext): Promise<CommandResult> {
	const {services, io, options, signal} = context;
	const say = (text: string) => (options.json ? io.err(text) : io.out(text));
	const plan = planCreationTemplate(settingsFromFlags(context.flags));
	const region = await requireRegion(context);
	// An existing prefix is refused before anything is shown or asked: ECR keeps one template per prefix.
	await assertTemplateFree(services.aws, region, plan, {signal});
	const document = (created: boolean) => ({
		region,
		prefix: plan.request.prefix,
		created,
		dryRun: options.dryRun,
		request: plan.apiInput,
		notes: plan.notes,
	});
	say(`In ${region}, ${plan.summary[0]}`);
	for (const line of plan.summary.slice(1)) say(line);
	say('\nCreateRepositoryCreationTemplate request:');
	say(JSON.stringify(plan.apiInput, null, 2));
	for (const note of plan.notes) say(`\nNote: ${note}`);
	if (options.dryRun) {
		say('\nDry run: no template was created.');
		return {json: document(false)};
	}

	if (!(await io.confirm(`Create this template in ${region}?`, {defaultYes: true, flag: '--yes'}))) {
		say('No template was created.');
		return {json: document(false)};
	}

	const created = await createPlannedTemplate(services.aws, region, plan);
	say(`Created ${describeTemplate(created)} in ${region}.`);
	return {json: document(true)};
}

function templateJson(template: CreationTemplate) {
	return {...template, settings: describeTemplateSettings(template)};
}

async function listTemplates(context: CommandContext): Promise<CommandResult> {
	const {services, io, flags, signal} = context;
	const mixed = SETTING_FLAGS.find((flag) => flags[flag] !== undefined && flags[flag] !== false);
	if (mixed) {
		throw new UsageError(`--list lists the templates; --${mixed} belongs to creating one.`, {
			code: 'usage.template-list',
		});
	}

	const region = await requireRegion(context);
	const templates = await services.aws.describeCreationTemplates(region, undefined, {signal});
	if (templates.length === 0) {
		io.out(
			`No repository creation templates in ${region}. Create one: ecr-setup template --prefix ROOT --region ${region}`,
		);
	}

	for (const [index, template] of templates.entries()) {
		io.out(
			`${index === 0 ? '' : '\n'}${template.prefix}${template.prefix === 'ROOT' ? ' (every name no other template covers)' : ` (${template.prefix}/…)`}`,
		);
		for (const line of describeTemplateSettings(template)) io.out(`  ${line}`);
	}

	return {json: {region, templates: templates.map(templateJson)}};
}

export const templateCommand: CommandDefinition = {
	name: 'template',
	summary: 'Create a repository creation template (create on push), or list them',
	usage:
		'ecr-setup template --prefix PREFIX|ROOT [--create-on-push] [--immutable] [--immutable-except P]... [--mutable-except P]...\n' +
		'                   [--encryption AES256|KMS] [--kms-key K] [--role ARN] [--keep-images N] [--description TEXT]\n' +
		'                   [--region R] [--dry-run] [--yes] [--json]\n' +
		'  ecr-setup template --list [--region R] [--json]',
	flags: [
		{
			name: 'prefix',
			type: 'string',
			value: 'PREFIX',
			description: 'The names it covers: PREFIX/…, or ROOT for every name',
		},
		{
			name: 'create-on-push',
			type: 'boolean',
			description: 'Apply it when a push names a missing repository (the default)',
		},
		{name: 'immutable', type: 'boolean', description: 'Tags of the new repositories cannot be overwritten'},
		{
			name: 'immutable-except',
			type: 'string',
			multiple: true,
			value: 'P',
			description: 'Immutable but for tags matching P (wildcard *; repeatable, up to 5)',
		},
		{
			name: 'mutable-except',
			type: 'string',
			multiple: true,
			value: 'P',
			description: 'Mutable but for tags matching P (repeatable, up to 5)',
		},
		{name: 'encryption', type: 'string', value: 'AES256|KMS', description: 'Encryption of the new repositories'},
		{name: 'kms-key', type: 'string', value: 'K', description: 'The KMS key (ARN, id or alias) for --encryption KMS'},
		{name: 'role', type: 'string', value: 'ARN', description: 'The role ECR assumes to apply a KMS key'},
		{name: 'keep-images', type: 'string', value: 'N', description: 'Lifecycle: keep the newest N tagged images'},
		{name: 'description', type: 'string', value: 'TEXT', description: 'What the template is for (256 characters)'},
		{name: 'list', type: 'boolean', description: "List the region's templates instead"},
	],
	details:
		'A push to a repository that does not exist creates it when a template applied for CREATE_ON_PUSH covers the name;\n' +
		'the new repository takes the template’s settings. The pushing identity needs ecr:CreateRepository besides the push\n' +
		'actions (ecr-setup policy --push --create-on-push). ECR keeps one template per prefix: an existing prefix is refused.\n' +
		'Examples:\n' +
		'  ecr-setup template --prefix team --immutable-except latest --keep-images 30 --yes\n' +
		'  ecr-setup template --prefix ROOT --dry-run\n' +
		'  ecr-setup template --list --json',
	async run(context) {
		if (context.positionals.length > 0) {
			throw new UsageError(`Unexpected argument "${context.positionals[0]}".`, {
				hint: 'See ecr-setup template --help.',
			});
		}

		return booleanFlag(context.flags, 'list') ? listTemplates(context) : createTemplate(context);
	},
};
