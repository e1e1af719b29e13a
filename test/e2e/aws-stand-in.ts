/**
 * The AWS stand-in of the end-to-end stack: ECR (JSON 1.1), ECR Public (JSON 1.1) and STS (query, XML; JSON 1.0 too) over TLS
 * on API_ADDRESS:443, an ECR-like front for each real docker-registry, and a control API for the scenarios.
 *
 * Run (after bundling with esbuild, see stack.sh):
 *   node aws-stand-in.mjs hosts            print the hosts file
 *   node aws-stand-in.mjs san              print the certificate's subjectAltName extension line
 *   node aws-stand-in.mjs serve WORKDIR    serve; WORKDIR holds pki/ and registry/<host>/
 *
 * Fidelity is checked by the real AWS CLI (test/e2e/00-stand-in.test.ts). Tokens are base64("AWS:" + password) where password is
 * base64 JSON with an `expiration` (as ECR's), and the registry's htpasswd (bcrypt, written by `htpasswd -B -i`, password on
 * stdin) holds the current password of the token's region. distribution 2.8 re-reads htpasswd when its mtime changes.
 *
 * The front checks what docker-registry cannot: the repository must exist (ECR never creates one on push), an immutable tag
 * cannot be overwritten, an expired token is refused with ECR's message, and a denied push action is refused with IAM's.
 * It learns each pushed tag from the manifest PUT, so DescribeImages knows it.
 */
import {spawn} from 'node:child_process';
import {randomBytes, randomUUID} from 'node:crypto';
import {mkdirSync, readFileSync, renameSync} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import {
	ACCOUNT,
	API_ADDRESS,
	CALLER_ARN,
	CALLER_USER_ID,
	CONTROL_PORT,
	ECR_REGIONS,
	REGISTRIES,
	certificateNames,
	hostsFile,
	type RegistryEndpoint,
} from './topology.js';

// ───────────────────────────── state ─────────────────────────────

type Image = {digest: string; tags: string[]; pushedAt: number; size: number; mediaType: string};

type Repository = {
	name: string;
	registryId: string;
	region: string;
	createdAt: number;
	imageTagMutability: string;
	scanOnPush: boolean;
	encryptionType: string;
	policy: string | undefined;
	images: Image[];
};

type Token = {password: string; expiresAt: number};

type Call = {service: string; operation: string; region: string; status: number; error?: string};

const TOKEN_LIFETIME_S = 12 * 60 * 60;

const state = {
	repositories: new Map<string, Repository>(),
	/** IAM actions the caller is denied, e.g. `ecr:GetAuthorizationToken`, `ecr:InitiateLayerUpload`. */
	denied: new Set<string>(),
	/** Every API call answers ExpiredToken(Exception), as with stale session credentials. */
	expiredCredentials: false,
	tokens: new Map<string, Token>(),
	calls: [] as Call[],
	/** What docker asked the registry fronts (method, path, status): lets a scenario prove a push was never attempted. */
	registryRequests: [] as Array<{host: string; method: string; path: string; status: number; note?: string}>,
};

let workDir = '';

function repositoryKey(region: string, registryId: string, name: string): string {
	return `${region}/${registryId}/${name}`;
}

function findRepository(region: string, registryId: string, name: string): Repository | undefined {
	return state.repositories.get(repositoryKey(region, registryId, name));
}

function repositoryArn(repository: Repository): string {
	return `arn:aws:ecr:${repository.region}:${repository.registryId}:repository/${repository.name}`;
}

function repositoryUri(repository: Repository): string {
	return `${repository.registryId}.dkr.ecr.${repository.region}.amazonaws.com/${repository.name}`;
}

const REPOSITORY_NAME =
	/^(?=.{2,256}$)[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;

function createRepository(input: {
	region: string;
	registryId?: string;
	name: string;
	imageTagMutability?: string;
	scanOnPush?: boolean;
	encryptionType?: string;
}): Repository {
	const registryId = input.registryId ?? ACCOUNT;
	if (!REPOSITORY_NAME.test(input.name)) {
		throw new AwsError(
			'InvalidParameterException',
			`Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`,
		);
	}
	if (findRepository(input.region, registryId, input.name)) {
		throw new AwsError(
			'RepositoryAlreadyExistsException',
			`The repository with name '${input.name}' already exists in the registry with id '${registryId}'`,
		);
	}
	const repository: Repository = {
		name: input.name,
		registryId,
		region: input.region,
		createdAt: Date.now() / 1000,
		imageTagMutability: input.imageTagMutability ?? 'MUTABLE',
		scanOnPush: input.scanOnPush ?? false,
		encryptionType: input.encryptionType ?? 'AES256',
		policy: undefined,
		images: [],
	};
	state.repositories.set(repositoryKey(input.region, registryId, input.name), repository);
	return repository;
}

function repositoryJson(repository: Repository) {
	return {
		repositoryArn: repositoryArn(repository),
		registryId: repository.registryId,
		repositoryName: repository.name,
		repositoryUri: repositoryUri(repository),
		createdAt: repository.createdAt,
		imageTagMutability: repository.imageTagMutability,
		imageScanningConfiguration: {scanOnPush: repository.scanOnPush},
		encryptionConfiguration: {encryptionType: repository.encryptionType},
	};
}

// ───────────────────────────── tokens and htpasswd ─────────────────────────────

/** ECR's password shape: base64 JSON with a random payload first (bcrypt reads only 72 bytes) and an expiration. */
function makePassword(expiresAt: number): string {
	const body = {
		payload: randomBytes(45).toString('base64'),
		datakey: randomBytes(12).toString('base64'),
		version: '2',
		type: 'DATA_KEY',
		expiration: expiresAt,
	};
	return Buffer.from(JSON.stringify(body)).toString('base64');
}

function passwordExpiry(password: string): number | undefined {
	try {
		const parsed = JSON.parse(Buffer.from(password, 'base64').toString('utf8')) as {expiration?: unknown};
		return typeof parsed.expiration === 'number' ? parsed.expiration : undefined;
	} catch {
		return undefined;
	}
}

function htpasswdPath(registry: RegistryEndpoint): string {
	return path.join(workDir, 'registry', registry.host, 'htpasswd');
}

async function writeHtpasswd(file: string, password: string): Promise<void> {
	const temporary = `${file}.${process.pid}.tmp`;
	await new Promise<void>((resolve, reject) => {
		// -i: password from stdin, never on argv. -C 4: the cheapest bcrypt cost, the registry checks every request.
		const child = spawn('htpasswd', ['-B', '-C', '4', '-i', '-c', temporary, 'AWS'], {
			stdio: ['pipe', 'ignore', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += String(chunk)));
		child.on('error', reject);
		child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`htpasswd exited ${code}: ${stderr}`))));
		child.stdin.end(password);
	});
	// The registry re-reads the file when its modification time changes; a rename makes the change atomic.
	renameSync(temporary, file);
}

/** The current token of a region: one password per region (as one ECR token serves every registry of its region). */
async function currentToken(region: string): Promise<Token> {
	const existing = state.tokens.get(region);
	const now = Date.now() / 1000;
	if (existing && existing.expiresAt - now > 60 * 60) return existing;
	return rotateToken(region);
}

async function rotateToken(region: string): Promise<Token> {
	const expiresAt = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S;
	const token = {password: makePassword(expiresAt), expiresAt};
	for (const registry of REGISTRIES.filter((candidate) => candidate.region === region)) {
		await writeHtpasswd(htpasswdPath(registry), token.password);
	}
	state.tokens.set(region, token);
	return token;
}

function encodeToken(password: string): string {
	return Buffer.from(`AWS:${password}`).toString('base64');
}

// ───────────────────────────── errors ─────────────────────────────

class AwsError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly status = 400,
	) {
		super(message);
	}
}

function accessDenied(action: string, resource: string, kind: 'identity' | 'resource' = 'identity'): AwsError {
	return new AwsError(
		'AccessDeniedException',
		`User: ${CALLER_ARN} is not authorized to perform: ${action} on resource: ${resource} because no ${kind}-based policy allows the ${action} action`,
	);
}

function repositoryNotFound(name: string, registryId: string): AwsError {
	return new AwsError(
		'RepositoryNotFoundException',
		`The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
	);
}

// ───────────────────────────── SigV4 scope ─────────────────────────────

type Scope = {accessKeyId: string; region: string; service: string};

function credentialScope(authorization: string | undefined): Scope | undefined {
	if (!authorization?.startsWith('AWS4-HMAC-SHA256 ')) return undefined;
	const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
	if (!match || !/SignedHeaders=/.test(authorization) || !/Signature=[0-9a-f]{64}/.test(authorization))
		return undefined;
	return {accessKeyId: match[1]!, region: match[2]!, service: match[3]!};
}

// ───────────────────────────── ECR (JSON 1.1) ─────────────────────────────

type Json = Record<string, unknown>;

function requireRepository(region: string, body: Json): Repository {
	const registryId = typeof body.registryId === 'string' ? body.registryId : ACCOUNT;
	const name = String(body.repositoryName ?? '');
	const repository = findRepository(region, registryId, name);
	if (!repository) throw repositoryNotFound(name, registryId);
	return repository;
}

function checkAllowed(action: string, resource: string): void {
	if (state.denied.has(action) || state.denied.has('*')) throw accessDenied(action, resource);
}

function checkCrossAccount(action: string, repository: Repository): void {
	if (repository.registryId === ACCOUNT) return;
	if (!repository.policy?.includes(ACCOUNT)) throw accessDenied(action, repositoryArn(repository), 'resource');
}

async function ecrOperation(operation: string, region: string, body: Json): Promise<Json> {
	const repoResource = (name: unknown, registryId: unknown = ACCOUNT) =>
		`arn:aws:ecr:${region}:${String(registryId ?? ACCOUNT)}:repository/${String(name)}`;
	switch (operation) {
		case 'GetAuthorizationToken': {
			checkAllowed('ecr:GetAuthorizationToken', '*');
			const token = await currentToken(region);
			const ids =
				Array.isArray(body.registryIds) && body.registryIds.length > 0 ? body.registryIds.map(String) : [ACCOUNT];
			return {
				authorizationData: ids.map((id) => ({
					authorizationToken: encodeToken(token.password),
					expiresAt: token.expiresAt,
					proxyEndpoint: `https://${id}.dkr.ecr.${region}.amazonaws.com`,
				})),
			};
		}
		case 'DescribeRepositories': {
			const registryId = typeof body.registryId === 'string' ? body.registryId : ACCOUNT;
			checkAllowed('ecr:DescribeRepositories', repoResource('*', registryId));
			let repositories: Repository[];
			if (Array.isArray(body.repositoryNames) && body.repositoryNames.length > 0) {
				repositories = body.repositoryNames.map((name) => {
					const repository = findRepository(region, registryId, String(name));
					if (!repository) throw repositoryNotFound(String(name), registryId);
					return repository;
				});
			} else {
				repositories = [...state.repositories.values()]
					.filter((repository) => repository.region === region && repository.registryId === registryId)
					.sort((a, b) => a.name.localeCompare(b.name));
			}
			const start = typeof body.nextToken === 'string' ? Number(Buffer.from(body.nextToken, 'base64').toString()) : 0;
			const max = typeof body.maxResults === 'number' ? body.maxResults : 100;
			const page = repositories.slice(start, start + max);
			const next = start + max < repositories.length ? Buffer.from(String(start + max)).toString('base64') : undefined;
			return {repositories: page.map(repositoryJson), ...(next ? {nextToken: next} : {})};
		}
		case 'CreateRepository': {
			checkAllowed('ecr:CreateRepository', repoResource(body.repositoryName, body.registryId));
			const scanning = body.imageScanningConfiguration as {scanOnPush?: boolean} | undefined;
			const encryption = body.encryptionConfiguration as {encryptionType?: string} | undefined;
			const repository = createRepository({
				region,
				registryId: typeof body.registryId === 'string' ? body.registryId : undefined,
				name: String(body.repositoryName ?? ''),
				imageTagMutability: typeof body.imageTagMutability === 'string' ? body.imageTagMutability : undefined,
				scanOnPush: scanning?.scanOnPush,
				encryptionType: encryption?.encryptionType,
			});
			return {repository: repositoryJson(repository)};
		}
		case 'DeleteRepository': {
			const repository = requireRepository(region, body);
			checkAllowed('ecr:DeleteRepository', repositoryArn(repository));
			if (repository.images.length > 0 && body.force !== true) {
				throw new AwsError(
					'RepositoryNotEmptyException',
					`The repository with name '${repository.name}' in registry with id '${repository.registryId}' cannot be deleted because it still contains images`,
				);
			}
			state.repositories.delete(repositoryKey(region, repository.registryId, repository.name));
			return {repository: repositoryJson(repository)};
		}
		case 'DescribeImages':
		case 'ListImages':
		case 'BatchGetImage': {
			const repository = requireRepository(region, body);
			checkAllowed(`ecr:${operation}`, repositoryArn(repository));
			checkCrossAccount(`ecr:${operation}`, repository);
			const wanted = Array.isArray(body.imageIds)
				? (body.imageIds as Array<{imageTag?: string; imageDigest?: string}>)
				: undefined;
			const details = (image: Image) => ({
				registryId: repository.registryId,
				repositoryName: repository.name,
				imageDigest: image.digest,
				...(image.tags.length > 0 ? {imageTags: image.tags} : {}),
				imageSizeInBytes: image.size,
				imagePushedAt: image.pushedAt,
				imageManifestMediaType: image.mediaType,
			});
			const match = (id: {imageTag?: string; imageDigest?: string}) =>
				repository.images.find(
					(image) =>
						(id.imageDigest === undefined || image.digest === id.imageDigest) &&
						(id.imageTag === undefined || image.tags.includes(id.imageTag)),
				);
			if (operation === 'ListImages') {
				return {
					imageIds: repository.images.flatMap((image) =>
						(image.tags.length > 0 ? image.tags : [undefined]).map((tag) => ({
							imageDigest: image.digest,
							...(tag ? {imageTag: tag} : {}),
						})),
					),
				};
			}
			if (operation === 'BatchGetImage') {
				const images = [];
				const failures = [];
				for (const id of wanted ?? []) {
					const image = match(id);
					if (image)
						images.push({
							registryId: repository.registryId,
							repositoryName: repository.name,
							imageId: {imageDigest: image.digest, ...(id.imageTag ? {imageTag: id.imageTag} : {})},
							imageManifestMediaType: image.mediaType,
						});
					else failures.push({imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found'});
				}
				return {images, failures};
			}
			if (!wanted) return {imageDetails: repository.images.map(details)};
			return {
				imageDetails: wanted.map((id) => {
					const image = match(id);
					if (!image) {
						throw new AwsError(
							'ImageNotFoundException',
							`The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`,
						);
					}
					return details(image);
				}),
			};
		}
		case 'GetRepositoryPolicy': {
			const repository = requireRepository(region, body);
			checkAllowed('ecr:GetRepositoryPolicy', repositoryArn(repository));
			if (!repository.policy) {
				throw new AwsError(
					'RepositoryPolicyNotFoundException',
					`Repository policy does not exist for the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`,
				);
			}
			return {registryId: repository.registryId, repositoryName: repository.name, policyText: repository.policy};
		}
		case 'SetRepositoryPolicy': {
			const repository = requireRepository(region, body);
			checkAllowed('ecr:SetRepositoryPolicy', repositoryArn(repository));
			repository.policy = String(body.policyText ?? '');
			return {registryId: repository.registryId, repositoryName: repository.name, policyText: repository.policy};
		}
		case 'PutImageTagMutability': {
			const repository = requireRepository(region, body);
			checkAllowed('ecr:PutImageTagMutability', repositoryArn(repository));
			repository.imageTagMutability = String(body.imageTagMutability ?? 'MUTABLE');
			return {
				registryId: repository.registryId,
				repositoryName: repository.name,
				imageTagMutability: repository.imageTagMutability,
			};
		}
		default:
			throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
	}
}

// ───────────────────────────── STS (query, XML) ─────────────────────────────

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

function stsOperation(action: string): Record<string, string> {
	switch (action) {
		case 'GetCallerIdentity':
			return {Arn: CALLER_ARN, UserId: CALLER_USER_ID, Account: ACCOUNT};
		case 'GetServiceBearerToken':
			checkAllowed('sts:GetServiceBearerToken', '*');
			return {};
		default:
			throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
	}
}

function xmlEscape(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// ───────────────────────────── HTTP plumbing ─────────────────────────────

function readBody(request: http.IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => resolve(Buffer.concat(chunks)));
		request.on('error', reject);
	});
}

function send(
	response: http.ServerResponse,
	status: number,
	contentType: string,
	body: string,
	extra: Record<string, string> = {},
): void {
	response.writeHead(status, {
		'Content-Type': contentType,
		'Content-Length': Buffer.byteLength(body),
		'x-amzn-RequestId': randomUUID(),
		Date: new Date().toUTCString(),
		...extra,
	});
	response.end(body);
}

function log(line: string): void {
	process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

async function handleApi(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
	const body = await readBody(request);
	const target = request.headers['x-amz-target'];
	const scope = credentialScope(request.headers.authorization);
	const _contentType = String(request.headers['content-type'] ?? '');
	const isJson = typeof target === 'string';
	const service = isJson
		? target.startsWith('SpencerFrontendService.')
			? 'ecr-public'
			: target.startsWith('AWSSecurityTokenService')
				? 'sts'
				: 'ecr'
		: 'sts';
	let operation = isJson ? target.slice(target.indexOf('.') + 1) : '';
	if (!isJson) {
		const form = new URLSearchParams(
			request.method === 'GET' ? ((request.url ?? '').split('?')[1] ?? '') : body.toString('utf8'),
		);
		operation = form.get('Action') ?? '';
	}
	const region = scope?.region ?? 'us-east-1';
	const jsonType = service === 'sts' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';

	const fail = (error: AwsError) => {
		state.calls.push({service, operation, region, status: error.status, error: error.code});
		log(`api ${service} ${operation} ${region} -> ${error.status} ${error.code}`);
		if (isJson) {
			send(response, error.status, jsonType, JSON.stringify({__type: error.code, message: error.message}), {
				'x-amzn-ErrorType': `${error.code}:`,
			});
		} else {
			send(
				response,
				error.status,
				'text/xml',
				`<ErrorResponse xmlns="${STS_NAMESPACE}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${error.code}</Code>\n    <Message>${xmlEscape(error.message)}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`,
			);
		}
	};

	try {
		if (!scope) {
			throw isJson
				? new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403)
				: new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
		}
		if (!ECR_REGIONS.includes(scope.region as (typeof ECR_REGIONS)[number])) {
			throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
		}
		if (state.expiredCredentials) {
			throw service === 'sts' && !isJson
				? new AwsError('ExpiredToken', 'The security token included in the request is expired', 400)
				: new AwsError('ExpiredTokenException', 'The security token included in the request is expired', 400);
		}
		let answer: string;
		if (service === 'ecr') {
			answer = JSON.stringify(await ecrOperation(operation, region, JSON.parse(body.toString('utf8') || '{}') as Json));
		} else if (service === 'ecr-public') {
			if (operation !== 'GetAuthorizationToken')
				throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
			if (region !== 'us-east-1') {
				throw new AwsError(
					'InvalidParameterException',
					'GetAuthorizationToken command is only supported in us-east-1.',
				);
			}
			checkAllowed('ecr-public:GetAuthorizationToken', '*');
			checkAllowed('sts:GetServiceBearerToken', '*');
			const expiresAt = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S;
			answer = JSON.stringify({
				authorizationData: {authorizationToken: encodeToken(makePassword(expiresAt)), expiresAt},
			});
		} else if (isJson) {
			answer = JSON.stringify(stsOperation(operation));
		} else {
			const result = stsOperation(operation);
			const fields = Object.entries(result)
				.map(([key, value]) => `    <${key}>${xmlEscape(value)}</${key}>`)
				.join('\n');
			const xml = `<${operation}Response xmlns="${STS_NAMESPACE}">\n  <${operation}Result>\n${fields}\n  </${operation}Result>\n  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</${operation}Response>\n`;
			state.calls.push({service, operation, region, status: 200});
			log(`api ${service} ${operation} ${region} -> 200`);
			send(response, 200, 'text/xml', xml);
			return;
		}
		state.calls.push({service, operation, region, status: 200});
		log(`api ${service} ${operation} ${region} -> 200`);
		send(response, 200, jsonType, answer);
	} catch (error) {
		if (error instanceof AwsError) fail(error);
		else {
			log(`api ${service} ${operation} crashed: ${(error as Error).stack ?? String(error)}`);
			fail(new AwsError('ServerException', 'Internal error in the stand-in', 500));
		}
	}
}

// ───────────────────────────── the registry front ─────────────────────────────

function registryError(response: http.ServerResponse, status: number, code: string, message: string): void {
	const body = JSON.stringify({errors: [{code, message, detail: null}]});
	response.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(body),
		'Docker-Distribution-Api-Version': 'registry/2.0',
	});
	response.end(isHeadRequest(response) ? undefined : body);
}

function isHeadRequest(response: http.ServerResponse): boolean {
	return (response.req as http.IncomingMessage | undefined)?.method === 'HEAD';
}

function noteRegistry(registry: RegistryEndpoint, method: string, url: string, status: number, note?: string): void {
	const route = url.split('?')[0] ?? url;
	state.registryRequests.push({host: registry.host, method, path: route, status, ...(note ? {note} : {})});
	log(`registry ${registry.host} ${method} ${route} -> ${status}${note ? ` ${note}` : ''}`);
}

function basicPassword(authorization: string | undefined): string | undefined {
	if (!authorization?.startsWith('Basic ')) return undefined;
	const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	return colon === -1 ? undefined : decoded.slice(colon + 1);
}

function handleRegistry(registry: RegistryEndpoint, ca: Buffer) {
	return async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
		const url = request.url ?? '/';
		const method = request.method ?? 'GET';
		const password = basicPassword(request.headers.authorization);
		const route = /^\/v2\/(.+?)\/(manifests|blobs|tags)\/([^?]*)/.exec(url);
		if (password !== undefined && route) {
			const [, name, kind, reference] = route as unknown as [string, string, string, string];
			const expiration = passwordExpiry(password);
			if (expiration !== undefined && expiration < Date.now() / 1000) {
				noteRegistry(registry, method, url, 403, 'expired token');
				registryError(response, 403, 'DENIED', 'Your authorization token has expired. Reauthenticate and try again.');
				return;
			}
			const current = state.tokens.get(registry.region);
			if (current?.password === password) {
				const repository = findRepository(registry.region, registry.account, name);
				if (!repository) {
					noteRegistry(registry, method, url, 404, 'name unknown');
					if (kind === 'blobs' && method === 'HEAD') {
						response.writeHead(404, {'Content-Length': 0});
						response.end();
						return;
					}
					registryError(
						response,
						404,
						'NAME_UNKNOWN',
						`The repository with name '${name}' does not exist in the registry with id '${registry.account}'`,
					);
					return;
				}
				const writing =
					(kind === 'blobs' && (method === 'POST' || method === 'PUT' || method === 'PATCH')) ||
					(kind === 'manifests' && method === 'PUT');
				if (writing) {
					const action = kind === 'manifests' ? 'ecr:PutImage' : 'ecr:InitiateLayerUpload';
					if (state.denied.has(action) || state.denied.has('ecr:push')) {
						noteRegistry(registry, method, url, 403, `denied ${action}`);
						registryError(response, 403, 'DENIED', accessDenied(action, repositoryArn(repository)).message);
						return;
					}
				}
				if (kind === 'manifests' && method === 'PUT' && !reference.startsWith('sha256:')) {
					const tag = decodeURIComponent(reference);
					const mutable =
						repository.imageTagMutability === 'MUTABLE' || repository.imageTagMutability === 'MUTABLE_WITH_EXCLUSION';
					if (!mutable && repository.images.some((image) => image.tags.includes(tag))) {
						noteRegistry(registry, method, url, 400, 'tag invalid');
						registryError(
							response,
							400,
							'TAG_INVALID',
							`The image tag '${tag}' already exists in the '${repository.name}' repository and cannot be overwritten because the repository is immutable.`,
						);
						return;
					}
				}
			}
		}
		forward(registry, ca, request, response, route);
	};
}

function forward(
	registry: RegistryEndpoint,
	ca: Buffer,
	request: http.IncomingMessage,
	response: http.ServerResponse,
	route: RegExpExecArray | null,
): void {
	const method = request.method ?? 'GET';
	let manifestSize = 0;
	const upstream = https.request(
		{
			host: registry.address,
			port: registry.backendPort,
			servername: registry.host,
			method,
			path: request.url,
			headers: request.headers,
			ca,
		},
		(upstreamResponse) => {
			const status = upstreamResponse.statusCode ?? 502;
			noteRegistry(registry, method, request.url ?? '', status);
			if (route && route[2] === 'manifests' && method === 'PUT' && status === 201) {
				const digest = String(upstreamResponse.headers['docker-content-digest'] ?? '');
				learnImage(
					registry,
					route[1]!,
					decodeURIComponent(route[3]!),
					digest,
					manifestSize,
					String(request.headers['content-type'] ?? ''),
				);
			}
			response.writeHead(status, upstreamResponse.headers);
			upstreamResponse.pipe(response);
		},
	);
	upstream.on('error', (error) => {
		log(`registry ${registry.host} ${method} ${request.url} -> upstream error ${error.message}`);
		if (!response.headersSent) registryError(response, 502, 'UNAVAILABLE', 'registry backend unavailable');
		else response.destroy();
	});
	request.on('data', (chunk: Buffer) => (manifestSize += chunk.length));
	request.pipe(upstream);
}

function learnImage(
	registry: RegistryEndpoint,
	name: string,
	reference: string,
	digest: string,
	size: number,
	mediaType: string,
): void {
	const repository = findRepository(registry.region, registry.account, name);
	if (!repository || !digest) return;
	let image = repository.images.find((candidate) => candidate.digest === digest);
	if (!image) {
		image = {digest, tags: [], pushedAt: Date.now() / 1000, size, mediaType};
		repository.images.push(image);
	}
	if (!reference.startsWith('sha256:')) {
		for (const other of repository.images) other.tags = other.tags.filter((tag) => tag !== reference);
		image.tags.push(reference);
	}
}

// ───────────────────────────── control API ─────────────────────────────

async function handleControl(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
	const body = await readBody(request);
	const input = (body.length > 0 ? JSON.parse(body.toString('utf8')) : {}) as Json;
	const reply = (status: number, value: unknown) => send(response, status, 'application/json', JSON.stringify(value));
	try {
		const route = `${request.method} ${(request.url ?? '').split('?')[0]}`;
		switch (route) {
			case 'GET /_control/health':
				return reply(200, {ok: true});
			case 'POST /_control/reset':
				state.repositories.clear();
				state.denied.clear();
				state.expiredCredentials = false;
				state.calls.length = 0;
				state.registryRequests.length = 0;
				return reply(200, {ok: true});
			case 'POST /_control/repositories': {
				const repository = createRepository({
					region: String(input.region ?? 'us-east-1'),
					registryId: typeof input.registryId === 'string' ? input.registryId : undefined,
					name: String(input.name ?? ''),
					imageTagMutability: typeof input.imageTagMutability === 'string' ? input.imageTagMutability : undefined,
				});
				return reply(200, repositoryJson(repository));
			}
			case 'POST /_control/deny':
				state.denied.add(String(input.action));
				return reply(200, {denied: [...state.denied]});
			case 'POST /_control/allow':
				state.denied.delete(String(input.action));
				return reply(200, {denied: [...state.denied]});
			case 'POST /_control/expired-credentials':
				state.expiredCredentials = input.expired === true;
				return reply(200, {expiredCredentials: state.expiredCredentials});
			case 'POST /_control/token': {
				// expired: a token shaped like ECR's whose expiration has passed (what a 13-hour-old `docker login` left behind).
				const region = String(input.region ?? 'us-east-1');
				if (input.expired === true) {
					const password = makePassword(Math.floor(Date.now() / 1000) - 60 * 60);
					return reply(200, {authorizationToken: encodeToken(password), password});
				}
				const token = input.rotate === true ? await rotateToken(region) : await currentToken(region);
				return reply(200, {
					authorizationToken: encodeToken(token.password),
					password: token.password,
					expiresAt: token.expiresAt,
				});
			}
			case 'GET /_control/state':
				return reply(200, {
					repositories: [...state.repositories.values()].map((repository) => ({
						...repositoryJson(repository),
						region: repository.region,
						policy: repository.policy ?? null,
						images: repository.images,
					})),
					denied: [...state.denied],
					expiredCredentials: state.expiredCredentials,
					calls: state.calls,
					registryRequests: state.registryRequests,
				});
			default:
				return reply(404, {error: `no control route ${route}`});
		}
	} catch (error) {
		if (error instanceof AwsError) return reply(400, {error: error.code, message: error.message});
		return reply(500, {error: String(error)});
	}
}

// ───────────────────────────── main ─────────────────────────────

function listen(server: http.Server, host: string, port: number): Promise<void> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve());
	});
}

async function serve(directory: string): Promise<void> {
	workDir = directory;
	const pki = path.join(directory, 'pki');
	const tls = {cert: readFileSync(path.join(pki, 'server.crt')), key: readFileSync(path.join(pki, 'server.key'))};
	const ca = readFileSync(path.join(pki, 'ca.crt'));
	for (const registry of REGISTRIES) mkdirSync(path.join(directory, 'registry', registry.host), {recursive: true});
	// Every region with a registry gets its first password now: docker-registry needs the htpasswd file when it starts.
	for (const region of new Set(REGISTRIES.map((registry) => registry.region))) await rotateToken(region);

	const wrap =
		(handler: (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>) =>
		(request: http.IncomingMessage, response: http.ServerResponse) => {
			handler(request, response).catch((error) => {
				log(`handler crashed: ${(error as Error).stack ?? String(error)}`);
				if (!response.headersSent) send(response, 500, 'text/plain', 'stand-in error');
			});
		};
	const servers: http.Server[] = [];
	const api = https.createServer(tls, wrap(handleApi));
	await listen(api, API_ADDRESS, 443);
	servers.push(api);
	for (const registry of REGISTRIES) {
		const front = https.createServer(tls, wrap(handleRegistry(registry, ca)));
		await listen(front, registry.address, 443);
		servers.push(front);
	}
	const control = http.createServer(wrap(handleControl));
	await listen(control, API_ADDRESS, CONTROL_PORT);
	servers.push(control);
	log(
		`stand-in ready: api https://${API_ADDRESS}:443, control http://${API_ADDRESS}:${CONTROL_PORT}, registries ${REGISTRIES.map((r) => r.host).join(', ')}`,
	);

	const stop = () => {
		log('stand-in stopping');
		for (const server of servers) server.close();
		for (const server of servers) server.closeAllConnections();
		setTimeout(() => process.exit(0), 200).unref();
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

const [command, argument] = process.argv.slice(2);
if (command === 'hosts') {
	process.stdout.write(hostsFile());
} else if (command === 'san') {
	process.stdout.write(
		`subjectAltName=${certificateNames()
			.map((name) => `DNS:${name}`)
			.join(',')},IP:127.0.0.2,IP:127.0.0.3,IP:127.0.0.4\n`,
	);
} else if (command === 'serve' && argument) {
	serve(argument).catch((error) => {
		process.stderr.write(`stand-in failed to start: ${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	});
} else {
	process.stderr.write('usage: aws-stand-in.mjs hosts | san | serve WORKDIR\n');
	process.exit(2);
}
