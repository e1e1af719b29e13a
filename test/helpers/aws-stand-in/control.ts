/**
 * The control API (plain HTTP, loopback) through which a suite running the stand-in as a process sets it up and reads
 * what it saw. In-process suites use the model and the request log directly.
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import type {IdentityCenterSettings} from './identity-center.js';
import {repositoryJson, type StandInModel} from './model.js';
import {ECR} from './operations/ecr.js';
import {AwsError, type Json} from './protocol.js';
import type {RegistryRequest} from './registry-front.js';
import {assertLoopback, type StandIn} from './server.js';
import {encodeToken, randomPassword} from './tokens.js';

type Target = {model: StandInModel; api: StandIn; registryRequests: RegistryRequest[]};

export type StandInState = {
	repositories: Array<
		ReturnType<typeof repositoryJson> & {
			region: string;
			policy: string | null;
			lifecyclePolicy: string | null;
			/** The prefix of the creation template that made it on push, or null. */
			createdBy: string | null;
			images: Array<{digest: string; tags: string[]}>;
		}
	>;
	publicAlias: string | null;
	publicRepositories: string[];
	/** Pull-through cache rules, and the Secrets Manager secrets (their current value) they read. */
	pullThroughRules: Array<{region: string; prefix: string; upstreamRegistryUrl: string; credentialArn: string | null}>;
	secrets: Array<{region: string; name: string; arn: string; value: string; versions: number}>;
	denied: string[];
	expiredCredentials: boolean;
	/** IAM Identity Center's device codes: what was shown to the user, and how far each got. */
	signIns: Array<{userCode: string; startUrl: string; state: string; polls: number}>;
	calls: Array<{service: string; operation: string; region: string; status?: number; error?: string}>;
	registryRequests: RegistryRequest[];
};

/** How many calls arrived, per operation, and when the first arrived and the first was answered (Date.now()). */
export type StandInStats = {
	calls: number;
	operations: Record<string, number>;
	firstRequestAt: number | null;
	firstAnswerAt: number | null;
};

function text(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
}

const ROUTES: Record<string, (input: Json, target: Target) => unknown> = {
	'GET /_control/health': () => ({ok: true}),
	'POST /_control/reset': (_input, {model, api, registryRequests}) => {
		model.reset();
		api.requests.length = 0;
		registryRequests.length = 0;
		return {ok: true};
	},
	'POST /_control/repositories': (input, {model}) =>
		repositoryJson(
			model.createRepository({
				region: text(input.region) ?? 'us-east-1',
				registryId: text(input.registryId),
				name: String(input.name ?? ''),
				imageTagMutability: text(input.imageTagMutability),
			}),
		),
	// A repository creation template, made as CreateRepositoryCreationTemplate makes it (same checks, same shape).
	'POST /_control/templates': (input, {model}) =>
		ECR.CreateRepositoryCreationTemplate!(input, {
			model,
			region: text(input.region) ?? 'us-east-1',
			caller: model.identity,
			accessKeyId: undefined,
		}),
	'POST /_control/deny': (input, {model}) => {
		model.denied.add(String(input.action));
		return {denied: [...model.denied]};
	},
	'POST /_control/allow': (input, {model}) => {
		model.denied.delete(String(input.action));
		return {denied: [...model.denied]};
	},
	'POST /_control/expired-credentials': (input, {model}) => {
		model.expiredCredentials = input.expired === true;
		return {expiredCredentials: model.expiredCredentials};
	},
	'POST /_control/reject-keys': (input, {model}) => {
		model.rejectedKeys.add(String(input.accessKeyId));
		return {rejected: [...model.rejectedKeys]};
	},
	'POST /_control/sso/approve': (input, {model}) => ({
		approved: model.identityCenter.decide('approved', text(input.userCode)),
	}),
	'POST /_control/sso/deny': (input, {model}) => ({
		denied: model.identityCenter.decide('denied', text(input.userCode)),
	}),
	'POST /_control/sso/settings': (input, {model}) => {
		model.identityCenter.configure(input as IdentityCenterSettings);
		return model.identityCenter.settings;
	},
	'POST /_control/token': async (input, {model}) => {
		const region = text(input.region) ?? 'us-east-1';
		if (input.expired === true) {
			// A token shaped like ECR's whose expiration has passed (what a 13-hour-old `docker login` left behind).
			const password = randomPassword(Math.floor(Date.now() / 1000) - 60 * 60);
			return {authorizationToken: encodeToken(password), password};
		}
		const token = input.rotate === true ? await model.rotateToken(region) : await model.currentToken(region);
		return {authorizationToken: encodeToken(token.password), password: token.password, expiresAt: token.expiresAt};
	},
	'GET /_control/state': (_input, {model, api, registryRequests}): StandInState => ({
		repositories: [...model.repositories.values()].map((repository) => ({
			...repositoryJson(repository),
			region: repository.region,
			policy: repository.policy ?? null,
			lifecyclePolicy: repository.lifecyclePolicy ?? null,
			createdBy: repository.createdBy ?? null,
			images: repository.images,
		})),
		publicAlias: model.publicAlias ?? null,
		publicRepositories: [...model.publicRepositories.keys()],
		pullThroughRules: [...model.pullThrough.rules.values()].map((rule) => ({
			region: rule.region,
			prefix: rule.ecrRepositoryPrefix,
			upstreamRegistryUrl: rule.upstreamRegistryUrl,
			credentialArn: rule.credentialArn ?? null,
		})),
		secrets: [...model.pullThrough.secrets.values()].map(({region, name, arn, value, versions}) => ({
			region,
			name,
			arn,
			value,
			versions,
		})),
		denied: [...model.denied],
		expiredCredentials: model.expiredCredentials,
		signIns: [...model.identityCenter.authorizations.values()].map(({userCode, startUrl, state, polls}) => ({
			userCode,
			startUrl,
			state,
			polls,
		})),
		calls: api.requests.map(({service, operation, region, status, error}) => ({
			service,
			operation,
			region,
			...(status === undefined ? {} : {status}),
			...(error ? {error} : {}),
		})),
		registryRequests,
	}),
	'GET /_control/stats': (_input, {api}): StandInStats => {
		const operations: Record<string, number> = {};
		for (const call of api.requests) operations[call.operation] = (operations[call.operation] ?? 0) + 1;
		const answered = api.requests.flatMap((call) => (call.answeredAt === undefined ? [] : [call.answeredAt]));
		return {
			calls: api.requests.length,
			operations,
			firstRequestAt: api.requests[0]?.receivedAt ?? null,
			firstAnswerAt: answered.length > 0 ? Math.min(...answered) : null,
		};
	},
};

export async function startControl(
	options: Target & {host: string; port: number},
): Promise<{url: string; close(): Promise<void>}> {
	assertLoopback(options.host);
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', async () => {
			const reply = (status: number, value: unknown) => {
				const body = JSON.stringify(value);
				response.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body)});
				response.end(body);
			};
			const route = `${request.method} ${(request.url ?? '').split('?')[0]}`;
			const handler = Object.hasOwn(ROUTES, route) ? ROUTES[route] : undefined;
			if (!handler) return reply(404, {error: `no control route ${route}`});
			try {
				const body = Buffer.concat(chunks).toString('utf8');
				reply(200, await handler(body.length > 0 ? (JSON.parse(body) as Json) : {}, options));
			} catch (error) {
				if (error instanceof AwsError) reply(400, {error: error.code, message: error.message});
				else reply(500, {error: String(error)});
			}
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => resolve());
	});
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://${options.host}:${port}`,
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
