/**
 * Every side effect of ecr-setup goes through one of these services. Commands, wizard steps and doctor checks receive a
 * `Services` object; tests hand them fakes.
 */
import type {AwsService} from '../aws/types.js';
import type {CredentialHelperService} from '../credential-helper/types.js';
import type {WrapperService} from '../credential-helper/wrapper-service.js';
import type {DockerService} from '../docker/types.js';
import type {DockerConfigService} from '../docker-config/types.js';
import type {EngineConfigService} from '../engines/service.js';
import type {ProcessRunner} from '../process/types.js';
import type {SignInService} from '../aws/sign-in-types.js';

export type Services = {
	aws: AwsService;
	docker: DockerService;
	dockerConfig: DockerConfigService;
	/** podman's and Finch's credential files (`configure-helper --engine podman|finch`). */
	engineConfig: EngineConfigService;
	helper: CredentialHelperService;
	/** The profile wrappers (`docker-credential-ecr-login-<profile>`) that bind a registry to an AWS profile. */
	wrappers: WrapperService;
	/** IAM Identity Center sign-in, access keys checked with STS, and the AWS config and credentials files (`sign-in`). */
	signIn: SignInService;
	runner: ProcessRunner;
	env: Record<string, string | undefined>;
	/** Injected so tests can move time. */
	now: () => Date;
};
