/** The checklist as text: one line per check, and under each failure (or warning) the fix and its exact command. */
import {paint} from '../lib/format.js';
import type {CheckStatus, DoctorReport} from './types.js';

const SYMBOLS: Record<CheckStatus, string> = {pass: '✔', warn: '!', fail: '✖', skip: '-'};
const ASCII: Record<CheckStatus, string> = {pass: '[ok]  ', warn: '[warn]', fail: '[FAIL]', skip: '[skip]'};

export type FormatOptions = {
	/** Colours and symbols; false gives plain ASCII (NO_COLOR, pipes). */
	color: boolean;
	/** Show fixes under warnings too (default true). */
	warnFixes?: boolean;
};

export function describeTarget(report: DoctorReport): string {
	const {target} = report;
	const parts: string[] = [];
	if (target.account) parts.push(`account ${target.account}`);
	if (target.region) parts.push(`region ${target.region}`);
	if (target.repository) parts.push(`repository ${target.repository}`);
	if (target.image) parts.push(`image ${target.image}`);
	return `${target.registry ?? '(no registry)'}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

export function formatReport(report: DoctorReport, options: FormatOptions): string {
	const p = paint(options.color);
	const colorOf: Record<CheckStatus, (text: string) => string> = {
		pass: p.green,
		warn: p.yellow,
		fail: p.red,
		skip: p.dim,
	};
	const width = Math.max(...report.checks.map((check) => check.id.length));
	const lines: string[] = [p.bold(`ecr-setup doctor: ${describeTarget(report)}`), ''];
	for (const check of report.checks) {
		const mark = options.color ? SYMBOLS[check.status] : ASCII[check.status];
		const line = `${colorOf[check.status](mark)} ${check.id.padEnd(width)}  ${check.status === 'skip' ? p.dim(check.detail) : check.detail}`;
		lines.push(line);
		const showFix = check.fix && (check.status === 'fail' || (check.status === 'warn' && options.warnFixes !== false));
		if (showFix && check.fix) {
			const indent = ' '.repeat(2 + (options.color ? 1 : 6));
			lines.push(`${indent}${p.bold('Fix:')} ${check.fix.description}`);
			if (check.fix.command) lines.push(`${indent}${p.cyan(`$ ${check.fix.command}`)}`);
		}
	}

	const {summary} = report;
	lines.push(
		'',
		`${summary.pass} passed, ${summary.warn} warning${summary.warn === 1 ? '' : 's'}, ${summary.fail} failed, ${summary.skip} skipped`,
	);
	return lines.join('\n');
}
