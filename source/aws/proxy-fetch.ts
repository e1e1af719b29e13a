/**
 * A `fetch` for downloads outside the AWS SDK (the helper's release binary and its checksum) that honours
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case) and AWS_CA_BUNDLE like every AWS call does: Node 20's global fetch
 * ignores the proxy variables. It uses the same agents as the AWS calls (`createAgents` in aws-http.ts), over node:http
 * and node:https, follows redirects, and answers a standard `Response`.
 */
import type {IncomingMessage} from 'node:http';
import {UserError} from '../errors/user-errors.js';
import {createAgents} from './http.js';
import type {Env} from './types.js';

export type ProxyFetchOptions = {
	env: Env;
	/** The profile's ca_bundle (AWS_CA_BUNDLE wins), as for AWS calls. */
	profileCaBundle?: string;
	/** Redirects followed before giving up (default 5). */
	maxRedirects?: number;
	/** No byte for this long → the request fails (default 30 s). */
	idleTimeoutMs?: number;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function headersOf(message: IncomingMessage): Headers {
	const headers = new Headers();
	for (let index = 0; index + 1 < message.rawHeaders.length; index += 2)
		headers.append(message.rawHeaders[index]!, message.rawHeaders[index + 1]!);
	return headers;
}

/** A fetch over the proxy-aware agents. Only what downloads need: GET/HEAD, headers, signal, redirects. */
export function createProxyFetch(options: ProxyFetchOptions): typeof fetch {
	let agents: ReturnType<typeof createAgents> | undefined;
	const maxRedirects = options.maxRedirects ?? 5;
	const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;

	async function request(url: URL, init: RequestInit, redirectsLeft: number): Promise<Response> {
		if (url.protocol !== 'https:' && url.protocol !== 'http:') {
			throw new TypeError(`proxy fetch supports http: and https: URLs, not ${url.protocol}`);
		}

		agents ??= createAgents({
			env: options.env,
			...(options.profileCaBundle ? {profileCaBundle: options.profileCaBundle} : {}),
		});
		const [{httpsAgent, httpAgent}, client, {Readable}] = await Promise.all([
			agents,
			url.protocol === 'https:' ? import('node:https') : import('node:http'),
			import('node:stream'),
		]);
		const method = (init.method ?? 'GET').toUpperCase();
		const headers: Record<string, string> = {};
		new Headers(init.headers).forEach((value, key) => {
			headers[key] = value;
		});

		const signal = init.signal ?? undefined;
		signal?.throwIfAborted();
		const message = await new Promise<IncomingMessage>((resolve, reject) => {
			const outgoing = client.request(
				url,
				{method, headers, agent: url.protocol === 'https:' ? httpsAgent : httpAgent, ...(signal ? {signal} : {})},
				resolve,
			);
			outgoing.setTimeout(idleTimeoutMs, () => {
				outgoing.destroy(
					new UserError(`No answer from ${url.host} in ${Math.round(idleTimeoutMs / 1000)} s.`, {
						code: 'network.timeout',
					}),
				);
			});
			outgoing.on('error', reject);
			outgoing.end();
		});

		const status = message.statusCode ?? 0;
		const location = message.headers.location;
		if (REDIRECTS.has(status) && location) {
			message.resume();
			if (redirectsLeft <= 0) throw new TypeError(`Too many redirects fetching ${url.href}`);
			const next = new URL(location, url);
			const nextInit = status === 303 ? {...init, method: 'GET'} : init;
			return request(next, nextInit, redirectsLeft - 1);
		}

		// A stalled body must fail too, not hang the download.
		message.setTimeout(idleTimeoutMs, () =>
			message.destroy(new UserError(`The download from ${url.host} stalled.`, {code: 'network.timeout'})),
		);
		const noBody = method === 'HEAD' || status === 204 || status === 304;
		if (noBody) message.resume();
		const body = noBody ? null : (Readable.toWeb(message) as ReadableStream<Uint8Array>);
		const response = new Response(body, {status, statusText: message.statusMessage ?? '', headers: headersOf(message)});
		Object.defineProperty(response, 'url', {value: url.href});
		return response;
	}

	return (async (input: string | URL | Request, init: RequestInit = {}) => {
		const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
		const merged =
			input instanceof Request ? {method: input.method, headers: input.headers, signal: input.signal, ...init} : init;
		return request(url, merged, maxRedirects);
	}) as typeof fetch;
}
