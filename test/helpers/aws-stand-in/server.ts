/**
 * The stand-in's API endpoint: HTTP or HTTPS on a loopback address (a random port unless told), every request recorded,
 * the fault layer first, the model for whatever the fault layer leaves. Every AWS service answers on the one URL (point
 * AWS_ENDPOINT_URL_ECR / _STS / _ECR_PUBLIC at it); the request tells which service it is for.
 */
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo, Socket} from 'node:net';
import {dispatch, type Outcome} from './dispatch.js';
import type {Answer} from './faults.js';
import {type ModelOptions, StandInModel} from './model.js';
import {AwsError, encodeError, type Json, parseRequest, type Reply} from './protocol.js';

export type StandInOptions = ModelOptions & {
	/** The fault layer: decides replies before the model does. */
	answer?: Answer;
	/** Serve HTTPS with this certificate (PEM); HTTP without. */
	tls?: {key: string | Buffer; cert: string | Buffer};
	/** A loopback address: 127.0.0.1 unless told. */
	host?: string;
	/** 0 (the default) picks a free port. */
	port?: number;
	/** An existing model, shared with other listeners (the registry fronts, the control API); else one is made. */
	model?: StandInModel;
	/** Every answer waits this long (a slow network). */
	delayMs?: number;
	/** Where a line per request goes: service, operation, region, status, error code. Never a secret. */
	log?: (line: string) => void;
};

/** One request as the stand-in saw it. `status` is undefined while it is unanswered (or was held forever). */
export type ApiCall = {
	service: string;
	operation: string;
	region: string;
	input: Json;
	receivedAt: number;
	status?: number;
	error?: string;
	answeredAt?: number;
};

export type StandIn = {
	url: string;
	port: number;
	model: StandInModel;
	requests: ApiCall[];
	/** Requests per operation, e.g. count('GetAuthorizationToken'). */
	count(operation: string): number;
	close(): Promise<void>;
};

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|localhost)$/;

/** Tests reach only this machine: a stand-in never listens where another machine could reach it. */
export function assertLoopback(host: string): void {
	if (!LOOPBACK.test(host)) throw new Error(`the AWS stand-in listens on loopback only, not on ${host}`);
}

function readBody(incoming: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
		incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		incoming.on('error', reject);
	});
}

export async function startAwsStandIn(options: StandInOptions = {}): Promise<StandIn> {
	const host = options.host ?? '127.0.0.1';
	assertLoopback(host);
	const model = options.model ?? new StandInModel(options);
	const log = options.log ?? (() => undefined);
	const requests: ApiCall[] = [];
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();
	const later = (ms: number) =>
		new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve();
			}, ms);
			timers.add(timer);
		});

	const answer = async (incoming: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
		const request = parseRequest(incoming, await readBody(incoming));
		const call: ApiCall = {
			service: request.service ?? 'unknown',
			operation: request.operation,
			region: request.region,
			input: request.input,
			receivedAt: Date.now(),
		};
		requests.push(call);
		const what = `api ${call.service} ${call.operation} ${call.region}`;
		const fault = options.answer?.(request, requests.filter((item) => item.operation === call.operation).length);
		if (fault === 'hang') {
			log(`${what} -> held open (fault)`);
			return;
		}
		if (fault === 'reset') {
			log(`${what} -> connection reset (fault)`);
			incoming.socket.destroy();
			return;
		}
		let outcome: Outcome;
		if (fault) outcome = {reply: fault};
		else {
			try {
				outcome = await dispatch(request, model);
			} catch (error) {
				log(`${what} crashed: ${(error as Error).stack ?? String(error)}`);
				const crash = new AwsError('ServerException', 'Internal error in the stand-in', 500);
				outcome = {reply: encodeError(request, crash), error: crash.code};
			}
		}
		if (options.delayMs) await later(options.delayMs);
		write(response, outcome.reply);
		call.status = outcome.reply.status;
		call.answeredAt = Date.now();
		if (outcome.error) call.error = outcome.error;
		log(`${what} -> ${outcome.reply.status}${outcome.error ? ` ${outcome.error}` : ''}${fault ? ' (fault)' : ''}`);
	};

	const handler = (incoming: http.IncomingMessage, response: http.ServerResponse) => {
		answer(incoming, response).catch((error: unknown) => {
			log(`api request failed: ${(error as Error).stack ?? String(error)}`);
			if (!response.headersSent) write(response, {status: 500, body: 'stand-in error'});
		});
	};
	const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => resolve());
	});
	const {port} = server.address() as AddressInfo;
	return {
		url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
		port,
		model,
		requests,
		count: (operation) => requests.filter((request) => request.operation === operation).length,
		async close() {
			for (const timer of timers) clearTimeout(timer);
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

function write(response: http.ServerResponse, reply: Reply): void {
	response.writeHead(reply.status, {
		date: new Date().toUTCString(),
		'x-amzn-requestid': 'stand-in',
		'content-type': 'text/plain',
		...reply.headers,
		'content-length': Buffer.byteLength(reply.body),
	});
	response.end(reply.body);
}
