/**
 * The failures that begin in the build (a pull rate limit, a layer too large, an archived base image…) are named by the
 * engine's output alone: no check of the machine shows them, so the doctor and the wizard put this cause first.
 */
import {isBuildFailureKind} from './build-errors.js';
import {explainPushFailure, type PushErrorKind, type PushFailure} from './push-errors.js';

export type OutputCause = {kind: PushErrorKind; title: string; detail: string; hint: string; command?: string};

/** The cause and its fix when the output names one of those failures; undefined for every other kind. */
export function outputCauseOf(failure: PushFailure): OutputCause | undefined {
	if (!isBuildFailureKind(failure.kind)) return undefined;
	const {message, hint, nextSteps} = explainPushFailure(failure);
	return {
		kind: failure.kind,
		title: message,
		detail: failure.message,
		hint,
		...(nextSteps[0] ? {command: nextSteps[0]} : {}),
	};
}
