/** The shape of `ecr-setup doctor --json`, as the scenarios read it. */
export type DoctorCheck = {
	id: string;
	status: 'pass' | 'warn' | 'fail' | 'skip';
	title: string;
	detail: string;
	fix: {description: string; command?: string | null} | null;
};

export type DoctorReport = {
	target: {registry?: string; region?: string; account?: string; repository?: string; image?: string};
	checks: DoctorCheck[];
	summary: {pass: number; warn: number; fail: number; skip: number};
};

export function checkOf(report: DoctorReport, id: string): DoctorCheck {
	const check = report.checks.find((candidate) => candidate.id === id);
	if (!check)
		throw new Error(
			`doctor reported no check "${id}"; it reported: ${report.checks.map((candidate) => candidate.id).join(', ')}`,
		);
	return check;
}

export function describeChecks(report: DoctorReport): string {
	return report.checks.map((check) => `${check.status.padEnd(4)} ${check.id}: ${check.detail}`).join('\n');
}
