/**
 * The CI systems `ecr-setup ci` writes for, and how each gets AWS credentials. Kept apart from the generator (and its
 * YAML library) so that the wizard can list them without loading either before its first frame.
 */
import {UsageError} from '../errors/user-errors.js';

export const CI_KINDS = ['github', 'gitlab', 'jenkins', 'circleci', 'bitbucket'] as const;
export type CiKind = (typeof CI_KINDS)[number];
export type CiAuth = 'oidc' | 'keys';

/** Platforms whose jobs get a web identity token from the CI system itself. */
export const OIDC_CAPABLE: Record<CiKind, boolean> = {
	github: true,
	gitlab: true,
	jenkins: false,
	circleci: true,
	bitbucket: true,
};

export function defaultAuth(kind: CiKind): CiAuth {
	return OIDC_CAPABLE[kind] ? 'oidc' : 'keys';
}

export function isCiKind(value: string): value is CiKind {
	return (CI_KINDS as readonly string[]).includes(value);
}

/** A usage error unless value is one of the two ways a pipeline can get AWS credentials. */
export function assertCiAuth(value: unknown): asserts value is CiAuth {
	if (value !== 'oidc' && value !== 'keys') {
		throw new UsageError(`--auth must be "oidc" or "keys", not "${String(value)}".`, {code: 'usage.auth'});
	}
}
