/**
 * Failures that begin in the build or in what was built, read from docker's and podman's output: a registry's pull rate
 * limit (Docker Hub's `toomanyrequests`), a layer over ECR's size limit or too many layers, an upload cut off with
 * `EOF` after docker's retries, an archived image, a stale public.ecr.aws login, KMS refusals and media types ECR or
 * Lambda refuse. push-errors.ts asks these rules before its own and explains these kinds with explainBuildFailure.
 */

export const BUILD_FAILURE_KINDS = [
	'rate-limited',
	'layer-too-large',
	'too-many-layers',
	'retry-eof',
	'image-archived',
	'public-token-stale',
	'kms',
	'media-type',
] as const;

export type BuildFailureKind = (typeof BUILD_FAILURE_KINDS)[number];

/** These kinds are named by the engine's own output: the machine's state (what the doctor checks) does not show them. */
export function isBuildFailureKind(kind: string): kind is BuildFailureKind {
	return (BUILD_FAILURE_KINDS as readonly string[]).includes(kind);
}

export type BuildFailureMatch = {kind: BuildFailureKind; message: string; registry?: string};

/** ECR's largest layer, in MiB: 52,000 in a private registry, 10,000 in ECR Public. */
export const LAYER_LIMIT_MIB = {private: 52_000, public: 10_000};

const RATE_LIMIT = /toomanyrequests|You have reached your (?:pull )?rate limit|429 Too Many Requests/i;

// Order matters: the most specific cause wins when several lines match.
const RULES: Array<{kind: BuildFailureKind; pattern: RegExp}> = [
	{kind: 'rate-limited', pattern: RATE_LIMIT},
	{kind: 'kms', pattern: /\bkms:[A-Za-z]+|KMSException|KmsException|KMS key|kmsError/i},
	{
		kind: 'media-type',
		pattern:
			/media type[^.]*(?:is )?not supported|unsupported media type|UnsupportedImageTypeException|manifest invalid: .*mediaType/i,
	},
	{
		kind: 'too-many-layers',
		pattern: /(?:number of layers|layers per image)[^.]*exceeded|max depth exceeded|too many layers/i,
	},
	{
		kind: 'layer-too-large',
		pattern:
			/layer (?:part )?size[^.]*exceed|exceeds the maximum (?:allowed )?(?:layer )?size|EntityTooLarge|413 Request Entity Too Large|LayerPartTooSmall|blob upload invalid.*size/i,
	},
	{kind: 'image-archived', pattern: /\barchived\b.*(?:image|manifest)|(?:image|manifest).*\barchived\b/i},
];

/** A failure these rules name, from the cleaned lines of docker's (or podman's) output; undefined when none does. */
export function matchBuildFailure(
	lines: readonly string[],
	registry: string | undefined,
): BuildFailureMatch | undefined {
	for (const rule of RULES) {
		// The last such line: engines log each retry, then the error that ended the run.
		const line = lines.findLast((candidate) => rule.pattern.test(candidate));
		if (line) return {kind: rule.kind, message: line, ...(upstreamOf(line) ? {registry: upstreamOf(line)} : {})};
	}

	// A stored public.ecr.aws login that went stale makes even anonymous pulls fail with 403.
	const publicLine = lines.find(
		(line) => /public\.ecr\.aws/.test(line) && /403|Forbidden|denied|authorization token has expired/i.test(line),
	);
	if (publicLine || (registry === 'public.ecr.aws' && lines.some((line) => /403 Forbidden/.test(line))))
		return {kind: 'public-token-stale', message: publicLine ?? lines.at(-1) ?? ''};

	// docker retries a layer upload ("Retrying in 5 seconds") and then prints a bare EOF: ECR closed the connection,
	// which it does for a repository that does not exist or a push action that is not allowed.
	const retried = lines.some((line) => /Retrying in \d+ seconds?/.test(line));
	const eof = lines.findLast((line) => /^(?:[0-9a-f]{12}: )?EOF$|: EOF$/.test(line));
	if (retried && eof) return {kind: 'retry-eof', message: eof};
	return undefined;
}

/** The registry a pull went to, as docker, BuildKit and podman name it in their messages. */
function upstreamOf(line: string): string | undefined {
	const match =
		/https:\/\/([a-z0-9.-]+(?::\d+)?)\/v2\//.exec(line) ??
		/reading manifest \S+ in ([a-z0-9.-]+(?::\d+)?)\//.exec(line);
	return match?.[1];
}

export type BuildFailureExplanation = {message: string; hint: string; nextSteps: string[]};

/** What to do about it; `repository` is the name without the host, when known. */
export function explainBuildFailure(
	match: {kind: BuildFailureKind; message: string; registry?: string | undefined},
	where: {host?: string | undefined; repository?: string | undefined; region?: string | undefined},
): BuildFailureExplanation {
	const repository = where.repository;
	switch (match.kind) {
		case 'rate-limited': {
			const upstream = /ghcr\.io/.test(match.message) ? 'ghcr' : /quay\.io/.test(match.message) ? 'quay' : 'docker-hub';
			return {
				message: `A registry refused to serve more pulls (rate limit): ${match.message}`,
				hint: 'Base images from Docker Hub (and other registries) count against a pull limit. An ECR pull-through cache rule makes ECR pull them once and serve them from your registry; point the Dockerfile FROM lines at it.',
				nextSteps: [
					`ecr-setup pull-through ${upstream} --dockerfile Dockerfile`,
					...(upstream === 'docker-hub' ? ['docker login (a Docker Hub account raises the limit)'] : []),
				],
			};
		}

		case 'layer-too-large':
			return {
				message: `A layer is larger than the registry accepts: ${match.message}`,
				hint: `ECR takes layers of at most ${LAYER_LIMIT_MIB.private.toLocaleString('en-US')} MiB (${LAYER_LIMIT_MIB.public.toLocaleString('en-US')} MiB in ECR Public). Split the step that makes it (large files in their own RUN or COPY, caches and build artefacts left out with .dockerignore or a multi-stage build).`,
				nextSteps: ['docker history --no-trunc IMAGE'],
			};
		case 'too-many-layers':
			return {
				message: `The image has too many layers: ${match.message}`,
				hint: 'Merge RUN steps, or copy the result of a build stage into a fresh one with a multi-stage build, so the image has fewer layers.',
				nextSteps: ['docker history IMAGE'],
			};
		case 'retry-eof':
			return {
				message: `The upload was cut off (EOF) after docker's retries${where.host ? ` to ${where.host}` : ''}.`,
				hint: 'ECR closes the connection like this when the repository does not exist or the identity may not push to it (ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload); more rarely a proxy cuts large uploads.',
				nextSteps: [
					`ecr-setup doctor${repository ? ` --repository ${repository}` : ''}`,
					`ecr-setup push IMAGE --repository ${repository ?? 'NAME'} --create-repository`,
				],
			};
		case 'image-archived':
			return {
				message: `The image is archived in ECR, so it cannot be pulled: ${match.message}`,
				hint: 'Restore it to the standard storage class first (it takes a while), then pull again.',
				nextSteps: [
					`aws ecr update-image-storage-class --repository-name ${repository ?? 'NAME'} --image-id imageDigest=DIGEST --target-storage-class STANDARD${where.region ? ` --region ${where.region}` : ''}`,
				],
			};
		case 'public-token-stale':
			return {
				message: `public.ecr.aws refused the pull with a stored login: ${match.message}`,
				hint: 'Anonymous pulls from ECR Public work, but docker sends the stored public.ecr.aws login once it has one, and ECR Public refuses it once it has expired (after 12 hours). Remove it, then pull again.',
				nextSteps: ['docker logout public.ecr.aws'],
			};
		case 'kms':
			return {
				message: `The repository's KMS key refused the request: ${match.message}`,
				hint: 'The repository is encrypted with a KMS key: the pushing identity needs kms:GenerateDataKey and kms:Decrypt on it (in its IAM policy and in the key policy), and the key must be enabled.',
				nextSteps: [`ecr-setup doctor${repository ? ` --repository ${repository}` : ''}`],
			};
		case 'media-type':
			return {
				message: `A media type of the image is refused: ${match.message}`,
				hint: 'Lambda takes one platform manifest, not an image index with provenance attestations (what docker buildx makes by default): build with --provenance=false and one --platform, or push one platform.',
				nextSteps: ['docker buildx build --platform linux/amd64 --provenance=false -t IMAGE --push .'],
			};
	}
}
