/**
 * `ecr-setup pull-through UPSTREAM`: an ECR pull-through cache rule for an upstream registry (Docker Hub, GHCR, Quay…),
 * so that builds pull base images through ECR instead of hitting the upstream's rate limit. For upstreams that need
 * credentials the user name and token go into the Secrets Manager secret `ecr-pullthroughcache/<prefix>` first (the
 * token from stdin or a hidden prompt, never an argument, never shown). Then the rule is validated, a repository
 * creation template for the cache's repositories is offered, and --dockerfile files get their FROM lines rewritten.
 * Run again, an existing rule and secret are reused and nothing is asked twice.
 */
import {createPlannedTemplate} from '../aws/templates.js';
import type {PullThroughRule, SecretInfo, UpstreamCredentials} from '../aws/types.js';
import {describeTemplate} from '../ecr/creation-templates.js';
import {privateRegistryHost} from '../ecr/hosts.js';
import {
	azureHostProblem,
	findUpstream,
	hostsOf,
	pullThroughPrefixProblem,
	secretNameFor,
	type Upstream,
	UPSTREAMS,
	upstreamOfRule,
} from '../ecr/pull-through.js';
import {existingTemplate, planCreationTemplate} from '../ecr/template-plan.js';
import {UsageError, UserError} from '../errors/user-errors.js';
import {booleanFlag, stringFlag, stringListFlag} from './args.js';
import {type DockerfileOutcome, loadDockerfiles, rewriteDockerfiles} from './pull-through-dockerfiles.js';
import {requireRegion} from './shared.js';
import type {CommandContext, CommandDefinition, CommandResult} from './types.js';

const NAMES = UPSTREAMS.map((upstream) => upstream.name).join(', ');

type Request = {upstream: Upstream; prefix: string; url: string};

function parseRequest(context: CommandContext): Request {
	const [name, extra] = context.positionals;
	if (name === undefined)
		throw new UsageError(`Which upstream registry? Pass one of: ${NAMES}.`, {
			code: 'usage.pull-through-upstream',
			hint: 'For example: ecr-setup pull-through docker-hub --username NAME --password-stdin',
		});
	if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}".`, {hint: 'One upstream per run.'});
	const upstream = findUpstream(name);
	if (!upstream)
		throw new UsageError(`ECR cannot cache "${name}". The upstreams it caches: ${NAMES}.`, {
			code: 'usage.pull-through-upstream',
		});
	const prefix = stringFlag(context.flags, 'prefix') ?? upstream.name;
	const prefixProblem = pullThroughPrefixProblem(prefix);
	if (prefixProblem)
		throw new UsageError(`--prefix ${prefix}: ${prefixProblem}`, {
			code: 'usage.pull-through-prefix',
			hint: 'Images are pulled as <registry>/<prefix>/<image>: pick a short name such as --prefix docker-hub.',
		});
	const given = stringFlag(context.flags, 'upstream-url')?.toLowerCase();
	if (upstream.url === undefined) {
		if (given === undefined)
			throw new UsageError(`Which ${upstream.title}? Pass --upstream-url NAME.azurecr.io.`, {
				code: 'usage.pull-through-url',
			});
		const problem = azureHostProblem(given);
		if (problem) throw new UsageError(`--upstream-url: ${problem}`, {code: 'usage.pull-through-url'});
	} else if (given !== undefined && given !== upstream.url) {
		throw new UsageError(`${upstream.title} is always ${upstream.url}; --upstream-url is for azure only.`, {
			code: 'usage.pull-through-url',
		});
	}

	if (!upstream.credentials && (stringFlag(context.flags, 'username') || booleanFlag(context.flags, 'password-stdin')))
		throw new UsageError(`${upstream.title} needs no credentials: drop --username and --password-stdin.`, {
			code: 'usage.pull-through-credentials',
		});
	return {upstream, prefix, url: upstream.url ?? given!};
}

/**
 * The user name and token, checked for a way to get them before any is asked: no terminal and no flag is a
 * UsageError naming the flag. The token never comes from argv.
 */
async function readCredentials(context: CommandContext, upstream: Upstream): Promise<UpstreamCredentials> {
	const {io, flags} = context;
	const fromStdin = booleanFlag(flags, 'password-stdin');
	let username = stringFlag(flags, 'username');
	const need = `${upstream.title} needs a user name and ${upstream.tokenHelp ?? 'an access token'}`;
	if (username === undefined && !(io.interactive && io.ask))
		throw new UsageError(`${need}, and there is no terminal to ask for the user name: pass --username NAME.`, {
			code: 'usage.pull-through-username',
		});
	if (!fromStdin && !(io.interactive && io.askSecret))
		throw new UsageError(`${need}, and there is no terminal to type the token in: pipe it in with --password-stdin.`, {
			code: 'usage.pull-through-token',
			hint: 'It is never taken as an argument, which others can see in the process list.',
			nextSteps: [`printf %s "$TOKEN" | ecr-setup pull-through ${upstream.name} --username NAME --password-stdin`],
		});
	username ??= (await io.ask!(`${upstream.title} user name: `, {flag: '--username'})).trim();
	if (!username) throw new UsageError('No user name was given.', {code: 'usage.pull-through-username'});
	let accessToken: string;
	if (fromStdin) {
		if (!io.readStdin) throw new UsageError('This terminal cannot read stdin.');
		accessToken = (await io.readStdin()).replace(/\r?\n$/, '');
	} else {
		accessToken = await io.askSecret!(`${upstream.title} token for ${username} (not shown): `, {
			flag: '--password-stdin',
		});
	}

	if (accessToken.trim() === '')
		throw new UsageError('No token was given: nothing was created.', {code: 'usage.pull-through-token'});
	return {username, accessToken: accessToken.trim()};
}

function prefixTaken(rule: PullThroughRule, request: Request, region: string): UserError {
	return new UserError(
		`The prefix ${rule.prefix} already caches ${rule.upstreamRegistryUrl} in ${region}, not ${request.url}; nothing was changed.`,
		{
			code: 'pull-through.prefix-taken',
			hint: 'ECR keeps one rule per prefix: pass another --prefix for this upstream.',
			nextSteps: [`ecr-setup pull-through ${request.upstream.name} --prefix ${request.upstream.name}-cache`],
		},
	);
}

async function offerTemplate(context: CommandContext, region: string, prefix: string) {
	const {services, io, options, signal} = context;
	const say = (text: string) => (options.json ? io.err(text) : io.out(text));
	if (booleanFlag(context.flags, 'no-template') || options.dryRun) return {created: false, existing: false};
	const plan = planCreationTemplate({prefix, imageTagMutability: 'MUTABLE', appliedFor: ['PULL_THROUGH_CACHE']});
	const templates = await services.aws.describeCreationTemplates(region, undefined, {signal});
	const existing = existingTemplate(plan, templates);
	if (existing) {
		const applies = existing.appliedFor.includes('PULL_THROUGH_CACHE');
		say(
			applies
				? `${describeTemplate(existing)} already sets up the cache's repositories.`
				: `${describeTemplate(existing)} exists but does not apply to the cache's repositories (it applies for ${existing.appliedFor.join(', ')}).`,
		);
		return {created: false, existing: true};
	}

	say(`\nThe cache's repositories can get their settings from a repository creation template: ${plan.summary[0]}`);
	for (const line of plan.summary.slice(1)) say(line);
	if (!(await io.confirm(`Create this template in ${region}?`, {defaultYes: true, flag: '--yes'})))
		return {created: false, existing: false};
	// A template made meanwhile for the prefix is refused by ECR itself: createPlannedTemplate says so.
	const created = await createPlannedTemplate(services.aws, region, plan);
	say(`Created ${describeTemplate(created)}.`);
	return {created: true, existing: false};
}

async function run(context: CommandContext): Promise<CommandResult> {
	const {services, io, options, signal, flags} = context;
	const aws = services.aws;
	const say = (text: string) => (options.json ? io.err(text) : io.out(text));
	const request = parseRequest(context);
	const {upstream, prefix, url} = request;
	const dockerfiles = await loadDockerfiles(stringListFlag(flags, 'dockerfile'));
	const region = await requireRegion(context);
	const updateToken = booleanFlag(flags, 'update-token');

	let rule = await aws.describePullThroughRule(region, prefix, {signal});
	if (rule && (upstreamOfRule(rule)?.name !== upstream.name || rule.upstreamRegistryUrl !== url))
		throw prefixTaken(rule, request, region);
	if (updateToken && !upstream.credentials)
		throw new UsageError(`${upstream.title} needs no credentials: there is no token to update.`, {
			code: 'usage.pull-through-credentials',
		});

	const secretName = secretNameFor(prefix);
	let secret: SecretInfo | null = null;
	if (rule?.credentialArn) secret = {arn: rule.credentialArn, name: secretName};
	else if (upstream.credentials) secret = await aws.describeSecret(region, secretName, {signal});
	// Asked only when there is no secret to reuse, or when a new token is wanted.
	const credentials =
		upstream.credentials && (!secret || updateToken) ? await readCredentials(context, upstream) : undefined;

	if (rule) say(`The pull-through cache rule ${prefix} (${url}) exists in ${region}: reusing it.`);
	if (secret && !credentials) say(`Reusing the secret ${secret.arn}.`);
	const steps = [
		...(credentials
			? [
					secret
						? `put the new token for ${credentials.username} in the secret ${secret.name}`
						: `create the Secrets Manager secret ${secretName} (user ${credentials.username}, the token you gave)`,
				]
			: []),
		...(rule ? [] : [`create the pull-through cache rule ${prefix}/ for ${upstream.title} (${url})`]),
	];
	if (steps.length > 0) {
		say(`In ${region}, ecr-setup will:`);
		for (const step of steps) say(`  - ${step}`);
		if (options.dryRun) {
			say('Dry run: nothing was created.');
			// The diffs still show what the files would become: the cache's registry is the caller's own.
			const account = rule?.registryId ?? (await aws.getCallerIdentity({region, signal})).account;
			const previews = await rewriteDockerfiles(context, dockerfiles, {
				upstream,
				hosts: hostsOf(upstream, url),
				registryHost: privateRegistryHost(account, region),
				prefix,
			});
			return {json: {region, upstream: upstream.name, prefix, dryRun: true, steps, dockerfiles: previews}};
		}

		if (!(await io.confirm('Go ahead?', {defaultYes: true, flag: '--yes'}))) {
			say('Nothing was created.');
			return {json: {region, upstream: upstream.name, prefix, created: false}};
		}
	}

	let secretCreated = false;
	if (credentials && secret) await aws.putUpstreamSecret(region, secret.arn, credentials);
	else if (credentials) {
		secret = await aws.createUpstreamSecret(
			region,
			secretName,
			credentials,
			`ECR pull-through cache ${prefix}/ for ${url}`,
		);
		secretCreated = true;
		say(`Created the secret ${secret.arn}.`);
	}

	const ruleCreated = !rule;
	rule ??= await aws.createPullThroughRule(region, {
		prefix,
		upstreamRegistry: upstream.upstreamRegistry,
		upstreamRegistryUrl: url,
		...(secret ? {credentialArn: secret.arn} : {}),
	});
	if (ruleCreated) say(`Created the pull-through cache rule ${prefix}/ → ${url}.`);

	const validation = await aws.validatePullThroughRule(region, prefix, {signal});
	const document = {
		region,
		upstream: upstream.name,
		upstreamRegistryUrl: url,
		prefix,
		rule: {created: ruleCreated, registryId: rule.registryId},
		secret: secret
			? {name: secret.name, arn: secret.arn, created: secretCreated, updated: Boolean(credentials && !secretCreated)}
			: null,
		validation,
	};
	if (!validation.valid) {
		throw new UserError(`ECR could not pull from ${url} with this rule: ${validation.failure ?? 'no reason given'}.`, {
			code: 'pull-through.invalid',
			hint: upstream.credentials
				? `Check the user name and token (${upstream.tokenHelp}), then put a new one in the secret.`
				: 'Check that ECR can reach the upstream, then validate again.',
			nextSteps: [
				...(upstream.credentials ? [`ecr-setup pull-through ${upstream.name} --prefix ${prefix} --update-token`] : []),
				`aws ecr validate-pull-through-cache-rule --ecr-repository-prefix ${prefix} --region ${region}`,
			],
		});
	}

	say(`ECR validated the rule: it reaches ${url}${secret ? ' and signs in' : ''}.`);
	const template = await offerTemplate(context, region, prefix);
	const registryHost = privateRegistryHost(rule.registryId, region);
	const example = `${registryHost}/${prefix}/${upstream.name === 'docker-hub' ? 'library/alpine:latest' : 'IMAGE:TAG'}`;
	say(`\nPull through the cache: docker pull ${example}`);
	say(
		'The first pull of an image creates its repository: the identity that pulls needs ecr:BatchImportUpstreamImage and ecr:CreateRepository besides the pull actions.',
	);
	let rewritten: DockerfileOutcome[] = [];
	if (dockerfiles.length > 0)
		rewritten = await rewriteDockerfiles(context, dockerfiles, {
			upstream,
			hosts: hostsOf(upstream, url),
			registryHost,
			prefix,
		});
	return {json: {...document, template, pullExample: example, dockerfiles: rewritten}};
}

export const pullThroughCommand: CommandDefinition = {
	name: 'pull-through',
	summary: 'Cache base images from Docker Hub, GHCR, Quay… in ECR (pull-through cache rule)',
	usage:
		'ecr-setup pull-through UPSTREAM [--prefix P] [--username NAME --password-stdin] [--update-token]\n' +
		'                       [--upstream-url NAME.azurecr.io] [--dockerfile FILE]... [--no-template]\n' +
		'                       [--region R] [--dry-run] [--yes] [--json]\n' +
		`  UPSTREAM: ${NAMES}`,
	flags: [
		{name: 'prefix', type: 'string', value: 'P', description: 'Repository prefix of the cache (default: the upstream)'},
		{name: 'username', type: 'string', value: 'NAME', description: 'User name at the upstream (asked when absent)'},
		{
			name: 'password-stdin',
			type: 'boolean',
			description: 'Read the upstream token from stdin (else a hidden prompt)',
		},
		{name: 'update-token', type: 'boolean', description: 'Put a new token in the existing secret'},
		{name: 'upstream-url', type: 'string', value: 'HOST', description: 'The Azure registry (NAME.azurecr.io)'},
		{
			name: 'dockerfile',
			type: 'string',
			multiple: true,
			value: 'FILE',
			description: 'Point its FROM lines at the cache (diff, backup; repeatable)',
		},
		{name: 'no-template', type: 'boolean', description: 'Do not offer a repository creation template'},
	],
	details:
		'Docker Hub, GHCR, GitLab, Azure and Chainguard need credentials: ECR reads them from the Secrets Manager secret\n' +
		'ecr-pullthroughcache/<prefix> (keys username and accessToken). ECR Public, Quay and Kubernetes need none.\n' +
		'Images are then pulled as <account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<image>; Docker Hub official images\n' +
		'under library/ (node:22 is <prefix>/library/node:22). Run again, the rule and its secret are reused.\n' +
		'Examples:\n' +
		'  printf %s "$DOCKERHUB_TOKEN" | ecr-setup pull-through docker-hub --username me --password-stdin --yes\n' +
		'  ecr-setup pull-through ecr-public --dockerfile Dockerfile\n' +
		'  ecr-setup pull-through docker-hub --dockerfile Dockerfile --dockerfile api/Dockerfile --dry-run',
	run,
};
