/** Errors from the services, as the doctor keeps them: the classified kind, the AWS or Node error code, the message. */
import {classifyAwsError} from '../aws/errors.js';
import type {AwsErrorKind} from '../aws/types.js';

export type FactError = {
	kind: AwsErrorKind;
	/** The SDK's error name (e.g. AccessDeniedException) when there is one. */
	name: string | undefined;
	message: string;
};

export function classifyError(error: unknown): FactError {
	const classified = classifyAwsError(error);
	return {kind: classified.kind, name: classified.code, message: classified.message};
}
