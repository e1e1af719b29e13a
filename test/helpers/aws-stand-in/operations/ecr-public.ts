/** ECR Public (JSON 1.1, `SpencerFrontendService`): its token comes from us-east-1 only, and needs an STS bearer token. */
import {AwsError} from '../protocol.js';
import {encodeToken, randomPassword, TOKEN_LIFETIME_S} from '../tokens.js';
import type {Operations} from './types.js';

export const ECR_PUBLIC: Operations = {
	GetAuthorizationToken: (_input, {model, region}) => {
		if (region !== 'us-east-1') {
			throw new AwsError('InvalidParameterException', 'GetAuthorizationToken command is only supported in us-east-1.');
		}
		model.checkAllowed('ecr-public:GetAuthorizationToken', '*');
		model.checkAllowed('sts:GetServiceBearerToken', '*');
		const expiresAt = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S;
		return {authorizationData: {authorizationToken: encodeToken(randomPassword(expiresAt)), expiresAt}};
	},
};
