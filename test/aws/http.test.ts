/**
 * The real network path, on loopback: a local HTTPS server with a self-signed certificate (made by openssl here), a tiny
 * CONNECT proxy, and the handler every AWS client uses. Proves requests go through the proxy, trust AWS_CA_BUNDLE (or the
 * profile's ca_bundle), and that NO_PROXY bypasses the proxy.
 */
import {createHash} from 'node:crypto';
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type {NodeHttpHandler} from '@smithy/node-http-handler';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {CancelledError, isUserError} from '../../source/errors/user-errors.js';
import {AwsError, classifyAwsError} from '../../source/aws/errors.js';
import {
	configuredEndpoint,
	createAwsHttpHandler,
	describeNetworkSettings,
	endpointUrl,
	maskProxyUrl,
	proxyForUrl,
} from '../../source/aws/http.js';
import {createAwsService} from '../../source/aws/service.js';
import {createProcessRunner} from '../../source/process/runner.js';
import {selfSignedCertificate} from '../helpers/aws-stand-in/index.js';

const SERVER_DATE = 'Wed, 25 Nov 2026 10:00:00 GMT';
const CALLER_XML = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDAEXAMPLEUSERID1234</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>4f0c1c7e-0000-4000-8000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;

let dir: string;
let caPath: string;
let server: https.Server;
let serverUrl: string;
let serverRequests: Array<{method: string; url: string; body: string; authorization: string | undefined}>;
let proxy: http.Server;
let proxyUrl: string;
let proxyLog: Array<{target: string; proxyAuthorization: string | undefined}>;
/** When set, the proxy answers 407 to a CONNECT without this Proxy-Authorization. */
let proxyRequires: string | undefined;
let silent: net.Server;
let silentUrl: string;

const openSockets = new Map<net.Server, Set<net.Socket>>();

function listen(target: net.Server): Promise<number> {
	// Tunnels and keep-alive sockets outlive requests; remember them so close() can end them.
	const sockets = new Set<net.Socket>();
	openSockets.set(target, sockets);
	target.on('connection', (socket: net.Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	return new Promise((resolve) => {
		target.listen(0, '127.0.0.1', () => resolve((target.address() as net.AddressInfo).port));
	});
}

function close(target: net.Server): Promise<void> {
	for (const socket of openSockets.get(target) ?? []) socket.destroy();
	return new Promise((resolve) => {
		target.close(() => resolve());
	});
}

beforeAll(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-net-'));
	caPath = path.join(dir, 'ca.pem');
	// Self-signed: the certificate is its own CA, which AWS_CA_BUNDLE and NODE_EXTRA_CA_CERTS name.
	const {key, cert} = selfSignedCertificate();
	await writeFile(caPath, cert);

	server = https.createServer({key, cert}, (request, response) => {
		let body = '';
		request.setEncoding('utf8');
		request.on('data', (chunk: string) => {
			body += chunk;
		});
		request.on('end', () => {
			serverRequests.push({
				method: request.method ?? '',
				url: request.url ?? '',
				body,
				authorization: request.headers.authorization,
			});
			response.setHeader('Date', SERVER_DATE);
			if (request.method === 'POST' && body.includes('Action=GetCallerIdentity')) {
				response.writeHead(200, {'content-type': 'text/xml'});
				response.end(CALLER_XML);
				return;
			}

			response.writeHead(404, {'content-type': 'text/plain'});
			response.end('not found');
		});
	});
	serverUrl = `https://127.0.0.1:${await listen(server)}`;

	// The smallest real forward proxy: CONNECT only, logging each tunnel it opens.
	proxy = http.createServer((_request, response) => {
		response.writeHead(405);
		response.end();
	});
	proxy.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
		proxyLog.push({target: request.url ?? '', proxyAuthorization: request.headers['proxy-authorization']});
		if (proxyRequires && request.headers['proxy-authorization'] !== proxyRequires) {
			client.end(
				'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n',
			);
			return;
		}

		const [host, port] = (request.url ?? '').split(':');
		const upstream = net.connect(Number(port), host, () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length > 0) upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		upstream.on('error', () => client.destroy());
		client.on('error', () => upstream.destroy());
	});
	proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;

	// Accepts connections and never answers: for the request timeout.
	silent = net.createServer(() => {});
	silentUrl = `http://127.0.0.1:${await listen(silent)}`;
});

afterAll(async () => {
	await Promise.all([close(server), close(proxy), close(silent)]);
	await rm(dir, {recursive: true, force: true});
});

const handlers: NodeHttpHandler[] = [];

beforeEach(() => {
	serverRequests = [];
	proxyLog = [];
	proxyRequires = undefined;
});

afterEach(() => {
	for (const handler of handlers.splice(0)) handler.destroy();
	vi.unstubAllEnvs();
});

async function handlerFor(
	env: Record<string, string>,
	options: {requestTimeoutMs?: number} = {},
): Promise<NodeHttpHandler> {
	const handler = await createAwsHttpHandler({env, ...options});
	handlers.push(handler);
	return handler;
}

async function get(handler: NodeHttpHandler, url: string): Promise<{statusCode: number; date: string | undefined}> {
	const target = new URL(url);
	const {response} = await handler.handle({
		protocol: target.protocol,
		hostname: target.hostname,
		port: Number(target.port),
		path: '/',
		query: {},
		method: 'GET',
		headers: {host: target.host},
	} as unknown as Parameters<NodeHttpHandler['handle']>[0]);
	(response.body as http.IncomingMessage).resume();
	return {statusCode: response.statusCode, date: response.headers['date']};
}

const port = (url: string) => new URL(url).port;

describe('the AWS HTTP handler', () => {
	it('tunnels through HTTPS_PROXY and trusts AWS_CA_BUNDLE', async () => {
		const handler = await handlerFor({HTTPS_PROXY: proxyUrl, AWS_CA_BUNDLE: caPath});
		expect(await get(handler, serverUrl)).toEqual({statusCode: 404, date: SERVER_DATE});
		expect(proxyLog.map((entry) => entry.target)).toEqual([`127.0.0.1:${port(serverUrl)}`]);
		expect(serverRequests).toHaveLength(1);
	});

	it('honours the lower-case https_proxy too', async () => {
		const handler = await handlerFor({https_proxy: proxyUrl, AWS_CA_BUNDLE: caPath});
		await get(handler, serverUrl);
		expect(proxyLog).toHaveLength(1);
	});

	it('goes direct for a host in NO_PROXY, still trusting the bundle', async () => {
		const handler = await handlerFor({HTTPS_PROXY: proxyUrl, NO_PROXY: 'example.com,127.0.0.1', AWS_CA_BUNDLE: caPath});
		expect((await get(handler, serverUrl)).statusCode).toBe(404);
		expect(proxyLog).toEqual([]);
		expect(serverRequests).toHaveLength(1);
	});

	it('goes direct without any proxy variable', async () => {
		const handler = await handlerFor({AWS_CA_BUNDLE: caPath});
		expect((await get(handler, serverUrl)).statusCode).toBe(404);
		expect(proxyLog).toEqual([]);
	});

	it('sends proxy credentials to the proxy only, as Proxy-Authorization', async () => {
		const withCredentials = proxyUrl.replace('http://', 'http://ci-user:s3cret%21@');
		const handler = await handlerFor({HTTPS_PROXY: withCredentials, AWS_CA_BUNDLE: caPath});
		await get(handler, serverUrl);
		expect(proxyLog[0]!.proxyAuthorization).toBe(`Basic ${Buffer.from('ci-user:s3cret!').toString('base64')}`);
	});

	it('refuses the self-signed server without the bundle, as a network error about the certificate', async () => {
		const handler = await handlerFor({HTTPS_PROXY: proxyUrl});
		const error = await get(handler, serverUrl).catch((error_: unknown) => error_);
		const classified = classifyAwsError(error);
		expect(classified.kind).toBe('network');
		expect(classified.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
		expect(serverRequests).toEqual([]);
	});

	it('keeps NODE_EXTRA_CA_CERTS working next to AWS_CA_BUNDLE', async () => {
		const unrelated = path.join(dir, 'unrelated.pem');
		const result = await createProcessRunner().run(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:prime256v1',
				'-nodes',
				'-keyout',
				path.join(dir, 'unrelated.key'),
				'-out',
				unrelated,
				'-days',
				'2',
				'-subj',
				'/CN=other',
			],
			{timeoutMs: 30_000},
		);
		expect(result.exitCode).toBe(0);
		const handler = await handlerFor({AWS_CA_BUNDLE: unrelated, NODE_EXTRA_CA_CERTS: caPath});
		expect((await get(handler, serverUrl)).statusCode).toBe(404);
	});

	it('fails with a clear error when AWS_CA_BUNDLE cannot be read', async () => {
		const error = await createAwsHttpHandler({env: {AWS_CA_BUNDLE: path.join(dir, 'missing.pem')}}).catch(
			(error_: unknown) => error_,
		);
		expect(isUserError(error)).toBe(true);
		expect((error as Error).message).toContain('missing.pem');
		expect((error as {code: string}).code).toBe('aws.ca-bundle');
	});

	it('gives up on a server that never answers (request timeout)', async () => {
		const handler = await handlerFor({}, {requestTimeoutMs: 300});
		const error = await get(handler, silentUrl).catch((error_: unknown) => error_);
		const classified = classifyAwsError(error);
		expect(classified.kind).toBe('network');
		expect(classified.code).toMatch(/ETIMEDOUT|TimeoutError/);
	});
});

describe('the AWS service over the real stack', () => {
	const baseEnv = () => ({
		HOME: dir,
		AWS_CONFIG_FILE: path.join(dir, 'no-config'),
		AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
	});

	it('calls STS at AWS_ENDPOINT_URL_STS through the proxy, signed, trusting the CA bundle', async () => {
		// The SDK's credential chain reads process.env itself.
		vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
		vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
		vi.stubEnv('AWS_PROFILE', '');
		const aws = createAwsService({
			env: {...baseEnv(), AWS_ENDPOINT_URL_STS: serverUrl, HTTPS_PROXY: proxyUrl, AWS_CA_BUNDLE: caPath},
		});
		const identity = await aws.getCallerIdentity({region: 'eu-west-1'});
		expect(identity).toEqual({
			account: '123456789012',
			arn: 'arn:aws:iam::123456789012:user/alice',
			userId: 'AIDAEXAMPLEUSERID1234',
			kind: 'iam-user',
		});
		expect(proxyLog.map((entry) => entry.target)).toEqual([`127.0.0.1:${port(serverUrl)}`]);
		expect(serverRequests[0]!.body).toContain('Action=GetCallerIdentity');
		expect(serverRequests[0]!.authorization).toMatch(
			/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/sts\/aws4_request/,
		);
	});

	it('refreshes an expired IAM Identity Center (sso_session) token through the proxy too', async () => {
		// The SDK reads the config files and the token cache itself, from process.env and the home directory.
		const home = path.join(dir, 'sso-home');
		const cacheDir = path.join(home, '.aws', 'sso', 'cache');
		await mkdir(cacheDir, {recursive: true});
		const config = path.join(home, '.aws', 'config');
		await writeFile(
			config,
			[
				'[profile dev]',
				'sso_session = corp',
				'sso_account_id = 123456789012',
				'sso_role_name = Dev',
				'region = us-east-1',
				'[sso-session corp]',
				'sso_start_url = https://corp.awsapps.com/start',
				'sso_region = us-east-1',
				'sso_registration_scopes = sso:account:access',
			].join('\n'),
		);
		const hour = 3600_000;
		await writeFile(
			path.join(cacheDir, `${createHash('sha1').update('corp').digest('hex')}.json`),
			JSON.stringify({
				accessToken: 'expired-access-token',
				expiresAt: new Date(Date.now() - hour).toISOString(),
				refreshToken: 'refresh-token',
				clientId: 'client-id',
				clientSecret: 'client-secret',
				registrationExpiresAt: new Date(Date.now() + 24 * hour).toISOString(),
				region: 'us-east-1',
				startUrl: 'https://corp.awsapps.com/start',
			}),
		);
		for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
			vi.stubEnv(name, '');
		vi.stubEnv('HOME', home);
		vi.stubEnv('AWS_CONFIG_FILE', config);
		vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(home, '.aws', 'credentials'));
		const aws = createAwsService({
			profile: 'dev',
			env: {...baseEnv(), HOME: home, AWS_CONFIG_FILE: config, HTTPS_PROXY: proxyUrl, AWS_CA_BUNDLE: caPath},
		});
		// Nothing on the other side of the proxy answers for AWS: the call fails, after the refresh was sent through it.
		await expect(aws.getCallerIdentity({region: 'us-east-1'})).rejects.toThrow();
		expect(proxyLog.map((entry) => entry.target)).toContain('oidc.us-east-1.amazonaws.com:443');
	});

	it('an abort ends ECR calls and the clock check at once, not at the request timeout (the doctor’s per-call limit)', async () => {
		vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
		vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
		vi.stubEnv('AWS_PROFILE', '');
		let connections = 0;
		const onConnection = () => {
			connections++;
		};
		silent.on('connection', onConnection);
		try {
			// The silent server accepts and never answers: without the signal each call would wait out the 15 s timeout.
			const aws = createAwsService({env: {...baseEnv(), AWS_ENDPOINT_URL_ECR: silentUrl}});
			const calls: Array<(signal: AbortSignal) => Promise<unknown>> = [
				async (signal) => aws.getAuthorizationToken('eu-west-1', undefined, {signal}),
				async (signal) => aws.describeRepository('eu-west-1', 'web', undefined, {signal}),
				async (signal) => aws.getRepositoryPolicy('eu-west-1', 'web', undefined, {signal}),
				async (signal) => aws.describeImageTag('eu-west-1', 'web', 'v1', undefined, {signal}),
				async (signal) => aws.getServerClock('eu-west-1', {signal}),
			];
			for (const [index, start] of calls.entries()) {
				const controller = new AbortController();
				const pending = start(controller.signal).catch((error: unknown) => error);
				await vi.waitFor(() => expect(connections).toBeGreaterThan(index), {timeout: 5000});
				controller.abort();
				const outcome = await Promise.race([
					pending,
					new Promise((resolve) => setTimeout(() => resolve('still waiting'), 3000)),
				]);
				expect(outcome, `call ${index}`).toBeInstanceOf(CancelledError);
			}
		} finally {
			silent.off('connection', onConnection);
		}
	});

	it('applies the profile’s ca_bundle and reads the server clock from the Date header', async () => {
		const config = path.join(dir, 'config-with-ca');
		await writeFile(config, `[profile corp]\nregion = eu-west-1\nca_bundle = ${caPath}\n`);
		const local = new Date('2026-11-25T10:03:00Z');
		const aws = createAwsService({
			profile: 'corp',
			env: {...baseEnv(), AWS_CONFIG_FILE: config, AWS_ENDPOINT_URL_ECR: serverUrl, HTTPS_PROXY: proxyUrl},
			now: () => local,
		});
		expect(await aws.getServerClock('eu-west-1')).toEqual({server: new Date(SERVER_DATE), local});
		expect(proxyLog).toHaveLength(1);
		expect(serverRequests[0]!.authorization).toBeUndefined();
	});

	it('names the endpoint and the masked proxy when the proxy is down', async () => {
		const deadProxy = net.createServer();
		const deadPort = await listen(deadProxy);
		await close(deadProxy);
		const aws = createAwsService({
			env: {
				...baseEnv(),
				AWS_ENDPOINT_URL_ECR: serverUrl,
				HTTPS_PROXY: `http://u:topsecret@127.0.0.1:${deadPort}`,
				AWS_CA_BUNDLE: caPath,
			},
		});
		const error = (await aws.getServerClock('eu-west-1').catch((error_: unknown) => error_)) as AwsError;
		expect(error).toBeInstanceOf(AwsError);
		expect(error.kind).toBe('network');
		expect(error.message).toContain(serverUrl);
		expect(error.message).toContain(`127.0.0.1:${deadPort}`);
		expect(error.message).toContain('HTTPS_PROXY');
		expect(`${error.message} ${error.hint}`).not.toContain('topsecret');
	});
});

describe('a proxy that wants credentials', () => {
	const env = () => ({
		HOME: dir,
		AWS_CONFIG_FILE: path.join(dir, 'no-config'),
		AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
		AWS_CA_BUNDLE: caPath,
		AWS_ENDPOINT_URL: serverUrl,
	});

	it('is reported as a network error asking for proxy credentials, by the SDK path and the clock check', async () => {
		proxyRequires = `Basic ${Buffer.from('ci:right').toString('base64')}`;
		vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
		vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
		vi.stubEnv('AWS_PROFILE', '');
		const aws = createAwsService({
			env: {...env(), HTTPS_PROXY: proxyUrl.replace('http://', 'http://ci:wrong@')},
			maxAttempts: 1,
		});
		for (const attempt of [
			async () => aws.getCallerIdentity({region: 'eu-west-1'}),
			async () => aws.getServerClock('eu-west-1'),
		]) {
			const error = (await attempt().catch((error_: unknown) => error_)) as AwsError;
			expect(error).toBeInstanceOf(AwsError);
			expect(error.kind).toBe('network');
			expect(error.message).toMatch(/asked for authentication/);
			expect(error.message).not.toContain('wrong');
		}

		expect(serverRequests).toEqual([]);
		const good = createAwsService({env: {...env(), HTTPS_PROXY: proxyUrl.replace('http://', 'http://ci:right@')}});
		expect((await good.getCallerIdentity({region: 'eu-west-1'})).account).toBe('123456789012');
	});

	it('an unreadable CA bundle keeps its own code through the service', async () => {
		const aws = createAwsService({env: {...env(), AWS_CA_BUNDLE: path.join(dir, 'gone.pem')}});
		const error = await aws.getServerClock('eu-west-1').catch((error_: unknown) => error_);
		expect((error as {code: string}).code).toBe('aws.ca-bundle');
	});
});

describe('proxy and endpoint settings', () => {
	it('maskProxyUrl hides user and password', () => {
		expect(maskProxyUrl('http://alice:pa55@proxy.corp:3128')).toBe('http://****@proxy.corp:3128');
		expect(maskProxyUrl('http://proxy.corp:3128')).toBe('http://proxy.corp:3128');
		expect(maskProxyUrl('alice:pa55@proxy.corp:3128')).not.toContain('pa55');
	});

	it('proxyForUrl follows the given env, not process.env', () => {
		vi.stubEnv('HTTPS_PROXY', 'http://from-process:1');
		expect(proxyForUrl('https://api.ecr.eu-west-1.amazonaws.com', {HTTPS_PROXY: 'http://given:2'})).toBe(
			'http://given:2',
		);
		expect(proxyForUrl('https://api.ecr.eu-west-1.amazonaws.com', {})).toBe('');
		expect(process.env['HTTPS_PROXY']).toBe('http://from-process:1');
		expect(
			proxyForUrl('https://api.ecr.eu-west-1.amazonaws.com', {HTTPS_PROXY: 'http://p:3', NO_PROXY: '.amazonaws.com'}),
		).toBe('');
	});

	it('reads a proxy without a scheme as http://, as curl and the AWS CLI do', () => {
		expect(proxyForUrl('https://api.ecr.eu-west-1.amazonaws.com', {HTTPS_PROXY: 'proxy.corp:3128'})).toBe(
			'http://proxy.corp:3128',
		);
		expect(proxyForUrl('https://api.ecr.eu-west-1.amazonaws.com', {HTTPS_PROXY: 'https://tls-proxy.corp:443'})).toBe(
			'https://tls-proxy.corp:443',
		);
	});

	it('tunnels through a scheme-less HTTPS_PROXY', async () => {
		const handler = await handlerFor({HTTPS_PROXY: proxyUrl.replace('http://', ''), AWS_CA_BUNDLE: caPath});
		expect((await get(handler, serverUrl)).statusCode).toBe(404);
		expect(proxyLog).toHaveLength(1);
	});

	it('endpoints: service variable > AWS_ENDPOINT_URL > the regional default, unless ignored', () => {
		expect(endpointUrl('ecr', 'eu-west-1', {})).toBe('https://api.ecr.eu-west-1.amazonaws.com');
		expect(endpointUrl('sts', 'cn-north-1', {})).toBe('https://sts.cn-north-1.amazonaws.com.cn');
		expect(endpointUrl('ecr-public', 'eu-west-1', {})).toBe('https://api.ecr-public.us-east-1.amazonaws.com');
		expect(endpointUrl('ecr', 'eu-west-1', {AWS_ENDPOINT_URL: 'http://localhost:4566'})).toBe('http://localhost:4566');
		expect(endpointUrl('ecr', 'eu-west-1', {AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_ECR: 'http://b'})).toBe(
			'http://b',
		);
		expect(
			configuredEndpoint('ecr', {AWS_ENDPOINT_URL: 'http://a', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true'}),
		).toBeUndefined();
	});
});

describe('describeNetworkSettings', () => {
	it('says which proxy applies to which endpoint, masked, and which are exempt', () => {
		const settings = describeNetworkSettings(
			{
				HTTPS_PROXY: 'http://alice:pa55@proxy.corp:3128',
				NO_PROXY: 'sts.eu-west-1.amazonaws.com',
				AWS_ENDPOINT_URL_ECR_PUBLIC: 'https://public.local',
			},
			{region: 'eu-west-1'},
		);
		expect(settings.routes).toEqual([
			{
				service: 'sts',
				url: 'https://sts.eu-west-1.amazonaws.com',
				proxy: undefined,
				proxyVariable: undefined,
				bypassed: true,
				endpointVariable: undefined,
			},
			{
				service: 'ecr',
				url: 'https://api.ecr.eu-west-1.amazonaws.com',
				proxy: 'http://****@proxy.corp:3128',
				proxyVariable: 'HTTPS_PROXY',
				bypassed: false,
				endpointVariable: undefined,
			},
			{
				service: 'ecr-public',
				url: 'https://public.local',
				proxy: 'http://****@proxy.corp:3128',
				proxyVariable: 'HTTPS_PROXY',
				bypassed: false,
				endpointVariable: 'AWS_ENDPOINT_URL_ECR_PUBLIC',
			},
		]);
		expect(settings.proxyVariables).toEqual([{variable: 'HTTPS_PROXY', value: 'http://****@proxy.corp:3128'}]);
		expect(settings.noProxy).toEqual({variable: 'NO_PROXY', value: 'sts.eu-west-1.amazonaws.com'});
		expect(JSON.stringify(settings)).not.toContain('pa55');
	});

	it('reports the CA bundle in use and whether it is readable', () => {
		expect(describeNetworkSettings({AWS_CA_BUNDLE: caPath}).caBundle).toEqual({
			path: caPath,
			source: 'AWS_CA_BUNDLE',
			readable: true,
		});
		expect(describeNetworkSettings({}, {profileCaBundle: caPath}).caBundle).toEqual({
			path: caPath,
			source: 'profile',
			readable: true,
		});
		const missing = describeNetworkSettings({AWS_CA_BUNDLE: path.join(dir, 'nope.pem'), NODE_EXTRA_CA_CERTS: caPath});
		expect(missing.caBundle?.readable).toBe(false);
		expect(missing.nodeExtraCaCerts).toEqual({path: caPath, readable: true});
		expect(missing.notes.join(' ')).toMatch(/not a readable PEM file/);
	});

	it('warns when only HTTP_PROXY is set: it does not apply to https endpoints', () => {
		const settings = describeNetworkSettings({HTTP_PROXY: 'http://proxy.corp:3128'});
		expect(settings.routes.every((route) => route.proxy === undefined)).toBe(true);
		expect(settings.notes.join(' ')).toMatch(/Set HTTPS_PROXY too/);
	});

	it('describes given URLs, e.g. a plain-http stand-in through HTTP_PROXY', () => {
		const settings = describeNetworkSettings({HTTP_PROXY: 'proxy.corp:3128'}, {urls: ['http://localhost:4566']});
		expect(settings.routes).toEqual([
			{
				service: 'custom',
				url: 'http://localhost:4566',
				proxy: 'http://proxy.corp:3128',
				proxyVariable: 'HTTP_PROXY',
				bypassed: false,
				endpointVariable: undefined,
			},
		]);
	});
});
