/** The doctor's report: stable check ids, each with a status, a one-line reason and, when something is wrong, a fix. */
import type {ConfigChange} from '../docker-config/types.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export const CHECK_IDS = [
	'docker.cli',
	'docker.daemon',
	'docker.config',
	'docker.auth-config-env',
	'docker.store',
	'docker.helper-key',
	'docker.helper-works',
	'docker.stored-token',
	'docker.login-conflict',
	'docker.sudo',
	'aws.credentials',
	'aws.identity',
	'aws.clock',
	'aws.region',
	'ecr.auth-token',
	'ecr.cross-account',
	'ecr.repository',
	'ecr.repository-policy',
	'ecr.tag-immutable',
	'image.local',
	'image.tagged',
	'network.endpoint',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

/** Something `doctor --fix` may do on its own (with consent): nothing here deletes images or repositories. */
export type FixAction =
	| {
			type: 'config';
			changes: ConfigChange[] /** Needs its own yes (e.g. dropping a credsStore other registries use). */;
			consent?: string;
	  }
	| {type: 'install-helper'}
	| {type: 'login'; registry: string}
	| {type: 'tag'; source: string; target: string}
	| {
			/** SetRepositoryPolicy with `after`, when the policy still reads `before` (null: it had none). */
			type: 'repository-policy';
			region: string;
			repository: string;
			registryId: string;
			before: string | null;
			after: string;
	  };

export type CheckFix = {
	/** One sentence: what to do. */
	description: string;
	/** The exact command, when one exists. */
	command?: string;
	/** What `--fix` can do about it. */
	action?: FixAction;
};

export type CheckResult = {
	id: CheckId;
	status: CheckStatus;
	title: string;
	/** One line: why this status. */
	detail: string;
	fix: CheckFix | null;
};

export type DoctorTarget = {
	registry: string | null;
	region: string | null;
	account: string | null;
	repository: string | null;
	image: string | null;
};

export type DoctorSummary = Record<CheckStatus, number>;

export type DoctorReport = {
	target: DoctorTarget;
	checks: CheckResult[];
	summary: DoctorSummary;
};

/** The `--json` document: exactly these keys. */
export type DoctorJson = {
	target: DoctorTarget;
	checks: Array<{
		id: CheckId;
		status: CheckStatus;
		title: string;
		detail: string;
		fix: {description: string; command: string | null} | null;
	}>;
	summary: DoctorSummary;
};

/** What the caller asks about; everything optional. */
export type DoctorTargetInput = {
	/** --registry as typed (scheme, path or port are explained, then stripped). */
	registry?: string | undefined;
	/** --repository (a name; a full URI is reported as a failure of ecr.repository). */
	repository?: string | undefined;
	/** --image: a local image or a full ECR reference. */
	image?: string | undefined;
	/** --region as given on the command line (the AWS service already honours it). */
	region?: string | undefined;
	/**
	 * --allow-account / --allow-role: whose pushes the repository policy must allow, when not the caller's (the owner
	 * checks, and with --fix grants, another account's pushes).
	 */
	allow?: {account?: string | undefined; roleArn?: string | undefined} | undefined;
};

export type DoctorOptions = {
	/** Bound on the whole run (default 15 s). */
	timeoutMs?: number;
	/** Bound on each network call (default 8 s, never past the overall bound). */
	callTimeoutMs?: number;
	signal?: AbortSignal;
	/** DNS lookup (default node:dns); tests replace it. Resolves to addresses, rejects with an errno-style error. */
	lookup?: (host: string) => Promise<string[]>;
	/** The platform fix commands are written for (default process.platform). */
	platform?: string;
};
