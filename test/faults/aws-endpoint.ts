/**
 * A local stand-in for the AWS endpoints ecr-setup calls, for fault and secret tests: STS over the query protocol (XML)
 * and ECR / ECR Public over JSON 1.1, on 127.0.0.1 with a random port. Each request is recorded; `answer` decides the
 * reply (or `'hang'`: accept and never answer, a black hole). Real `createAwsService` instances are pointed at it with
 * AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL_STS.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {AddressInfo, Socket} from 'node:net';
import net from 'node:net';

export const ACCOUNT = '123456789012';
export const CALLER_ARN = `arn:aws:iam::${ACCOUNT}:user/dev`;

/** Fake but key-shaped credentials (the classic documented example id is allowed by the snapshot scan; this one is not in any file). */
export const TEST_KEYS = {
	AWS_ACCESS_KEY_ID: ['AKIA', 'Q3ZT7EXAMPLEX2LK'].join(''),
	AWS_SECRET_ACCESS_KEY: ['wJalrXUtnFEMI', 'K7MDENGbPxRfiCYsecretKEY99'].join('/'),
	AWS_SESSION_TOKEN: `FwoGZXIvYXdzE${'Ab9'.repeat(60)}sessionTOKENend`,
};

/** An ECR registry password as ECR makes them: base64 JSON with an `expiration`. */
export function ecrPassword(expiresAtSeconds: number, salt = 'x'): string {
	return Buffer.from(
		JSON.stringify({
			payload: `secret-payload-${salt}-${'Z'.repeat(40)}`,
			datakey: 'AQIDAHh',
			version: '2',
			type: 'DATA_KEY',
			expiration: expiresAtSeconds,
		}),
	).toString('base64');
}

export type Request = {
	service: 'sts' | 'ecr' | 'ecr-public';
	/** `GetCallerIdentity`, `GetAuthorizationToken`, … */
	operation: string;
	headers: http.IncomingHttpHeaders;
	body: string;
};

export type Reply = {status: number; body: string; headers?: Record<string, string>} | 'hang' | 'reset';

export type Answer = (request: Request, attempt: number) => Reply;

export function json(status: number, body: unknown): Reply {
	return {status, body: JSON.stringify(body), headers: {'content-type': 'application/x-amz-json-1.1'}};
}

/** The JSON 1.1 error shape ECR uses (`__type` names the exception). */
export function jsonError(status: number, type: string, message: string): Reply {
	return {
		status,
		body: JSON.stringify({__type: type, message}),
		headers: {'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type},
	};
}

export function stsIdentity(): Reply {
	return {
		status: 200,
		headers: {'content-type': 'text/xml'},
		body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${CALLER_ARN}</Arn><UserId>AIDAEXAMPLEUSERID1234</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
	};
}

export function stsError(status: number, code: string, message: string): Reply {
	return {
		status,
		headers: {'content-type': 'text/xml'},
		body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-2</RequestId></ErrorResponse>`,
	};
}

export function authorizationToken(password: string, region = 'eu-west-1'): Reply {
	return json(200, {
		authorizationData: [
			{
				authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
				expiresAt: Math.floor(Date.parse('2026-11-28T00:00:00Z') / 1000),
				proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.${region}.amazonaws.com`,
			},
		],
	});
}

export type Endpoint = {
	url: string;
	port: number;
	requests: Request[];
	/** Requests per operation, e.g. count('GetAuthorizationToken'). */
	count(operation: string): number;
	close(): Promise<void>;
};

/** A self-signed certificate for 127.0.0.1 (openssl), and the PEM to trust it with (AWS_CA_BUNDLE). */
export function selfSignedCertificate(): {key: string; cert: string} {
	const dir = mkdtempSync(join(tmpdir(), 'ecr-faults-tls-'));
	try {
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'rsa:2048',
				'-nodes',
				'-keyout',
				join(dir, 'key.pem'),
				'-out',
				join(dir, 'cert.pem'),
				'-days',
				'2',
				'-subj',
				'/CN=127.0.0.1',
				'-addext',
				'subjectAltName=IP:127.0.0.1',
			],
			{stdio: 'ignore', timeout: 20_000},
		);
		return {key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8')};
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

export async function startAwsEndpoint(
	answer: Answer,
	options: {tls?: {key: string; cert: string}} = {},
): Promise<Endpoint> {
	const requests: Request[] = [];
	const sockets = new Set<Socket>();
	const handler = (incoming: http.IncomingMessage, response: http.ServerResponse) => {
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		incoming.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const target = String(incoming.headers['x-amz-target'] ?? '');
			const request: Request = target
				? {
						service: target.startsWith('SpencerFrontendService') ? 'ecr-public' : 'ecr',
						operation: target.split('.').at(-1) ?? '',
						headers: incoming.headers,
						body,
					}
				: {service: 'sts', operation: new URLSearchParams(body).get('Action') ?? '', headers: incoming.headers, body};
			requests.push(request);
			const reply = answer(request, requests.filter((item) => item.operation === request.operation).length);
			if (reply === 'hang') return;
			if (reply === 'reset') {
				incoming.socket.destroy();
				return;
			}

			response.writeHead(reply.status, {date: new Date().toUTCString(), 'x-amzn-requestid': 'req-1', ...reply.headers});
			response.end(reply.body);
		});
	};
	const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
	server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
		port,
		requests,
		count: (operation) => requests.filter((request) => request.operation === operation).length,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A TCP server that accepts connections and never says a word (a black-holed endpoint). */
export async function startBlackHole(): Promise<{url: string; connections: () => number; close(): Promise<void>}> {
	const sockets = new Set<Socket>();
	let connections = 0;
	const server = net.createServer((socket) => {
		connections++;
		sockets.add(socket);
		socket.on('error', () => undefined);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		connections: () => connections,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/** Environment for a real AwsService pointed at `url`, with fake keys and nothing read from the user's ~/.aws. */
export function awsEnv(
	url: string,
	extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
	return {
		PATH: process.env['PATH'],
		HOME: '/nonexistent-home-for-tests',
		AWS_CONFIG_FILE: '/nonexistent/aws-config',
		AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
		AWS_REGION: 'eu-west-1',
		AWS_EC2_METADATA_DISABLED: 'true',
		AWS_ENDPOINT_URL_ECR: url,
		AWS_ENDPOINT_URL_STS: url,
		AWS_ENDPOINT_URL_ECR_PUBLIC: url,
		...TEST_KEYS,
		...extra,
	};
}

/** One line the suites print, so `npm test` shows what was tried. */
export function report(suite: string, figures: Record<string, string | number>): void {
	console.log(
		`[faults] ${suite}: ${Object.entries(figures)
			.map(([key, value]) => `${key}=${value}`)
			.join(', ')}`,
	);
}
