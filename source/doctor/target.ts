/**
 * Which registry, repository and image the doctor examines: `--registry`, else `--image` when it is an ECR reference,
 * else the caller's own registry in the region in force; and whose pushes it checks the repository policy for.
 */
import {UsageError} from '../errors/user-errors.js';
import {ImageRefError, ecrRegistryOf, formatImageRef, parseImageRef, type ImageRef} from '../ecr/image-ref.js';
import {hostOfRegistryString, parseRegistryHost, privateRegistryHost, type EcrRegistry} from '../ecr/hosts.js';
import {validateRepositoryName} from '../ecr/names.js';
import {partitionOf} from '../ecr/partitions.js';
import type {CallerIdentity} from '../aws/types.js';
import type {DoctorTargetInput} from './types.js';

export type ParsedInput = {
	rawRegistry: string | undefined;
	/** From --registry or an ECR --image. */
	registry: EcrRegistry | undefined;
	registrySource: 'flag' | 'image' | undefined;
	image: string | undefined;
	imageRef: ImageRef | undefined;
	imageIsEcr: boolean;
	repositoryInput: string | undefined;
	repository: string | undefined;
	/** Why the repository name cannot be used as given (a full URI, invalid characters). */
	repositoryProblem: string | undefined;
	/** The name the user probably meant, when they passed a full URI. */
	repositorySuggestion: string | undefined;
	tag: string | undefined;
	notes: string[];
};

/** Check the flags; a malformed --registry or --image is a usage error (exit 2). */
export function parseTargetInput(input: DoctorTargetInput): ParsedInput {
	const notes: string[] = [];
	let imageRef: ImageRef | undefined;
	if (input.image !== undefined) {
		try {
			imageRef = parseImageRef(input.image);
		} catch (error) {
			if (error instanceof ImageRefError) {
				throw new UsageError(`--image ${input.image}: ${error.message}`, {
					hint: 'Give an image as docker names it, e.g. my-app:1.0.',
				});
			}

			throw error;
		}
	}

	let registry: EcrRegistry | undefined;
	let registrySource: ParsedInput['registrySource'];
	let pathFromRegistry: string | undefined;
	if (input.registry !== undefined) {
		const host = hostOfRegistryString(input.registry);
		registry = parseRegistryHost(host);
		if (!registry) {
			throw new UsageError(`"${input.registry}" is not an Amazon ECR registry host.`, {
				hint: 'ECR hosts look like 123456789012.dkr.ecr.us-east-1.amazonaws.com (or public.ecr.aws).',
			});
		}

		registrySource = 'flag';
		if (host !== input.registry) {
			notes.push(`--registry "${input.registry}" names the host ${host}: docker looks credentials up by host only.`);
			const rest = input.registry.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
			const slash = rest.indexOf('/');
			if (slash !== -1 && rest.length > slash + 1) pathFromRegistry = rest.slice(slash + 1).replace(/\/+$/, '');
		}
	}

	const imageRegistry = imageRef ? ecrRegistryOf(imageRef) : undefined;
	const imageIsEcr = imageRegistry !== undefined;
	if (!registry && imageRegistry) {
		registry = imageRegistry;
		registrySource = 'image';
	}

	const repositoryInput = input.repository;
	const repository =
		repositoryInput ?? (imageIsEcr ? imageRef?.repository : (pathFromRegistry ?? imageRef?.repository));
	let repositoryProblem: string | undefined;
	let repositorySuggestion: string | undefined;
	if (repository !== undefined) {
		const looksLikeUri = /:\/\/|\.dkr\.ecr|\.dkr-ecr|amazonaws\.com|public\.ecr\.aws/.test(repository);
		if (looksLikeUri) {
			const rest = repository.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
			const slash = rest.indexOf('/');
			const namePart = slash === -1 ? '' : rest.slice(slash + 1);
			repositorySuggestion = namePart.replace(/[:@].*$/, '') || undefined;
			repositoryProblem = `--repository "${repository}" is a full URI; ECR wants only the repository name${
				repositorySuggestion ? ` ("${repositorySuggestion}")` : ''
			}, and a repository with this name can never exist (docker would report "name unknown").`;
		} else {
			const validation = validateRepositoryName(repository);
			if (!validation.ok) repositoryProblem = `"${repository}" is not a valid repository name: ${validation.reason}`;
		}
	}

	const tag = imageRef ? (imageRef.digest && !imageRef.tag ? undefined : (imageRef.tag ?? 'latest')) : undefined;
	return {
		rawRegistry: input.registry,
		registry,
		registrySource,
		image: input.image,
		imageRef,
		imageIsEcr,
		repositoryInput,
		repository,
		repositoryProblem,
		repositorySuggestion,
		tag,
		notes,
	};
}

export type ResolvedTarget = Omit<ParsedInput, 'registrySource'> & {
	/** The registry host docker will look credentials up for. */
	host: string | undefined;
	registrySource: 'flag' | 'image' | 'identity' | undefined;
	/** The region the AWS calls go to: the host's own region when there is a host (a private host names its region). */
	region: string | undefined;
	/** The account that owns the registry. */
	account: string | undefined;
	/** host/repository:tag, what the image must be tagged as for `docker push` to go to ECR. */
	uri: string | undefined;
};

/** Complete the target once the region in force and (when needed) the caller's account are known. */
export function resolveTarget(
	parsed: ParsedInput,
	configuredRegion: string | undefined,
	callerAccount: string | undefined,
): ResolvedTarget {
	let registry = parsed.registry;
	let registrySource: ResolvedTarget['registrySource'] = parsed.registrySource;
	if (!registry && callerAccount && configuredRegion) {
		registry = parseRegistryHost(privateRegistryHost(callerAccount, configuredRegion));
		if (registry) registrySource = 'identity';
	}

	const region =
		registry?.kind === 'private' ? registry.region : registry?.kind === 'public' ? 'us-east-1' : configuredRegion;
	const account = registry?.kind === 'private' ? registry.account : undefined;
	const host = registry?.host;
	const uri =
		host && parsed.repository && !parsed.repositoryProblem
			? formatImageRef({registry: host, repository: parsed.repository, tag: parsed.tag ?? 'latest'})
			: undefined;
	return {...parsed, registry, registrySource, host, region, account, uri};
}

/** Whose pushes the repository policy is read for: the caller, or the account or role the input names. */
export type Pusher = {
	/** The caller's identity, or one standing for the account (its root ARN) or the role (its ARN). */
	identity: CallerIdentity;
	/** Named by the input (--allow-account, --allow-role), not the caller. */
	given: boolean;
	roleArn?: string;
};

/** The pusher: the account or role the input names, else the caller (undefined when unknown). */
export function pusherOf(
	input: DoctorTargetInput,
	region: string | undefined,
	caller: CallerIdentity | undefined,
): Pusher | undefined {
	const {account, roleArn} = input.allow ?? {};
	if (roleArn) {
		const roleAccount = roleArn.split(':')[4] ?? '';
		return {identity: {account: roleAccount, arn: roleArn, userId: '', kind: 'assumed-role'}, given: true, roleArn};
	}

	if (account) {
		const partition = partitionOf(region ?? '').id;
		return {identity: {account, arn: `arn:${partition}:iam::${account}:root`, userId: '', kind: 'root'}, given: true};
	}

	return caller ? {identity: caller, given: false} : undefined;
}
