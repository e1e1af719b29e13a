/**
 * The checks on who may push to the repository beyond the caller's own IAM policies: whether the registry is another
 * account's, and what the repository policy allows the caller.
 */
import {describeOutcomeProblem, outcomeValue} from '../outcome.js';
import {PUSH_ACTIONS, evaluatePushPolicy, showStatement} from '../policy.js';
import {blockedBy, pass, profileFlag, repositoryMissing, result, shellQuote, skip, type Check} from './common.js';

export const ecrCrossAccount: Check = (facts, prior) => {
	const id = 'ecr.cross-account';
	const registry = facts.target.registry;
	if (!registry) return skip(id, 'skipped: no registry host');
	if (registry.kind === 'public') return skip(id, 'skipped: ECR Public has no account in its host');
	const blocked = blockedBy(id, prior, ['aws.identity']);
	if (blocked) return blocked;
	const caller = outcomeValue(facts.aws.identity)!;
	if (caller.account === registry.account)
		return pass(id, `${registry.host} belongs to your account ${caller.account}`);
	return result(
		id,
		'warn',
		`${registry.host} belongs to account ${registry.account}, but you are ${caller.arn} in ${caller.account}: account ${registry.account}'s repository policy must allow you (see ecr.repository-policy).`,
		{
			description: `Make sure you meant account ${registry.account}; if so, its owner must allow your push actions in the repository policy.`,
		},
	);
};

export const ecrRepositoryPolicy: Check = (facts, prior) => {
	const id = 'ecr.repository-policy';
	const blocked = blockedBy(id, prior, ['ecr.repository']);
	if (blocked) return blocked;
	// A repository a template creates on push gets the template's policy, if any: there is nothing to read yet.
	if (repositoryMissing(facts)) return skip(id, 'skipped: the repository does not exist yet');
	if (prior.get('ecr.repository')?.status === 'warn') return skip(id, 'skipped: the repository could not be checked');
	const caller = outcomeValue(facts.aws.identity);
	if (!caller) return skip(id, 'skipped: no AWS identity');
	const crossAccount = caller.account !== facts.target.account;
	const outcome = facts.aws.policy;
	const repository = facts.target.repository!;
	const viewCommand = `aws ecr get-repository-policy --repository-name ${shellQuote(repository)} --region ${facts.target.region}${
		crossAccount ? ` --registry-id ${facts.target.account}` : ''
	}${profileFlag(facts.aws.profileName)}`;
	if (outcome.state === 'timeout')
		return result(id, 'warn', `ecr:GetRepositoryPolicy ${describeOutcomeProblem(outcome)}.`, null);
	if (outcome.state === 'not-run') return skip(id, `skipped: ${outcome.reason}`);
	if (outcome.state === 'error') {
		const {message, name, kind} = outcome.error;
		if (kind === 'access-denied' && !crossAccount) {
			return result(id, 'warn', `Cannot read the repository policy: ${name ? `${name}: ` : ''}${message}`, {
				description: 'Allow ecr:GetRepositoryPolicy to let ecr-setup check it, or look at it in the console.',
			});
		}

		return result(id, 'warn', `Cannot read the repository policy: ${name ? `${name}: ` : ''}${message}`, null);
	}

	const allowStatement = JSON.stringify({
		Sid: `AllowPushFrom${caller.account}`,
		Effect: 'Allow',
		Principal: {AWS: `arn:${caller.arn.split(':')[1] ?? 'aws'}:iam::${caller.account}:root`},
		Action: [...PUSH_ACTIONS],
	});
	if (outcome.value === null) {
		if (!crossAccount) return pass(id, `"${repository}" has no repository policy (your identity policies decide)`);
		return result(
			id,
			'fail',
			`"${repository}" in account ${facts.target.account} has no repository policy, so nobody in your account ${caller.account} may push to it ("no resource-based policy allows").`,
			{
				description: `The owner of account ${facts.target.account} must add a statement like ${allowStatement} to the repository policy.`,
			},
		);
	}

	const verdict = evaluatePushPolicy(outcome.value, caller);
	if (!verdict.ok)
		return result(id, 'warn', `Cannot read the repository policy: ${verdict.error}.`, {
			description: 'Look at the policy.',
			command: viewCommand,
		});
	const hardDeny = verdict.denies.find((hit) => !hit.conditional);
	if (hardDeny) {
		return result(
			id,
			'fail',
			`The repository policy denies you ${hardDeny.actions.join(', ')}: ${showStatement(hardDeny.statement)}`,
			{
				description: `Remove or narrow that Deny statement${hardDeny.statement.Sid ? ` ("${hardDeny.statement.Sid}")` : ''} in the policy of "${repository}"${crossAccount ? ` (the owner of account ${facts.target.account} must)` : ''}; an explicit Deny beats every Allow.`,
				command: viewCommand,
			},
		);
	}

	if (crossAccount && verdict.notAllowed.length > 0) {
		return result(
			id,
			'fail',
			`Account ${facts.target.account}'s repository policy does not allow you ${verdict.notAllowed.join(', ')} (you are ${caller.arn}); cross-account pushes need it.`,
			{
				description: `The owner of account ${facts.target.account} must add a statement like ${allowStatement}.`,
				command: viewCommand,
			},
		);
	}

	const maybe = verdict.denies[0];
	if (maybe) {
		return result(
			id,
			'warn',
			`A conditional Deny may apply to you (${maybe.actions.join(', ')}): ${showStatement(maybe.statement)}`,
			{
				description: 'Check whether its Condition matches your requests.',
				command: viewCommand,
			},
		);
	}

	return pass(
		id,
		crossAccount
			? `the repository policy allows you every push action`
			: 'the repository policy does not deny you any push action',
	);
};
