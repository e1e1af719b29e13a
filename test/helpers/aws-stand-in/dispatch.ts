/**
 * A parsed request to its answer from the model: the checks AWS makes before any operation (a SigV4 signature, a region
 * that exists, credentials that have not expired), then the operation from its service's table.
 */
import type {StandInModel} from './model.js';
import {ECR} from './operations/ecr.js';
import {ECR_PUBLIC} from './operations/ecr-public.js';
import {SECRETS_MANAGER} from './operations/secrets-manager.js';
import {SSO} from './operations/sso.js';
import {SSO_OIDC} from './operations/sso-oidc.js';
import {STS} from './operations/sts.js';
import type {Operations} from './operations/types.js';
import {AwsError, type AwsRequest, encodeError, encodeResult, type Reply, type Service} from './protocol.js';

/** Each service's operations: a new service is its table here and its `X-Amz-Target` prefix (or REST routes) in protocol.ts. */
const SERVICES: Record<Service, Operations> = {
	ecr: ECR,
	'ecr-public': ECR_PUBLIC,
	sts: STS,
	'sso-oidc': SSO_OIDC,
	sso: SSO,
	secretsmanager: SECRETS_MANAGER,
};

export type Outcome = {reply: Reply; error?: string};

function unknownOperation(request: AwsRequest): AwsError {
	return request.protocol === 'query'
		? new AwsError('InvalidAction', `Could not find operation ${request.operation} for version 2011-06-15`)
		: new AwsError('UnknownOperationException', `Unknown operation ${request.operation}`);
}

function check(request: AwsRequest, model: StandInModel): void {
	// IAM Identity Center's sign-in and portal calls are not signed: the token (or the client secret) is the credential.
	if (request.protocol === 'rest-json') return;
	const query = request.protocol === 'query';
	if (!request.scope) {
		throw query
			? new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403)
			: new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
	}
	if (model.rejectedKeys.has(request.scope.accessKeyId)) {
		throw query
			? new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403)
			: new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
	}
	if (!model.knowsRegion(request.region)) {
		throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
	}
	if (model.expiredCredentials) {
		throw new AwsError(
			query ? 'ExpiredToken' : 'ExpiredTokenException',
			'The security token included in the request is expired',
		);
	}
}

/** Throws only for a bug in an operation (anything but an AwsError). */
export async function dispatch(request: AwsRequest, model: StandInModel): Promise<Outcome> {
	try {
		check(request, model);
		const operations = request.service ? SERVICES[request.service] : {};
		// Own entries only: an operation called `toString` is unknown, not Object.prototype's.
		const operation = Object.hasOwn(operations, request.operation) ? operations[request.operation] : undefined;
		if (!operation) throw unknownOperation(request);
		const accessKeyId = request.scope?.accessKeyId;
		const caller = model.identityFor(accessKeyId);
		return {
			reply: encodeResult(
				request,
				await operation(request.input, {model, region: request.region, caller, accessKeyId}),
			),
		};
	} catch (error) {
		if (!(error instanceof AwsError)) throw error;
		return {reply: encodeError(request, error), error: error.code};
	}
}
