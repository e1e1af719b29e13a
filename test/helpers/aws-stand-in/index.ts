/**
 * One AWS stand-in for every suite that needs AWS: ECR, ECR Public and STS with their real request and error shapes,
 * a stateful model behind them, and a fault layer in front. In-process suites call startAwsStandIn(); the end-to-end
 * stack and the bench run cli.ts as a process.
 */
export {awsEnv, TEST_KEYS} from './environment.js';
export {
	DEFAULT_PORTAL_ACCOUNTS,
	DEFAULT_START_URL,
	type IdentityCenterOptions,
	type PortalAccountSeed,
} from './identity-center.js';
export {type Answer, authorizationToken, type FaultReply, json, jsonError, stsError} from './faults.js';
export {DEFAULT_IDENTITY, type Identity, type KeyedIdentity, type RepositorySeed, StandInModel} from './model.js';
export type {AwsRequest, Reply} from './protocol.js';
export {type ApiCall, type StandIn, type StandInOptions, startAwsStandIn} from './server.js';
export {selfSignedCertificate} from './tls.js';
export {ecrPassword, encodeToken} from './tokens.js';
export {closedPort, startBlackHole} from './unreachable.js';
