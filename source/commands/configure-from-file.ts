/**
 * `configure-helper --from-file FILE`: the ECR registries a build pulls from, read from its Dockerfiles and compose
 * files, so that a `FROM` naming a registry docker was never configured for does not fail with `no basic auth
 * credentials` halfway through the build. Registries that are not ECR's are listed and left alone.
 */
import {referencePlaces, registryUses, scanBuildFiles} from '../docker/build-files.js';
import type {BuildFilesScan, RegistryUse} from '../docker/build-file-types.js';
import type {EcrRegistry} from '../ecr/hosts.js';
import {stringListFlag} from './args.js';
import {resolveTargetRegistries} from './shared.js';
import type {CommandContext, CommandResult, FlagSpec} from './types.js';

export const FROM_FILE_FLAG: FlagSpec = {
	name: 'from-file',
	type: 'string',
	multiple: true,
	value: 'FILE',
	description: 'Configure every ECR registry a Dockerfile, Containerfile or compose file pulls from (repeatable)',
};

export const FROM_FILE_DETAILS =
	'--from-file reads FROM, COPY --from and RUN --mount from= of a Dockerfile (global ARG defaults applied), and\n' +
	'every image: and build: of a compose file (*.yml, *.yaml; the Dockerfiles of its builds, its .env). It configures\n' +
	'the ECR registries among them (public.ecr.aws too) and lists the others, which it leaves alone.';

/** What --from-file found, for the JSON document. */
export type BuildFilesReport = {
	files: string[];
	ecr: Array<{host: string; references: Array<{file: string; line: number; reference: string}>}>;
	other: Array<{host: string; references: Array<{file: string; line: number; reference: string}>}>;
	unresolved: BuildFilesScan['unresolved'];
	skipped: BuildFilesScan['skipped'];
};

/**
 * The registries configure-helper works on: with --from-file, those the files pull from plus any --registry and
 * --public; without it, what every command targets (resolveTargetRegistries). Each registry carries its account and
 * region: binding a host to a profile that reaches its account (--profile) starts from here.
 */
export async function helperTargets(
	context: CommandContext,
): Promise<{registries: EcrRegistry[]; buildFiles: BuildFilesReport | undefined}> {
	const files = stringListFlag(context.flags, 'from-file');
	if (files.length === 0) return {registries: await resolveTargetRegistries(context), buildFiles: undefined};
	const scan = await scanBuildFiles(files, {env: context.services.env});
	const uses = registryUses(scan);
	showUses(context, scan, uses);
	const named = stringListFlag(context.flags, 'registry').length > 0 || context.flags['public'] === true;
	const registries = uses.flatMap((use) => (use.ecr ? [use.ecr] : []));
	for (const registry of named ? await resolveTargetRegistries(context) : [])
		if (!registries.some((known) => known.host === registry.host)) registries.push(registry);
	return {registries, buildFiles: report(scan, uses)};
}

/** The result when the files name no ECR registry (and no --registry or --public adds one). */
export function nothingToConfigure(context: CommandContext, buildFiles: BuildFilesReport | undefined): CommandResult {
	context.io.out(`No ECR registry in ${buildFiles?.files.join(', ') ?? 'the files'}: nothing to configure.`);
	return {json: {hosts: [], changed: false, written: false, buildFiles}};
}

function showUses(context: CommandContext, scan: BuildFilesScan, uses: RegistryUse[]): void {
	const {io} = context;
	io.out(`Registries named in ${scan.files.join(', ')}:`);
	const ecr = uses.filter((use) => use.ecr);
	for (const use of ecr) io.out(`  ECR  ${use.host}  (${referencePlaces(use.references)})`);
	if (ecr.length === 0) io.out('  no ECR registry');
	const other = uses.filter((use) => !use.ecr);
	if (other.length > 0)
		io.out(
			`  Not ECR, left alone: ${other.map((use) => `${use.host} (${referencePlaces(use.references)})`).join(', ')}`,
		);
	for (const reference of scan.unresolved) {
		const variables = reference.missing.join(', ');
		io.err(
			`Note: ${reference.file}:${reference.line}: the registry of ${reference.reference} depends on ${variables}, ` +
				'which the files do not set (a build argument?). If it is an ECR registry, add --registry HOST.',
		);
	}

	for (const build of scan.skipped)
		io.err(`Note: ${build.file}:${build.line}: the build of services.${build.service} was not read: ${build.reason}.`);
}

function report(scan: BuildFilesScan, uses: RegistryUse[]): BuildFilesReport {
	const entry = (use: RegistryUse) => ({
		host: use.host,
		references: use.references.map(({file, line, reference}) => ({file, line, reference})),
	});
	return {
		files: scan.files,
		ecr: uses.filter((use) => use.ecr).map(entry),
		other: uses.filter((use) => !use.ecr).map(entry),
		unresolved: scan.unresolved,
		skipped: scan.skipped,
	};
}
