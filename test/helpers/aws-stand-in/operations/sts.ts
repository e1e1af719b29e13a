/** STS (query protocol and JSON 1.0). `sts:GetCallerIdentity` needs no permission, so it is never denied. */
import type {Operations} from './types.js';

export const STS: Operations = {
	GetCallerIdentity: (_input, {model}) => ({
		Arn: model.identity.arn,
		UserId: model.identity.userId,
		Account: model.identity.account,
	}),
	GetServiceBearerToken: (_input, {model}) => {
		model.checkAllowed('sts:GetServiceBearerToken', '*');
		return {};
	},
};
