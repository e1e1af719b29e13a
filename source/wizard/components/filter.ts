/** Filtering as you type: case-insensitive; whole-word and prefix matches rank above matches inside a word. */

export function filterByQuery<T>(items: readonly T[], query: string, textOf: (item: T) => string): T[] {
	const needle = query.trim().toLowerCase();
	if (needle.length === 0) return [...items];
	const exact: T[] = [];
	const prefix: T[] = [];
	const inside: T[] = [];
	for (const item of items) {
		const text = textOf(item).toLowerCase();
		if (text === needle) exact.push(item);
		else if (text.startsWith(needle) || text.includes(`/${needle}`) || text.includes(`-${needle}`)) prefix.push(item);
		else if (text.includes(needle)) inside.push(item);
	}

	return [...exact, ...prefix, ...inside];
}

/** The slice of a long list to draw so that `cursor` stays in view; `offset` is where the last window started. */
export function windowAround(cursor: number, offset: number, total: number, size: number): number {
	if (total <= size) return 0;
	let start = offset;
	if (cursor < start) start = cursor;
	if (cursor >= start + size) start = cursor - size + 1;
	return Math.max(0, Math.min(start, total - size));
}
