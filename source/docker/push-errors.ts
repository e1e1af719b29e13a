/**
 * Why a `docker push` failed, read from what docker printed (the registry's message at the end of its output),
 * and what to do about it.
 */
import {PUSH_ACTIONS} from '../ecr/actions.js';
import {UserError, errorMessage, type Explanation} from '../errors/user-errors.js';
import {parseImageRef} from '../ecr/image-ref.js';
import {parseRegistryHost} from '../ecr/hosts.js';
import {stripAnsi} from './push-progress.js';
import {redactSecrets} from '../lib/log.js';
import {type BuildFailureKind, explainBuildFailure, matchBuildFailure} from './build-errors.js';

export type PushErrorKind =
	| 'no-basic-auth'
	| 'token-expired'
	| 'denied-iam'
	| 'denied-policy'
	| 'repository-missing'
	| 'tag-immutable'
	| 'not-ecr'
	| 'image-missing'
	| 'network'
	| 'helper-missing'
	| 'helper-failed'
	| 'daemon'
	| BuildFailureKind
	| 'unknown';

export type PushFailure = {
	kind: PushErrorKind;
	/** The line of docker's output that decided the kind (else the last line it printed). */
	message: string;
	/** The registry host the push went to, when known. */
	registry?: string;
	/** Repository as docker named it (`HOST/REPO`), or as the registry's message names it. */
	repository?: string;
	tag?: string;
	/** Account that owns the registry or repository. */
	registryId?: string;
	region?: string;
	/** IAM action refused, e.g. ecr:InitiateLayerUpload. */
	action?: string;
	/** The principal that was refused. */
	principal?: string;
	/** Credential helper name (`ecr-login` for docker-credential-ecr-login). */
	helper?: string;
};

export type PushContext = {
	/** The reference that was pushed. */
	ref?: string;
	/** From `The push refers to repository [...]`. */
	repository?: string;
};

type Rule = {
	kind: PushErrorKind;
	pattern: RegExp;
	extract?: (match: RegExpExecArray) => Partial<PushFailure>;
};

// Order matters: the most specific cause wins when several lines match.
const RULES: Rule[] = [
	{
		kind: 'helper-missing',
		pattern: /exec: "docker-credential-([^"]+?)(?:\.exe)?": executable file not found/,
		extract: (match) => ({helper: match[1]!}),
	},
	{
		kind: 'helper-failed',
		pattern:
			/error (?:getting|storing|erasing) credentials - err: (?!exec: "[^"]*": executable file not found)|Cannot autolaunch D-Bus|pass not initialized|User interaction is not allowed|The specified item already exists in the keychain|The stub received bad data/,
	},
	{kind: 'token-expired', pattern: /Your authorization token has expired/i},
	{
		kind: 'denied-policy',
		pattern:
			/(?:User: (\S+) )?is not authorized to perform: (\S+) on resource: (\S+?)(?:\s+because\s+)?(?:no resource-based policy allows|with an explicit deny in a resource-based policy)/,
		extract: iamDetails,
	},
	{
		kind: 'denied-iam',
		pattern: /(?:User: (\S+) )?is not authorized to perform: (\S+)(?: on resource: (\S+))?/,
		extract: iamDetails,
	},
	{kind: 'denied-iam', pattern: /error parsing HTTP 403 response body/},
	{
		kind: 'repository-missing',
		pattern: /name unknown: The repository with name '([^']+)' does not exist in the registry with id '(\d+)'/,
		extract: (match) => ({repository: match[1]!, registryId: match[2]!}),
	},
	{kind: 'repository-missing', pattern: /^name unknown\b/},
	{
		kind: 'tag-immutable',
		pattern: /tag invalid: The image tag '([^']+)' already exists in the '([^']+)' repository/,
		extract: (match) => ({tag: match[1]!, repository: match[2]!}),
	},
	{kind: 'tag-immutable', pattern: /repository is immutable|ImageTagAlreadyExistsException/},
	{kind: 'image-missing', pattern: /An image does not exist locally with the tag: (\S+)|No such image: (\S+)/},
	{kind: 'not-ecr', pattern: /denied: requested access to the resource is denied/},
	{kind: 'no-basic-auth', pattern: /no basic auth credentials/},
	{
		kind: 'daemon',
		pattern:
			/Cannot connect to the Docker daemon|permission denied while trying to connect to the Docker daemon|error during connect:/,
	},
	{
		kind: 'network',
		pattern:
			/dial tcp|i\/o timeout|no such host|connection refused|connection reset by peer|TLS handshake timeout|tls: |x509: |proxyconnect|net\/http: |Client\.Timeout|unexpected EOF|^EOF$|broken pipe|network is unreachable/i,
	},
];

function iamDetails(match: RegExpExecArray): Partial<PushFailure> {
	const details: Partial<PushFailure> = {action: match[2]!};
	if (match[1]) details.principal = match[1];
	const resource = match[3] ? /^arn:[^:]+:ecr:([^:]+):(\d{12}):repository\/(.+)$/.exec(match[3]) : null;
	if (resource) {
		details.region = resource[1]!;
		details.registryId = resource[2]!;
		details.repository = resource[3]!;
	}

	return details;
}

function isDockerHub(registry: string | undefined): boolean {
	return registry === 'docker.io' || registry === 'index.docker.io' || registry === 'registry-1.docker.io';
}

function cleanLines(output: string | readonly string[]): string[] {
	const text = typeof output === 'string' ? output : output.join('\n');
	return (
		text
			.split(/\r\n|\n|\r/)
			// A helper or proxy can echo a token or a password; the message shown is one of these lines.
			.map((line) => redactSecrets(stripAnsi(line).trim()))
			.filter((line) => line.length > 0)
	);
}

function registryOf(context: PushContext): {registry?: string; repository?: string; tag?: string} {
	const out: {registry?: string; repository?: string; tag?: string} = {};
	if (context.ref) {
		try {
			const ref = parseImageRef(context.ref);
			if (ref.tag) out.tag = ref.tag;
			out.registry = ref.registry ?? 'docker.io';
			out.repository = `${out.registry}/${ref.repository}`;
		} catch {
			// An unparsable reference tells us nothing more.
		}
	}

	// What docker itself says it pushed to wins over our reading of the reference.
	if (context.repository) {
		out.repository = context.repository;
		const slash = context.repository.indexOf('/');
		if (slash !== -1) out.registry = context.repository.slice(0, slash);
	}

	return out;
}

/** Classify a failed push from docker's output (stdout and stderr lines, ANSI and all). */
export function classifyPushFailure(output: string | readonly string[], context: PushContext = {}): PushFailure {
	const lines = cleanLines(output);
	const refers = lines.map((line) => /^The push refers to repository \[(.+)\]$/.exec(line)).find(Boolean);
	const where = registryOf({...context, ...(refers && !context.repository ? {repository: refers[1]!} : {})});
	const base: Partial<PushFailure> = {};
	if (where.registry) base.registry = where.registry;
	if (where.repository) base.repository = where.repository;
	if (where.tag) base.tag = where.tag;
	const registry = where.registry ? parseRegistryHost(where.registry) : undefined;
	if (registry?.kind === 'private') {
		base.registryId = registry.account;
		base.region = registry.region;
	}

	const build = matchBuildFailure(lines, where.registry);
	if (build)
		return {...base, ...(build.registry ? {registry: build.registry} : {}), kind: build.kind, message: build.message};
	for (const rule of RULES) {
		for (const line of lines) {
			const match = rule.pattern.exec(line);
			if (!match) continue;
			// Docker Hub refusing us means the image was not tagged for ECR.
			const kind = rule.kind === 'no-basic-auth' && isDockerHub(where.registry) ? 'not-ecr' : rule.kind;
			return {...base, ...rule.extract?.(match), kind, message: line};
		}
	}

	const last = [...lines]
		.reverse()
		.find((line) => !/^The push refers to repository/.test(line) && !/^[0-9a-f]{12,64}: /.test(line));
	const kind: PushErrorKind =
		isDockerHub(where.registry) && last !== undefined && /denied|unauthorized/i.test(last) ? 'not-ecr' : 'unknown';
	return {...base, kind, message: last ?? 'docker push failed without saying why.'};
}

const PUSH_ACTION_LIST = PUSH_ACTIONS.join(', ');

/** The user-facing message, hint and next steps for a classified failure. */
export function explainPushFailure(failure: PushFailure): {message: string; hint: string; nextSteps: string[]} {
	const host = failure.registry && failure.registry !== 'docker.io' ? failure.registry : undefined;
	const registryFlag = host ? ` --registry ${host}` : '';
	const repoName =
		failure.repository && host && failure.repository.startsWith(`${host}/`)
			? failure.repository.slice(host.length + 1)
			: failure.repository;
	switch (failure.kind) {
		case 'no-basic-auth':
			return {
				message: `Docker sent no credentials${host ? ` to ${host}` : ''} ("no basic auth credentials").`,
				hint: 'No credential store served this exact host: credHelpers has no byte-equal key for it, or the helper is missing or failed (docker 28 sends no credentials without saying why).',
				nextSteps: [`ecr-setup configure-helper${registryFlag}`, `ecr-setup login${registryFlag}`, 'ecr-setup doctor'],
			};
		case 'token-expired':
			return {
				message: `The registry refused the stored login${host ? ` for ${host}` : ''}: the token has expired (ECR tokens last 12 hours).`,
				hint: 'Log in again, or configure the ecr-login helper so docker fetches a fresh token on every push.',
				nextSteps: [`ecr-setup login${registryFlag}`, `ecr-setup configure-helper${registryFlag}`],
			};
		case 'denied-iam':
			return {
				message: `${failure.principal ?? 'Your AWS identity'} may not ${failure.action ? `call ${failure.action}` : 'push'}${repoName ? ` on the repository ${repoName}` : ''}.`,
				// Only a push that makes ECR create the repository (a create-on-push template) asks for these two.
				hint:
					failure.action === 'ecr:CreateRepository' || failure.action === 'ecr:TagResource'
						? `The repository does not exist, and a repository creation template has ECR create it on push with the pusher's permissions: its IAM policy must allow ${failure.action} on the repository${failure.action === 'ecr:TagResource' ? ' (the template tags what it creates)' : ''}, or create the repository first.`
						: `Its IAM policy must allow ${PUSH_ACTION_LIST} on the repository (and ecr:GetAuthorizationToken on *).`,
				nextSteps: ['ecr-setup whoami', `ecr-setup doctor${repoName ? ` --repository ${repoName}` : ''}`],
			};
		case 'denied-policy': {
			const account = failure.principal?.split(':')[4];
			const owner = failure.registryId ? `account ${failure.registryId}` : 'the owning account';
			const doctor = `ecr-setup doctor${registryFlag}${repoName ? ` --repository ${repoName}` : ''}`;
			return {
				message: `The repository policy${failure.registryId ? ` in account ${failure.registryId}` : ''} does not allow ${failure.principal ?? 'your identity'} to ${failure.action ? `call ${failure.action}` : 'push'}.`,
				hint: `This is a cross-account push: ${owner}, which owns ${repoName ?? 'the repository'}, must allow ${account ? `account ${account}` : 'your principal'} (${PUSH_ACTION_LIST}) in its repository policy. The doctor shows the statement; run by ${owner} with --allow-account, its --fix adds it.`,
				nextSteps: [
					doctor,
					...(account ? [`${doctor} --allow-account ${account} --fix   (run as ${owner})`] : []),
					'ecr-setup whoami',
				],
			};
		}
		case 'repository-missing':
			return {
				message: `The repository ${repoName ? `"${repoName}" ` : ''}does not exist${failure.registryId ? ` in registry ${failure.registryId}` : ''}${failure.region ? ` (${failure.region})` : ''}, and no repository creation template created it on push.`,
				hint: 'Create it (or a create-on-push template that covers the name), or check the account and region in the image URI.',
				nextSteps: [
					`ecr-setup push IMAGE --repository ${repoName ?? 'NAME'}${failure.region ? ` --region ${failure.region}` : ''} --create-repository`,
					`ecr-setup doctor${repoName ? ` --repository ${repoName}` : ''}`,
				],
			};
		case 'tag-immutable':
			return {
				message: `The tag ${failure.tag ? `"${failure.tag}" ` : ''}already exists in ${repoName ?? 'the repository'}, and its tags are immutable.`,
				hint: 'Push under a new tag (for example the git commit SHA).',
				nextSteps: [`ecr-setup push IMAGE --repository ${repoName ?? 'NAME'} --tag <new-tag>`],
			};
		case 'not-ecr':
			return {
				message: `The push went to ${failure.repository ?? failure.registry ?? 'Docker Hub'}, not to ECR.`,
				hint: 'Tag the image with its full ECR URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>) and push that.',
				nextSteps: ['ecr-setup push IMAGE --repository NAME'],
			};
		case 'image-missing':
			return {
				message: `There is no local image with that tag: ${failure.message}`,
				hint: 'Tag the local image with the full ECR URI first (docker tag SOURCE URI), or let ecr-setup push tag it.',
				nextSteps: ['docker image ls', 'ecr-setup push IMAGE --repository NAME'],
			};
		case 'network':
			return {
				message: `The push could not reach ${host ?? 'the registry'}: ${failure.message}`,
				hint:
					failure.message === 'EOF' || /EOF/.test(failure.message)
						? 'An upload cut off with EOF is a network or proxy problem, or sometimes missing push permissions (ECR closes the connection).'
						: 'Check the network and proxy settings the docker daemon uses (HTTPS_PROXY, NO_PROXY, a TLS-inspecting CA).',
				nextSteps: ['ecr-setup doctor'],
			};
		case 'helper-missing':
			return {
				message: `The docker config names the credential helper "${failure.helper ?? 'ecr-login'}", but docker-credential-${failure.helper ?? 'ecr-login'} is not on PATH.`,
				hint:
					failure.helper === 'ecr-login' || failure.helper === undefined
						? 'Install the Amazon ECR credential helper, or remove the entry from the docker config.'
						: `Install docker-credential-${failure.helper}, or remove the stale entry from the docker config (often left behind by Docker or Rancher Desktop).`,
				nextSteps:
					failure.helper === 'ecr-login' || failure.helper === undefined
						? ['ecr-setup install-helper', 'ecr-setup doctor']
						: ['ecr-setup doctor'],
			};
		case 'helper-failed':
			return {
				message: `The credential helper failed: ${failure.message}`,
				hint: 'Docker could not read credentials from its store; the doctor runs the helper itself and reads its log.',
				nextSteps: ['ecr-setup doctor'],
			};
		case 'daemon': {
			// docker names the daemon it dialled: tcp:// and ssh:// are another machine, which no local start fixes.
			const remote = /\b((?:tcp|ssh):\/\/[^\s"]+?)[.:]?(?:\s|"|$)/.exec(failure.message)?.[1];
			return {
				message: failure.message,
				hint: /permission denied/.test(failure.message)
					? 'You may not open the docker socket: join the docker group (then log in again), or run docker with sudo, which reads /root/.docker/config.json.'
					: remote
						? `The docker daemon at ${remote} did not answer: check that it runs and this machine reaches it, or point DOCKER_HOST (or \`docker context use\`) at one that does.`
						: 'Start Docker (Docker Desktop, or `sudo systemctl start docker`) and try again.',
				nextSteps: ['ecr-setup doctor'],
			};
		}
		case 'rate-limited':
		case 'layer-too-large':
		case 'too-many-layers':
		case 'retry-eof':
		case 'image-archived':
		case 'public-token-stale':
		case 'kms':
		case 'media-type':
			return explainBuildFailure(
				{kind: failure.kind, message: failure.message, registry: failure.registry},
				{host, repository: repoName, region: failure.region},
			);
		case 'unknown':
			return {
				message: `docker push failed: ${failure.message}`,
				hint: 'The doctor checks credentials, the docker config, the repository and the network.',
				nextSteps: ['ecr-setup doctor'],
			};
	}
}

/** A push that failed for a reason we can name; `kind` is stable, `code` is `push.<kind>`. */
export class PushError extends UserError {
	readonly kind: PushErrorKind;
	readonly failure: PushFailure;

	constructor(failure: PushFailure, options: {cause?: unknown} = {}) {
		const {message, hint, nextSteps} = explainPushFailure(failure);
		super(message, {
			hint,
			nextSteps,
			code: `push.${failure.kind}`,
			...(options.cause === undefined ? {} : {cause: options.cause}),
		});
		this.name = 'PushError';
		this.kind = failure.kind;
		this.failure = failure;
	}
}

export function pushErrorFromOutput(output: string | readonly string[], context: PushContext = {}): PushError {
	return new PushError(classifyPushFailure(output, context));
}

/** The classified failure behind a rejected push (a PushError from the docker service, or docker's words). */
export function pushFailureOf(error: unknown, ref: string): PushFailure {
	if (error instanceof PushError) return error.failure;
	const kind = typeof error === 'object' && error !== null ? (error as {kind?: unknown}).kind : undefined;
	const failure = classifyPushFailure(errorMessage(error), {ref});
	return typeof kind === 'string' && failure.kind === 'unknown'
		? {...failure, kind: kind as PushFailure['kind']}
		: failure;
}

export function explainPush(failure: PushFailure): Explanation {
	const {message, hint, nextSteps} = explainPushFailure(failure);
	return {title: message, detail: '', hint, nextSteps};
}
