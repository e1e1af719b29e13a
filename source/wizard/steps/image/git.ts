/** The git short SHA of HEAD in the current directory, or undefined outside a repository (or without git). */
import type {ProcessRunner} from '../../../process/types.js';

export async function gitShortSha(runner: ProcessRunner, signal?: AbortSignal): Promise<string | undefined> {
	try {
		const result = await runner.run('git', ['rev-parse', '--short', 'HEAD'], {
			timeoutMs: 5000,
			...(signal ? {signal} : {}),
		});
		if (result.exitCode !== 0) return undefined;
		const sha = result.stdout.trim();
		return /^[0-9a-f]{4,40}$/.test(sha) ? sha : undefined;
	} catch {
		return undefined;
	}
}
