/**
 * The wire formats of the AWS APIs the stand-in serves: which service and operation a request names, the region its
 * SigV4 signature is scoped to, and how answers and errors are written. ECR and ECR Public speak JSON 1.1 (operation in
 * `X-Amz-Target`); STS speaks the query protocol (a form body with `Action`, an XML answer) and also JSON 1.0. IAM
 * Identity Center's OIDC and portal speak REST JSON: the operation is the method and path, the portal's token comes in
 * the `x-amz-sso_bearer_token` header, and neither is signed.
 */
import {randomUUID} from 'node:crypto';
import type http from 'node:http';

export type Json = Record<string, unknown>;

export type Service = 'ecr' | 'ecr-public' | 'sts' | 'sso-oidc' | 'sso' | 'secretsmanager';

export type Protocol = 'json-1.1' | 'json-1.0' | 'query' | 'rest-json';

/** What `X-Amz-Target` starts with, per service: a new JSON service is one more line here. */
const TARGETS: Record<string, {service: Service; protocol: Protocol}> = {
	AmazonEC2ContainerRegistry_V20150921: {service: 'ecr', protocol: 'json-1.1'},
	SpencerFrontendService: {service: 'ecr-public', protocol: 'json-1.1'},
	AWSSecurityTokenServiceV20110615: {service: 'sts', protocol: 'json-1.0'},
	secretsmanager: {service: 'secretsmanager', protocol: 'json-1.1'},
};

/** REST JSON operations by method and path, as the SDK's serializers send them (client-sso-oidc, client-sso). */
const REST_ROUTES: Record<string, {service: Service; operation: string}> = {
	'POST /client/register': {service: 'sso-oidc', operation: 'RegisterClient'},
	'POST /device_authorization': {service: 'sso-oidc', operation: 'StartDeviceAuthorization'},
	'POST /token': {service: 'sso-oidc', operation: 'CreateToken'},
	'GET /assignment/accounts': {service: 'sso', operation: 'ListAccounts'},
	'GET /assignment/roles': {service: 'sso', operation: 'ListAccountRoles'},
	'GET /federation/credentials': {service: 'sso', operation: 'GetRoleCredentials'},
	'POST /logout': {service: 'sso', operation: 'Logout'},
};

export type Scope = {accessKeyId: string; region: string; service: string};

export type AwsRequest = {
	/** undefined when `X-Amz-Target` names a service the stand-in does not know. */
	service: Service | undefined;
	/** `GetCallerIdentity`, `GetAuthorizationToken`, … */
	operation: string;
	protocol: Protocol;
	/** The SigV4 credential scope; undefined for an unsigned request. */
	scope: Scope | undefined;
	/** The region of the signature (us-east-1 when unsigned, where STS's global endpoint lives). */
	region: string;
	/** The JSON body, or the query protocol's form fields. */
	input: Json;
	headers: http.IncomingHttpHeaders;
	body: string;
};

/** An answer as written to the wire. */
export type Reply = {status: number; body: string; headers?: Record<string, string>};

/** An error AWS would answer with: `code` is JSON's `__type` and the XML `<Code>`. */
export class AwsError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly status = 400,
	) {
		super(message);
	}
}

export function credentialScope(authorization: string | undefined): Scope | undefined {
	if (!authorization?.startsWith('AWS4-HMAC-SHA256 ')) return undefined;
	const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
	if (!match || !/SignedHeaders=/.test(authorization) || !/Signature=[0-9a-f]{64}/.test(authorization))
		return undefined;
	return {accessKeyId: match[1]!, region: match[2]!, service: match[3]!};
}

export function parseRequest(incoming: http.IncomingMessage, body: string): AwsRequest {
	const scope = credentialScope(incoming.headers.authorization);
	const region = scope?.region ?? 'us-east-1';
	const base = {scope, region, headers: incoming.headers, body};
	const target = incoming.headers['x-amz-target'];
	if (typeof target === 'string') {
		const dot = target.indexOf('.');
		const known = TARGETS[target.slice(0, dot)];
		return {
			...base,
			service: known?.service,
			protocol: known?.protocol ?? 'json-1.1',
			operation: target.slice(dot + 1),
			input: parseJson(body),
		};
	}
	const url = new URL(incoming.url ?? '/', 'http://stand-in');
	const rest = REST_ROUTES[`${incoming.method} ${url.pathname}`];
	if (rest && !url.searchParams.has('Action')) {
		const bearer = incoming.headers['x-amz-sso_bearer_token'];
		return {
			...base,
			...rest,
			protocol: 'rest-json',
			input: {
				...parseJson(body),
				...Object.fromEntries(url.searchParams),
				...(typeof bearer === 'string' ? {accessToken: bearer} : {}),
			},
		};
	}
	const form = new URLSearchParams(incoming.method === 'GET' ? ((incoming.url ?? '').split('?')[1] ?? '') : body);
	return {
		...base,
		service: 'sts',
		protocol: 'query',
		operation: form.get('Action') ?? '',
		input: Object.fromEntries(form),
	};
}

function parseJson(body: string): Json {
	if (body.trim() === '') return {};
	try {
		const value: unknown = JSON.parse(body);
		return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
	} catch {
		return {};
	}
}

const QUERY_NAMESPACES: Partial<Record<Service, string>> = {sts: 'https://sts.amazonaws.com/doc/2011-06-15/'};

function jsonType(protocol: Protocol): string {
	if (protocol === 'rest-json') return 'application/json';
	return protocol === 'json-1.0' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
}

/** OIDC errors name the RFC's `error` (authorization_pending, slow_down, …); the portal's carry a `message`. */
function restErrorBody(request: Pick<AwsRequest, 'service'>, error: AwsError): Json {
	if (request.service !== 'sso-oidc') return {message: error.message};
	const oauth = (error as AwsError & {error?: string}).error;
	return {error: oauth ?? 'server_error', error_description: error.message};
}

function baseHeaders(contentType: string): Record<string, string> {
	return {'content-type': contentType, 'x-amzn-requestid': randomUUID(), date: new Date().toUTCString()};
}

export function xmlEscape(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The query protocol's XML for a value: objects become elements, lists become `<member>` elements. */
function xmlFields(value: unknown, indent: string): string {
	if (Array.isArray(value))
		return value.map((item) => `${indent}<member>${xmlValue(item, indent)}</member>`).join('\n');
	return Object.entries(value as Json)
		.filter(([, field]) => field !== undefined)
		.map(([key, field]) => `${indent}<${key}>${xmlValue(field, indent)}</${key}>`)
		.join('\n');
}

function xmlValue(value: unknown, indent: string): string {
	if (value !== null && typeof value === 'object') return `\n${xmlFields(value, `${indent}  `)}\n${indent}`;
	return xmlEscape(String(value));
}

export function encodeResult(
	request: Pick<AwsRequest, 'service' | 'operation' | 'protocol'>,
	result: Json,
	status = 200,
): Reply {
	if (request.protocol !== 'query') {
		return {status, headers: baseHeaders(jsonType(request.protocol)), body: JSON.stringify(result)};
	}
	const {operation} = request;
	const namespace = QUERY_NAMESPACES[request.service ?? 'sts'];
	const fields = xmlFields(result, '    ');
	return {
		status,
		headers: baseHeaders('text/xml'),
		body: `<${operation}Response xmlns="${namespace}">\n  <${operation}Result>\n${fields}\n  </${operation}Result>\n  <ResponseMetadata>\n    <RequestId>${randomUUID()}</RequestId>\n  </ResponseMetadata>\n</${operation}Response>\n`,
	};
}

/** JSON protocols: `__type` and `message` (and `x-amzn-ErrorType`); query: `<ErrorResponse>`. */
export function encodeError(request: Pick<AwsRequest, 'service' | 'protocol'>, error: AwsError): Reply {
	if (request.protocol === 'rest-json') {
		return {
			status: error.status,
			headers: {...baseHeaders(jsonType(request.protocol)), 'x-amzn-errortype': error.code},
			body: JSON.stringify(restErrorBody(request, error)),
		};
	}
	if (request.protocol !== 'query') {
		return {
			status: error.status,
			headers: {...baseHeaders(jsonType(request.protocol)), 'x-amzn-errortype': `${error.code}:`},
			body: JSON.stringify({__type: error.code, message: error.message}),
		};
	}
	const namespace = QUERY_NAMESPACES[request.service ?? 'sts'];
	const type = error.status >= 500 ? 'Receiver' : 'Sender';
	return {
		status: error.status,
		headers: baseHeaders('text/xml'),
		body: `<ErrorResponse xmlns="${namespace}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${error.code}</Code>\n    <Message>${xmlEscape(error.message)}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`,
	};
}
