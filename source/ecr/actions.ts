/** The IAM actions ECR checks for a push and a pull: one list, used by the policy generator, the doctor and push-error hints. */

/** `ecr:GetAuthorizationToken` has no resource-level permissions: it is granted on `*`. */
export const AUTH_ACTIONS = ['ecr:GetAuthorizationToken'] as const;

export const PUSH_ACTIONS = [
	'ecr:BatchCheckLayerAvailability',
	'ecr:InitiateLayerUpload',
	'ecr:UploadLayerPart',
	'ecr:CompleteLayerUpload',
	'ecr:PutImage',
	'ecr:BatchGetImage',
] as const;

export const PULL_ACTIONS = [
	'ecr:BatchGetImage',
	'ecr:GetDownloadUrlForLayer',
	'ecr:BatchCheckLayerAvailability',
] as const;
