/** After a write: ask the helper docker will run for each host, as docker will, and say what it answered. */
import {helperLogReason} from '../credential-helper/store-errors.js';
import {errorMessage} from '../errors/user-errors.js';
import type {CommandContext} from './types.js';

/** true when every host got credentials, false when one did not (each failure is explained on stderr). */
export async function verifyHelper(context: CommandContext, hosts: string[], helperName: string): Promise<boolean> {
	const {services, io} = context;
	const program = `docker-credential-${helperName}`;
	let verified = true;
	for (const host of hosts) {
		try {
			const result = await services.helper.get(host, helperName, {signal: context.signal});
			verified &&= result.ok;
			if (result.ok) io.out(`Verified: ${program} returned credentials for ${host}.`);
			else
				io.err(
					`Warning: ${program} could not get credentials for ${host}: ${result.message}` +
						(helperLogReason(result.logExcerpt) ? `\n  Its log says: ${helperLogReason(result.logExcerpt)}` : '') +
						`\n  Run \`ecr-setup doctor --registry ${host}\` to find out why.`,
				);
		} catch (error) {
			verified = false;
			io.err(`Warning: could not run ${program}: ${errorMessage(error)}`);
		}
	}

	return verified;
}
