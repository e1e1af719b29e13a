/**
 * STS (query protocol and JSON 1.0). `sts:GetCallerIdentity` needs no permission, so it is never denied. Keys the
 * portal handed out for a role answer as that role's session in its account; any other key is the model's identity.
 */
import type {Operations} from './types.js';

export const STS: Operations = {
	GetCallerIdentity: (_input, {caller}) => ({
		Arn: caller.arn,
		UserId: caller.userId,
		Account: caller.account,
	}),
	GetServiceBearerToken: (_input, {model}) => {
		model.checkAllowed('sts:GetServiceBearerToken', '*');
		return {};
	},
};
