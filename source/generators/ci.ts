/**
 * CI pipelines that build an image and push it to the user's ECR repository, one per CI system. Pure: the user's
 * values in, a file path, its text and what to configure out.
 *
 * Two rules hold for every pipeline:
 * - The ECR password only ever travels through a pipe into `docker login --password-stdin`; never argv, never echoed.
 * - User values are written once, as variables (YAML built with the `yaml` document API, Groovy and shell strings
 *   escaped); the scripts only reference those variables, so no value is ever spliced into shell code unquoted.
 */
import {UsageError} from '../errors/user-errors.js';
import {bitbucket} from './ci-bitbucket.js';
import {circleci} from './ci-circleci.js';
import {github} from './ci-github.js';
import {gitlab} from './ci-gitlab.js';
import {resolveInput, type PipelineInput, type ResolvedInput} from './ci-input.js';
import {jenkins} from './ci-jenkins.js';
import {CI_KINDS, isCiKind, type CiKind} from './ci-kinds.js';
import type {GeneratedPipeline} from './ci-parts.js';

export {githubRepositoryOfRemote} from './ci-github.js';
export type {PipelineInput} from './ci-input.js';
export type {BuildOptions} from './ci-buildx.js';
export {groovyString} from './ci-jenkins.js';
export {CI_KINDS, OIDC_CAPABLE, defaultAuth, isCiKind, type CiAuth, type CiKind} from './ci-kinds.js';
export type {GeneratedPipeline} from './ci-parts.js';

const GENERATORS: Record<CiKind, (input: ResolvedInput) => GeneratedPipeline> = {
	github,
	gitlab,
	jenkins,
	circleci,
	bitbucket,
};

export function generatePipeline(kind: CiKind, input: PipelineInput): GeneratedPipeline {
	if (!isCiKind(kind)) {
		throw new UsageError(`"${String(kind)}" is not a CI system ecr-setup knows: use one of ${CI_KINDS.join(', ')}.`, {
			code: 'usage.ci-kind',
		});
	}

	return GENERATORS[kind](resolveInput(kind, input));
}
