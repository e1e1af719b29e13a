/** The IAM Identity Center portal (REST JSON, the access token in `x-amz-sso_bearer_token`): accounts, roles, role keys. */
import type {Operations} from './types.js';

export const SSO: Operations = {
	ListAccounts: (input, {model}) => model.identityCenter.listAccounts(input),
	ListAccountRoles: (input, {model}) => model.identityCenter.listAccountRoles(input),
	GetRoleCredentials: (input, {model}) => model.identityCenter.getRoleCredentials(input),
	Logout: (input, {model}) => {
		if (typeof input.accessToken === 'string') model.identityCenter.accessTokens.delete(input.accessToken);
		return {};
	},
};
