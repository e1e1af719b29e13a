/** What the build-file readers (dockerfile.ts, compose-file.ts, build-files.ts) find: the images a build pulls. */
import type {EcrRegistry} from '../ecr/hosts.js';
import type {Expansion} from './build-variables.js';

/** Where a build file names an image. */
export type ReferenceSource =
	/** `# syntax=IMAGE`: the Dockerfile frontend BuildKit pulls before it reads the rest. */
	| 'syntax'
	| 'from'
	/** `COPY --from=IMAGE`, when IMAGE is not a stage. */
	| 'copy-from'
	/** `RUN --mount=…,from=IMAGE`, when IMAGE is not a stage. */
	| 'mount-from'
	/** A compose service's `image:` (pulled, or the tag of what it builds). */
	| 'compose-image'
	/** A compose build's `additional_contexts` entry `docker-image://IMAGE`. */
	| 'compose-context';

/** An image one file names, its variables expanded as far as the file (and the environment, for compose) says. */
export type NamedReference = {line: number; source: ReferenceSource; expansion: Expansion};

/** A build file that cannot be read as what it claims to be; `line` is 1-based. */
export class BuildFileSyntaxError extends Error {
	constructor(
		message: string,
		readonly line: number,
		readonly column?: number,
	) {
		super(message);
		this.name = 'BuildFileSyntaxError';
	}
}

/** An image reference a build pulls, and the registry it comes from. */
export type FoundReference = {
	/** The file as the caller named it (a compose build's Dockerfile: joined to the compose file's directory). */
	file: string;
	line: number;
	source: ReferenceSource;
	/** As the file resolves it; a variable with no value stays as written (`${TAG}`). */
	reference: string;
	/** Docker's registry host for it (`docker.io` for Docker Hub names). */
	host: string;
};

/** A reference whose registry depends on a variable the files do not set (a build argument or an unset variable). */
export type UnresolvedReference = {
	file: string;
	line: number;
	source: ReferenceSource;
	reference: string;
	missing: string[];
};

/** A compose build whose Dockerfile cannot be read here (a remote context, or a path made of unset variables). */
export type SkippedBuild = {file: string; line: number; service: string; reason: string};

export type BuildFilesScan = {
	/** Every file read, the Dockerfiles of compose builds included. */
	files: string[];
	references: FoundReference[];
	unresolved: UnresolvedReference[];
	skipped: SkippedBuild[];
};

/** One registry host and every reference to it, in the order the files name them. */
export type RegistryUse = {host: string; ecr: EcrRegistry | undefined; references: FoundReference[]};
