import {describe, expect, it} from 'vitest';
import {PUSH_ACTIONS, callerArns, evaluatePushPolicy, globMatch} from '../../source/doctor/policy.js';
import type {CallerIdentity} from '../../source/aws/types.js';

const role: CallerIdentity = {
	account: '111122223333',
	arn: 'arn:aws:sts::111122223333:assumed-role/ci-pusher/build-42',
	userId: 'AROAEXAMPLE:build-42',
	kind: 'assumed-role',
};

function policy(...statements: unknown[]): string {
	return JSON.stringify({Version: '2012-10-17', Statement: statements});
}

describe('evaluatePushPolicy', () => {
	it('matches IAM wildcards case-insensitively for actions', () => {
		expect(globMatch('ecr:*Layer*', 'ecr:InitiateLayerUpload')).toBe(true);
		expect(globMatch('ECR:putimage', 'ecr:PutImage')).toBe(true);
		expect(globMatch('ecr:Put?mage', 'ecr:PutImage')).toBe(true);
		expect(globMatch('ecr:Get*', 'ecr:PutImage')).toBe(false);
	});

	it('names an assumed role by its role ARN, with or without a path', () => {
		expect(callerArns(role)).toEqual([role.arn, 'arn:aws:iam::111122223333:role/ci-pusher']);
		const verdict = evaluatePushPolicy(
			policy({
				Effect: 'Deny',
				Principal: {AWS: 'arn:aws:iam::111122223333:role/deploy/ci-pusher'},
				Action: 'ecr:PutImage',
			}),
			role,
		);
		expect(verdict.ok && verdict.denies.map((hit) => hit.actions)).toEqual([['ecr:PutImage']]);
	});

	it('applies NotAction and NotPrincipal as IAM does', () => {
		const notAction = evaluatePushPolicy(
			policy({Effect: 'Deny', Principal: '*', NotAction: ['ecr:BatchGetImage', 'ecr:BatchCheckLayerAvailability']}),
			role,
		);
		expect(notAction.ok && notAction.denies[0]!.actions).toEqual([
			'ecr:InitiateLayerUpload',
			'ecr:UploadLayerPart',
			'ecr:CompleteLayerUpload',
			'ecr:PutImage',
		]);
		const exempt = evaluatePushPolicy(
			policy({Effect: 'Deny', NotPrincipal: {AWS: 'arn:aws:iam::111122223333:role/ci-pusher'}, Action: 'ecr:*'}),
			role,
		);
		expect(exempt.ok && exempt.denies).toEqual([]);
	});

	it('marks a Deny with a Condition as conditional, and reports the push actions no Allow grants', () => {
		const verdict = evaluatePushPolicy(
			policy(
				{
					Effect: 'Deny',
					Principal: '*',
					Action: 'ecr:PutImage',
					Condition: {StringNotEquals: {'aws:PrincipalOrgID': 'o-abc'}},
				},
				{Effect: 'Allow', Principal: {AWS: ['111122223333']}, Action: ['ecr:BatchGetImage', 'ecr:PutImage']},
			),
			role,
		);
		expect(verdict.ok && verdict.denies[0]!.conditional).toBe(true);
		expect(verdict.ok && verdict.notAllowed).toEqual(
			PUSH_ACTIONS.filter((action) => action !== 'ecr:BatchGetImage' && action !== 'ecr:PutImage'),
		);
	});

	it('ignores service principals and other accounts, and says when the policy is not JSON', () => {
		const verdict = evaluatePushPolicy(
			policy(
				{Effect: 'Deny', Principal: {Service: 'codebuild.amazonaws.com'}, Action: 'ecr:*'},
				{Effect: 'Deny', Principal: {AWS: '444455556666'}, Action: 'ecr:*'},
			),
			role,
		);
		expect(verdict.ok && verdict.denies).toEqual([]);
		expect(evaluatePushPolicy('{"Statement": [', role)).toMatchObject({ok: false});
	});
});
