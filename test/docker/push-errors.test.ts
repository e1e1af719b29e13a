import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors/user-errors.js';
import {
	classifyPushFailure,
	PushError,
	pushErrorFromOutput,
	type PushErrorKind,
} from '../../source/docker/push-errors.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/docker-push/${name}.txt`, import.meta.url), 'utf8');

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

describe('classifyPushFailure over captured docker output', () => {
	it.each<[string, string, PushErrorKind, Record<string, unknown>]>([
		[
			'no-basic-auth',
			`${HOST}/x:v1`,
			'no-basic-auth',
			{registry: HOST, registryId: '123456789012', region: 'us-east-1'},
		],
		['token-expired', `${HOST}/x:v1`, 'token-expired', {registry: HOST}],
		[
			'repository-missing',
			`${HOST}/x:v1`,
			'repository-missing',
			{repository: 'x', registryId: '123456789012', region: 'us-east-1'},
		],
		['tag-immutable', `${HOST}/x:v1`, 'tag-immutable', {tag: 'v1', repository: 'x'}],
		['docker-hub-denied', 'x:v1', 'not-ecr', {registry: 'docker.io', repository: 'docker.io/library/x'}],
		[
			'iam-denied',
			`${HOST}/x:v1`,
			'denied-iam',
			{
				principal: 'arn:aws:iam::123456789012:user/dev',
				action: 'ecr:InitiateLayerUpload',
				repository: 'x',
				registryId: '123456789012',
			},
		],
		[
			'policy-denied',
			'210987654321.dkr.ecr.us-east-1.amazonaws.com/shared/x:v1',
			'denied-policy',
			{
				principal: 'arn:aws:sts::123456789012:assumed-role/ci/build',
				registryId: '210987654321',
				repository: 'shared/x',
			},
		],
		['retry-eof', `${HOST}/x:v1`, 'retry-eof', {message: 'EOF'}],
		['retry-eof-tty', `${HOST}/x:v1`, 'retry-eof', {message: 'EOF'}],
		['image-missing', `${HOST}/x:v1`, 'image-missing', {}],
		['helper-missing', `${HOST}/x:v1`, 'helper-missing', {helper: 'ecr-login'}],
		['daemon-not-running', `${HOST}/x:v1`, 'daemon', {}],
		['daemon-permission', `${HOST}/x:v1`, 'daemon', {}],
	])('%s → %s', (name, ref, kind, details) => {
		const failure = classifyPushFailure(fixture(name), {ref});
		expect(failure.kind).toBe(kind);
		expect(failure).toMatchObject(details);
	});

	it('a successful push has nothing to classify', () => {
		expect(classifyPushFailure(fixture('success'), {ref: `${HOST}/x:v1`}).kind).toBe('unknown');
	});
});

describe('classifyPushFailure over other messages docker and helpers print', () => {
	it.each<[string, PushErrorKind]>([
		[
			'error getting credentials - err: exec: "docker-credential-desktop.exe": executable file not found in $PATH, out: ``',
			'helper-missing',
		],
		[
			'error getting credentials - err: exit status 1, out: `Cannot autolaunch D-Bus without X11 $DISPLAY`',
			'helper-failed',
		],
		[
			'error getting credentials - err: exit status 1, out: `pass not initialized: exit status 1: Error: password store is empty.`',
			'helper-failed',
		],
		[
			'error getting credentials - err: exit status 1, out: `User interaction is not allowed. (-25308)`',
			'helper-failed',
		],
		[
			'Get "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/": dial tcp: lookup 123456789012.dkr.ecr.us-east-1.amazonaws.com: no such host',
			'network',
		],
		[
			'Put "https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/...": net/http: TLS handshake timeout',
			'network',
		],
		['x509: certificate signed by unknown authority', 'network'],
		['error parsing HTTP 403 response body: unexpected end of JSON input: ""', 'denied-iam'],
		[
			'denied: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecr:PutImage on resource: arn:aws:ecr:us-east-1:123456789012:repository/x with an explicit deny in an identity-based policy',
			'denied-iam',
		],
		['Error response from daemon: No such image: my-app:latest', 'image-missing'],
		['something nobody has seen before', 'unknown'],
	])('%s → %s', (line, kind) => {
		expect(classifyPushFailure([line], {ref: `${HOST}/x:v1`}).kind).toBe(kind);
	});

	it('names the helper, .exe and all, without the suffix', () => {
		const failure = classifyPushFailure([
			'error getting credentials - err: exec: "docker-credential-desktop.exe": executable file not found in $PATH, out: ``',
		]);
		expect(failure.helper).toBe('desktop');
	});

	it('"no basic auth credentials" from Docker Hub means the image was not tagged for ECR', () => {
		expect(classifyPushFailure(['no basic auth credentials'], {ref: 'my-app:latest'}).kind).toBe('not-ecr');
	});

	it('the repository docker names wins over a reference that could not be parsed', () => {
		const failure = classifyPushFailure(fixture('repository-missing'), {ref: 'NOT A REF'});
		expect(failure.registry).toBe(HOST);
	});
});

describe('PushError', () => {
	it('is a UserError with a stable code, the kind, a hint and next steps', () => {
		const error = pushErrorFromOutput(fixture('no-basic-auth'), {ref: `${HOST}/x:v1`});
		expect(error).toBeInstanceOf(UserError);
		expect(error).toBeInstanceOf(PushError);
		expect(error.kind).toBe('no-basic-auth');
		expect(error.code).toBe('push.no-basic-auth');
		expect(error.message).toContain(HOST);
		expect(error.hint).toMatch(/credHelpers/);
		expect(error.nextSteps).toContain(`ecr-setup configure-helper --registry ${HOST}`);
	});

	it.each<[string, string, RegExp, string]>([
		['token-expired', `${HOST}/x:v1`, /expired/, `ecr-setup login --registry ${HOST}`],
		[
			'repository-missing',
			`${HOST}/x:v1`,
			/"x" does not exist in registry 123456789012 \(us-east-1\)/,
			'ecr-setup push IMAGE --repository x --region us-east-1 --create-repository',
		],
		[
			'tag-immutable',
			`${HOST}/x:v1`,
			/"v1" already exists in x/,
			'ecr-setup push IMAGE --repository x --tag <new-tag>',
		],
		['docker-hub-denied', 'x:v1', /docker\.io\/library\/x, not to ECR/, 'ecr-setup push IMAGE --repository NAME'],
		[
			'iam-denied',
			`${HOST}/x:v1`,
			/arn:aws:iam::123456789012:user\/dev may not call ecr:InitiateLayerUpload on the repository x\./,
			'ecr-setup whoami',
		],
		[
			'policy-denied',
			'210987654321.dkr.ecr.us-east-1.amazonaws.com/shared/x:v1',
			/repository policy in account 210987654321/,
			'ecr-setup whoami',
		],
		['helper-missing', `${HOST}/x:v1`, /docker-credential-ecr-login is not on PATH/, 'ecr-setup install-helper'],
		['retry-eof', `${HOST}/x:v1`, /cut off \(EOF\) after docker's retries/, 'ecr-setup doctor --repository x'],
	])('%s: message and next step', (name, ref, message, step) => {
		const error = pushErrorFromOutput(fixture(name), {ref});
		expect(error.message).toMatch(message);
		expect(error.nextSteps).toContain(step);
		expect(error.hint).toBeTruthy();
		expect(error.code).toBe(`push.${error.kind}`);
	});

	it('a push that a create-on-push template turns into a creation, refused for ecr:CreateRepository', () => {
		const error = pushErrorFromOutput(
			[
				`The push refers to repository [${HOST}/team/api]`,
				'denied: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecr:CreateRepository on resource: arn:aws:ecr:us-east-1:123456789012:repository/team/api because no identity-based policy allows the ecr:CreateRepository action',
			],
			{ref: `${HOST}/team/api:v1`},
		);
		expect(error.kind).toBe('denied-iam');
		expect(error.message).toBe(
			'arn:aws:iam::123456789012:user/dev may not call ecr:CreateRepository on the repository team/api.',
		);
		expect(error.hint).toMatch(/creation template has ECR create it on push.*must allow ecr:CreateRepository/);
		expect(error.hint).not.toContain('ecr:InitiateLayerUpload');
	});

	it('a cross-account refusal names the owner, the account to allow, and the owner’s fix', () => {
		const host = '210987654321.dkr.ecr.us-east-1.amazonaws.com';
		const error = pushErrorFromOutput(fixture('policy-denied'), {ref: `${host}/shared/x:v1`});
		expect(error.hint).toContain('account 210987654321, which owns shared/x, must allow account 123456789012');
		expect(error.nextSteps).toEqual([
			`ecr-setup doctor --registry ${host} --repository shared/x`,
			`ecr-setup doctor --registry ${host} --repository shared/x --allow-account 123456789012 --fix   (run as account 210987654321)`,
			'ecr-setup whoami',
		]);
	});

	it('EOF hints at permissions as well as the network', () => {
		expect(pushErrorFromOutput(['EOF']).hint).toMatch(/permissions/);
	});

	it('permission denied on the socket suggests the docker group and says which config sudo reads', () => {
		const error = pushErrorFromOutput(fixture('daemon-permission'));
		expect(error.hint).toMatch(/docker group/);
		expect(error.hint).toMatch(/\/root\/\.docker\/config\.json/);
	});
});
