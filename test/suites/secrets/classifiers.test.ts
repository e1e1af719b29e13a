/**
 * Secret-bearing failures fed through every classifier that turns outside text into a message a user sees:
 * SDK errors (aws-errors), docker push output (push-errors) and docker command failures (docker service).
 * The explained error (message, hint, next steps, JSON form) must never carry the secret.
 */
import {describe, expect, it} from 'vitest';
import {errorToJson, type UserError} from '../../../source/errors/user-errors.js';
import {classifyPushFailure, pushErrorFromOutput} from '../../../source/docker/push-errors.js';
import {classifyAwsError} from '../../../source/aws/errors.js';
import {toUserError} from '../../../source/aws/explain-error.js';
import {createDockerService} from '../../../source/docker/service.js';
import type {ProcessRunner, RunResult} from '../../../source/process/types.js';
import {ecrPassword, TEST_KEYS} from '../../helpers/aws-stand-in/index.js';
import {report} from '../../helpers/report.js';

const PASSWORD = ecrPassword(1_800_000_000, 'classifier');
const TOKEN = Buffer.from(`AWS:${PASSWORD}`).toString('base64');
const PROXY_PASSWORD = 'Pr0xyS3cret!';
const SECRETS: Record<string, string> = {...TEST_KEYS, password: PASSWORD, token: TOKEN, proxyPassword: PROXY_PASSWORD};
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

/** Texts a tool or service might echo back, each carrying one or more secrets. */
const CARRIERS: string[] = [
	`The security token included in the request is invalid: ${TEST_KEYS.AWS_SESSION_TOKEN}`,
	`The AWS Access Key Id ${TEST_KEYS.AWS_ACCESS_KEY_ID} you provided does not exist in our records.`,
	`credential_process output: {"Version":1,"AccessKeyId":"${TEST_KEYS.AWS_ACCESS_KEY_ID}","SecretAccessKey":"${TEST_KEYS.AWS_SECRET_ACCESS_KEY}","SessionToken":"${TEST_KEYS.AWS_SESSION_TOKEN}"}`,
	`Request failed: https://api.ecr.eu-west-1.amazonaws.com/?X-Amz-Credential=${TEST_KEYS.AWS_ACCESS_KEY_ID}%2F20261127&X-Amz-Security-Token=${TEST_KEYS.AWS_SESSION_TOKEN}&X-Amz-Signature=0123456789abcdef0123456789abcdef`,
	`Authorization: AWS4-HMAC-SHA256 Credential=${TEST_KEYS.AWS_ACCESS_KEY_ID}/20261127/eu-west-1/ecr/aws4_request, SignedHeaders=host, Signature=0123456789abcdef0123456789abcdef`,
	`proxyconnect tcp: dial http://alice:${PROXY_PASSWORD}@proxy.corp:3128: connect: connection refused`,
	`unexpected answer {"authorizationData":[{"authorizationToken":"${TOKEN}"}]}`,
	`error getting credentials - err: exit status 1, out: \`{"ServerURL":"${HOST}","Username":"AWS","Secret":"${PASSWORD}"}\``,
	`Error response from daemon: login attempt to https://${HOST}/v2/ failed with status: 401 Unauthorized (password ${PASSWORD})`,
	`aws_secret_access_key = ${TEST_KEYS.AWS_SECRET_ACCESS_KEY}`,
	`X-Registry-Auth: ${Buffer.from(JSON.stringify({username: 'AWS', password: PASSWORD})).toString('base64')}`,
];

/** SDK-shaped errors: a name, $metadata, the carrier as message, sometimes nested as cause. */
function sdkErrors(text: string): unknown[] {
	return [
		Object.assign(new Error(text), {name: 'UnrecognizedClientException', $metadata: {httpStatusCode: 400}}),
		Object.assign(new Error(text), {name: 'InvalidSignatureException', $metadata: {httpStatusCode: 403}}),
		Object.assign(new Error(text), {name: 'AccessDeniedException', $metadata: {httpStatusCode: 400}}),
		Object.assign(new Error(text), {name: 'ThrottlingException', $metadata: {httpStatusCode: 400}}),
		Object.assign(new Error(text), {name: 'CredentialsProviderError'}),
		Object.assign(new Error(text), {name: 'SomethingNew', $metadata: {httpStatusCode: 500}}),
		Object.assign(new Error('socket hang up'), {name: 'Error', code: 'ECONNRESET', cause: new Error(text)}),
		Object.assign(new Error(text), {name: 'TimeoutError'}),
		text,
	];
}

function visible(error: UserError): string {
	return [error.message, error.hint ?? '', ...error.nextSteps, JSON.stringify(errorToJson(error))].join('\n');
}

function expectClean(where: string, text: string): void {
	for (const [name, value] of Object.entries(SECRETS)) {
		expect(text.includes(value), `${name} leaked through ${where}: ${text.slice(0, 300)}`).toBe(false);
	}
}

describe('classifiers never repeat a secret', () => {
	it('AWS errors: classifyAwsError and toUserError (with an endpoint and proxy carrying credentials)', () => {
		let inputs = 0;
		for (const carrier of CARRIERS) {
			for (const error of sdkErrors(carrier)) {
				inputs++;
				expectClean('classifyAwsError', JSON.stringify(classifyAwsError(error)));
				const explained = toUserError(error, {
					operation: 'ecr:GetAuthorizationToken',
					region: 'eu-west-1',
					endpoint: `https://bob:${PROXY_PASSWORD}@api.ecr.eu-west-1.amazonaws.com`,
					proxy: 'http://****@proxy.corp:3128',
				});
				expectClean('toUserError', visible(explained));
			}
		}

		report('secrets: AWS error classifier', {'secret-bearing errors': inputs, leaks: 0});
	});

	it('docker push output: classifyPushFailure and the PushError shown to the user', () => {
		let inputs = 0;
		for (const carrier of CARRIERS) {
			const output = [`The push refers to repository [${HOST}/web]`, 'a1b2c3d4e5f6: Preparing', carrier];
			inputs++;
			expectClean('classifyPushFailure', JSON.stringify(classifyPushFailure(output, {ref: `${HOST}/web:dev`})));
			expectClean('PushError', visible(pushErrorFromOutput(output, {ref: `${HOST}/web:dev`})));
		}

		report('secrets: push failure classifier', {'secret-bearing outputs': inputs, leaks: 0});
	});

	it('docker commands (login, tag, push, image ls) that print a secret in their failure', async () => {
		let inputs = 0;
		for (const carrier of CARRIERS) {
			const result: RunResult = {exitCode: 1, stdout: '', stderr: carrier, notFound: false, timedOut: false};
			const runner: ProcessRunner = {
				run: async () => result,
				stream: async (_file, _args, options) => {
					options.onLine(carrier, 'stderr');
					return result;
				},
				interactive: async () => ({exitCode: 1}),
				which: async () => null,
			};
			const docker = createDockerService({runner});
			const attempts: Array<() => Promise<unknown>> = [
				async () => docker.login(HOST, 'AWS', PASSWORD),
				async () => docker.tag('web:dev', `${HOST}/web:dev`),
				async () => docker.push(`${HOST}/web:dev`),
				async () => docker.listImages(),
				async () => docker.logout(HOST),
			];
			for (const attempt of attempts) {
				inputs++;
				const error = (await attempt().then(
					() => undefined,
					(caught: unknown) => caught,
				)) as UserError | undefined;
				expect(error).toBeDefined();
				expectClean('the docker service', visible(error!));
			}
		}

		report('secrets: docker command failures', {'secret-bearing failures': inputs, leaks: 0});
	});
});
