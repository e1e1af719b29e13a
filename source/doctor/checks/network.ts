/** Can the AWS endpoints and the registry be reached: DNS, time-outs, and the proxy settings in force. */
import type {DoctorFacts} from '../facts.js';
import {describeOutcomeProblem, type Outcome} from '../outcome.js';
import {pass, result, skip, type Check} from './common.js';

function networkProblem(outcome: Outcome<unknown>): string | undefined {
	if (outcome.state === 'timeout') return describeOutcomeProblem(outcome);
	if (outcome.state === 'error' && outcome.error.kind === 'network') return outcome.error.message;
	return undefined;
}

/** "proxy http://proxy:3128 (HTTPS_PROXY)", "direct (NO_PROXY matches)", "direct". */
export function describeRoutes(facts: DoctorFacts): string {
	const {settings} = facts.network;
	const parts: string[] = [];
	const seen = new Set<string>();
	for (const route of settings.routes) {
		let host = route.url;
		try {
			host = new URL(route.url).host;
		} catch {
			// Keep the URL as it is.
		}

		const how = route.proxy
			? `via proxy ${route.proxy}${route.proxyVariable ? ` (${route.proxyVariable})` : ''}`
			: route.bypassed
				? 'direct (NO_PROXY matches)'
				: 'direct';
		const line = `${host} ${how}${route.endpointVariable ? ` [${route.endpointVariable}]` : ''}`;
		if (seen.has(line)) continue;
		seen.add(line);
		parts.push(line);
	}

	if (settings.caBundle) parts.push(`CA bundle ${settings.caBundle.path} (${settings.caBundle.source})`);
	return parts.join('; ');
}

export const networkEndpoint: Check = (facts) => {
	const id = 'network.endpoint';
	const calls: Array<[string, Outcome<unknown>]> = [
		['sts:GetCallerIdentity', facts.aws.identity],
		['ecr:GetAuthorizationToken', facts.aws.token],
		['ecr:DescribeRepositories', facts.aws.repository],
		['ecr:GetRepositoryPolicy', facts.aws.policy],
		['ecr:DescribeImages', facts.aws.tagImage],
		['AWS clock', facts.aws.clock],
	];
	const failures = calls.flatMap(([name, outcome]) => {
		const problem = networkProblem(outcome);
		return problem ? [`${name} ${problem.startsWith('timed out') ? problem : `failed: ${problem}`}`] : [];
	});
	const dns = Object.entries(facts.network.lookups).map(([host, outcome]) =>
		outcome.state === 'ok'
			? `${host} resolves to ${outcome.value.slice(0, 2).join(', ')}`
			: `${host} does not resolve (${describeOutcomeProblem(outcome)})`,
	);
	const routes = describeRoutes(facts);
	const notes = facts.network.settings.notes;
	const ran = calls.some(([, outcome]) => outcome.state !== 'not-run');
	if (!ran) return skip(id, 'skipped: no AWS call was made');
	if (failures.length > 0) {
		const proxied = facts.network.settings.routes.some((route) => route.proxy);
		return result(id, 'fail', [failures.join('; '), ...dns, `routes: ${routes}`, ...notes].join('. '), {
			description: `Check the network, VPN and proxy (HTTPS_PROXY, NO_PROXY${proxied ? '' : ': none is set'}). Note that \`docker push\` goes through the docker daemon's own proxy settings, not this shell's.`,
			...(facts.network.apiUrl
				? {command: `curl -sS -o /dev/null -w '%{http_code}\\n' ${facts.network.apiUrl.replace(/\/*$/, '/')}`}
				: {}),
		});
	}

	if (notes.length > 0) {
		return result(id, 'warn', `${notes.join(' ')} Routes: ${routes}.`, {description: notes[0]!});
	}

	return pass(id, `AWS answered; ${routes}`);
};

export const NETWORK_CHECKS: Check[] = [networkEndpoint];
