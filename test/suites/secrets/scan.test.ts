/**
 * No secret in the repository's tests, snapshots, fixtures or sources: every file under test/ and source/ (and the
 * readme) is scanned for snapshot files and inline snapshots (listed, and scanned like the rest), and for token-shaped
 * strings: ECR authorization tokens (base64 of "AWS:" + a password that is base64 JSON with an `expiration`), ECR
 * passwords on their own, AWS access key ids (AKIA/ASIA + 16) other than AWS's documented examples, labelled secret
 * access keys and session tokens. Tests build their fake secrets at run time, so none is ever written down.
 */
import {readdir, readFile} from 'node:fs/promises';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {report} from '../../helpers/report.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PLACES = ['test', 'source', 'readme.md'];
const SKIP = new Set(['node_modules', '.git', 'dist']);

/**
 * Placeholders that are allowed: AWS's documented example keys (anything with EXAMPLE in it, as in
 * AKIAIOSFODNN7EXAMPLE), and key-shaped dummies that cannot be real: after the prefix a real access key id is base32
 * (A–Z, 2–7), so one with a 0, 1, 8 or 9 in it (AKIA…TEST00000) is a placeholder.
 */
function isPlaceholderKeyId(value: string): boolean {
	return /EXAMPLE/.test(value) || /[0189]/.test(value.slice(4));
}

/** Secret access keys are base64 (any digit): only AWS's documented EXAMPLE ones are placeholders. */
function isDocumentedExample(value: string): boolean {
	return /EXAMPLE/.test(value);
}

async function filesUnder(path: string): Promise<string[]> {
	const entries = await readdir(path, {withFileTypes: true}).catch(() => undefined);
	if (!entries) return [path];
	const out: string[] = [];
	for (const entry of entries) {
		if (SKIP.has(entry.name)) continue;
		const full = join(path, entry.name);
		if (entry.isDirectory()) out.push(...(await filesUnder(full)));
		else if (entry.isFile()) out.push(full);
	}

	return out;
}

function decodeBase64(text: string): string | undefined {
	try {
		const decoded = Buffer.from(text.replaceAll('-', '+').replaceAll('_', '/'), 'base64').toString('utf8');
		return /^[\x20-\x7E]+$/.test(decoded) ? decoded : undefined;
	} catch {
		return undefined;
	}
}

/**
 * An ECR registry password as ECR issues them: base64 JSON with an `expiration` and an encrypted `payload` (hundreds of
 * characters) or a `datakey`. Short hand-written stand-ins such as {"payload":"secret-payload","expiration":…} are not.
 */
function isEcrPassword(text: string): boolean {
	const decoded = decodeBase64(text);
	if (!decoded?.startsWith('{')) return false;
	try {
		const json = JSON.parse(decoded) as Record<string, unknown>;
		if (typeof json !== 'object' || json === null || !('expiration' in json)) return false;
		return 'datakey' in json || (typeof json['payload'] === 'string' && json['payload'].length >= 100);
	} catch {
		return false;
	}
}

export type Finding = {file: string; line: number; kind: string; sample: string};

/** Token-shaped strings in one file's text. Exported shape so a failure names file, line and kind. */
export function findSecrets(file: string, text: string): {findings: Finding[]; examples: number} {
	const findings: Finding[] = [];
	let examples = 0;
	const lineOf = (index: number) => text.slice(0, index).split('\n').length;
	const add = (kind: string, index: number, value: string) =>
		findings.push({file, line: lineOf(index), kind, sample: `${value.slice(0, 12)}…`});
	for (const match of text.matchAll(/[A-Za-z0-9+/_-]{24,}={0,2}/g)) {
		const run = match[0];
		const decoded = decodeBase64(run);
		if (decoded?.startsWith('AWS:') && isEcrPassword(decoded.slice(4)))
			add('ECR authorization token', match.index, run);
		else if (isEcrPassword(run)) add('ECR registry password', match.index, run);
	}

	for (const match of text.matchAll(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g)) {
		if (isPlaceholderKeyId(match[0])) examples++;
		else add('AWS access key id', match.index, match[0]);
	}

	for (const match of text.matchAll(
		/(?:aws_secret_access_key|AWS_SECRET_ACCESS_KEY|SecretAccessKey)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/g,
	)) {
		if (isDocumentedExample(match[1]!)) examples++;
		else add('AWS secret access key', match.index, match[1]!);
	}

	// Real session tokens start with these prefixes and run for hundreds of characters.
	for (const match of text.matchAll(/\b(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz)[A-Za-z0-9+/]{100,}/g))
		add('AWS session token', match.index, match[0]);
	return {findings, examples};
}

describe('no secrets in tests, snapshots, fixtures or sources', () => {
	it('the scanner itself finds each shape (built at run time, so this file holds none)', () => {
		const password = Buffer.from(
			JSON.stringify({
				payload: 'p'.repeat(40),
				datakey: 'd',
				version: '2',
				type: 'DATA_KEY',
				expiration: 1_800_000_000,
			}),
		).toString('base64');
		const token = Buffer.from(`AWS:${password}`).toString('base64');
		const key = ['AKIA', 'ZZZZ2222QQQQ7777'].join('');
		const secret = ['aws_secret_access_key = ', 'abcdEFGH1234/abcdEFGH1234+abcdEFGH1234xy'].join('');
		const session = ['IQoJb3JpZ2luX2Vj', 'x'.repeat(150)].join('');
		const text = [token, password, key, secret, session, 'AKIAIOSFODNN7EXAMPLE'].join('\n');
		const {findings, examples} = findSecrets('probe', text);
		expect(findings.map((finding) => finding.kind)).toEqual([
			'ECR authorization token',
			'ECR registry password',
			'AWS access key id',
			'AWS secret access key',
			'AWS session token',
		]);
		expect(examples).toBe(1);
	});

	it('every file: snapshots listed, and no token-shaped string anywhere', async () => {
		const files = (await Promise.all(PLACES.map(async (place) => filesUnder(join(ROOT, place))))).flat();
		const snapshotFiles = files.filter((file) => file.includes('__snapshots__') || file.endsWith('.snap'));
		let inlineSnapshots = 0;
		let examples = 0;
		let bytes = 0;
		const findings: Finding[] = [];
		for (const file of files) {
			const buffer = await readFile(file);
			if (buffer.includes(0)) continue;
			const text = buffer.toString('utf8');
			bytes += buffer.length;
			inlineSnapshots += [...text.matchAll(/\.toMatchInlineSnapshot\(/g)].length;
			const found = findSecrets(relative(ROOT, file), text);
			examples += found.examples;
			findings.push(...found.findings);
		}

		report('secrets: repository scan', {
			'files scanned': files.length,
			'bytes scanned': bytes,
			'snapshot files': snapshotFiles.length,
			'inline snapshots': inlineSnapshots,
			'placeholder keys allowed (EXAMPLE, or not base32)': examples,
			'token-shaped strings found': findings.length,
		});
		expect(files.length).toBeGreaterThan(50);
		expect(findings).toEqual([]);
	});
});
