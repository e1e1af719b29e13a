/**
 * The fault layer: a test's override decides a request's reply before the model sees it. It may answer (a throttle, a
 * 5xx, a fixed token), hold the connection open and never answer ('hang'), drop the connection ('reset'), or return
 * undefined to let the model answer as AWS would.
 */
import {DEFAULT_IDENTITY} from './model.js';
import {AwsError, type AwsRequest, encodeError, type Reply} from './protocol.js';
import {encodeToken} from './tokens.js';

export type FaultReply = Reply | 'hang' | 'reset';

/** `attempt` counts the requests for this operation so far, this one included (1 on the first). */
export type Answer = (request: AwsRequest, attempt: number) => FaultReply | undefined;

export function json(status: number, body: unknown): Reply {
	return {status, body: JSON.stringify(body), headers: {'content-type': 'application/x-amz-json-1.1'}};
}

/** The JSON 1.1 error shape ECR uses (`__type` names the exception). */
export function jsonError(status: number, type: string, message: string): Reply {
	return encodeError({service: 'ecr', protocol: 'json-1.1'}, new AwsError(type, message, status));
}

/** STS's query-protocol error, `<ErrorResponse>`. */
export function stsError(status: number, code: string, message: string): Reply {
	return encodeError({service: 'sts', protocol: 'query'}, new AwsError(code, message, status));
}

/** GetAuthorizationToken answering with a password the test chose (the model makes random ones). */
export function authorizationToken(password: string, region = 'eu-west-1'): Reply {
	return json(200, {
		authorizationData: [
			{
				authorizationToken: encodeToken(password),
				expiresAt: Math.floor(Date.parse('2026-11-28T00:00:00Z') / 1000),
				proxyEndpoint: `https://${DEFAULT_IDENTITY.account}.dkr.ecr.${region}.amazonaws.com`,
			},
		],
	});
}
