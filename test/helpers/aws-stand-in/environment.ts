/** The environment that points a real AWS SDK client (ecr-setup's AwsService) at a stand-in. */

/** Fake but key-shaped credentials (the classic documented example id is allowed by the snapshot scan; this one is not in any file). */
export const TEST_KEYS = {
	AWS_ACCESS_KEY_ID: ['AKIA', 'Q3ZT7EXAMPLEX2LK'].join(''),
	AWS_SECRET_ACCESS_KEY: ['wJalrXUtnFEMI', 'K7MDENGbPxRfiCYsecretKEY99'].join('/'),
	AWS_SESSION_TOKEN: `FwoGZXIvYXdzE${'Ab9'.repeat(60)}sessionTOKENend`,
};

/** Fake keys, every AWS endpoint at `url`, and nothing read from the user's ~/.aws or the instance metadata service. */
export function awsEnv(
	url: string,
	extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
	return {
		PATH: process.env['PATH'],
		HOME: '/nonexistent-home-for-tests',
		AWS_CONFIG_FILE: '/nonexistent/aws-config',
		AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
		AWS_REGION: 'eu-west-1',
		AWS_EC2_METADATA_DISABLED: 'true',
		AWS_ENDPOINT_URL_ECR: url,
		AWS_ENDPOINT_URL_STS: url,
		AWS_ENDPOINT_URL_ECR_PUBLIC: url,
		AWS_ENDPOINT_URL_SSO_OIDC: url,
		AWS_ENDPOINT_URL_SSO: url,
		AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
		...TEST_KEYS,
		...extra,
	};
}
