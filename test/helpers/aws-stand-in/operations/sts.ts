/**
 * STS (query protocol and JSON 1.0). `sts:GetCallerIdentity` needs no permission, so it is never denied. Keys the
 * portal handed out for a role answer as that role's session in its account; any other key is the model's identity.
 */
import type {Operations} from './types.js';

export const STS: Operations = {
	GetCallerIdentity: (_input, {model, accessKeyId}) => {
		const role = accessKeyId ? model.identityCenter.roleKeys.get(accessKeyId) : undefined;
		if (role) {
			return {
				Arn: `arn:aws:sts::${role.accountId}:assumed-role/AWSReservedSSO_${role.roleName}_0123456789abcdef/dev@example.com`,
				UserId: 'AROAEXAMPLEROLEID1234:dev@example.com',
				Account: role.accountId,
			};
		}
		return {Arn: model.identity.arn, UserId: model.identity.userId, Account: model.identity.account};
	},
	GetServiceBearerToken: (_input, {model}) => {
		model.checkAllowed('sts:GetServiceBearerToken', '*');
		return {};
	},
};
