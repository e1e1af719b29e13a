/** Small text helpers for plain (non-Ink) output. Colour is only ever decoration: every fact is in the words too. */

export type Paint = {
	red(text: string): string;
	green(text: string): string;
	yellow(text: string): string;
	cyan(text: string): string;
	dim(text: string): string;
	bold(text: string): string;
};

const wrap = (open: number, close: number) => (text: string) => `\u001B[${open}m${text}\u001B[${close}m`;

export function paint(color: boolean): Paint {
	if (!color) {
		const same = (text: string) => text;
		return {red: same, green: same, yellow: same, cyan: same, dim: same, bold: same};
	}

	return {
		red: wrap(31, 39),
		green: wrap(32, 39),
		yellow: wrap(33, 39),
		cyan: wrap(36, 39),
		dim: wrap(2, 22),
		bold: wrap(1, 22),
	};
}

/** Colour a unified diff line by line. */
export function colorDiff(diff: string, color: boolean): string {
	const p = paint(color);
	return diff
		.split('\n')
		.map((line) => {
			if (line.startsWith('+++') || line.startsWith('---')) return p.bold(line);
			if (line.startsWith('+')) return p.green(line);
			if (line.startsWith('-')) return p.red(line);
			if (line.startsWith('@@')) return p.cyan(line);
			return line;
		})
		.join('\n');
}

/**
 * The one byte formatter: decimal units as docker prints them (go-units HumanSize, three significant digits).
 * `trimZeros` drops trailing zeros as docker's image list does ("7.8MB"); without it the width holds still while a
 * number grows, as a progress line needs ("7.80MB").
 */
export function humanSize(bytes: number, options: {trimZeros?: boolean} = {}): string {
	const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1000 && unit < units.length - 1) {
		value /= 1000;
		unit++;
	}

	const text = unit === 0 || value >= 100 ? String(Math.round(value)) : value.toPrecision(3);
	return `${options.trimZeros ? String(Number(text)) : text}${units[unit]}`;
}

/** "in 11 h 42 min", "3 min ago". */
export function relativeTime(target: Date, now: Date): string {
	const ms = target.getTime() - now.getTime();
	const minutes = Math.round(Math.abs(ms) / 60_000);
	const text = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
	return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** Lines of at most `width` characters, broken between words. */
export function wrapWords(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line && line.length + 1 + word.length > width) {
			lines.push(line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}

	return line ? [...lines, line] : lines;
}
