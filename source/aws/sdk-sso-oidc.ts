/** What ecr-setup uses of the IAM Identity Center OIDC client, the device flow (see sdk-ecr.ts for why this list exists). */
export {
	CreateTokenCommand,
	RegisterClientCommand,
	SSOOIDCClient,
	StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
