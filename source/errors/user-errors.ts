/**
 * Expected failures are typed errors with a hint and next steps; they are rendered without a stack.
 * Anything else reaching the top is a bug and is shown with its stack.
 */

export type UserErrorOptions = {
	/** One sentence saying what to do about it. */
	hint?: string;
	/** Concrete follow-ups, most useful first (commands may be included verbatim). */
	nextSteps?: string[];
	/** A stable machine-readable code, e.g. `config.parse`, `aws.no-credentials`. */
	code?: string;
	cause?: unknown;
};

export class UserError extends Error {
	readonly hint: string | undefined;
	readonly nextSteps: string[];
	readonly code: string;
	readonly exitCode: number = 1;

	constructor(message: string, options: UserErrorOptions = {}) {
		super(message, options.cause === undefined ? undefined : {cause: options.cause});
		this.name = 'UserError';
		this.hint = options.hint;
		this.nextSteps = options.nextSteps ?? [];
		this.code = options.code ?? 'error';
	}
}

/** Bad flags or a missing answer that cannot be prompted for. Exit code 2. */
export class UsageError extends UserError {
	override readonly exitCode = 2;

	constructor(message: string, options: UserErrorOptions = {}) {
		super(message, {code: 'usage', ...options});
		this.name = 'UsageError';
	}
}

/** The user pressed Ctrl-C, said no, or a signal arrived. Exit code 130 (SIGINT) or 143 (SIGTERM). */
export class CancelledError extends UserError {
	override readonly exitCode: number;

	constructor(message = 'Cancelled.', signal: 'SIGINT' | 'SIGTERM' = 'SIGINT') {
		super(message, {code: 'cancelled'});
		this.name = 'CancelledError';
		this.exitCode = signal === 'SIGTERM' ? 143 : 130;
	}
}

export function isUserError(error: unknown): error is UserError {
	return error instanceof UserError;
}

export function errorMessage(error: unknown): string {
	if (error instanceof Error) return error.message;
	return String(error);
}

/** JSON shape of an error for `--json` output. */
export function errorToJson(error: unknown): {
	error: {code: string; message: string; hint?: string; nextSteps?: string[]};
} {
	if (isUserError(error)) {
		return {
			error: {
				code: error.code,
				message: error.message,
				...(error.hint ? {hint: error.hint} : {}),
				...(error.nextSteps.length > 0 ? {nextSteps: error.nextSteps} : {}),
			},
		};
	}

	return {error: {code: 'internal', message: errorMessage(error)}};
}

/** What happened, why (`detail`), what to do about it (`hint`), and the concrete next steps. */
export type Explanation = {title: string; detail: string; hint?: string; nextSteps: string[]};
