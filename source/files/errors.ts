/** Node's file-system errors: the code that says what went wrong, and the ones ecr-setup raises itself in the same form. */

/** `ENOENT`, `EACCES`, … of a failed call; undefined for anything that carries no code. */
export function errorCode(error: unknown): string | undefined {
	return typeof error === 'object' && error !== null && 'code' in error
		? String((error as {code: unknown}).code)
		: undefined;
}

/** An error shaped like the one Node would throw, so one explainer handles both. */
export function fileSystemFailure(code: string, message: string): Error & {code: string} {
	return Object.assign(new Error(message), {code});
}
