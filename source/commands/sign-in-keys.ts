/**
 * `sign-in --access-key-id ID [--profile P]`: an IAM user's access keys, the secret read from stdin or typed at a hidden
 * prompt (never an argument, never shown), checked with STS before anything is written, then stored in the credentials
 * file (private, other profiles kept) and the profile's region in the config file when --region is given.
 */
import {AwsError} from '../aws/errors.js';
import {applyIniEdits, assertSectionName, parseIni, type IniEdit} from '../aws/ini.js';
import {FALLBACK_REGION} from '../aws/region.js';
import {accessKeyEdit, accessKeyIdProblem, secretKeyProblem} from '../aws/sign-in-flow.js';
import {profileSection, readProfiles} from '../aws/sso-config.js';
import {UsageError, UserError} from '../errors/user-errors.js';
import {redact} from '../lib/redact.js';
import {booleanFlag} from './args.js';
import {type AwsFileChange, writeAwsChanges} from './sign-in-write.js';
import type {CommandContext, CommandResult} from './types.js';

function checkKeyId(accessKeyId: string): void {
	const found = accessKeyIdProblem(accessKeyId);
	if (found) throw new UsageError(found.problem, found.hint ? {hint: found.hint} : {});
}

async function readSecret(context: CommandContext, accessKeyId: string): Promise<string> {
	const {io} = context;
	let secret: string | undefined;
	if (booleanFlag(context.flags, 'secret-access-key-stdin')) {
		if (!io.readStdin) throw new UsageError('This terminal cannot read stdin.');
		secret = (await io.readStdin()).trim();
	} else if (io.interactive && io.askSecret) {
		secret = (await io.askSecret(`Secret access key for ${redact(accessKeyId)} (not shown): `)).trim();
	} else {
		throw new UsageError('The secret access key is needed, and there is no terminal to type it in.', {
			hint: 'Pipe it in with --secret-access-key-stdin (it is never taken as an argument, which others can see in the process list).',
			nextSteps: ['printf %s "$AWS_SECRET" | ecr-setup sign-in --access-key-id AKIA… --secret-access-key-stdin --yes'],
		});
	}

	const problem = secretKeyProblem(secret);
	if (problem) throw new UsageError(problem);

	return secret;
}

export async function signInWithKeys(context: CommandContext, accessKeyId: string): Promise<CommandResult> {
	const {services, io, options} = context;
	checkKeyId(accessKeyId);
	const profile = options.profile ?? 'default';
	try {
		assertSectionName(profile);
	} catch {
		throw new UsageError(`--profile ${profile} cannot be a profile name: use letters, digits and . _ - @ + : /.`);
	}

	const secretAccessKey = await readSecret(context, accessKeyId);
	const region = options.region;
	let identity: Awaited<ReturnType<typeof services.signIn.verifyAccessKeys>>;
	try {
		identity = await services.signIn.verifyAccessKeys(
			{accessKeyId, secretAccessKey},
			region ?? FALLBACK_REGION,
			context.signal,
		);
	} catch (error) {
		if (error instanceof AwsError && error.kind === 'invalid-credentials') {
			throw new UserError(`AWS did not accept the access key ${redact(accessKeyId)}, so ecr-setup wrote nothing.`, {
				code: 'aws.invalid-credentials',
				hint: 'Check both halves of the key (a deleted or deactivated key is refused too). The IAM console lists a user’s keys under Security credentials.',
				cause: error,
			});
		}

		throw error;
	}

	io.out(`The keys belong to ${identity.arn} (account ${identity.account}).`);
	const files = services.signIn.files;
	const credentials = await files.read('credentials');
	const changes: AwsFileChange[] = [
		{file: credentials, edit: accessKeyEdit(profile, accessKeyId, secretAccessKey), secrets: [secretAccessKey]},
	];
	const config = await files.read('config');
	const existing = readProfiles(parseIni(config.text)).find((candidate) => candidate.name === profile);
	if (existing?.sessionName || existing?.startUrl) {
		io.err(
			`Note: profile ${profile} also signs in with IAM Identity Center in ${config.path}; the keys take precedence.`,
		);
	}

	if (region) {
		const regionEdit: IniEdit = {kind: 'set', section: profileSection(profile), key: 'region', value: region};
		changes.push({file: config, edit: (text) => applyIniEdits(text, [regionEdit])});
	}

	const outcome = await writeAwsChanges(
		context,
		changes,
		`Store the keys of profile ${profile} in ${credentials.path}${region ? ` and its region in ${config.path}` : ''}?`,
	);
	if (!outcome.changed) io.out(`Profile ${profile} already holds these keys: nothing to change.`);
	return {
		json: {
			mode: 'access-keys',
			profile,
			account: identity.account,
			arn: identity.arn,
			region: region ?? null,
			changed: outcome.changed,
			written: outcome.written
				.filter((file) => file.changed)
				.map(({path, backupPath}) => ({path, backupPath: backupPath ?? null})),
		},
	};
}
