/**
 * The wizard's "my push failed" path: run the doctor on the registry, repository and image a failed push named, and put
 * the checks that explain that kind of failure first.
 */
import {type OutputCause, outputCauseOf} from '../docker/output-cause.js';
import type {PushErrorKind, PushFailure} from '../docker/push-errors.js';
import type {Services} from '../services/types.js';
import {runDoctor} from './run-doctor.js';
import type {CheckId, CheckResult, DoctorOptions, DoctorReport, DoctorTargetInput} from './types.js';

/** Which checks can explain each kind of push failure, most likely first. */
export const CHECKS_FOR_PUSH_FAILURE: Record<PushErrorKind, CheckId[]> = {
	'no-basic-auth': [
		'docker.store',
		'docker.helper-key',
		'docker.helper-works',
		'docker.helper-version',
		'docker.auth-config-env',
		'docker.config',
		'docker.sudo',
		'aws.credentials',
		'ecr.auth-token',
	],
	'token-expired': ['docker.stored-token', 'docker.helper-cache', 'docker.auth-config-env', 'docker.store'],
	'denied-iam': ['ecr.auth-token', 'aws.identity', 'ecr.repository-policy'],
	'denied-policy': ['ecr.repository-policy', 'ecr.cross-account'],
	'repository-missing': ['ecr.repository', 'aws.region'],
	'tag-immutable': ['ecr.tag-immutable'],
	'not-ecr': ['image.tagged'],
	'image-missing': ['image.local', 'image.tagged'],
	network: ['network.endpoint', 'aws.clock'],
	'helper-missing': ['docker.store'],
	'helper-failed': [
		'docker.helper-works',
		'docker.helper-version',
		'aws.credentials',
		'aws.identity',
		'aws.clock',
		'network.endpoint',
	],
	daemon: ['docker.daemon', 'docker.sudo'],
	'rate-limited': ['network.endpoint'],
	'layer-too-large': ['image.local'],
	'too-many-layers': ['image.local'],
	'retry-eof': ['ecr.repository', 'ecr.auth-token', 'aws.identity', 'ecr.repository-policy', 'network.endpoint'],
	'image-archived': ['ecr.repository'],
	'public-token-stale': ['docker.stored-token', 'docker.store'],
	kms: ['ecr.repository', 'aws.identity'],
	'media-type': ['image.local'],
	unknown: [],
};

export type PushFailureDiagnosis = {
	report: DoctorReport;
	/** The checks that did not pass, those that explain this kind of failure first. */
	causes: CheckResult[];
	/** Present when the output itself says why: no check of the machine would find it. */
	fromOutput?: OutputCause;
};

/** The doctor's target for a failed push: the failure's registry and repository, the image that was pushed. */
export function targetOfPushFailure(failure: PushFailure, image?: string): DoctorTargetInput {
	// A rate limit names the registry the build pulled from, not the one it pushes to.
	if (failure.kind === 'rate-limited') return image ? {image} : {};
	const registry = failure.registry;
	const repository =
		failure.repository?.includes('/') && registry && failure.repository.startsWith(`${registry}/`)
			? failure.repository.slice(registry.length + 1)
			: failure.repository;
	return {
		...(registry ? {registry} : {}),
		...(repository ? {repository} : {}),
		...(image ? {image} : {}),
	};
}

export async function diagnosePushFailure(
	services: Services,
	failure: PushFailure,
	input: DoctorTargetInput = {},
	options: DoctorOptions = {},
): Promise<PushFailureDiagnosis> {
	const report = await runDoctor(services, {...targetOfPushFailure(failure), ...input}, options);
	const order = CHECKS_FOR_PUSH_FAILURE[failure.kind];
	const rank = (check: CheckResult) => {
		const index = order.indexOf(check.id);
		return index === -1 ? order.length : index;
	};

	const causes = report.checks
		.filter((check) => check.status === 'fail' || check.status === 'warn')
		.sort((a, b) => rank(a) - rank(b) || Number(b.status === 'fail') - Number(a.status === 'fail'));
	const fromOutput = outputCauseOf(failure);
	return {report, causes, ...(fromOutput ? {fromOutput} : {})};
}
