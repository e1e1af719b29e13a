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

/**
 * What a push needs beyond the push actions when the repository does not exist yet and a create-on-push template makes
 * ECR create it: the pusher creates it, so ECR checks `ecr:CreateRepository` on the new repository's ARN.
 */
export const CREATE_ON_PUSH_ACTIONS = ['ecr:CreateRepository'] as const;

/** ...and `ecr:TagResource` as well when the template puts resource tags on what it creates. */
export const TAG_ACTIONS = ['ecr:TagResource'] as const;
