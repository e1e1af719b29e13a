/** One line the fault and secret suites print, so `npm test` shows what was tried. */
export function report(suite: string, figures: Record<string, string | number>): void {
	console.log(
		`[faults] ${suite}: ${Object.entries(figures)
			.map(([key, value]) => `${key}=${value}`)
			.join(', ')}`,
	);
}
