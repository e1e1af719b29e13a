/**
 * Which docker-credential-ecr-login releases read `[sso-session]` profiles. 0.6.x panics on them ("is configured to use
 * SSO but is missing required configuration: sso_region, sso_start_url"): its AWS SDK for Go config module predates
 * sso-session support (added in config 1.18.0). 0.7.0 is the first release built on one that has it (config 1.18.22).
 * Older helpers read only the legacy form: start URL and region in each profile, the token under the start URL's hash.
 */
export const FIRST_SSO_SESSION_RELEASE = [0, 7, 0] as const;

/** true or false for a version the helper printed (`0.6.4`, `0.9.1-dev`, `Version: 0.12.0`); undefined when unknown. */
export function readsSsoSessions(version: string | undefined): boolean | undefined {
	const match = version ? /(\d+)\.(\d+)(?:\.(\d+))?/.exec(version) : null;
	if (!match) return undefined;
	const found = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
	for (let index = 0; index < 3; index++) {
		if (found[index]! !== FIRST_SSO_SESSION_RELEASE[index]) return found[index]! > FIRST_SSO_SESSION_RELEASE[index]!;
	}

	return true;
}
