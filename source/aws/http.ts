/**
 * The HTTP layer under every AWS call: proxies (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, either case) and extra CAs
 * (AWS_CA_BUNDLE or a profile's ca_bundle), which the JS SDK does not apply by itself on Node 20.
 * Heavy modules are imported on first use so the first frame does not pay for them.
 */
import {accessSync, constants as fsConstants, readFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
// http, https and tls are imported where used: loading them costs tens of milliseconds at start-up.
import type {Agent as HttpAgent, ClientRequest} from 'node:http';
import type {Agent as HttpsAgent} from 'node:https';
import type {Socket} from 'node:net';
import type {NodeHttpHandler} from '@smithy/node-http-handler';
// @ts-expect-error -- proxy-from-env ships no type declarations (ts-ignore, not expect-error, in case some are added).
import {getProxyForUrl as untypedGetProxyForUrl} from 'proxy-from-env';
import {partitionOfRegion} from '../ecr/regions.js';
import {UserError} from '../errors/user-errors.js';
import type {Env} from './types.js';

const getProxyForUrl = untypedGetProxyForUrl as (url: string) => string;

export const DEFAULT_CONNECTION_TIMEOUT_MS = 5000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

// ───────────────────────────── proxies ─────────────────────────────

/**
 * The proxy URL for a request URL, or '' when none applies (NO_PROXY, or nothing set).
 * proxy-from-env only reads `process.env`; the service takes its environment as an input, so the lookup runs with
 * that environment swapped in. The swap is synchronous, so nothing else can observe it.
 */
export function proxyForUrl(url: string, env: Env): string {
	let proxy: string;
	if (env === process.env) {
		proxy = getProxyForUrl(url);
	} else {
		const saved = process.env;
		process.env = env as NodeJS.ProcessEnv;
		try {
			proxy = getProxyForUrl(url);
		} finally {
			process.env = saved;
		}
	}

	if (!proxy) return '';
	// proxy-from-env gives a scheme-less value the request's scheme (https://proxy:3128 for an https URL); curl and
	// the AWS CLI read it as http://, which is what corporate proxies speak.
	const configured = proxyVariableFor(url.startsWith('http://') ? 'http' : 'https', env);
	return configured && !configured.value.includes('://') ? `http://${configured.value}` : proxy;
}

/** Which variable supplies the proxy for a scheme, in proxy-from-env's order (lower case first, then ALL_PROXY). */
export function proxyVariableFor(protocol: 'http' | 'https', env: Env): {variable: string; value: string} | undefined {
	for (const name of [`${protocol}_proxy`, 'all_proxy']) {
		for (const variable of [name, name.toUpperCase()]) {
			const value = env[variable];
			if (value) return {variable, value};
		}
	}

	return undefined;
}

function noProxyValue(env: Env): {variable: string; value: string} | undefined {
	for (const variable of ['no_proxy', 'NO_PROXY']) {
		const value = env[variable];
		if (value) return {variable, value};
	}

	return undefined;
}

/** A proxy URL with any user:password replaced, for messages and reports. */
export function maskProxyUrl(proxy: string): string {
	try {
		const url = new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
		if (url.username || url.password) {
			url.username = '****';
			url.password = '';
		}

		const text = url.toString();
		// URL adds a trailing slash to a bare origin; the variable's value did not have one.
		return proxy.endsWith('/') ? text : text.replace(/\/$/, '');
	} catch {
		// Not parseable: mask anything that looks like credentials before an @.
		return proxy.replace(/\/\/[^@/]*@/, '//****@').replace(/^[^/@]*@/, '****@');
	}
}

// ───────────────────────────── CA bundles ─────────────────────────────

export type CaBundleSetting = {path: string; source: 'AWS_CA_BUNDLE' | 'profile'};

/** AWS_CA_BUNDLE wins over the profile's ca_bundle, as in the AWS CLI. */
export function caBundleSetting(env: Env, profileCaBundle?: string): CaBundleSetting | undefined {
	if (env['AWS_CA_BUNDLE']) return {path: env['AWS_CA_BUNDLE'], source: 'AWS_CA_BUNDLE'};
	if (profileCaBundle) return {path: profileCaBundle, source: 'profile'};
	return undefined;
}

/**
 * Node's default roots plus NODE_EXTRA_CA_CERTS plus the bundle. Passing `ca` to an agent replaces Node's default
 * store (including NODE_EXTRA_CA_CERTS), so everything that store held is added back explicitly.
 */
export async function loadCaCertificates(bundle: CaBundleSetting, env: Env): Promise<string[]> {
	const tls = await import('node:tls');
	const certificates = [...tls.rootCertificates];
	const extra = env['NODE_EXTRA_CA_CERTS'];
	if (extra) {
		try {
			certificates.push(await readFile(extra, 'utf8'));
		} catch {
			// Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; do the same by ignoring it.
		}
	}

	let text: string;
	try {
		text = await readFile(bundle.path, 'utf8');
	} catch (error) {
		const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
		const where = bundle.source === 'AWS_CA_BUNDLE' ? 'AWS_CA_BUNDLE' : "the profile's ca_bundle";
		throw new UserError(`${where} points to ${bundle.path}, which cannot be read (${reason}).`, {
			code: 'aws.ca-bundle',
			hint: `Point ${where} at a PEM file holding your organisation's CA certificates, or unset it.`,
		});
	}

	if (!text.includes('-----BEGIN CERTIFICATE-----')) {
		throw new UserError(`The CA bundle ${bundle.path} holds no PEM certificate.`, {
			code: 'aws.ca-bundle',
			hint: 'A CA bundle is a text file of "-----BEGIN CERTIFICATE-----" blocks (PEM).',
		});
	}

	certificates.push(text);
	return certificates;
}

// ───────────────────────────── agents ─────────────────────────────

type HttpsProxyAgentClass = typeof import('https-proxy-agent').HttpsProxyAgent;
type ConnectOptions = Parameters<InstanceType<HttpsProxyAgentClass>['connect']>[1];

/**
 * One agent per scheme: requests whose URL NO_PROXY exempts go to `direct`, the rest are tunnelled with CONNECT.
 * agent-base (under HttpsProxyAgent) hands a request to any Agent that `connect()` returns, which is how the
 * bypass works without a second code path.
 */
async function createRoutingAgent(options: {
	protocol: 'http' | 'https';
	proxy: string;
	env: Env;
	ca: string[] | undefined;
	direct: HttpAgent;
}): Promise<HttpAgent> {
	const {HttpsProxyAgent} = await import('https-proxy-agent');
	const {protocol, env, direct, ca} = options;

	class RoutingProxyAgent extends HttpsProxyAgent<string> {
		constructor() {
			// `ca` here is for an https:// proxy's own certificate; the target's is handled below.
			super(options.proxy, {keepAlive: true, ...(ca ? {ca} : {})});
			// HttpsProxyAgent clears `options`; node merges these into each request's options, and the TLS
			// connection to the target (inside the tunnel) is made with them.
			this.options = {...this.options, ...(ca ? {ca} : {})};
		}

		override async connect(request: ClientRequest, connectOptions: ConnectOptions): Promise<Socket> {
			const host = connectOptions.host?.includes(':') ? `[${connectOptions.host}]` : connectOptions.host;
			const url = `${protocol}://${host}:${connectOptions.port}/`;
			if (!proxyForUrl(url, env)) return direct as unknown as Socket;
			return super.connect(request, connectOptions);
		}
	}

	return new RoutingProxyAgent();
}

export type AwsHttpHandlerOptions = {
	env: Env;
	/** The profile's ca_bundle (AWS_CA_BUNDLE wins). */
	profileCaBundle?: string;
	connectionTimeoutMs?: number;
	requestTimeoutMs?: number;
};

/** Agents for https: and http: endpoints, honouring the proxy variables and the CA bundle. */
export async function createAgents(
	options: AwsHttpHandlerOptions,
): Promise<{httpsAgent: HttpsAgent; httpAgent: HttpAgent}> {
	const {env} = options;
	const [{default: http}, {default: https}] = await Promise.all([import('node:http'), import('node:https')]);
	const bundle = caBundleSetting(env, options.profileCaBundle);
	const ca = bundle ? await loadCaCertificates(bundle, env) : undefined;
	const directHttps = new https.Agent({keepAlive: true, ...(ca ? {ca} : {})});
	const directHttp = new http.Agent({keepAlive: true});
	const httpsProxy = proxyVariableFor('https', env);
	const httpProxy = proxyVariableFor('http', env);
	const httpsAgent = httpsProxy
		? ((await createRoutingAgent({
				protocol: 'https',
				proxy: withScheme(httpsProxy.value),
				env,
				ca,
				direct: directHttps,
			})) as HttpsAgent)
		: directHttps;
	const httpAgent = httpProxy
		? await createRoutingAgent({protocol: 'http', proxy: withScheme(httpProxy.value), env, ca, direct: directHttp})
		: directHttp;
	return {httpsAgent, httpAgent};
}

/** A scheme-less proxy is an http:// proxy (as curl and the AWS CLI read it). */
function withScheme(proxy: string): string {
	return proxy.includes('://') ? proxy : `http://${proxy}`;
}

/** The SDK request handler every AWS client of ecr-setup uses: proxy, CA bundle, bounded time. */
export async function createAwsHttpHandler(options: AwsHttpHandlerOptions): Promise<NodeHttpHandler> {
	const [{NodeHttpHandler}, agents] = await Promise.all([import('@smithy/node-http-handler'), createAgents(options)]);
	return new NodeHttpHandler({
		...agents,
		connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
		requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
		// Without this a request over requestTimeout is only logged, and the call can hang.
		throwOnRequestTimeout: true,
		// The handler's warnings go to console by default, which would write over an Ink screen.
		logger: {debug() {}, info() {}, warn() {}, error() {}},
	});
}

// ───────────────────────────── endpoints ─────────────────────────────

/** `sso-oidc` is IAM Identity Center's sign-in (the device flow), `sso` its portal (accounts, roles, role credentials). */
export type AwsServiceName = 'sts' | 'ecr' | 'ecr-public' | 'sso-oidc' | 'sso' | 'secretsmanager';

const ENDPOINT_VARIABLES: Record<AwsServiceName, string> = {
	sts: 'AWS_ENDPOINT_URL_STS',
	ecr: 'AWS_ENDPOINT_URL_ECR',
	'ecr-public': 'AWS_ENDPOINT_URL_ECR_PUBLIC',
	'sso-oidc': 'AWS_ENDPOINT_URL_SSO_OIDC',
	sso: 'AWS_ENDPOINT_URL_SSO',
	secretsmanager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
};

/** A configured endpoint (service variable > AWS_ENDPOINT_URL), as the SDK's standard settings define it. */
export function configuredEndpoint(service: AwsServiceName, env: Env): {url: string; variable: string} | undefined {
	if (/^true$/i.test(env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? '')) return undefined;
	const variable = ENDPOINT_VARIABLES[service];
	if (env[variable]) return {url: env[variable], variable};
	if (env['AWS_ENDPOINT_URL']) return {url: env['AWS_ENDPOINT_URL'], variable: 'AWS_ENDPOINT_URL'};
	return undefined;
}

const DNS_SUFFIX: Record<string, string> = {
	aws: 'amazonaws.com',
	'aws-cn': 'amazonaws.com.cn',
	'aws-us-gov': 'amazonaws.com',
	'aws-iso': 'c2s.ic.gov',
	'aws-iso-b': 'sc2s.sgov.gov',
};

/** The URL a call to a service in a region goes to: a configured endpoint, else the regional default. */
export function endpointUrl(service: AwsServiceName, region: string, env: Env): string {
	const configured = configuredEndpoint(service, env);
	if (configured) return configured.url;
	const suffix = DNS_SUFFIX[partitionOfRegion(region)] ?? 'amazonaws.com';
	if (service === 'sts') return `https://sts.${region}.${suffix}`;
	if (service === 'ecr-public') return 'https://api.ecr-public.us-east-1.amazonaws.com';
	if (service === 'sso-oidc') return `https://oidc.${region}.${suffix}`;
	if (service === 'sso') return `https://portal.sso.${region}.${suffix}`;
	if (service === 'secretsmanager') return `https://secretsmanager.${region}.${suffix}`;
	return `https://api.ecr.${region}.${suffix}`;
}

// ───────────────────────────── report for `doctor` (network.endpoint) ─────────────────────────────

export type EndpointRoute = {
	service: AwsServiceName | 'custom';
	url: string;
	/** The masked proxy the request goes through, or undefined for a direct connection. */
	proxy: string | undefined;
	/** The variable the proxy comes from. */
	proxyVariable: string | undefined;
	/** NO_PROXY exempts this URL although a proxy is set for its scheme. */
	bypassed: boolean;
	/** Set when the endpoint comes from AWS_ENDPOINT_URL*. */
	endpointVariable: string | undefined;
};

export type NetworkSettings = {
	routes: EndpointRoute[];
	/** Masked values of the proxy variables that are set. */
	proxyVariables: Array<{variable: string; value: string}>;
	noProxy: {variable: string; value: string} | undefined;
	caBundle: (CaBundleSetting & {readable: boolean}) | undefined;
	nodeExtraCaCerts: {path: string; readable: boolean} | undefined;
	/** Sentences worth showing: misconfigurations that silently make the proxy or CA not apply. */
	notes: string[];
};

function readable(path: string): boolean {
	try {
		accessSync(path, fsConstants.R_OK);
		return readFileSync(path, 'utf8').includes('-----BEGIN CERTIFICATE-----');
	} catch {
		return false;
	}
}

/**
 * Which proxy applies to which AWS endpoint, and which CA bundle is in use. Proxy credentials never appear:
 * user:password in a proxy URL is masked.
 */
export function describeNetworkSettings(
	env: Env,
	options: {region?: string; urls?: string[]; profileCaBundle?: string} = {},
): NetworkSettings {
	const region = options.region ?? 'us-east-1';
	const targets: Array<{service: EndpointRoute['service']; url: string; endpointVariable: string | undefined}> = [];
	if (options.urls) {
		for (const url of options.urls) targets.push({service: 'custom', url, endpointVariable: undefined});
	} else {
		for (const service of ['sts', 'ecr', 'ecr-public'] as const) {
			targets.push({
				service,
				url: endpointUrl(service, region, env),
				endpointVariable: configuredEndpoint(service, env)?.variable,
			});
		}
	}

	const routes = targets.map((target): EndpointRoute => {
		const protocol = target.url.startsWith('http://') ? 'http' : 'https';
		const configured = proxyVariableFor(protocol, env);
		const proxy = proxyForUrl(target.url, env);
		return {
			...target,
			proxy: proxy ? maskProxyUrl(proxy) : undefined,
			proxyVariable: proxy ? configured?.variable : undefined,
			bypassed: Boolean(configured) && !proxy,
		};
	});

	const proxyVariables: NetworkSettings['proxyVariables'] = [];
	for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY']) {
		const value = env[name];
		if (value) proxyVariables.push({variable: name, value: maskProxyUrl(value)});
	}

	const bundle = caBundleSetting(env, options.profileCaBundle);
	const extra = env['NODE_EXTRA_CA_CERTS'];
	const notes: string[] = [];
	const names = new Set(proxyVariables.map((entry) => entry.variable.toLowerCase()));
	if (names.has('http_proxy') && !names.has('https_proxy') && !names.has('all_proxy')) {
		notes.push(
			'HTTP_PROXY is set but HTTPS_PROXY is not: HTTP_PROXY only applies to http:// URLs, and AWS endpoints are https://. Set HTTPS_PROXY too.',
		);
	}

	const caBundle = bundle ? {...bundle, readable: readable(bundle.path)} : undefined;
	if (caBundle && !caBundle.readable) {
		notes.push(
			`${caBundle.source === 'AWS_CA_BUNDLE' ? 'AWS_CA_BUNDLE' : "The profile's ca_bundle"} (${caBundle.path}) is not a readable PEM file.`,
		);
	}

	return {
		routes,
		proxyVariables,
		noProxy: noProxyValue(env),
		caBundle,
		nodeExtraCaCerts: extra ? {path: extra, readable: readable(extra)} : undefined,
		notes,
	};
}

/** One line for error messages: the proxy a URL goes through, masked, with its variable. */
export function describeProxyFor(url: string, env: Env): string | undefined {
	const proxy = proxyForUrl(url, env);
	if (!proxy) return undefined;
	const protocol = url.startsWith('http://') ? 'http' : 'https';
	const variable = proxyVariableFor(protocol, env)?.variable;
	return `${maskProxyUrl(proxy)}${variable ? ` (from ${variable})` : ''}`;
}
