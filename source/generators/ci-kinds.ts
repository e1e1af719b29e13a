/**
 * The CI systems `ecr-setup ci` writes for, and how each gets AWS credentials. Kept apart from the generator (and its
 * YAML library) so that the wizard can list them without loading either before its first frame.
 */
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
