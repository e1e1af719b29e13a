/**
 * The checks on who may push to the repository beyond the pusher's own IAM policies: whether the registry is another
 * account's, and what the repository policy allows the pusher (the caller, or the account or role given with
 * --allow-account / --allow-role when the owner checks for them). A cross-account push needs the repository policy of
 * the owning account to allow it; the fix is the generated statement, which the owner's `doctor --fix` merges in.
 */
import {PUSH_ACTIONS} from '../../ecr/actions.js';
import {errorMessage} from '../../errors/user-errors.js';
import {mergeRepositoryPolicy, repositoryPolicyStatement, type PolicyStatement} from '../../generators/policy.js';
import type {DoctorFacts} from '../facts.js';
import type {Pusher} from '../target.js';
import {describeOutcomeProblem, outcomeValue} from '../outcome.js';
import {evaluatePushPolicy, showStatement} from '../policy.js';
import type {CheckFix} from '../types.js';
import {blockedBy, pass, profileFlag, repositoryMissing, result, shellQuote, skip, type Check} from './common.js';

export const ecrCrossAccount: Check = (facts, prior) => {
	const id = 'ecr.cross-account';
	const registry = facts.target.registry;
	if (!registry) return skip(id, 'skipped: no registry host');
	if (registry.kind === 'public') return skip(id, 'skipped: ECR Public has no account in its host');
	const blocked = blockedBy(id, prior, ['aws.identity']);
	if (blocked) return blocked;
	const caller = outcomeValue(facts.aws.identity)!;
	if (caller.account === registry.account) {
		const pusher = facts.pusher;
		return pass(
			id,
			`${registry.host} belongs to your account ${caller.account}${pusher?.given ? `; checking pushes from ${describePusher(pusher)}` : ''}`,
		);
	}

	return result(
		id,
		'warn',
		`${registry.host} belongs to account ${registry.account}, but you are ${caller.arn} in ${caller.account}: account ${registry.account}'s repository policy must allow you (see ecr.repository-policy).`,
		{
			description: `Make sure you meant account ${registry.account}; if so, its owner must allow your push actions in the repository policy.`,
		},
	);
};

function describePusher(pusher: Pusher): string {
	return pusher.roleArn ?? `account ${pusher.identity.account}`;
}

/**
 * What lets the pusher push: the statement, and the fix. The owner of the repository running the doctor gets it merged
 * into the policy it read (an action for --fix); anyone else is told who must add it, and how.
 */
function grantFix(facts: DoctorFacts, pusher: Pusher, policyText: string | null | undefined): CheckFix {
	const {target} = facts;
	const repository = target.repository!;
	let statement: PolicyStatement;
	try {
		statement = repositoryPolicyStatement({
			account: pusher.identity.account,
			...(pusher.roleArn ? {roleArn: pusher.roleArn} : {}),
			region: target.region!,
			access: 'push',
		});
	} catch (error) {
		// A role of another partition than the repository's: no statement could name it.
		return {description: errorMessage(error)};
	}

	const caller = outcomeValue(facts.aws.identity);
	const owner = caller?.account === target.account;
	const principalFlag = pusher.roleArn
		? `--allow-role ${pusher.roleArn}`
		: `--allow-account ${pusher.identity.account}`;
	const command = `ecr-setup doctor --registry ${target.host} --repository ${shellQuote(repository)} ${principalFlag} --fix${owner ? profileFlag(facts.aws.profileName) : ''}`;
	const text = JSON.stringify(statement);
	if (!owner) {
		return {
			description: `The owner of account ${target.account} must add this statement to the repository policy of "${repository}" (running the command below as account ${target.account} merges it with the statements there): ${text}`,
			command,
		};
	}

	const merged = policyText === undefined ? undefined : mergeRepositoryPolicy(policyText, statement);
	if (!merged?.ok) {
		return {description: `Add this statement to the repository policy of "${repository}": ${text}`, command};
	}

	return {
		description: `Add this statement to the repository policy of "${repository}" (every statement there is kept): ${text}`,
		command,
		action: {
			type: 'repository-policy',
			region: target.region!,
			repository,
			registryId: target.account!,
			before: policyText ?? null,
			after: JSON.stringify(merged.document, null, 2),
		},
	};
}

export const ecrRepositoryPolicy: Check = (facts, prior) => {
	const id = 'ecr.repository-policy';
	const blocked = blockedBy(id, prior, ['ecr.repository']);
	if (blocked) return blocked;
	// A repository a template creates on push gets the template's policy, if any: there is nothing to read yet.
	if (repositoryMissing(facts)) return skip(id, 'skipped: the repository does not exist yet');
	const pusher = facts.pusher;
	if (!pusher) return skip(id, 'skipped: no AWS identity');
	const crossAccount = pusher.identity.account !== facts.target.account;
	// Across accounts the policy decides whatever the repository check could see; at home a repository that could not
	// be looked at tells nothing about its policy either.
	if (!crossAccount && prior.get('ecr.repository')?.status === 'warn')
		return skip(id, 'skipped: the repository could not be checked');
	const you = pusher.given ? describePusher(pusher) : 'you';
	const outcome = facts.aws.policy;
	const repository = facts.target.repository!;
	const foreign = outcomeValue(facts.aws.identity)?.account !== facts.target.account;
	const viewCommand = `aws ecr get-repository-policy --repository-name ${shellQuote(repository)} --region ${facts.target.region}${
		foreign ? ` --registry-id ${facts.target.account}` : ''
	}${profileFlag(facts.aws.profileName)}`;
	if (outcome.state === 'timeout')
		return result(id, 'warn', `ecr:GetRepositoryPolicy ${describeOutcomeProblem(outcome)}.`, null);
	if (outcome.state === 'not-run') return skip(id, `skipped: ${outcome.reason}`);
	if (outcome.state === 'error') {
		const {message, name, kind} = outcome.error;
		const said = `${name ? `${name}: ` : ''}${message}`;
		if (crossAccount) {
			// Another account's policy is often unreadable to the pusher: that it may not read it says nothing about pushes.
			return result(
				id,
				'warn',
				`Cannot read account ${facts.target.account}'s repository policy of "${repository}" (${said}); a cross-account push needs it to allow ${you} ${PUSH_ACTIONS.join(', ')}.`,
				grantFix(facts, pusher, undefined),
			);
		}

		if (kind === 'access-denied') {
			return result(id, 'warn', `Cannot read the repository policy: ${said}`, {
				description: 'Allow ecr:GetRepositoryPolicy to let ecr-setup check it, or look at it in the console.',
			});
		}

		return result(id, 'warn', `Cannot read the repository policy: ${said}`, null);
	}

	if (outcome.value === null) {
		if (!crossAccount) return pass(id, `"${repository}" has no repository policy (your identity policies decide)`);
		return result(
			id,
			'fail',
			`"${repository}" in account ${facts.target.account} has no repository policy, so nobody in ${pusher.given ? describePusher(pusher) : `your account ${pusher.identity.account}`} may push to it ("no resource-based policy allows").`,
			grantFix(facts, pusher, null),
		);
	}

	const verdict = evaluatePushPolicy(outcome.value, pusher.identity);
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
			`The repository policy denies ${you} ${hardDeny.actions.join(', ')}: ${showStatement(hardDeny.statement)}`,
			{
				description: `Remove or narrow that Deny statement${hardDeny.statement.Sid ? ` ("${hardDeny.statement.Sid}")` : ''} in the policy of "${repository}"${foreign ? ` (the owner of account ${facts.target.account} must)` : ''}; an explicit Deny beats every Allow.`,
				command: viewCommand,
			},
		);
	}

	if (crossAccount && verdict.notAllowed.length > 0) {
		return result(
			id,
			'fail',
			`Account ${facts.target.account}'s repository policy does not allow ${you} ${verdict.notAllowed.join(', ')}${pusher.given ? '' : ` (you are ${pusher.identity.arn})`}; cross-account pushes need it.`,
			grantFix(facts, pusher, outcome.value),
		);
	}

	const maybe = verdict.denies[0];
	if (maybe) {
		return result(
			id,
			'warn',
			`A conditional Deny may apply to ${you} (${maybe.actions.join(', ')}): ${showStatement(maybe.statement)}`,
			{
				description: 'Check whether its Condition matches your requests.',
				command: viewCommand,
			},
		);
	}

	return pass(
		id,
		crossAccount
			? `the repository policy allows ${you} every push action`
			: 'the repository policy does not deny you any push action',
	);
};
