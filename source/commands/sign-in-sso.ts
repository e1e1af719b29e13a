/**
 * `sign-in` with IAM Identity Center: which portal (flags, the config file's sso-session or legacy profiles, or the
 * profile to renew), the device flow (the page and code on stderr, a browser opened at a terminal), then a profile for
 * each chosen account and role in the AWS config file. `--profile P` alone only renews P's session, as
 * `aws sso login --profile P` does.
 */
import {parseIni, sectionNames} from '../aws/ini.js';
import type {DeviceAuthorization, SsoSession as SignedIn, SsoSignInTarget} from '../aws/sign-in-types.js';
import {
	type AccountRole,
	readProfiles,
	readSsoSessions,
	type SsoForm,
	type SsoSession,
	sameStartUrl,
	sessionNameFor,
	signInOf,
} from '../aws/sso-config.js';
import {readsSsoSessions} from '../credential-helper/sso-support.js';
import {isRegionShaped} from '../ecr/regions.js';
import {UsageError, UserError} from '../errors/user-errors.js';
import {relativeTime} from '../lib/format.js';
import {booleanFlag, stringFlag} from './args.js';
import {chooseRoles, writeProfiles} from './sign-in-profiles.js';
import type {CommandContext, CommandResult} from './types.js';

/** The portal to sign in at, the session its profiles name, and the form they are written in. */
type Portal = {session: SsoSession; form: SsoForm; source: string};

function checkStartUrl(raw: string): string {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new UsageError(`--sso-start-url ${raw} is not a URL.`, {
			hint: 'It is your AWS access portal, e.g. https://my-org.awsapps.com/start.',
		});
	}

	if (url.protocol !== 'https:' || /\s/.test(raw)) {
		throw new UsageError(`--sso-start-url ${raw} must be an https:// URL.`, {
			hint: 'It is your AWS access portal, e.g. https://my-org.awsapps.com/start.',
		});
	}

	return raw;
}

function checkRegion(region: string, flag: string): string {
	if (!isRegionShaped(region)) throw new UsageError(`${flag} ${region} is not an AWS region name.`);
	return region;
}

/** Where the portal comes from: the flags, else the config file's one sso-session (or legacy start URL). */
function resolvePortal(context: CommandContext, configText: string, legacyHelper: boolean): Portal {
	const document = parseIni(configText);
	const sessions = readSsoSessions(document);
	const startFlag = stringFlag(context.flags, 'sso-start-url');
	const regionFlag = stringFlag(context.flags, 'sso-region');
	const nameFlag = stringFlag(context.flags, 'sso-session');
	const form: SsoForm = booleanFlag(context.flags, 'legacy') || legacyHelper ? 'legacy' : 'session';
	if (startFlag) {
		const startUrl = checkStartUrl(startFlag);
		const known = nameFlag
			? sessions.find((session) => session.name === nameFlag)
			: sessions.find((session) => sameStartUrl(session.startUrl, startUrl));
		const region = regionFlag ? checkRegion(regionFlag, '--sso-region') : known?.region;
		if (!region) {
			throw new UsageError('--sso-region is needed with --sso-start-url: the region of your IAM Identity Center.', {
				hint: 'Your administrator knows it; the access portal shows it too (e.g. us-east-1).',
			});
		}

		const name = nameFlag ?? known?.name ?? sessionNameFor(startUrl, sessions);
		return {session: {name, startUrl, region}, form, source: '--sso-start-url'};
	}

	if (regionFlag) throw new UsageError('--sso-region goes with --sso-start-url.');
	if (nameFlag) {
		const session = sessions.find((candidate) => candidate.name === nameFlag);
		if (!session) {
			throw new UsageError(`The AWS config file has no [sso-session ${nameFlag}].`, {
				hint: 'Create it: pass --sso-start-url URL and --sso-region R with --sso-session NAME.',
			});
		}

		return {session, form, source: `[sso-session ${nameFlag}]`};
	}

	if (sessions.length === 1) return {session: sessions[0]!, form, source: `[sso-session ${sessions[0]!.name}]`};
	const legacyUrls = readProfiles(document)
		.map((profile) => signInOf(profile, sessions))
		.filter((signIn) => signIn?.form === 'legacy');
	const distinct = legacyUrls.filter(
		(signIn, index) => legacyUrls.findIndex((other) => sameStartUrl(other!.startUrl, signIn!.startUrl)) === index,
	);
	if (sessions.length === 0 && distinct.length === 1) {
		const {startUrl, region} = distinct[0]!;
		return {
			session: {name: sessionNameFor(startUrl, sessions), startUrl, region},
			// Profiles already written in the legacy form stay in it: whatever reads them now keeps working.
			form: 'legacy',
			source: 'the legacy SSO profiles',
		};
	}

	throw new UsageError(
		sessions.length > 1
			? `The AWS config file has ${sessions.length} sso-sessions (${sessions.map((session) => session.name).join(', ')}): say which.`
			: 'Where to sign in is not known yet.',
		{
			hint: sessions.length > 1 ? 'Pass --sso-session NAME.' : 'Pass your access portal and its region.',
			nextSteps:
				sessions.length > 1
					? sessions.map((session) => `ecr-setup sign-in --sso-session ${session.name}`)
					: ['ecr-setup sign-in --sso-start-url https://my-org.awsapps.com/start --sso-region us-east-1'],
		},
	);
}

/** Only a URL of plain characters reaches a program that opens it (xdg-open, open, cmd's start). */
const SAFE_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?(?:\/[A-Za-z0-9._~/#?=%-]*)?$/;

function browserCommand(url: string): {file: string; args: string[]} | undefined {
	if (!SAFE_URL.test(url)) return undefined;
	if (process.platform === 'darwin') return {file: 'open', args: [url]};
	if (process.platform === 'win32') return {file: 'cmd', args: ['/d', '/c', 'start', '', url]};
	return {file: 'xdg-open', args: [url]};
}

function showAuthorization(context: CommandContext, authorization: DeviceAuthorization): void {
	const {io} = context;
	const page = authorization.verificationUriComplete ?? authorization.verificationUri;
	const minutes = Math.max(1, Math.round(authorization.expiresInS / 60));
	io.err('To sign in, open this page and check that it shows the same code:');
	io.err(`  ${page}`);
	io.err(`  Code: ${authorization.userCode}`);
	io.err(`Waiting for the approval (up to ${minutes} minute${minutes === 1 ? '' : 's'}; Ctrl-C to stop)…`);
	// A browser only where someone sits at it: never in CI or without a terminal, and never required.
	const command = io.interactive && !booleanFlag(context.flags, 'no-browser') ? browserCommand(page) : undefined;
	if (!command) return;
	void context.services.runner
		.run(command.file, command.args, {timeoutMs: 10_000})
		.then((result) => {
			if (result.exitCode !== 0) io.err('(No browser could be opened: open the page yourself.)');
		})
		.catch(() => io.err('(No browser could be opened: open the page yourself.)'));
}

async function signInTo(context: CommandContext, target: SsoSignInTarget, force: boolean): Promise<SignedIn> {
	const signedIn = await context.services.signIn.signIn(target, {
		force,
		onAuthorization: (authorization) => showAuthorization(context, authorization),
		onNote: (text) => context.io.err(text),
		signal: context.signal,
	});
	const until = `${signedIn.expiresAt.toISOString()} (${relativeTime(signedIn.expiresAt, context.services.now())})`;
	const how = {cached: 'Already signed in', refreshed: 'Session renewed', device: 'Signed in'}[signedIn.how];
	context.io.err(`${how} at ${target.startUrl}; the token is good until ${until}.`);
	return signedIn;
}

/** `sign-in --profile P`: P's session, renewed; nothing else changes. */
async function renewProfile(context: CommandContext, profile: string, configText: string): Promise<CommandResult> {
	const document = parseIni(configText);
	const found = readProfiles(document).find((candidate) => candidate.name === profile);
	const signIn = found && signInOf(found, readSsoSessions(document));
	if (!signIn) {
		throw new UsageError(
			found
				? `Profile ${profile} does not sign in with IAM Identity Center (it has no complete sso_session or sso_start_url).`
				: `Profile ${profile} is not in the AWS config file.`,
			{
				hint: 'For access keys pass --access-key-id; to set up IAM Identity Center profiles pass --sso-start-url and --sso-region.',
			},
		);
	}

	const target = {startUrl: signIn.startUrl, region: signIn.region, cacheKey: signIn.session ?? signIn.startUrl};
	const signedIn = await signInTo(context, target, booleanFlag(context.flags, 'force'));
	context.io.out(`Profile ${profile} is signed in until ${signedIn.expiresAt.toISOString()}.`);
	return {
		json: {
			mode: 'renew',
			profile,
			session: signIn.session ?? null,
			startUrl: signIn.startUrl,
			ssoRegion: signIn.region,
			how: signedIn.how,
			expiresAt: signedIn.expiresAt.toISOString(),
			cachePath: signedIn.cachePath,
		},
	};
}

/** Every account and role the user is assigned, in name order; at most four accounts asked at once. */
async function listRoles(context: CommandContext, signedIn: SignedIn): Promise<AccountRole[]> {
	const accounts = await signedIn.listAccounts(context.signal);
	const roles: AccountRole[][] = [];
	for (let start = 0; start < accounts.length; start += 4) {
		const batch = accounts.slice(start, start + 4);
		roles.push(
			...(await Promise.all(
				batch.map(async (account) =>
					(
						await signedIn.listAccountRoles(account.accountId, context.signal)
					).map((roleName) => ({
						accountId: account.accountId,
						accountName: account.accountName,
						roleName,
					})),
				),
			)),
		);
	}

	return roles
		.flat()
		.sort((a, b) => a.accountName.localeCompare(b.accountName) || a.roleName.localeCompare(b.roleName));
}

export async function signInSso(context: CommandContext): Promise<CommandResult> {
	const {services, options, flags} = context;
	const config = await services.signIn.files.read('config');
	const setupFlags = ['sso-start-url', 'sso-region', 'sso-session'].filter((name) => stringFlag(flags, name));
	if (options.profile && setupFlags.length === 0) return renewProfile(context, options.profile, config.text);
	if (options.profile) {
		throw new UsageError(`--profile names a profile to renew; with --${setupFlags[0]} leave it out.`, {
			hint: 'sign-in names the profiles it writes <account>-<role>; rename one afterwards if you like.',
		});
	}

	// An old credential helper panics on sso-session profiles: write the form it reads.
	const helper = booleanFlag(flags, 'legacy') ? undefined : await services.helper.find().catch(() => null);
	const legacyHelper = readsSsoSessions(helper?.version) === false;
	const portal = resolvePortal(context, config.text, legacyHelper);
	if (legacyHelper && portal.form === 'legacy') {
		context.io.err(
			`Note: docker-credential-ecr-login ${helper?.version} reads only the legacy SSO form (start URL in each profile), so the profiles are written that way.`,
		);
	}

	const {session, form} = portal;
	const target: SsoSignInTarget = {
		startUrl: session.startUrl,
		region: session.region,
		cacheKey: form === 'session' ? session.name : session.startUrl,
	};
	let signedIn = await signInTo(context, target, booleanFlag(flags, 'force'));
	let roles: AccountRole[];
	try {
		roles = await listRoles(context, signedIn);
	} catch (error) {
		// A cached session the portal no longer accepts (ended early, revoked): one new sign-in.
		if (!(error instanceof UserError) || error.code !== 'aws.sso-expired' || signedIn.how === 'device') throw error;
		context.io.err('The saved session is no longer accepted; signing in again.');
		signedIn = await signInTo(context, target, true);
		roles = await listRoles(context, signedIn);
	}

	if (roles.length === 0) {
		throw new UserError(`Signed in, but no AWS account and role is assigned to you at ${session.startUrl}.`, {
			code: 'aws.sso-no-assignments',
			hint: 'Ask your IAM Identity Center administrator to assign you a permission set in an account.',
		});
	}

	const chosen = await chooseRoles(context, roles);
	const credentials = await services.signIn.files.read('credentials');
	return writeProfiles(context, {
		config,
		portal: {session, form},
		region: options.region ?? session.region,
		roles: chosen,
		takenNames: sectionNames(parseIni(credentials.text)),
		signedIn,
	});
}
