/** IAM Identity Center OIDC (REST JSON, unsigned): client registration and the device flow, with OIDC's errors. */
import type {Operations} from './types.js';

export const SSO_OIDC: Operations = {
	RegisterClient: (input, {model}) => {
		const scopes = Array.isArray(input.scopes) ? input.scopes.map(String) : [];
		const client = model.identityCenter.registerClient(scopes);
		return {
			clientId: client.clientId,
			clientSecret: client.clientSecret,
			clientIdIssuedAt: Math.floor(Date.now() / 1000),
			clientSecretExpiresAt: client.expiresAt,
		};
	},
	StartDeviceAuthorization: (input, {model}) =>
		model.identityCenter.startDeviceAuthorization(input.clientId, input.clientSecret, input.startUrl),
	CreateToken: (input, {model}) => model.identityCenter.createToken(input),
};
