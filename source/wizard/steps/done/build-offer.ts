/**
 * The Done step's "registries your build pulls from": a Dockerfile or compose file in the working directory whose
 * `FROM`, `COPY --from`, `RUN --mount from=` or `image:` lines name ECR registries docker has no helper for would fail
 * with `no basic auth credentials` halfway through the build. The same readers as `configure-helper --from-file`; the
 * registries of the wizard's account (and ECR Public) get the helper the wizard set up, with its profile when it bound
 * one; another account's registry needs a profile that reaches it, which `configure-helper --from-file` finds.
 */
import {stat} from 'node:fs/promises';
import path from 'node:path';
import {ECR_LOGIN_HELPER, boundHelperName} from '../../../credential-helper/wrapper.js';
import {referencePlaces, registryUses, scanBuildFiles} from '../../../docker/build-files.js';
import {type BindingChange, planBinding} from '../../../services/binding.js';
import type {Services} from '../../../services/types.js';
import type {WizardState} from '../../state.js';

/** The names a build reads by default: docker's and podman's Dockerfile, compose's file names. */
export const BUILD_FILE_NAMES = [
	'Dockerfile',
	'Containerfile',
	'compose.yaml',
	'compose.yml',
	'docker-compose.yaml',
	'docker-compose.yml',
] as const;

export type BuildRegistry = {
	host: string;
	/** `file:line` of where the files name it (the first few). */
	places: string;
	/**
	 * configured: config.json already names a helper for it (`current`); add: the wizard's helper is added for it;
	 * other-account: an account the wizard's identity is not in.
	 */
	status: 'configured' | 'add' | 'other-account';
	current?: string;
	account?: string;
};

export type BuildOffer = {
	/** The build files found, as named in the working directory. */
	files: string[];
	registries: BuildRegistry[];
	/** The credHelpers value the added registries get. */
	helper: string;
	/** What adding them writes; undefined when nothing is to be added. */
	change: BindingChange | undefined;
	/** Why some registries cannot be added here (no helper installed), or notes from the readers. */
	notes: string[];
	/** `configure-helper --from-file …`, the same without the wizard (and the way for other accounts). */
	command: string;
};

/** The build files of `directory`, in BUILD_FILE_NAMES order. */
export async function buildFilesIn(directory: string): Promise<string[]> {
	const found: string[] = [];
	for (const name of BUILD_FILE_NAMES) {
		const info = await stat(path.join(directory, name)).catch(() => undefined);
		if (info?.isFile()) found.push(name);
	}

	return found;
}

/**
 * What the build files of `directory` need beyond the registry the wizard set up; undefined when there are no build
 * files or they name no other ECR registry. A file that cannot be read is thrown (BuildFileError), for the view to show.
 */
export async function planBuildOffer(
	services: Pick<Services, 'dockerConfig' | 'wrappers' | 'helper' | 'env'>,
	state: Pick<WizardState, 'registry' | 'identity' | 'auth'>,
	directory: string,
): Promise<BuildOffer | undefined> {
	const files = await buildFilesIn(directory);
	if (files.length === 0) return undefined;
	const scan = await scanBuildFiles(
		files.map((file) => path.join(directory, file)),
		{env: services.env},
	);
	const uses = registryUses(scan).filter((use) => use.ecr && use.host !== state.registry);
	if (uses.length === 0) return undefined;

	const profile = state.auth?.profile;
	const helper = profile ? boundHelperName(profile) : ECR_LOGIN_HELPER;
	const config = await services.dockerConfig.read();
	const known = config.data.credHelpers ?? {};
	const registries: BuildRegistry[] = uses.map((use) => {
		const places = referencePlaces(use.references, directory);
		const current = known[use.host];
		if (current) return {host: use.host, places, status: 'configured', current};
		const ecr = use.ecr!;
		if (ecr.kind === 'public' || ecr.account === state.identity?.account)
			return {host: use.host, places, status: 'add'};
		return {host: use.host, places, status: 'other-account', account: ecr.account};
	});

	const notes = scan.unresolved.map(
		(reference) =>
			`${path.relative(directory, reference.file) || reference.file}:${reference.line}: the registry of ${reference.reference} depends on ${reference.missing.join(', ')}, which the files do not set.`,
	);
	const adding = registries.filter((registry) => registry.status === 'add').map((registry) => registry.host);
	const command = `ecr-setup configure-helper ${files.map((file) => `--from-file ${file}`).join(' ')}${profile ? ` --profile ${profile}` : ''}`;
	if (adding.length === 0) return {files, registries, helper, change: undefined, notes, command};

	const found = await services.helper.find();
	if (!found) {
		notes.push(
			'docker-credential-ecr-login is not installed, so nothing can be added here: run `ecr-setup install-helper`, then the command below.',
		);
		return {files, registries, helper, change: undefined, notes, command};
	}

	const change = await planBinding(services, profile, adding, found.path);
	return {files, registries, helper, change, notes, command};
}
