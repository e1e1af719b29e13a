import {RepositoryNotFoundException, RepositoryAlreadyExistsException, KmsException} from '@aws-sdk/client-ecr';
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors/user-errors.js';
import {AwsError, classifyAwsError, sanitizeAwsMessage} from '../../source/aws/errors.js';
import {toUserError} from '../../source/aws/explain-error.js';

/** An error shaped as the SDK raises a service exception: name, $metadata, AWS's own message. */
function serviceError(name: string, message: string, status = 400): Error {
	return Object.assign(new Error(message), {
		name,
		$fault: 'client',
		$metadata: {httpStatusCode: status, requestId: 'r-1', attempts: 1},
	});
}

/** A Node network failure as it comes out of the SDK's HTTP handler. */
function networkError(code: string, message: string): Error {
	return Object.assign(new Error(message), {code, errno: -3008, syscall: 'getaddrinfo', $metadata: {attempts: 3}});
}

describe('classifyAwsError', () => {
	it.each([
		[
			'no credentials',
			Object.assign(new Error('Could not load credentials from any providers'), {
				name: 'CredentialsProviderError',
				tryNextLink: false,
			}),
			'no-credentials',
		],
		[
			'unknown profile',
			Object.assign(
				new Error('Could not resolve credentials using profile: [nope] in configuration/credentials file(s).'),
				{name: 'CredentialsProviderError'},
			),
			'no-credentials',
		],
		[
			'SSO expired',
			Object.assign(
				new Error(
					'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.',
				),
				{
					name: 'CredentialsProviderError',
				},
			),
			'sso-expired',
		],
		[
			'SSO token missing',
			Object.assign(
				new Error(
					'The SSO session token associated with profile=dev was not found or is invalid. To refresh this SSO session run aws sso login with the corresponding profile.',
				),
				{
					name: 'TokenProviderError',
				},
			),
			'sso-expired',
		],
		[
			'MFA',
			Object.assign(
				new Error('Profile admin requires multi-factor authentication, but no MFA code callback was provided.'),
				{name: 'CredentialsProviderError'},
			),
			'mfa-required',
		],
		[
			'unrecognized client',
			serviceError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
			'invalid-credentials',
		],
		[
			'invalid client token',
			serviceError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403),
			'invalid-credentials',
		],
		[
			'wrong secret',
			serviceError(
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
				403,
			),
			'invalid-credentials',
		],
		[
			'expired token (STS)',
			serviceError('ExpiredToken', 'The security token included in the request is expired', 403),
			'expired-credentials',
		],
		[
			'expired token (ECR)',
			serviceError('ExpiredTokenException', 'The security token included in the request is expired'),
			'expired-credentials',
		],
		[
			'signature expired',
			serviceError(
				'SignatureDoesNotMatch',
				'Signature expired: 20261127T100000Z is now earlier than 20261127T115500Z (20261127T120000Z - 5 min.)',
				403,
			),
			'clock-skew',
		],
		[
			'time too skewed',
			serviceError(
				'RequestTimeTooSkewed',
				'The difference between the request time and the current time is too large.',
				403,
			),
			'clock-skew',
		],
		[
			'access denied',
			serviceError(
				'AccessDeniedException',
				'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action',
			),
			'access-denied',
		],
		[
			'STS access denied',
			serviceError(
				'AccessDenied',
				'User: arn:aws:iam::1:user/a is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::1:role/r',
				403,
			),
			'access-denied',
		],
		[
			'repository not found',
			new RepositoryNotFoundException({
				message: "The repository with name 'web' does not exist in the registry with id '123456789012'",
				$metadata: {httpStatusCode: 400},
			}),
			'repository-not-found',
		],
		[
			'repository exists',
			new RepositoryAlreadyExistsException({
				message: "The repository with name 'web' already exists in the registry with id '123456789012'",
				$metadata: {httpStatusCode: 400},
			}),
			'repository-exists',
		],
		['throttled', serviceError('ThrottlingException', 'Rate exceeded'), 'throttled'],
		[
			'kms',
			new KmsException({message: 'User is not authorized to use the KMS key', $metadata: {httpStatusCode: 400}}),
			'kms',
		],
		['DNS', networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.ecr.eu-west-1.amazonaws.com'), 'network'],
		['refused', networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:3128'), 'network'],
		['reset', networkError('ECONNRESET', 'socket hang up'), 'network'],
		['timed out', networkError('ETIMEDOUT', 'connect ETIMEDOUT 52.94.0.1:443'), 'network'],
		[
			'SDK timeout',
			Object.assign(
				new Error(
					'@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 5000 ms.',
				),
				{
					name: 'TimeoutError',
				},
			),
			'network',
		],
		[
			'untrusted certificate',
			networkError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
			'network',
		],
		['region missing', new Error('Region is missing'), 'no-region'],
		[
			'STS not activated',
			serviceError('RegionDisabledException', 'STS is not activated in this region for account:123456789012.', 403),
			'region-disabled',
		],
		['anything else', serviceError('ServerException', 'We encountered an internal error.', 500), 'unknown'],
	])('%s', (_label, error, kind) => {
		expect(classifyAwsError(error).kind).toBe(kind);
	});

	it('looks through causes and aggregated errors (Node 20 happy-eyeballs failures)', () => {
		const aggregate = Object.assign(
			new AggregateError(
				[
					networkError('ECONNREFUSED', 'connect ECONNREFUSED ::1:4566'),
					networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:4566'),
				],
				'',
			),
			{
				$metadata: {attempts: 3},
			},
		);
		expect(classifyAwsError(aggregate)).toMatchObject({kind: 'network', code: 'ECONNREFUSED'});
		expect(classifyAwsError(new Error('wrapped', {cause: serviceError('ExpiredToken', 'expired')})).kind).toBe(
			'expired-credentials',
		);
	});

	it('quotes the denied action and keeps the HTTP status', () => {
		const result = classifyAwsError(
			serviceError(
				'AccessDeniedException',
				'User: arn:aws:sts::1:assumed-role/dev/x is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:eu-west-1:1:repository/web because no resource-based policy allows the ecr:InitiateLayerUpload action',
			),
		);
		expect(result).toMatchObject({
			kind: 'access-denied',
			action: 'ecr:InitiateLayerUpload',
			httpStatus: 400,
			code: 'AccessDeniedException',
		});
	});

	it('removes access key ids and signatures from messages', () => {
		const message = sanitizeAwsMessage(
			'The request signature we calculated does not match. Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/sts/aws4_request, Signature=0123456789abcdef0123456789abcdef key AKIAIOSFODNN7EXAMPLE',
		);
		expect(message).not.toContain('AKIAIOSFODNN7EXAMPLE');
		expect(message).not.toContain('0123456789abcdef0123456789abcdef');
		expect(message).toContain('AKIAIOSF****');
		const proxied = classifyAwsError(
			networkError('ECONNREFUSED', 'connect to http://user:hunter22@proxy.corp:3128 refused'),
		);
		expect(proxied.message).not.toContain('hunter22');
	});
});

describe('toUserError', () => {
	it('is an AwsError, a UserError with code aws.<kind>', () => {
		const error = toUserError(serviceError('ThrottlingException', 'Rate exceeded'), {
			operation: 'ecr:GetAuthorizationToken',
			region: 'eu-west-1',
		});
		expect(error).toBeInstanceOf(AwsError);
		expect(error).toBeInstanceOf(UserError);
		expect(error.code).toBe('aws.throttled');
		expect(error.kind).toBe('throttled');
		expect(error.exitCode).toBe(1);
		expect(error.message).toContain('ecr:GetAuthorizationToken in eu-west-1');
	});

	it('returns an AwsError unchanged', () => {
		const original = new AwsError('x', {kind: 'kms'});
		expect(toUserError(original)).toBe(original);
		expect(classifyAwsError(original).kind).toBe('kms');
	});

	it('no credentials: points at aws configure, aws configure sso and the environment', () => {
		const error = toUserError(
			Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'}),
		);
		expect(error.hint).toMatch(/aws configure/);
		expect(error.hint).toMatch(/aws configure sso/);
		expect(error.hint).toMatch(/AWS_ACCESS_KEY_ID/);
		expect(error.nextSteps).toContain('aws configure sso');
	});

	it('SSO expired: the next step is aws sso login for the profile', () => {
		const error = toUserError(
			Object.assign(
				new Error(
					'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.',
				),
				{
					name: 'CredentialsProviderError',
				},
			),
			{profile: 'dev'},
		);
		expect(error.code).toBe('aws.sso-expired');
		expect(error.nextSteps).toEqual(['aws sso login --profile dev']);
	});

	it('invalid credentials mention an opt-in region that may be disabled', () => {
		const inOptIn = toUserError(
			serviceError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
			{region: 'me-south-1'},
		);
		expect(inOptIn.hint).toMatch(/me-south-1 is an opt-in region/);
		const elsewhere = toUserError(
			serviceError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403),
			{region: 'us-east-1'},
		);
		expect(elsewhere.hint).toMatch(/opt-in region/);
		expect(elsewhere.hint).toMatch(/AWS_SESSION_TOKEN/);
	});

	it('clock skew says to sync the clock', () => {
		const error = toUserError(
			serviceError(
				'SignatureDoesNotMatch',
				'Signature expired: 20261127T100000Z is now earlier than 20261127T115500Z',
				403,
			),
		);
		expect(error.code).toBe('aws.clock-skew');
		expect(error.hint).toMatch(/clock/i);
	});

	it('access denied quotes the action; a cross-account denial points at the repository policy', () => {
		const own = toUserError(
			serviceError(
				'AccessDeniedException',
				'User: arn:aws:iam::1:user/a is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action',
			),
			{region: 'eu-west-1'},
		);
		expect(own.message).toContain('ecr:GetAuthorizationToken in eu-west-1');
		expect(own.hint).toMatch(/allow ecr:GetAuthorizationToken/);
		const cross = toUserError(
			serviceError(
				'AccessDeniedException',
				'User: arn:aws:iam::1:user/a is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:eu-west-1:2:repository/web because no resource-based policy allows the ecr:BatchGetImage action',
			),
			{repository: 'web'},
		);
		expect(cross.hint).toMatch(/repository policy/);
		expect(cross.nextSteps).toContain('aws ecr get-repository-policy --repository-name web');
	});

	it('repository not found names the repository and region and how to create it', () => {
		const error = toUserError(
			new RepositoryNotFoundException({
				message: "The repository with name 'web' does not exist",
				$metadata: {httpStatusCode: 400},
			}),
			{
				repository: 'web',
				region: 'eu-west-1',
			},
		);
		expect(error.message).toBe("Repository 'web' does not exist in eu-west-1.");
		expect(error.nextSteps).toEqual(['aws ecr create-repository --repository-name web --region eu-west-1']);
	});

	it('network errors name the endpoint and the proxy in effect, never its password', () => {
		const error = toUserError(networkError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:3128'), {
			endpoint: 'https://api.ecr.eu-west-1.amazonaws.com',
			proxy: 'http://****@proxy.corp:3128 (from HTTPS_PROXY)',
		});
		expect(error.code).toBe('aws.network');
		expect(error.message).toContain('https://api.ecr.eu-west-1.amazonaws.com');
		expect(error.message).toContain('proxy.corp:3128 (from HTTPS_PROXY)');
		expect(error.hint).toMatch(/NO_PROXY/);
		const direct = toUserError(networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND api.ecr.eu-west-1.amazonaws.com'), {
			endpoint: 'https://api.ecr.eu-west-1.amazonaws.com',
		});
		expect(direct.hint).toMatch(/HTTPS_PROXY/);
	});

	it('an untrusted certificate points at AWS_CA_BUNDLE', () => {
		const error = toUserError(
			networkError('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'unable to get local issuer certificate'),
			{endpoint: 'https://sts.us-east-1.amazonaws.com'},
		);
		expect(error.hint).toMatch(/AWS_CA_BUNDLE/);
	});

	it('no region says how to set one', () => {
		const error = toUserError(new Error('Region is missing'), {profile: 'dev'});
		expect(error.code).toBe('aws.no-region');
		expect(error.hint).toMatch(/--region/);
		expect(error.nextSteps).toContain('aws configure set region us-east-1 --profile dev');
	});

	it('keeps the original error as the cause and never quotes a secret', () => {
		const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
		const original = serviceError(
			'SignatureDoesNotMatch',
			'The request signature we calculated does not match. Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/ecr/aws4_request',
			403,
		);
		const error = toUserError(original);
		expect(error.cause).toBe(original);
		expect(`${error.message} ${error.hint} ${error.nextSteps.join(' ')}`).not.toContain('AKIAIOSFODNN7EXAMPLE');
		expect(`${error.message} ${error.hint}`).not.toContain(secret);
	});
});
