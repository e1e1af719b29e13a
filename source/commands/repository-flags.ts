/** The flags that set up a repository ecr-setup creates, read into ECR's settings and checked before any AWS call. */
import {UsageError} from '../errors/user-errors.js';
import {
	encryptionFromFlags,
	keepTaggedLifecyclePolicy,
	type RepositorySettings,
	tagMutabilityFromFlags,
} from '../ecr/repository-settings.js';
import {booleanFlag, stringFlag, stringListFlag} from './args.js';
import type {FlagSpec, ParsedFlags} from './types.js';

export const REPOSITORY_SETTING_FLAGS: FlagSpec[] = [
	{name: 'immutable', type: 'boolean', description: 'With --create-repository: make tags immutable'},
	{
		name: 'immutable-except',
		type: 'string',
		multiple: true,
		value: 'PATTERN',
		description: 'With --create-repository: immutable tags except those matching PATTERN (* wildcard; up to 5)',
	},
	{
		name: 'mutable-except',
		type: 'string',
		multiple: true,
		value: 'PATTERN',
		description: 'With --create-repository: mutable tags except those matching PATTERN (* wildcard; up to 5)',
	},
	{name: 'scan-on-push', type: 'boolean', description: 'With --create-repository: scan images on push'},
	{
		name: 'encryption',
		type: 'string',
		value: 'AES256|KMS',
		description: 'With --create-repository: encryption at rest (default AES256)',
	},
	{
		name: 'kms-key',
		type: 'string',
		value: 'KEY',
		description: 'With --create-repository: the KMS key (ARN, id or alias/…); implies --encryption KMS',
	},
	{
		name: 'keep-images',
		type: 'string',
		value: 'N',
		description: 'With --create-repository: a lifecycle policy keeping the newest N tagged images',
	},
];

/** The setting flags on the command line, as typed (`--immutable-except`, …): what a refusal or a note names. */
export function givenSettingFlags(flags: ParsedFlags): string[] {
	return REPOSITORY_SETTING_FLAGS.filter((spec) =>
		spec.type === 'boolean' ? booleanFlag(flags, spec.name) : stringListFlag(flags, spec.name).length > 0,
	).map((spec) => `--${spec.name}`);
}

/** The settings the flags ask for; a UsageError naming the flag for anything ECR would refuse. */
export function repositorySettingsFromFlags(flags: ParsedFlags): RepositorySettings {
	const mutability = tagMutabilityFromFlags({
		immutable: booleanFlag(flags, 'immutable'),
		immutableExcept: stringListFlag(flags, 'immutable-except'),
		mutableExcept: stringListFlag(flags, 'mutable-except'),
	});
	const encryption = encryptionFromFlags(stringFlag(flags, 'encryption'), stringFlag(flags, 'kms-key'));
	const keep = stringFlag(flags, 'keep-images');
	if (keep !== undefined && !/^\d+$/.test(keep))
		throw new UsageError(`--keep-images takes a whole number of images (got "${keep}").`, {
			hint: 'e.g. --keep-images 30 keeps the newest 30 tagged images.',
		});
	return {
		...mutability,
		...(booleanFlag(flags, 'scan-on-push') ? {scanOnPush: true} : {}),
		...(encryption ? {encryption} : {}),
		...(keep === undefined ? {} : {lifecyclePolicy: keepTaggedLifecyclePolicy(Number(keep))}),
	};
}
