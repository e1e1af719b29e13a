/**
 * Fake services for command, doctor and wizard tests. Every method throws "not faked: …" unless the test gives it,
 * so a test states exactly which side effects it expects.
 */
import type {AwsService} from '../../source/aws/types.js';
import type {CredentialHelperService} from '../../source/credential-helper/types.js';
import type {WrapperService} from '../../source/credential-helper/wrapper-service.js';
import type {DockerConfigService} from '../../source/docker-config/types.js';
import type {DockerService} from '../../source/docker/types.js';
import type {ProcessRunner} from '../../source/process/types.js';
import type {SignInService} from '../../source/aws/sign-in-types.js';
import type {Services} from '../../source/services/types.js';
import type {EngineConfigService} from '../../source/engines/service.js';
import type {CommandIo, ConfirmOptions} from '../../source/commands/types.js';
import {UsageError} from '../../source/errors/user-errors.js';

function strict<T extends object>(name: string, given: Partial<T>): T {
	return new Proxy(given as T, {
		get(target, property, receiver) {
			if (property in target) return Reflect.get(target, property, receiver);
			if (typeof property === 'symbol' || property === 'then') return undefined;
			return () => {
				throw new Error(`not faked: ${name}.${property}`);
			};
		},
	});
}

export type FakeServiceParts = {
	aws?: Partial<AwsService>;
	docker?: Partial<DockerService>;
	dockerConfig?: Partial<DockerConfigService>;
	engineConfig?: Partial<EngineConfigService>;
	helper?: Partial<CredentialHelperService>;
	wrappers?: Partial<WrapperService>;
	signIn?: Partial<SignInService>;
	runner?: Partial<ProcessRunner>;
	env?: Record<string, string | undefined>;
	now?: () => Date;
};

export function createFakeServices(parts: FakeServiceParts = {}): Services {
	return {
		aws: strict<AwsService>('aws', {profile: undefined, ...parts.aws}),
		// withEnv is optional (absent: docker runs with the shell's environment); a test that binds a profile fakes it.
		docker: strict<DockerService>('docker', {withEnv: undefined, ...parts.docker}),
		dockerConfig: strict<DockerConfigService>('dockerConfig', parts.dockerConfig ?? {}),
		engineConfig: strict<EngineConfigService>('engineConfig', parts.engineConfig ?? {}),
		helper: strict<CredentialHelperService>('helper', {withEnv: undefined, ...parts.helper}),
		wrappers: strict<WrapperService>('wrappers', parts.wrappers ?? {}),
		signIn: strict<SignInService>('signIn', parts.signIn ?? {}),
		// warm() only starts loading in the background: a no-op unless a test records it.
		runner: strict<ProcessRunner>('runner', {warm: () => undefined, ...parts.runner}),
		env: parts.env ?? {},
		now: parts.now ?? (() => new Date('2026-11-27T12:00:00Z')),
	};
}

export type RecordingIo = CommandIo & {stdout: string[]; stderr: string[]; questions: string[]};

/**
 * Captures output; answers confirmations from a queue, typed lines (shown or hidden) from another, stdin from a string
 * (or as a non-interactive run would).
 */
export function createRecordingIo(
	options: {
		interactive?: boolean;
		answers?: boolean[];
		lines?: string[];
		stdin?: string;
		yes?: boolean;
		json?: boolean;
	} = {},
): RecordingIo {
	const stdout: string[] = [];
	const stderr: string[] = [];
	const questions: string[] = [];
	const answers = [...(options.answers ?? [])];
	const lines = [...(options.lines ?? [])];
	async function line(question: string, flag: string | undefined): Promise<string> {
		questions.push(question);
		if (!(options.interactive ?? false)) {
			throw new UsageError(`An answer is needed: ${question}`, {hint: flag ? `Pass ${flag} instead.` : ''});
		}

		const answer = lines.shift();
		if (answer === undefined) throw new Error(`unexpected question: ${question}`);
		return answer;
	}

	return {
		stdout,
		stderr,
		questions,
		interactive: options.interactive ?? false,
		color: false,
		out(text) {
			if (!options.json) stdout.push(text);
		},
		err(text) {
			stderr.push(text);
		},
		async confirm(question: string, confirmOptions: ConfirmOptions = {}) {
			questions.push(question);
			if (options.yes) return true;
			if (!(options.interactive ?? false)) {
				throw new UsageError(`${question} needs an answer, and there is no terminal to ask in.`, {
					hint: `Pass ${confirmOptions.flag ?? '--yes'} to answer yes.`,
				});
			}

			const answer = answers.shift();
			if (answer === undefined) throw new Error(`unexpected question: ${question}`);
			return answer;
		},
		ask: async (question, askOptions = {}) => line(question, askOptions.flag),
		askSecret: async (question, askOptions = {}) => line(question, askOptions.flag),
		async readStdin() {
			if (options.stdin === undefined) throw new Error('unexpected read of stdin');
			return options.stdin;
		},
	};
}
