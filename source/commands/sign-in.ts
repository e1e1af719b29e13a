/**
 * `ecr-setup sign-in`: AWS credentials from nothing. IAM Identity Center (the device flow, then a profile per account
 * and role in the AWS config file), the renewal of an SSO profile's session, or an IAM user's access keys.
 */
import {UsageError} from '../errors/user-errors.js';
import {booleanFlag, stringFlag} from './args.js';
import {signInWithKeys} from './sign-in-keys.js';
import {signInSso} from './sign-in-sso.js';
import type {CommandDefinition} from './types.js';

const SSO_FLAGS = [
	'sso-start-url',
	'sso-region',
	'sso-session',
	'account',
	'role',
	'legacy',
	'no-browser',
	'bind-registries',
];

export const signInCommand: CommandDefinition = {
	name: 'sign-in',
	summary: 'Sign in to AWS: IAM Identity Center profiles, or access keys',
	usage: [
		'ecr-setup sign-in --sso-start-url URL --sso-region R [--sso-session NAME] [--region R] [--bind-registries] [--yes]',
		'ecr-setup sign-in [--sso-session NAME]         (a portal the AWS config file already names)',
		'ecr-setup sign-in --profile P                  (renew P’s session, as `aws sso login --profile P` does)',
		'ecr-setup sign-in --access-key-id ID --secret-access-key-stdin [--profile P] [--region R]',
	].join('\n  '),
	flags: [
		{
			name: 'sso-start-url',
			type: 'string',
			value: 'URL',
			description: 'Your AWS access portal, e.g. https://my-org.awsapps.com/start',
		},
		{name: 'sso-region', type: 'string', value: 'R', description: 'The region of your IAM Identity Center'},
		{
			name: 'sso-session',
			type: 'string',
			value: 'NAME',
			description: 'The [sso-session] to write or use (default: named after the portal)',
		},
		{
			name: 'account',
			type: 'string',
			multiple: true,
			value: 'ID',
			description: 'Only this account (id or name); may be repeated',
		},
		{name: 'role', type: 'string', multiple: true, value: 'NAME', description: 'Only this role; may be repeated'},
		{name: 'legacy', type: 'boolean', description: 'The legacy SSO form (start URL in each profile), for old helpers'},
		{name: 'force', type: 'boolean', description: 'A new sign-in even while the saved session lasts'},
		{name: 'no-browser', type: 'boolean', description: 'Do not open a browser; only show the page and the code'},
		{
			name: 'bind-registries',
			type: 'boolean',
			description: 'Then bind each account’s registry to its profile (as configure-helper --all-profiles)',
		},
		{name: 'access-key-id', type: 'string', value: 'ID', description: 'Store an IAM user’s key (AKIA…) in --profile'},
		{
			name: 'secret-access-key-stdin',
			type: 'boolean',
			description: 'Read the secret access key from stdin (else a hidden prompt; never an argument)',
		},
	],
	details: [
		'IAM Identity Center: the page to open and the code to confirm are shown on stderr (and a browser opened at a',
		'terminal); the token is cached where the AWS CLI and SDKs read it (~/.aws/sso/cache, private). Then every',
		'account and role you choose (all with --yes) gets a profile <account>-<role>; signing in again changes nothing.',
		'An installed docker-credential-ecr-login older than 0.7.0 reads only the legacy form: it is written then.',
		'Then each account’s registry (in --region, else the profile’s) can be bound to its profile: asked at a terminal,',
		'or done with --bind-registries (its own diff and confirmation; --yes answers it).',
		'Access keys are checked with STS before they are written to the credentials file (private, other profiles kept).',
		'Every change to ~/.aws/config and ~/.aws/credentials is shown as a diff and backed up first.',
	].join('\n'),
	async run(context) {
		const accessKeyId = stringFlag(context.flags, 'access-key-id');
		const sso = SSO_FLAGS.filter((name) => context.flags[name] !== undefined && context.flags[name] !== false);
		if (accessKeyId && sso.length > 0) {
			throw new UsageError(
				`--access-key-id stores keys; --${sso[0]} is for IAM Identity Center. Pass one or the other.`,
			);
		}

		if (accessKeyId) return signInWithKeys(context, accessKeyId);
		if (booleanFlag(context.flags, 'secret-access-key-stdin')) {
			throw new UsageError('--secret-access-key-stdin goes with --access-key-id ID.');
		}

		return signInSso(context);
	},
};
