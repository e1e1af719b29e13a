/** Dotted release numbers (`0.6.4`, `0.9.1-dev`, `Version: 0.12.0`, Ubuntu's `19.04`) compared part by part. */

/** The numeric parts of the first dotted number in text, or undefined when it holds none. */
export function parseVersion(text: string | undefined): number[] | undefined {
	const match = text ? /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text) : null;
	if (!match) return undefined;
	return match.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
}

/** Negative when a is older than b, 0 when equal, positive when newer; missing parts count as 0. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
	for (let index = 0; index < Math.max(a.length, b.length); index++) {
		const difference = (a[index] ?? 0) - (b[index] ?? 0);
		if (difference !== 0) return difference;
	}

	return 0;
}

/** true when version is at least minimum; false for a version that cannot be read. */
export function versionAtLeast(version: string | undefined, minimum: readonly number[]): boolean {
	const parts = parseVersion(version);
	return parts !== undefined && compareVersions(parts, minimum) >= 0;
}
