/** The aws.*, ecr.*, image.* and network.* checks, with AWS answers and errors shaped as the SDK raises them. */
import {afterEach, describe, expect, it} from 'vitest';
import {runDoctor} from '../../source/doctor/run-doctor.js';
import type {CheckId, CheckResult, DoctorOptions, DoctorReport, DoctorTargetInput} from '../../source/doctor/types.js';
import {UsageError} from '../../source/errors/user-errors.js';
import {
	ACCOUNT,
	HOST,
	NOW,
	OTHER_ACCOUNT,
	WORKING_ECR_LOGIN,
	awsError,
	makeMachine,
	networkError,
	repositoryInfo,
	type Machine,
	type MachineOptions,
} from '../helpers/doctor-machine.js';

let machine: Machine | undefined;
afterEach(async () => machine?.cleanup());

const base: MachineOptions = {
	config: {credHelpers: {[HOST]: 'ecr-login'}},
	binaries: {'docker-credential-ecr-login': WORKING_ECR_LOGIN},
};

async function doctor(
	options: Partial<MachineOptions>,
	input: DoctorTargetInput = {registry: HOST, repository: 'my-app'},
	doctorOptions: DoctorOptions = {},
): Promise<DoctorReport> {
	machine = await makeMachine({...base, ...options, aws: options.aws});
	return runDoctor(machine.services, input, {platform: 'linux', ...doctorOptions});
}

function check(report: DoctorReport, id: CheckId): CheckResult {
	return report.checks.find((entry) => entry.id === id)!;
}

describe('aws.credentials and aws.identity', () => {
	it('fails with no credentials at all, and skips what needs them', async () => {
		const report = await doctor({
			aws: {
				getCallerIdentity: async () =>
					Promise.reject(awsError('CredentialsProviderError', 'Could not load credentials from any providers')),
			},
		});
		const credentials = check(report, 'aws.credentials');
		expect(credentials.status).toBe('fail');
		expect(credentials.detail).toContain('No AWS credentials found');
		expect(credentials.detail).toContain('Could not load credentials from any providers');
		expect(credentials.fix?.command).toBe('aws configure');
		expect(check(report, 'aws.identity').status).toBe('skip');
		expect(check(report, 'ecr.auth-token')).toMatchObject({status: 'skip'});
		expect(check(report, 'ecr.auth-token').detail).toContain('aws.credentials failed');
		expect(check(report, 'ecr.repository').status).toBe('skip');
	});

	it('fails an expired SSO session with the exact aws sso login command', async () => {
		const report = await doctor({
			aws: {
				profile: 'dev',
				listProfiles: async () => [{name: 'dev', sso: true, ssoSession: 'corp', mfa: false, source: 'config'}],
				getCallerIdentity: async () =>
					Promise.reject(
						awsError(
							'CredentialsProviderError',
							'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.',
						),
					),
			},
		});
		const credentials = check(report, 'aws.credentials');
		expect(credentials.status).toBe('fail');
		expect(credentials.detail).toContain('The SSO session of profile "dev" has expired');
		expect(credentials.fix?.command).toBe('aws sso login --profile dev');
	});

	it('warns about an MFA profile while the helper serves the host', async () => {
		const report = await doctor({
			aws: {profile: 'secure', listProfiles: async () => [{name: 'secure', sso: false, mfa: true, source: 'config'}]},
		});
		const credentials = check(report, 'aws.credentials');
		expect(credentials.status).toBe('warn');
		expect(credentials.detail).toContain('has mfa_serial and ecr-login serves');
	});

	it('fails identity for revoked keys while credentials count as found', async () => {
		const report = await doctor({
			aws: {
				getCallerIdentity: async () =>
					Promise.reject(
						awsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403),
					),
			},
		});
		expect(check(report, 'aws.credentials').status).toBe('pass');
		const identity = check(report, 'aws.identity');
		expect(identity.status).toBe('fail');
		expect(identity.detail).toContain('InvalidClientTokenId: The security token included in the request is invalid.');
		expect(identity.fix?.command).toBe('aws configure list');
	});
});

describe('aws.clock and aws.region', () => {
	it('fails when the local clock is more than 5 minutes off AWS', async () => {
		const report = await doctor({
			aws: {getServerClock: async () => ({server: new Date(NOW.getTime() - 7 * 60_000), local: NOW})},
		});
		const clock = check(report, 'aws.clock');
		expect(clock.status).toBe('fail');
		expect(clock.detail).toContain('Your clock is 7 min ahead of AWS');
		expect(clock.fix?.command).toBe('sudo timedatectl set-ntp true');
	});

	it('passes a clock 2 minutes off', async () => {
		const report = await doctor({
			aws: {getServerClock: async () => ({server: new Date(NOW.getTime() + 120_000), local: NOW})},
		});
		expect(check(report, 'aws.clock')).toMatchObject({status: 'pass', detail: "within 120 s of AWS's clock"});
	});

	it('warns when the region in force is not the registry host region', async () => {
		const report = await doctor({aws: {resolveRegion: async () => ({region: 'us-east-1', source: 'AWS_REGION'})}});
		const region = check(report, 'aws.region');
		expect(region.status).toBe('warn');
		expect(region.detail).toContain(`The region in force is us-east-1 (from AWS_REGION) but ${HOST} is in eu-west-1`);
		expect(region.fix?.command).toBe('export AWS_REGION=eu-west-1');
		expect(report.target.region).toBe('eu-west-1');
	});

	it('fails when there is no region and no registry host to take one from', async () => {
		const report = await doctor({aws: {resolveRegion: async () => ({region: undefined, source: 'none'})}}, {});
		expect(check(report, 'aws.region')).toMatchObject({status: 'fail'});
		expect(check(report, 'aws.region').detail).toContain('No AWS region');
		expect(report.target.registry).toBeNull();
		expect(check(report, 'docker.store').status).toBe('skip');
	});
});

describe('ecr.auth-token and ecr.cross-account', () => {
	it('fails when GetAuthorizationToken is denied, naming the action', async () => {
		const message = `User: arn:aws:iam::${ACCOUNT}:user/dev is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action`;
		const report = await doctor({
			aws: {getAuthorizationToken: async () => Promise.reject(awsError('AccessDeniedException', message))},
		});
		const token = check(report, 'ecr.auth-token');
		expect(token.status).toBe('fail');
		expect(token.detail).toBe(`You may not get an ECR token: AccessDeniedException: ${message}`);
		expect(token.fix?.description).toContain('"ecr:GetAuthorizationToken" on "*"');
		expect(token.fix?.command).toBe('ecr-setup policy --repository my-app');
	});

	it('warns when ECR throttles token requests', async () => {
		const report = await doctor({
			aws: {getAuthorizationToken: async () => Promise.reject(awsError('ThrottlingException', 'Rate exceeded'))},
		});
		expect(check(report, 'ecr.auth-token')).toMatchObject({status: 'warn'});
		expect(check(report, 'ecr.auth-token').detail).toContain('Rate exceeded');
	});

	it('warns when the registry belongs to another account', async () => {
		const host = `${OTHER_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
		const report = await doctor(
			{config: {credHelpers: {[host]: 'ecr-login'}}, aws: {getRepositoryPolicy: async () => null}},
			{registry: host, repository: 'shared'},
		);
		const cross = check(report, 'ecr.cross-account');
		expect(cross.status).toBe('warn');
		expect(cross.detail).toContain(
			`${host} belongs to account ${OTHER_ACCOUNT}, but you are arn:aws:iam::${ACCOUNT}:user/dev`,
		);
	});
});

describe('ecr.repository', () => {
	it('fails when the repository is missing here and names the region where it exists', async () => {
		const report = await doctor(
			{
				aws: {
					describeRepository: async () => null,
					findRepository: async (name: string) => ({
						found: [repositoryInfo(name, 'us-east-1')],
						failed: [],
						timedOut: [],
					}),
				},
			},
			{registry: HOST, repository: 'my-app', image: 'my-app:1.0'},
		);
		const repository = check(report, 'ecr.repository');
		expect(repository.status).toBe('fail');
		expect(repository.detail).toBe(
			`"my-app" does not exist in eu-west-1 (account ${ACCOUNT}); it exists in us-east-1 (${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/my-app). docker push answers "name unknown".`,
		);
		expect(repository.fix?.command).toBe(`docker tag my-app:1.0 ${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/my-app:1.0`);
		expect(check(report, 'ecr.repository-policy').status).toBe('skip');
		expect(check(report, 'ecr.tag-immutable').status).toBe('skip');
	});

	it('offers create-repository when it exists nowhere', async () => {
		const report = await doctor({aws: {describeRepository: async () => null}});
		const repository = check(report, 'ecr.repository');
		expect(repository.status).toBe('fail');
		expect(repository.detail).toContain('nor in any other region of your account');
		expect(repository.fix?.command).toBe('aws ecr create-repository --repository-name my-app --region eu-west-1');
	});

	it('fails a full URI given as --repository, explaining to pass only the name', async () => {
		const report = await doctor({}, {registry: HOST, repository: `${HOST}/my-app`});
		const repository = check(report, 'ecr.repository');
		expect(repository.status).toBe('fail');
		expect(repository.detail).toContain('is a full URI; ECR wants only the repository name ("my-app")');
		expect(repository.fix).toMatchObject({
			description: 'Pass only the repository name: --repository my-app.',
			command: `ecr-setup doctor --registry ${HOST} --repository my-app`,
		});
	});

	it('warns when DescribeRepositories is denied (pushing may still work)', async () => {
		const report = await doctor({
			aws: {
				describeRepository: async () =>
					Promise.reject(
						awsError(
							'AccessDeniedException',
							`User: arn:aws:iam::${ACCOUNT}:user/dev is not authorized to perform: ecr:DescribeRepositories`,
						),
					),
			},
		});
		expect(check(report, 'ecr.repository')).toMatchObject({status: 'warn'});
		expect(check(report, 'ecr.repository-policy').status).toBe('skip');
	});
});

describe('ecr.repository-policy', () => {
	const denyPush = {Sid: 'NoPush', Effect: 'Deny', Principal: '*', Action: ['ecr:PutImage', 'ecr:InitiateLayerUpload']};

	it('fails on a Deny of push actions that applies to the caller, showing the statement', async () => {
		const policy = JSON.stringify({
			Version: '2012-10-17',
			Statement: [{Sid: 'ReadAll', Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage'}, denyPush],
		});
		const report = await doctor({aws: {getRepositoryPolicy: async () => policy}});
		const result = check(report, 'ecr.repository-policy');
		expect(result.status).toBe('fail');
		expect(result.detail).toBe(
			`The repository policy denies you ecr:InitiateLayerUpload, ecr:PutImage: ${JSON.stringify(denyPush)}`,
		);
		expect(result.fix?.description).toContain('("NoPush")');
		expect(result.fix?.command).toBe('aws ecr get-repository-policy --repository-name my-app --region eu-west-1');
	});

	it('ignores a Deny that names someone else', async () => {
		const policy = JSON.stringify({
			Statement: [{...denyPush, Principal: {AWS: `arn:aws:iam::${ACCOUNT}:user/intern`}}],
		});
		const report = await doctor({aws: {getRepositoryPolicy: async () => policy}});
		expect(check(report, 'ecr.repository-policy')).toMatchObject({status: 'pass'});
	});

	it('fails cross-account when there is no policy, and when the policy lacks the push actions', async () => {
		const host = `${OTHER_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
		const input = {registry: host, repository: 'shared'};
		const none = await doctor({config: {credHelpers: {[host]: 'ecr-login'}}}, input);
		expect(check(none, 'ecr.repository-policy')).toMatchObject({status: 'fail'});
		expect(check(none, 'ecr.repository-policy').detail).toContain(
			`"shared" in account ${OTHER_ACCOUNT} has no repository policy`,
		);
		await machine!.cleanup();
		const pullOnly = JSON.stringify({
			Statement: [
				{
					Effect: 'Allow',
					Principal: {AWS: `arn:aws:iam::${ACCOUNT}:root`},
					Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
				},
			],
		});
		const partial = await doctor(
			{config: {credHelpers: {[host]: 'ecr-login'}}, aws: {getRepositoryPolicy: async () => pullOnly}},
			input,
		);
		const result = check(partial, 'ecr.repository-policy');
		expect(result.status).toBe('fail');
		expect(result.detail).toContain(
			'does not allow you ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage',
		);
		// The owner of the other account adds the statement: the doctor's own fix, run there, merges it in.
		expect(result.fix?.command).toBe(
			`ecr-setup doctor --registry ${host} --repository shared --allow-account ${ACCOUNT} --fix`,
		);
		expect(result.fix?.description).toContain(`The owner of account ${OTHER_ACCOUNT} must add this statement`);
		expect(result.fix?.description).toContain(`"Principal":{"AWS":"arn:aws:iam::${ACCOUNT}:root"}`);
		await machine!.cleanup();
		const full = JSON.stringify({Statement: [{Effect: 'Allow', Principal: {AWS: ACCOUNT}, Action: 'ecr:*'}]});
		const allowed = await doctor(
			{config: {credHelpers: {[host]: 'ecr-login'}}, aws: {getRepositoryPolicy: async () => full}},
			input,
		);
		expect(check(allowed, 'ecr.repository-policy')).toMatchObject({
			status: 'pass',
			detail: 'the repository policy allows you every push action',
		});
	});
});

describe('ecr.tag-immutable', () => {
	it('fails when the tag exists in an immutable repository', async () => {
		const report = await doctor(
			{
				aws: {
					describeRepository: async (region: string, name: string) =>
						repositoryInfo(name, region, {imageTagMutability: 'IMMUTABLE'}),
					describeImageTag: async () => ({
						digest: 'sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
						tags: ['1.0'],
						pushedAt: new Date(NOW.getTime() - 86_400_000),
					}),
				},
			},
			{registry: HOST, image: `${HOST}/my-app:1.0`},
		);
		const tag = check(report, 'ecr.tag-immutable');
		expect(tag.status).toBe('fail');
		expect(tag.detail).toContain('The tag 1.0 already exists in "my-app"');
		expect(tag.detail).toContain('the repository is IMMUTABLE: docker push fails with "tag invalid: … already exists"');
	});

	it('passes an existing tag in a mutable repository', async () => {
		const report = await doctor(
			{
				aws: {
					describeImageTag: async () => ({
						digest: 'sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
						tags: ['1.0'],
					}),
				},
			},
			{registry: HOST, image: `${HOST}/my-app:1.0`},
		);
		expect(check(report, 'ecr.tag-immutable')).toMatchObject({status: 'pass'});
	});

	it.each([
		['IMMUTABLE_WITH_EXCLUSION', 'immutable except for tags matching its exclusion filters: the push fails unless 1.0'],
		['MUTABLE_WITH_EXCLUSION', 'mutable except for tags matching its exclusion filters: the push fails if 1.0'],
	] as const)('warns on an existing tag in a %s repository', async (mutability, expected) => {
		const report = await doctor(
			{
				aws: {
					describeRepository: async (region: string, name: string) =>
						repositoryInfo(name, region, {imageTagMutability: mutability}),
					describeImageTag: async () => ({
						digest: 'sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc',
						tags: ['1.0'],
					}),
				},
			},
			{registry: HOST, image: `${HOST}/my-app:1.0`},
		);
		const tag = check(report, 'ecr.tag-immutable');
		expect(tag.status).toBe('warn');
		expect(tag.detail).toMatch(/^The tag 1\.0 already exists in "my-app" \(sha256:cccccccccccc…\); the repository is /);
		expect(tag.detail).toContain(`the repository is ${expected} matches one.`);
	});
});

describe('image.local and image.tagged', () => {
	it('fails when the image does not exist locally', async () => {
		const report = await doctor({docker: {inspectImage: async () => null}}, {registry: HOST, image: 'my-app:1.0'});
		expect(check(report, 'image.local')).toMatchObject({
			status: 'fail',
			detail: 'An image does not exist locally with the tag: my-app:1.0',
		});
		expect(check(report, 'image.tagged').status).toBe('skip');
	});

	it('fails when the image is not tagged with the full ECR URI (a push would go to Docker Hub), with the docker tag command', async () => {
		const report = await doctor({}, {registry: HOST, image: 'my-app:1.0'});
		const tagged = check(report, 'image.tagged');
		expect(tagged.status).toBe('fail');
		expect(tagged.detail).toContain(
			`my-app:1.0 is not tagged with ${HOST}/my-app:1.0: \`docker push my-app:1.0\` would go to Docker Hub (docker.io)`,
		);
		expect(tagged.fix).toMatchObject({
			command: `docker tag my-app:1.0 ${HOST}/my-app:1.0`,
			action: {type: 'tag', source: 'my-app:1.0', target: `${HOST}/my-app:1.0`},
		});
	});

	it('passes when the local image also carries the ECR URI', async () => {
		const report = await doctor(
			{
				docker: {
					inspectImage: async () => ({
						id: 'sha256:1234',
						repoTags: ['my-app:1.0', `${HOST}/my-app:1.0`],
						repoDigests: [],
					}),
				},
			},
			{registry: HOST, image: 'my-app:1.0'},
		);
		expect(check(report, 'image.tagged')).toMatchObject({status: 'pass'});
	});
});

describe('network.endpoint', () => {
	it('fails with the DNS answer and the proxy in force when AWS cannot be reached', async () => {
		const apiHost = 'api.ecr.eu-west-1.amazonaws.com';
		const report = await doctor(
			{
				env: {HTTPS_PROXY: 'http://user:secret@proxy.corp:3128', NO_PROXY: 'localhost'},
				aws: {
					getCallerIdentity: async () => Promise.reject(networkError('ENOTFOUND', 'sts.eu-west-1.amazonaws.com')),
					getServerClock: async () => Promise.reject(networkError('ENOTFOUND', apiHost)),
				},
			},
			{registry: HOST, repository: 'my-app'},
			{
				lookup: async (host) =>
					Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {code: 'ENOTFOUND'})),
			},
		);
		const network = check(report, 'network.endpoint');
		expect(network.status).toBe('fail');
		expect(network.detail).toContain('sts:GetCallerIdentity failed: getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com');
		expect(network.detail).toContain(`${apiHost} does not resolve`);
		expect(network.detail).toContain('via proxy http://****@proxy.corp:3128 (HTTPS_PROXY)');
		expect(network.detail).not.toContain('secret');
		expect(check(report, 'aws.identity').detail).toContain('see network.endpoint');
	});

	it('reports a call that runs out of time as a timeout, without failing the run', async () => {
		const report = await doctor(
			{aws: {getCallerIdentity: async () => new Promise(() => undefined)}},
			{registry: HOST, repository: 'my-app'},
			{callTimeoutMs: 50, lookup: async () => ['52.0.0.1']},
		);
		expect(check(report, 'aws.identity')).toMatchObject({status: 'fail'});
		expect(check(report, 'aws.identity').detail).toContain('sts:GetCallerIdentity timed out after 50 ms');
		expect(check(report, 'aws.credentials').status).toBe('skip');
		const network = check(report, 'network.endpoint');
		expect(network.status).toBe('fail');
		expect(network.detail).toContain('sts:GetCallerIdentity timed out after 50 ms');
		expect(network.detail).toContain('api.ecr.eu-west-1.amazonaws.com resolves to 52.0.0.1');
	});
});

describe('the overall time limit', () => {
	it('reports calls it had no time left to start, and still produces the whole report', async () => {
		const report = await doctor({}, {registry: HOST, repository: 'my-app'}, {timeoutMs: 0});
		expect(report.checks).toHaveLength(22);
		expect(check(report, 'aws.identity').detail).toBe(
			'sts:GetCallerIdentity was not started: the time limit of the whole run was used up.',
		);
		expect(check(report, 'docker.cli').status).toBe('fail');
	});
});

describe('target resolution', () => {
	it('takes the registry from an ECR --image', async () => {
		const image = `${OTHER_ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/team/api:2.1`;
		const report = await doctor({}, {image});
		expect(report.target).toEqual({
			registry: `${OTHER_ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com`,
			region: 'us-west-2',
			account: OTHER_ACCOUNT,
			repository: 'team/api',
			image,
		});
	});

	it("falls back to the caller's account and the region in force", async () => {
		const report = await doctor({}, {});
		expect(report.target).toEqual({
			registry: HOST,
			region: 'eu-west-1',
			account: ACCOUNT,
			repository: null,
			image: null,
		});
		expect(check(report, 'ecr.repository').status).toBe('skip');
	});

	it('rejects a --registry that is not an ECR host, and a malformed --image, as usage errors', async () => {
		machine = await makeMachine(base);
		await expect(runDoctor(machine.services, {registry: 'ghcr.io'})).rejects.toBeInstanceOf(UsageError);
		await expect(runDoctor(machine.services, {image: 'My-App:1.0'})).rejects.toThrow('must be lower case');
	});
});
