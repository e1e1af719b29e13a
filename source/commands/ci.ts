/**
 * `ecr-setup ci <system>`: write a pipeline that builds the image and pushes it to the user's repository.
 * The file is written only with consent, after a unified diff against what is there; `--dry-run` prints it instead.
 */
import {stat} from 'node:fs/promises';
import {dirname, isAbsolute, resolve} from 'node:path';
import {fileDiff} from '../lib/diff.js';
import {booleanFlag, stringFlag} from './args.js';
import {readTextFile, writeTextFile} from '../files/atomic-file.js';
import {UsageError, UserError} from '../errors/user-errors.js';
import {colorDiff} from '../lib/format.js';
import {privateRegistryHost} from '../ecr/hosts.js';
import {
	CI_KINDS,
	defaultAuth,
	generatePipeline,
	githubRepositoryOfRemote,
	isCiKind,
	type BuildOptions,
	type CiAuth,
} from '../generators/ci.js';
import {assertCiAuth} from '../generators/ci-kinds.js';
import {resolveBuild} from '../generators/ci-buildx.js';
import {assertOwnerRepo} from '../generators/policy.js';
import {resolveRepositoryTarget} from './targets.js';
import type {CommandContext, CommandDefinition} from './types.js';

export type WriteOutcome = {written: boolean; unchanged: boolean};

/**
 * Show what will change (a unified diff, also for a new file), ask, then write atomically: temp file in the same
 * directory, then rename. Missing directories are created. A symlinked target is written through to the file it names.
 */
export async function writeFileWithConsent(
	context: CommandContext,
	path: string,
	displayPath: string,
	content: string,
): Promise<WriteOutcome> {
	const {io, options} = context;
	const show = (text: string) => (options.json ? io.err(text) : io.out(text));
	const before = await readTextFile(path);
	if (before === content) {
		show(`${displayPath} already has this content. Nothing to change.`);
		return {written: false, unchanged: true};
	}

	show(colorDiff(fileDiff(displayPath, before, content), io.color));
	const question = before === undefined ? `Create ${displayPath}?` : `Overwrite ${displayPath} with these changes?`;
	if (!(await io.confirm(question, {defaultYes: before === undefined, flag: '--yes'}))) {
		show(`Nothing was written; ${displayPath} is as it was.`);
		return {written: false, unchanged: false};
	}

	if ((await readTextFile(path)) !== before) {
		throw new UserError(`${displayPath} changed while ecr-setup was waiting for an answer; nothing was written.`, {
			code: 'ci.file-changed',
			hint: 'Run the command again to see the difference against the file as it is now.',
		});
	}

	await writeTextFile(
		path,
		content,
		'Check that the directory is writable, or pass --output with another path (or --dry-run to print the file).',
	);
	return {written: true, unchanged: false};
}

/** OWNER/REPO of the `origin` remote when it is on GitHub. Best effort: no git, no repository, another host → undefined. */
async function githubRepositoryAt(context: CommandContext, directory: string): Promise<string | undefined> {
	try {
		while (
			!(await stat(directory).then(
				(info) => info.isDirectory(),
				() => false,
			))
		) {
			const parent = dirname(directory);
			if (parent === directory) return undefined;
			directory = parent;
		}

		const result = await context.services.runner.run('git', ['remote', 'get-url', 'origin'], {
			cwd: directory,
			timeoutMs: 5000,
			signal: context.signal,
		});
		if (result.exitCode !== 0) return undefined;
		const ownerRepo = githubRepositoryOfRemote(result.stdout);
		if (ownerRepo === undefined) return undefined;
		assertOwnerRepo(ownerRepo);
		return ownerRepo;
	} catch (error) {
		if (context.signal.aborted) throw error;
		return undefined;
	}
}

export type CiCommandOptions = {
	/** Where default output paths are resolved (default: the process's working directory). */
	cwd?: () => string;
};

/** --platform, --provenance, --lambda, --no-build-cache: a buildx build when any is given. */
function buildFlags(flags: CommandContext['flags']): BuildOptions | undefined {
	const platform = stringFlag(flags, 'platform');
	const provenance = stringFlag(flags, 'provenance');
	const lambda = booleanFlag(flags, 'lambda');
	const noCache = booleanFlag(flags, 'no-build-cache');
	if (platform === undefined && provenance === undefined && !lambda) {
		if (noCache)
			throw new UsageError('--no-build-cache is about a buildx build: add --platform, --provenance or --lambda.', {
				code: 'usage.buildx',
			});
		return undefined;
	}

	return {
		...(platform === undefined ? {} : {platforms: platform.split(',').map((part) => part.trim())}),
		...(provenance === undefined ? {} : {provenance}),
		...(lambda ? {lambda} : {}),
		...(noCache ? {cache: false} : {}),
	};
}

export function createCiCommand(commandOptions: CiCommandOptions = {}): CommandDefinition {
	const cwd = commandOptions.cwd ?? (() => process.cwd());
	return {
		name: 'ci',
		summary: `Write a CI pipeline that pushes to ECR (${CI_KINDS.join(', ')})`,
		usage: `ecr-setup ci ${CI_KINDS.join('|')} [--repository NAME] [--region R] [--auth oidc|keys] [--role-arn ARN] [--platform P,…] [--provenance V] [--lambda] [--output FILE] [--dry-run]`,
		flags: [
			{name: 'repository', type: 'string', value: 'NAME', description: 'ECR repository to push to'},
			{
				name: 'auth',
				type: 'string',
				value: 'oidc|keys',
				description: 'How the pipeline gets AWS credentials (default: oidc where the CI system supports it)',
			},
			{
				name: 'role-arn',
				type: 'string',
				value: 'ARN',
				description: 'IAM role the pipeline assumes (OIDC; Jenkins: assumed with its keys)',
			},
			{name: 'output', type: 'string', value: 'FILE', description: "Where to write it (default: the CI system's path)"},
			{name: 'branch', type: 'string', value: 'B', description: 'Branch whose pushes run the pipeline (default: main)'},
			{name: 'dockerfile', type: 'string', value: 'PATH', description: 'Dockerfile to build (default: Dockerfile)'},
			{
				name: 'image-name',
				type: 'string',
				value: 'NAME',
				description: 'Local image to build (default: the repository)',
			},
			{
				name: 'platform',
				type: 'string',
				value: 'P,…',
				description: 'Build with docker buildx for these platforms, e.g. linux/amd64,linux/arm64 (one image index)',
			},
			{
				name: 'provenance',
				type: 'string',
				value: 'V',
				description: "buildx's provenance attestation: true, false, mode=min (default) or mode=max",
			},
			{
				name: 'lambda',
				type: 'boolean',
				description: 'The image is for AWS Lambda: one platform (linux/amd64 unless --platform), no provenance',
			},
			{
				name: 'no-build-cache',
				type: 'boolean',
				description:
					'Keep no buildx cache in the repository (default: <repository>:buildcache, in the form ECR stores)',
			},
		],
		details:
			'Default paths: .github/workflows/ecr-push.yml, .gitlab-ci.yml, Jenkinsfile, .circleci/config.yml, bitbucket-pipelines.yml.\n' +
			'Every pipeline logs in with `aws ecr get-login-password | docker login --password-stdin` (GitHub: amazon-ecr-login),\n' +
			'tags the image with the commit SHA and pushes it. Shows a diff and asks before writing; --dry-run prints the file.\n' +
			'With --platform, --provenance or --lambda it builds with docker buildx and pushes as it builds, keeping a\n' +
			'registry cache in the repository (image-manifest=true,oci-mediatypes=true: what ECR stores).\n' +
			'Examples:\n' +
			'  ecr-setup ci github --repository my-app --role-arn arn:aws:iam::123456789012:role/ecr-push\n' +
			'  ecr-setup ci gitlab --repository my-app --dry-run > .gitlab-ci.yml\n' +
			'  ecr-setup ci github --repository my-app --platform linux/amd64,linux/arm64\n' +
			'  ecr-setup ci github --repository my-function --lambda',
		async run(context) {
			const {io, options, flags, positionals} = context;
			const kind = positionals[0];
			if (kind === undefined || !isCiKind(kind)) {
				throw new UsageError(
					kind === undefined
						? 'Which CI system? Name one after "ci".'
						: `"${kind}" is not a CI system ecr-setup knows.`,
					{code: 'usage.ci-kind', hint: `Use one of: ${CI_KINDS.map((name) => `ecr-setup ci ${name}`).join(', ')}.`},
				);
			}

			if (positionals.length > 1) {
				throw new UsageError(`Unexpected argument "${positionals[1]}".`, {hint: `See ecr-setup ci --help.`});
			}

			const authFlag = stringFlag(flags, 'auth');
			if (authFlag !== undefined) assertCiAuth(authFlag);
			const auth: CiAuth = authFlag ?? defaultAuth(kind);
			// Bad build flags are usage errors before any AWS call.
			const build = buildFlags(flags);
			resolveBuild(kind, build);
			const {region, identity, repository} = await resolveRepositoryTarget(context);
			const roleArn = stringFlag(flags, 'role-arn');
			const branch = stringFlag(flags, 'branch');
			const dockerfile = stringFlag(flags, 'dockerfile');
			const imageName = stringFlag(flags, 'image-name');
			const output = stringFlag(flags, 'output');
			const where = output === undefined ? cwd() : dirname(isAbsolute(output) ? output : resolve(cwd(), output));
			// Names the repository in the trust-policy hint; only GitHub OIDC needs it.
			const sourceRepository =
				kind === 'github' && auth === 'oidc' ? await githubRepositoryAt(context, where) : undefined;
			const pipeline = generatePipeline(kind, {
				account: identity.account,
				region,
				repository,
				registry: privateRegistryHost(identity.account, region),
				auth,
				...(roleArn === undefined ? {} : {roleArn}),
				...(branch === undefined ? {} : {branch}),
				...(dockerfile === undefined ? {} : {dockerfile}),
				...(imageName === undefined ? {} : {imageName}),
				...(sourceRepository === undefined ? {} : {sourceRepository}),
				...(build === undefined ? {} : {build}),
			});

			const displayPath = output ?? pipeline.path;
			const path = isAbsolute(displayPath) ? displayPath : resolve(cwd(), displayPath);
			const nextSteps = pipeline.notes;

			const printNotes = (write: (text: string) => void) => {
				write('Next:');
				for (const note of nextSteps) write(`  • ${note}`);
			};

			if (options.dryRun) {
				io.out(pipeline.content.trimEnd());
				io.err(`Dry run: ${displayPath} was not written.`);
				printNotes((text) => io.err(text));
				return {json: {path: displayPath, content: pipeline.content, written: false, notes: nextSteps}};
			}

			const outcome = await writeFileWithConsent(context, path, displayPath, pipeline.content);
			if (outcome.written) io.out(`Wrote ${displayPath}.`);
			if (outcome.written || outcome.unchanged) printNotes((text) => (options.json ? io.err(text) : io.out(text)));
			return {json: {path: displayPath, content: pipeline.content, written: outcome.written, notes: nextSteps}};
		},
	};
}

export const ciCommand: CommandDefinition = createCiCommand();
