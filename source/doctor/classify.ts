/** Errors from the services, as the doctor keeps them: the classified kind, the AWS or Node error code, the message. */
import {classifyAwsError} from '../services/aws-errors.js';
import type {FactError} from './outcome.js';

export function classifyError(error: unknown): FactError {
	const classified = classifyAwsError(error);
	return {kind: classified.kind, name: classified.code, message: classified.message};
}
