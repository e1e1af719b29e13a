/**
 * Cross-account pushes: the repository policy of the owning account must allow the pusher. As the pusher, the doctor
 * shows the statement the owner must add and who that is; as the owner (--allow-account / --allow-role), `doctor --fix`
 * merges it into the policy there after a diff and a yes.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {doctorCommand} from '../../source/commands/doctor.js';
import type {CommandContext, GlobalOptions, ParsedFlags} from '../../source/commands/types.js';
import type {AwsService, CallerIdentity} from '../../source/aws/types.js';
import {planFixes} from '../../source/doctor/fixes.js';
import {runDoctor} from '../../source/doctor/run-doctor.js';
import type {CheckId, CheckResult, DoctorReport, DoctorTargetInput} from '../../source/doctor/types.js';
import {UsageError} from '../../source/errors/user-errors.js';
import {
	ACCOUNT,
	OTHER_ACCOUNT,
	WORKING_ECR_LOGIN,
	awsError,
	makeMachine,
	repositoryInfo,
	type Machine,
} from '../helpers/doctor-machine.js';
import {createRecordingIo, type RecordingIo} from '../helpers/fake-services.js';

/** The owner's registry; the pusher is ACCOUNT, the owner OTHER_ACCOUNT. */
const OWNER_HOST = `${OTHER_ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;
const PUSH_ACTIONS = [
	'ecr:BatchCheckLayerAvailability',
	'ecr:InitiateLayerUpload',
	'ecr:UploadLayerPart',
	'ecr:CompleteLayerUpload',
	'ecr:PutImage',
	'ecr:BatchGetImage',
];
const PUSHER_STATEMENT = {
	Sid: `AllowPushFrom${ACCOUNT}`,
	Effect: 'Allow',
	Principal: {AWS: `arn:aws:iam::${ACCOUNT}:root`},
	Action: PUSH_ACTIONS,
};
const AUDIT_STATEMENT = {
	Sid: 'ReadForAudit',
	Effect: 'Allow',
	Principal: {AWS: 'arn:aws:iam::999999999999:root'},
	Action: 'ecr:BatchGetImage',
};

let machine: Machine | undefined;
afterEach(async () => {
	await machine?.cleanup();
	machine = undefined;
});

function identity(account: string): CallerIdentity {
	return {account, arn: `arn:aws:iam::${account}:user/dev`, userId: 'AIDAEXAMPLE', kind: 'iam-user'};
}

/** An AWS account as the owner sees it: one repository whose policy is kept and can be set. */
function ownerAws(policy: {text: string | null}, calls: string[] = []): Partial<AwsService> {
	return {
		getCallerIdentity: async () => identity(OTHER_ACCOUNT),
		getAuthorizationToken: async (region: string) => ({
			username: 'AWS',
			password: 'owner-token-password',
			expiresAt: new Date('2026-11-28T00:00:00Z'),
			proxyEndpoint: `https://${OWNER_HOST}`,
			registry: OWNER_HOST,
			region,
		}),
		describeRepository: async (region: string, name: string) =>
			repositoryInfo(name, region, {registryId: OTHER_ACCOUNT}),
		getRepositoryPolicy: async () => {
			calls.push('get');
			return policy.text;
		},
		setRepositoryPolicy: async (_region, _repository, text) => {
			calls.push('set');
			policy.text = text;
		},
	};
}

async function report(aws: Partial<AwsService>, input: DoctorTargetInput): Promise<DoctorReport> {
	machine = await makeMachine({
		config: {credHelpers: {[OWNER_HOST]: 'ecr-login'}},
		binaries: {'docker-credential-ecr-login': WORKING_ECR_LOGIN},
		aws,
	});
	return runDoctor(machine.services, input, {platform: 'linux'});
}

function check(result: DoctorReport, id: CheckId): CheckResult {
	return result.checks.find((entry) => entry.id === id)!;
}

describe('as the pusher, to another account’s repository', () => {
	const input = {registry: OWNER_HOST, repository: 'shared/app'};

	it('no repository policy: fails, shows the statement the owner must add and who that is, and fixes nothing itself', async () => {
		const result = await report({getRepositoryPolicy: async () => null}, input);
		const policy = check(result, 'ecr.repository-policy');
		expect(policy.status).toBe('fail');
		expect(policy.detail).toContain(`"shared/app" in account ${OTHER_ACCOUNT} has no repository policy`);
		expect(policy.detail).toContain('no resource-based policy allows');
		expect(policy.fix?.description).toBe(
			`The owner of account ${OTHER_ACCOUNT} must add this statement to the repository policy of "shared/app" (running the command below as account ${OTHER_ACCOUNT} merges it with the statements there): ${JSON.stringify(PUSHER_STATEMENT)}`,
		);
		expect(policy.fix?.command).toBe(
			`ecr-setup doctor --registry ${OWNER_HOST} --repository shared/app --allow-account ${ACCOUNT} --fix`,
		);
		expect(policy.fix?.action).toBeUndefined();
		const plan = planFixes(result);
		expect(plan.repositoryPolicies).toEqual([]);
		expect(plan.manual).toContain('ecr.repository-policy');
	});

	it('a policy it may not read (as ECR answers another account): the repository check cannot tell, the policy check still shows the statement', async () => {
		const denied = (action: string) =>
			awsError(
				'AccessDeniedException',
				`User: arn:aws:iam::${ACCOUNT}:user/dev is not authorized to perform: ${action} on resource: arn:aws:ecr:eu-west-1:${OTHER_ACCOUNT}:repository/shared/app because no resource-based policy allows the ${action} action`,
			);
		const result = await report(
			{
				describeRepository: async () => Promise.reject(denied('ecr:DescribeRepositories')),
				getRepositoryPolicy: async () => Promise.reject(denied('ecr:GetRepositoryPolicy')),
			},
			input,
		);
		expect(check(result, 'ecr.repository').status).toBe('warn');
		expect(check(result, 'ecr.repository').fix?.description).toContain(`Account ${OTHER_ACCOUNT} owns it`);
		const policy = check(result, 'ecr.repository-policy');
		expect(policy.status).toBe('warn');
		expect(policy.detail).toContain(`Cannot read account ${OTHER_ACCOUNT}'s repository policy of "shared/app"`);
		expect(policy.detail).toContain('a cross-account push needs it to allow you ecr:BatchCheckLayerAvailability');
		expect(policy.fix?.description).toContain(JSON.stringify(PUSHER_STATEMENT));
		expect(policy.fix?.command).toContain(`--allow-account ${ACCOUNT} --fix`);
	});

	it('a policy that allows the pusher’s account passes', async () => {
		const text = JSON.stringify({Version: '2012-10-17', Statement: [PUSHER_STATEMENT]});
		const result = await report({getRepositoryPolicy: async () => text}, input);
		expect(check(result, 'ecr.repository-policy')).toMatchObject({
			status: 'pass',
			detail: 'the repository policy allows you every push action',
		});
	});
});

describe('as the owner, for another account (--allow-account, --allow-role)', () => {
	const input = {registry: OWNER_HOST, repository: 'shared/app', allow: {account: ACCOUNT}};

	it('fails when the policy does not allow that account, and plans the merged policy as a fix', async () => {
		const before = JSON.stringify({Version: '2012-10-17', Statement: [AUDIT_STATEMENT]});
		const result = await report(ownerAws({text: before}), input);
		expect(check(result, 'ecr.cross-account')).toMatchObject({
			status: 'pass',
			detail: `${OWNER_HOST} belongs to your account ${OTHER_ACCOUNT}; checking pushes from account ${ACCOUNT}`,
		});
		const policy = check(result, 'ecr.repository-policy');
		expect(policy.status).toBe('fail');
		expect(policy.detail).toContain(
			`repository policy does not allow account ${ACCOUNT} ecr:BatchCheckLayerAvailability`,
		);
		expect(policy.fix?.description).toContain('(every statement there is kept)');
		expect(policy.fix?.action).toEqual({
			type: 'repository-policy',
			region: 'eu-west-1',
			repository: 'shared/app',
			registryId: OTHER_ACCOUNT,
			before,
			after: JSON.stringify({Version: '2012-10-17', Statement: [AUDIT_STATEMENT, PUSHER_STATEMENT]}, null, 2),
		});
		expect(planFixes(result).repositoryPolicies).toHaveLength(1);
	});

	it('passes when the policy allows that account', async () => {
		const text = JSON.stringify({Statement: [{Effect: 'Allow', Principal: {AWS: ACCOUNT}, Action: 'ecr:*'}]});
		const result = await report(ownerAws({text}), input);
		expect(check(result, 'ecr.repository-policy')).toMatchObject({
			status: 'pass',
			detail: `the repository policy allows account ${ACCOUNT} every push action`,
		});
	});

	it('--allow-role: the role is the principal; a statement for the whole account allows it too', async () => {
		const role = `arn:aws:iam::${ACCOUNT}:role/ci/pusher`;
		const none = await report(ownerAws({text: null}), {...input, allow: {roleArn: role}});
		const action = check(none, 'ecr.repository-policy').fix?.action;
		expect(action?.type).toBe('repository-policy');
		expect(JSON.parse((action as {after: string}).after).Statement).toEqual([
			{Sid: `AllowPushFrom${ACCOUNT}Rolepusher`, Effect: 'Allow', Principal: {AWS: role}, Action: PUSH_ACTIONS},
		]);
		await machine!.cleanup();
		const accountWide = JSON.stringify({Statement: [PUSHER_STATEMENT]});
		const allowed = await report(ownerAws({text: accountWide}), {...input, allow: {roleArn: role}});
		expect(check(allowed, 'ecr.repository-policy').status).toBe('pass');
	});
});

describe('doctor --fix as the owner', () => {
	function globalOptions(overrides: Partial<GlobalOptions>): GlobalOptions {
		return {
			profile: undefined,
			region: undefined,
			config: undefined,
			json: false,
			yes: false,
			dryRun: false,
			color: false,
			verbose: false,
			...overrides,
		};
	}

	async function run(aws: Partial<AwsService>, flags: ParsedFlags, global: Partial<GlobalOptions>, io?: RecordingIo) {
		machine ??= await makeMachine({
			config: {credHelpers: {[OWNER_HOST]: 'ecr-login'}},
			binaries: {'docker-credential-ecr-login': WORKING_ECR_LOGIN},
			aws,
		});
		const options = globalOptions(global);
		const recording = io ?? createRecordingIo({yes: options.yes});
		const context: CommandContext = {
			services: machine.services,
			options,
			flags,
			positionals: [],
			io: recording,
			signal: new AbortController().signal,
		};
		const result = await doctorCommand.run(context);
		return {result, io: recording, stdout: recording.stdout.join('\n')};
	}

	const flags = {registry: OWNER_HOST, repository: 'shared/app', 'allow-account': ACCOUNT, fix: true};

	it('shows the whole new policy as a diff, asks, sets it keeping every statement, and checks again', async () => {
		const policy = {text: JSON.stringify({Version: '2012-10-17', Statement: [AUDIT_STATEMENT]}) as string | null};
		const calls: string[] = [];
		const io = createRecordingIo({interactive: true, answers: [true]});
		const {result, stdout} = await run(ownerAws(policy, calls), flags, {}, io);
		expect(io.questions).toEqual([
			`Set the repository policy of shared/app (eu-west-1, account ${OTHER_ACCOUNT}) to this?`,
		]);
		expect(stdout).toContain(`SetRepositoryPolicy replaces the repository policy of shared/app`);
		expect(stdout).toContain(`+      "Sid": "AllowPushFrom${ACCOUNT}",`);
		// The statement already there is context, kept: only the new one is added.
		expect(stdout).toContain('\n       "Action": "ecr:BatchGetImage"\n');
		expect(stdout).not.toMatch(/^-(?!--)/m);
		expect(stdout).toContain('[done] repository-policy: Set the repository policy of shared/app');
		expect(JSON.parse(policy.text!)).toEqual({Version: '2012-10-17', Statement: [AUDIT_STATEMENT, PUSHER_STATEMENT]});
		// Read once to diagnose, once again right before writing, once to check again.
		expect(calls).toEqual(['get', 'get', 'set', 'get']);
		expect(stdout).toMatch(/\[ok\] {3}ecr\.repository-policy {2,}the repository policy allows account 123456789012/);
		expect(result.exitCode).toBe(0);
	});

	it('--dry-run and a no change nothing; without a terminal it stops for --yes', async () => {
		const policy = {text: null as string | null};
		const calls: string[] = [];
		const dry = await run(ownerAws(policy, calls), flags, {dryRun: true});
		expect(dry.stdout).toContain('--- /dev/null');
		expect(dry.stdout).toContain('[dry run] repository-policy: Would set the repository policy of shared/app');
		await machine!.cleanup();
		machine = undefined;
		const declined = await run(
			ownerAws(policy, calls),
			flags,
			{},
			createRecordingIo({interactive: true, answers: [false]}),
		);
		expect(declined.stdout).toContain('[declined] repository-policy');
		await machine!.cleanup();
		machine = undefined;
		await expect(run(ownerAws(policy, calls), flags, {})).rejects.toMatchObject({
			hint: expect.stringContaining('--yes'),
		});
		expect(calls).not.toContain('set');
		expect(policy.text).toBeNull();
	});

	it('writes nothing when the policy changed after the doctor read it', async () => {
		const policy = {text: null as string | null};
		const aws = ownerAws(policy);
		let reads = 0;
		aws.getRepositoryPolicy = async () => {
			reads++;
			// Someone else set a policy between the diagnosis and the write.
			return reads === 1 ? null : JSON.stringify({Statement: [AUDIT_STATEMENT]});
		};
		const {stdout} = await run(aws, flags, {yes: true});
		expect(stdout).toContain('changed since the doctor read it; nothing was written');
		expect(policy.text).toBeNull();
	});

	it('refuses a malformed --allow-account or --allow-role, and either without a repository', async () => {
		await expect(run({}, {...flags, 'allow-account': '1234'}, {})).rejects.toThrow(/exactly 12 digits/);
		await expect(run({}, {...flags, 'allow-role': `arn:aws:iam::${OTHER_ACCOUNT}:role/x`}, {})).rejects.toBeInstanceOf(
			UsageError,
		);
		await expect(run({}, {registry: OWNER_HOST, 'allow-account': ACCOUNT}, {})).rejects.toThrow(/--repository NAME/);
	});
});
