/**
 * `sign-in` with IAM Identity Center: which portal (flags, the config file's sso-session or legacy profiles, or the
 * profile to renew), the device flow (the page and code on stderr, a browser opened at a terminal), then a profile for
 * each chosen account and role in the AWS config file. `--profile P` alone only renews P's session, as
 * `aws sso login --profile P` does.
 */
import {parseIni, sectionNames} from '../aws/ini.js';
import {
	browserCommand,
	knownPortals,
	listAssignedRoles,
	newPortal,
	type Portal,
	portalTarget,
	renewTargetOf,
	startUrlProblem,
} from '../aws/sign-in-flow.js';
import type {DeviceAuthorization, SsoSession as SignedIn, SsoSignInTarget} from '../aws/sign-in-types.js';
import type {AccountRole, SsoForm} from '../aws/sso-config.js';
import {readsSsoSessions} from '../credential-helper/sso-support.js';
import {isRegionShaped} from '../ecr/regions.js';
import {UsageError, UserError} from '../errors/user-errors.js';
import {relativeTime} from '../lib/format.js';
import {booleanFlag, stringFlag} from './args.js';
import {offerBinding} from './sign-in-bind.js';
import {chooseRoles, writeProfiles} from './sign-in-profiles.js';
import type {CommandContext, CommandResult} from './types.js';

function checkStartUrl(raw: string): string {
	const problem = startUrlProblem(raw);
	if (problem) {
		throw new UsageError(`--sso-start-url ${problem}`, {
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
	const startFlag = stringFlag(context.flags, 'sso-start-url');
	const regionFlag = stringFlag(context.flags, 'sso-region');
	const nameFlag = stringFlag(context.flags, 'sso-session');
	const form: SsoForm = booleanFlag(context.flags, 'legacy') || legacyHelper ? 'legacy' : 'session';
	if (startFlag) {
		const startUrl = checkStartUrl(startFlag);
		const portal = newPortal(configText, startUrl, regionFlag ?? '', form, nameFlag);
		const known = knownPortals(configText, form).find(
			(candidate) => candidate.source.startsWith('[sso-session') && candidate.session.name === portal.session.name,
		);
		const region = regionFlag ? checkRegion(regionFlag, '--sso-region') : known?.session.region;
		if (!region) {
			throw new UsageError('--sso-region is needed with --sso-start-url: the region of your IAM Identity Center.', {
				hint: 'Your administrator knows it; the access portal shows it too (e.g. us-east-1).',
			});
		}

		return {...portal, session: {...portal.session, region}, source: '--sso-start-url'};
	}

	if (regionFlag) throw new UsageError('--sso-region goes with --sso-start-url.');
	const portals = knownPortals(configText, form);
	const sessions = portals.filter((portal) => portal.source.startsWith('[sso-session'));
	if (nameFlag) {
		const portal = sessions.find((candidate) => candidate.session.name === nameFlag);
		if (!portal) {
			throw new UsageError(`The AWS config file has no [sso-session ${nameFlag}].`, {
				hint: 'Create it: pass --sso-start-url URL and --sso-region R with --sso-session NAME.',
			});
		}

		return portal;
	}

	if (portals.length === 1) return portals[0]!;
	throw new UsageError(
		sessions.length > 1
			? `The AWS config file has ${sessions.length} sso-sessions (${sessions.map((portal) => portal.session.name).join(', ')}): say which.`
			: 'Where to sign in is not known yet.',
		{
			hint: sessions.length > 1 ? 'Pass --sso-session NAME.' : 'Pass your access portal and its region.',
			nextSteps:
				sessions.length > 1
					? sessions.map((portal) => `ecr-setup sign-in --sso-session ${portal.session.name}`)
					: ['ecr-setup sign-in --sso-start-url https://my-org.awsapps.com/start --sso-region us-east-1'],
		},
	);
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
	const renew = renewTargetOf(configText, profile);
	if ('problem' in renew) {
		throw new UsageError(renew.problem, {
			hint: 'For access keys pass --access-key-id; to set up IAM Identity Center profiles pass --sso-start-url and --sso-region.',
		});
	}

	const {target} = renew;
	const signedIn = await signInTo(context, target, booleanFlag(context.flags, 'force'));
	context.io.out(`Profile ${profile} is signed in until ${signedIn.expiresAt.toISOString()}.`);
	return {
		json: {
			mode: 'renew',
			profile,
			session: renew.session ?? null,
			startUrl: target.startUrl,
			ssoRegion: target.region,
			how: signedIn.how,
			expiresAt: signedIn.expiresAt.toISOString(),
			cachePath: signedIn.cachePath,
		},
	};
}

async function listRoles(context: CommandContext, signedIn: SignedIn): Promise<AccountRole[]> {
	return listAssignedRoles(signedIn, context.signal);
}

export async function signInSso(context: CommandContext): Promise<CommandResult> {
	const {services, options, flags} = context;
	const config = await services.signIn.files.read('config');
	const setupFlags = ['sso-start-url', 'sso-region', 'sso-session'].filter((name) => stringFlag(flags, name));
	if (options.profile && booleanFlag(flags, 'bind-registries')) {
		throw new UsageError('--bind-registries binds the profiles sign-in writes; --profile only renews one.', {
			hint: `To bind ${options.profile}'s registry: ecr-setup configure-helper --profile ${options.profile}.`,
		});
	}

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
	const target: SsoSignInTarget = portalTarget(portal);
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
	const written = await writeProfiles(context, {
		config,
		portal: {session, form},
		region: options.region ?? session.region,
		roles: chosen,
		takenNames: sectionNames(parseIni(credentials.text)),
		signedIn,
	});
	const outcome = written.json as {changed: boolean; written: boolean; profiles: Array<{name: string}>};
	// Profiles declined (or a dry run) are not there to bind.
	if (outcome.changed && !outcome.written) return written;
	const bound = await offerBinding(
		context,
		outcome.profiles.map((profile) => profile.name),
	);
	if (!bound) return written;
	return {...(bound.exitCode ? {exitCode: bound.exitCode} : {}), json: {...outcome, bindings: bound.json}};
}
