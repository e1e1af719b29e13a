/**
 * Network faults through the REAL AwsService (SDK clients, ecr-setup's HTTP handler, retries, classification), pointed at
 * local endpoints with AWS_ENDPOINT_URL_ECR / _STS: connection refused, a name that cannot resolve, a black hole that
 * accepts and never answers, ThrottlingException, and 5xx over HTTP and HTTPS. Each must end in a classified AwsError
 * after a bounded number of attempts (counted by the server, or by the --verbose log for refused connections), or
 * succeed once the fault clears. Time is bounded by the test timeouts, never asserted.
 *
 * The stated bound, from the service's settings: 3 attempts (SDK standard retry mode, exponential backoff with jitter,
 * base 100 ms, at most 20 s between attempts), each limited by a 5 s connection timeout and a 15 s request timeout.
 */
import {afterEach, beforeAll, beforeEach, describe, expect, it, vi} from 'vitest';
import {disableDebugLog, enableDebugLog} from '../../../source/lib/log.js';
import type {AwsError} from '../../../source/aws/errors.js';
import {createAwsService} from '../../../source/aws/service.js';
import {DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS} from '../../../source/aws/http.js';
import {
	type Answer,
	awsEnv,
	closedPort,
	jsonError,
	type StandIn,
	type StandInOptions,
	selfSignedCertificate,
	startAwsStandIn,
	startBlackHole,
	stsError,
} from '../../helpers/aws-stand-in/index.js';
import {report} from '../../helpers/report.js';

let log: string[];
let endpoints: Array<{close(): Promise<void>}>;
const figures = {scenarios: 0, 'faults injected': 0, 'requests seen': 0, hangs: 0};

function endpointEnv(url: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
	const env = awsEnv(url, extra);
	// The SDK's credential chain and endpoint settings read process.env itself.
	for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
	vi.stubEnv('AWS_PROFILE', '');
	return env;
}

/** Attempts as the --verbose log saw them (one line per attempt, written by the SDK middleware). */
function attempts(operation: string): number {
	return log.filter((line) => line.includes(`aws: ${operation} region=`)).length;
}

async function failure(promise: Promise<unknown>): Promise<AwsError> {
	const outcome = await promise.then(
		(value: unknown) => ({value}),
		(error: unknown) => ({error}),
	);
	if (!('error' in outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
	return outcome.error as AwsError;
}

beforeAll(() => {
	expect(DEFAULT_CONNECTION_TIMEOUT_MS).toBe(5000);
	expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(15_000);
});

beforeEach(() => {
	log = [];
	endpoints = [];
	enableDebugLog({write: (line) => log.push(line)});
});

afterEach(async () => {
	disableDebugLog();
	vi.unstubAllEnvs();
	await Promise.all(endpoints.map(async (endpoint) => endpoint.close()));
});

/** The stand-in with a fault in front; what the fault leaves, its model answers. */
async function serve(answer: Answer, options: StandInOptions = {}): Promise<StandIn> {
	const endpoint = await startAwsStandIn({...options, answer});
	endpoints.push(endpoint);
	return endpoint;
}

describe('unreachable endpoints', () => {
	it('offline (connection refused on a loopback port): network error naming the endpoint after 3 attempts', async () => {
		const url = `http://127.0.0.1:${await closedPort()}`;
		const aws = createAwsService({env: endpointEnv(url)});
		const identity = await failure(aws.getCallerIdentity());
		expect(identity.kind).toBe('network');
		expect(identity.awsCode).toBe('ECONNREFUSED');
		expect(identity.message).toContain(`Could not reach ${url}`);
		expect(identity.hint).toMatch(/network/i);
		expect(attempts('sts:GetCallerIdentity')).toBe(3);
		const token = await failure(aws.getAuthorizationToken('eu-west-1'));
		expect(token.kind).toBe('network');
		expect(attempts('ecr:GetAuthorizationToken')).toBe(3);
		figures.scenarios++;
		figures['faults injected'] += 6;
		report('network: connection refused', {
			calls: 2,
			'attempts per call': 3,
			error: `${identity.code} (${identity.awsCode})`,
		});
	});

	it('DNS failure (AWS_ENDPOINT_URL at a .invalid host): network error, bounded attempts', async () => {
		const url = 'http://api.ecr-setup-test.invalid';
		const aws = createAwsService({env: endpointEnv(url)});
		const error = await failure(aws.getAuthorizationToken('eu-west-1'));
		expect(error.kind).toBe('network');
		expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(error.awsCode);
		expect(error.message).toContain('api.ecr-setup-test.invalid');
		const seen = attempts('ecr:GetAuthorizationToken');
		expect(seen).toBeGreaterThanOrEqual(1);
		expect(seen).toBeLessThanOrEqual(3);
		figures.scenarios++;
		figures['faults injected'] += seen;
		report('network: DNS failure', {attempts: seen, error: `${error.code} (${error.awsCode})`});
	});

	it('a black hole (accepts, never answers): each attempt ends at the request timeout, 3 attempts, then a network error', async () => {
		const hole = await startBlackHole();
		endpoints.push(hole);
		// The real service with its request timeout shortened so the test is quick; the default (15 s) bounds it the same way.
		const aws = createAwsService({env: endpointEnv(hole.url), requestTimeoutMs: 800});
		const error = await failure(aws.getCallerIdentity());
		expect(error.kind).toBe('network');
		expect(['TimeoutError', 'ETIMEDOUT']).toContain(error.awsCode);
		expect(hole.connections()).toBe(3);
		expect(attempts('sts:GetCallerIdentity')).toBe(3);
		figures.scenarios++;
		figures['faults injected'] += 3;
		report('network: black hole', {
			connections: hole.connections(),
			'request timeout': '800 ms (default 15 s)',
			error: `${error.code} (${error.awsCode})`,
		});
	}, 30_000);

	it('a black hole during the multi-region repository search: bounded by its own limit, every region reported timed out', async () => {
		const hole = await startBlackHole();
		endpoints.push(hole);
		const aws = createAwsService({env: endpointEnv(hole.url)});
		const regions = ['eu-west-1', 'us-east-1', 'ap-south-1', 'sa-east-1'];
		const result = await aws.findRepository('web', {regions, timeoutMs: 1000, concurrency: 2});
		expect(result.found).toEqual([]);
		expect(result.timedOut.length + result.failed.length).toBe(regions.length);
		expect(result.timedOut.length).toBeGreaterThan(0);
		figures.scenarios++;
		figures['faults injected'] += hole.connections();
		report('network: black hole during region scan', {
			regions: regions.length,
			'timed out': result.timedOut.length,
			failed: result.failed.length,
			limit: '1 s',
		});
	}, 30_000);
});

describe('throttling and server errors', () => {
	it('ThrottlingException (400, JSON 1.1) twice, then success: the call succeeds on the 3rd attempt', async () => {
		const endpoint = await serve((_request, attempt) =>
			attempt <= 2 ? jsonError(400, 'ThrottlingException', 'Rate exceeded') : undefined,
		);
		const aws = createAwsService({env: endpointEnv(endpoint.url)});
		const token = await aws.getAuthorizationToken('eu-west-1');
		expect(token.password).toBe((await endpoint.model.currentToken('eu-west-1')).password);
		expect(endpoint.count('GetAuthorizationToken')).toBe(3);
		figures.scenarios++;
		figures['faults injected'] += 2;
		figures['requests seen'] += endpoint.requests.length;
		report('network: throttled twice then ok', {requests: endpoint.count('GetAuthorizationToken'), result: 'token'});
	});

	it('throttled on every attempt: a "throttled" error after exactly 3 attempts', async () => {
		const endpoint = await serve(() => jsonError(400, 'ThrottlingException', 'Rate exceeded'));
		const aws = createAwsService({env: endpointEnv(endpoint.url)});
		const error = await failure(aws.getAuthorizationToken('eu-west-1'));
		expect(error.kind).toBe('throttled');
		expect(error.awsCode).toBe('ThrottlingException');
		expect(error.message).toContain('AWS is throttling requests (ecr:GetAuthorizationToken in eu-west-1)');
		expect(error.hint).toMatch(/wait/i);
		expect(endpoint.count('GetAuthorizationToken')).toBe(3);
		figures.scenarios++;
		figures['faults injected'] += 3;
		figures['requests seen'] += endpoint.requests.length;
		report('network: always throttled', {requests: endpoint.count('GetAuthorizationToken'), error: error.code});
	});

	it('STS Throttling (query protocol XML) once, then success', async () => {
		const endpoint = await serve((_request, attempt) =>
			attempt === 1 ? stsError(400, 'Throttling', 'Rate exceeded') : undefined,
		);
		const aws = createAwsService({env: endpointEnv(endpoint.url)});
		const identity = await aws.getCallerIdentity();
		expect(identity.account).toBe('123456789012');
		expect(endpoint.count('GetCallerIdentity')).toBe(2);
		figures.scenarios++;
		figures['faults injected'] += 1;
		figures['requests seen'] += endpoint.requests.length;
	});

	it.each([
		[500, 'InternalFailure'],
		[502, 'BadGateway'],
		[503, 'ServiceUnavailableException'],
		[504, 'GatewayTimeout'],
	])('%i %s twice, then success', async (status, type) => {
		const endpoint = await serve((_request, attempt) =>
			attempt <= 2 ? jsonError(status, type, 'try later') : undefined,
		);
		const aws = createAwsService({env: endpointEnv(endpoint.url)});
		const token = await aws.getAuthorizationToken('eu-west-1');
		expect(token.password).toBe((await endpoint.model.currentToken('eu-west-1')).password);
		expect(endpoint.count('GetAuthorizationToken')).toBe(3);
		figures.scenarios++;
		figures['faults injected'] += 2;
		figures['requests seen'] += endpoint.requests.length;
	});

	it('503 on every attempt over HTTPS (a private CA via AWS_CA_BUNDLE): an error naming the operation after 3 attempts', async () => {
		const tls = selfSignedCertificate();
		const {writeFile, mkdtemp, rm} = await import('node:fs/promises');
		const {join} = await import('node:path');
		const {tmpdir} = await import('node:os');
		const dir = await mkdtemp(join(tmpdir(), 'ecr-faults-ca-'));
		try {
			await writeFile(join(dir, 'ca.pem'), tls.cert);
			const endpoint = await serve(
				() => jsonError(503, 'ServiceUnavailableException', 'Service unavailable, try again'),
				{tls},
			);
			const aws = createAwsService({env: endpointEnv(endpoint.url, {AWS_CA_BUNDLE: join(dir, 'ca.pem')})});
			const error = await failure(aws.getAuthorizationToken('eu-west-1'));
			expect(error.code).toMatch(/^aws\./);
			expect(error.httpStatus).toBe(503);
			expect(error.message).toContain('ecr:GetAuthorizationToken in eu-west-1');
			expect(error.message).toContain('Service unavailable');
			expect(error.hint).toContain('answered HTTP 503 on every attempt');
			expect(endpoint.count('GetAuthorizationToken')).toBe(3);
			figures.scenarios++;
			figures['faults injected'] += 3;
			figures['requests seen'] += endpoint.requests.length;
			report('network: HTTPS 503 always', {
				requests: endpoint.count('GetAuthorizationToken'),
				error: `${error.code} (${error.awsCode}, HTTP ${error.httpStatus})`,
			});

			// The same endpoint without the CA bundle: a TLS error that says what to do, and no retry storm.
			vi.stubEnv('AWS_CA_BUNDLE', '');
			const untrusted = createAwsService({env: {...endpointEnv(endpoint.url), AWS_CA_BUNDLE: undefined}});
			const before = endpoint.requests.length;
			const tlsError = await failure(untrusted.getAuthorizationToken('eu-west-1'));
			expect(tlsError.kind).toBe('network');
			expect(tlsError.message).toMatch(/Could not verify the TLS certificate/);
			expect(tlsError.nextSteps.join('\n')).toContain('AWS_CA_BUNDLE');
			expect(endpoint.requests.length).toBe(before);
			figures.scenarios++;
			figures['faults injected'] += 1;
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	}, 40_000);

	it('a connection reset on every attempt: network error after 3 attempts', async () => {
		const endpoint = await serve(() => 'reset');
		const aws = createAwsService({env: endpointEnv(endpoint.url)});
		const error = await failure(aws.getCallerIdentity());
		expect(error.kind).toBe('network');
		expect(endpoint.count('GetCallerIdentity')).toBe(3);
		figures.scenarios++;
		figures['faults injected'] += 3;
		figures['requests seen'] += endpoint.requests.length;
		report('network: totals', figures);
	});
});
