/**
 * An ECR-like front (TLS) before a real docker-registry: it refuses what ECR refuses and distribution would allow, with
 * ECR's messages. A push to a repository that does not exist (ECR creates one on push only when a create-on-push template
 * covers the name), an existing tag that the repository's mutability and exclusion filters make immutable, an expired
 * token, a denied push action, a push to another account's repository whose policy does not allow the pusher ("no
 * resource-based policy allows"). It learns each pushed tag from the
 * manifest PUT, so DescribeImages knows it. A request without the current password goes straight to the registry,
 * whose 401 makes docker print exactly `no basic auth credentials`.
 */
import type http from 'node:http';
import https from 'node:https';
import type {Socket} from 'node:net';
import {PUBLIC_TOKEN_SCOPE, type PublicRepository, type Repository, repositoryArn, type StandInModel} from './model.js';
import {assertLoopback} from './server.js';
import {passwordExpiry} from './tokens.js';

export type RegistryEndpoint = {
	host: string;
	account: string;
	region: string;
	/** The front listens on address:port; docker-registry itself on address:backendPort. */
	address: string;
	port: number;
	backendPort: number;
	/** ECR Public (public.ecr.aws): images are `<alias>/<repository>`, its own token, no create on push. */
	public?: boolean;
};

/** Which token a registry accepts: its region's, or ECR Public's own. */
export function tokenScope(registry: Pick<RegistryEndpoint, 'region' | 'public'>): string {
	return registry.public ? PUBLIC_TOKEN_SCOPE : registry.region;
}

/** What docker asked a front (method, path, status): lets a scenario prove a push was never attempted. */
export type RegistryRequest = {host: string; method: string; path: string; status: number; note?: string};

export type RegistryFrontOptions = {
	registry: RegistryEndpoint;
	model: StandInModel;
	tls: {key: string | Buffer; cert: string | Buffer};
	/** The CA that signed docker-registry's certificate. */
	ca: string | Buffer;
	/** Shared by every front, in the order requests arrive. */
	requests: RegistryRequest[];
	log?: (line: string) => void;
};

type Route = {name: string; kind: 'manifests' | 'blobs' | 'tags'; reference: string};

function basicPassword(authorization: string | undefined): string | undefined {
	if (!authorization?.startsWith('Basic ')) return undefined;
	const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	return colon === -1 ? undefined : decoded.slice(colon + 1);
}

/** The registry behind knows one password per scope: an identity's own password is swapped for it. */
function registryHeaders(headers: http.IncomingHttpHeaders, model: StandInModel, scope: string) {
	const password = basicPassword(headers.authorization);
	const holder = password === undefined ? undefined : model.passwordHolder(scope, password);
	if (!holder || holder.registryPassword === password) return headers;
	return {...headers, authorization: `Basic ${Buffer.from(`AWS:${holder.registryPassword}`).toString('base64')}`};
}

function parseRoute(url: string): Route | undefined {
	const match = /^\/v2\/(.+?)\/(manifests|blobs|tags)\/([^?]*)/.exec(url);
	return match ? {name: match[1]!, kind: match[2] as Route['kind'], reference: match[3]!} : undefined;
}

/** ECR's rule: the mutability, turned round for a tag one of the WILDCARD exclusion filters matches (`*`: any run). */
function immutableTag(repository: Repository, tag: string): boolean {
	const excluded = repository.exclusionFilters.some((filter) =>
		new RegExp(`^${filter.filter.replaceAll('.', '\\.').replaceAll('*', '.*')}$`).test(tag),
	);
	switch (repository.imageTagMutability) {
		case 'IMMUTABLE':
			return true;
		case 'IMMUTABLE_WITH_EXCLUSION':
			return !excluded;
		case 'MUTABLE_WITH_EXCLUSION':
			return excluded;
		default:
			return false;
	}
}

function registryError(response: http.ServerResponse, status: number, code: string, message: string): void {
	const body = JSON.stringify({errors: [{code, message, detail: null}]});
	response.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(body),
		'Docker-Distribution-Api-Version': 'registry/2.0',
	});
	response.end(response.req?.method === 'HEAD' ? undefined : body);
}

export async function startRegistryFront(options: RegistryFrontOptions): Promise<{close(): Promise<void>}> {
	const {registry, model, requests} = options;
	assertLoopback(registry.address);
	const log = options.log ?? (() => undefined);
	const note = (method: string, url: string, status: number, remark?: string) => {
		const path = url.split('?')[0] ?? url;
		requests.push({host: registry.host, method, path, status, ...(remark ? {note: remark} : {})});
		log(`registry ${registry.host} ${method} ${path} -> ${status}${remark ? ` ${remark}` : ''}`);
	};

	/** `<alias>/<name>` on public.ecr.aws: the repository, when the alias is the registry's. */
	const publicRepository = (path: string): PublicRepository | undefined => {
		const slash = path.indexOf('/');
		if (slash === -1 || path.slice(0, slash) !== model.publicAlias) return undefined;
		return model.publicRepositories.get(path.slice(slash + 1));
	};

	const nameUnknown = (response: http.ServerResponse, method: string, url: string, route: Route): void => {
		note(method, url, 404, 'name unknown');
		if (route.kind === 'blobs' && method === 'HEAD') {
			response.writeHead(404, {'Content-Length': 0});
			response.end();
			return;
		}
		registryError(
			response,
			404,
			'NAME_UNKNOWN',
			`The repository with name '${route.name}' does not exist in the registry with id '${registry.account}'`,
		);
	};

	/** true when the front answered itself; false to pass the request on. */
	const refuse = (request: http.IncomingMessage, response: http.ServerResponse, route: Route): boolean => {
		const url = request.url ?? '/';
		const method = request.method ?? 'GET';
		const password = basicPassword(request.headers.authorization);
		if (password === undefined) return false;
		const expiration = passwordExpiry(password);
		if (expiration !== undefined && expiration < Date.now() / 1000) {
			note(method, url, 403, 'expired token');
			registryError(response, 403, 'DENIED', 'Your authorization token has expired. Reauthenticate and try again.');
			return true;
		}
		const holder = model.passwordHolder(tokenScope(registry), password);
		if (!holder) return false;
		if (registry.public) {
			// ECR Public's repositories are all mutable, and it never creates one on push.
			if (publicRepository(route.name)) return false;
			nameUnknown(response, method, url, route);
			return true;
		}
		let repository = model.findRepository(registry.region, registry.account, route.name);
		const writing =
			(route.kind === 'blobs' && (method === 'POST' || method === 'PUT' || method === 'PATCH')) ||
			(route.kind === 'manifests' && method === 'PUT');
		if (!repository && writing) {
			// Create on push: a covering template makes ECR create the repository, if the pusher may create one.
			const covered = model
				.templatesOf(registry.region, registry.account)
				.some(
					(template) =>
						template.appliedFor.includes('CREATE_ON_PUSH') &&
						(template.prefix === 'ROOT' || route.name.startsWith(`${template.prefix}/`)),
				);
			if (covered && (model.denied.has('ecr:CreateRepository') || model.denied.has('*'))) {
				note(method, url, 403, 'denied ecr:CreateRepository');
				const arn = `arn:aws:ecr:${registry.region}:${registry.account}:repository/${route.name}`;
				registryError(response, 403, 'DENIED', model.accessDenied('ecr:CreateRepository', arn).message);
				return true;
			}
			repository = covered ? model.createOnPush(registry.region, registry.account, route.name) : undefined;
			if (repository) note(method, url, 201, `created on push by template ${repository.createdBy}`);
		}
		if (!repository) {
			nameUnknown(response, method, url, route);
			return true;
		}
		const action = route.kind === 'manifests' ? 'ecr:PutImage' : 'ecr:InitiateLayerUpload';
		if (writing && repository.registryId !== holder.identity.account) {
			// Another account's repository: its policy must allow the pusher, whoever the password was handed to.
			try {
				model.checkCrossAccount(action, repository, holder.identity);
			} catch (error) {
				note(method, url, 403, `denied ${action} by the repository policy`);
				registryError(response, 403, 'DENIED', (error as Error).message);
				return true;
			}
		}
		if (writing && (model.denied.has(action) || model.denied.has('ecr:push'))) {
			note(method, url, 403, `denied ${action}`);
			registryError(response, 403, 'DENIED', model.accessDenied(action, repositoryArn(repository)).message);
			return true;
		}
		if (route.kind === 'manifests' && method === 'PUT' && !route.reference.startsWith('sha256:')) {
			const tag = decodeURIComponent(route.reference);
			if (immutableTag(repository, tag) && repository.images.some((image) => image.tags.includes(tag))) {
				note(method, url, 400, 'tag invalid');
				registryError(
					response,
					400,
					'TAG_INVALID',
					`The image tag '${tag}' already exists in the '${repository.name}' repository and cannot be overwritten because the repository is immutable.`,
				);
				return true;
			}
		}
		return false;
	};

	const forward = (request: http.IncomingMessage, response: http.ServerResponse, route: Route | undefined) => {
		const method = request.method ?? 'GET';
		let size = 0;
		const upstream = https.request(
			{
				host: registry.address,
				port: registry.backendPort,
				servername: registry.host,
				method,
				path: request.url,
				headers: registryHeaders(request.headers, model, tokenScope(registry)),
				ca: options.ca,
			},
			(upstreamResponse) => {
				const status = upstreamResponse.statusCode ?? 502;
				note(method, request.url ?? '', status);
				const repository =
					route &&
					(registry.public
						? publicRepository(route.name)
						: model.findRepository(registry.region, registry.account, route.name));
				const digest = String(upstreamResponse.headers['docker-content-digest'] ?? '');
				if (repository && route.kind === 'manifests' && method === 'PUT' && status === 201 && digest) {
					model.learnImage(repository, {
						reference: decodeURIComponent(route.reference),
						digest,
						size,
						mediaType: String(request.headers['content-type'] ?? ''),
					});
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
		request.on('data', (chunk: Buffer) => (size += chunk.length));
		request.pipe(upstream);
	};

	const server = https.createServer(options.tls, (request, response) => {
		const route = parseRoute(request.url ?? '/');
		if (route && refuse(request, response, route)) return;
		forward(request, response, route);
	});
	const sockets = new Set<Socket>();
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(registry.port, registry.address, () => resolve());
	});
	return {
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
