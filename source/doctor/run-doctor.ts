/** Gather the facts once, run every check over them in order, and summarise. */
import type {Services} from '../services/types.js';
import {AWS_CHECKS} from './checks/aws.js';
import type {Check} from './checks/common.js';
import {DOCKER_CHECKS} from './checks/docker.js';
import {ECR_CHECKS} from './checks/ecr.js';
import {IMAGE_CHECKS} from './checks/image.js';
import {NETWORK_CHECKS} from './checks/network.js';
import {gatherFacts, type DoctorFacts} from './facts.js';
import {
	CHECK_IDS,
	type CheckId,
	type CheckResult,
	type DoctorJson,
	type DoctorOptions,
	type DoctorReport,
	type DoctorTargetInput,
} from './types.js';

export const ALL_CHECKS: Check[] = [...DOCKER_CHECKS, ...AWS_CHECKS, ...ECR_CHECKS, ...IMAGE_CHECKS, ...NETWORK_CHECKS];

/** Run the checks over a snapshot of facts (pure). */
export function runChecks(facts: DoctorFacts): CheckResult[] {
	const results = new Map<CheckId, CheckResult>();
	for (const check of ALL_CHECKS) {
		const outcome = check(facts, results);
		results.set(outcome.id, outcome);
	}

	return CHECK_IDS.map((id) => results.get(id)!);
}

export function reportFromFacts(facts: DoctorFacts): DoctorReport {
	const checks = runChecks(facts);
	const summary = {pass: 0, warn: 0, fail: 0, skip: 0};
	for (const check of checks) summary[check.status]++;
	const {target} = facts;
	return {
		target: {
			registry: target.host ?? null,
			region: target.region ?? null,
			account: target.account ?? null,
			repository: target.repository ?? null,
			image: target.image ?? null,
		},
		checks,
		summary,
	};
}

/**
 * Diagnose pushes to an ECR registry. Never throws for what it finds (that is the report); throws a UsageError
 * for a malformed --registry or --image.
 */
export async function runDoctor(
	services: Services,
	target: DoctorTargetInput = {},
	options: DoctorOptions = {},
): Promise<DoctorReport> {
	const facts = await gatherFacts(services, target, options);
	return reportFromFacts(facts);
}

/** Like runDoctor, but keeps the facts (the fixer needs the loaded config and the store). */
export async function diagnose(
	services: Services,
	target: DoctorTargetInput = {},
	options: DoctorOptions = {},
): Promise<{facts: DoctorFacts; report: DoctorReport}> {
	const facts = await gatherFacts(services, target, options);
	return {facts, report: reportFromFacts(facts)};
}

export function exitCodeOf(report: DoctorReport): number {
	return report.summary.fail > 0 ? 1 : 0;
}

/** The `--json` document: exactly target, checks (id, status, title, detail, fix {description, command}) and summary. */
export function reportToJson(report: DoctorReport): DoctorJson {
	return {
		target: {...report.target},
		checks: report.checks.map((check) => ({
			id: check.id,
			status: check.status,
			title: check.title,
			detail: check.detail,
			fix: check.fix ? {description: check.fix.description, command: check.fix.command ?? null} : null,
		})),
		summary: {...report.summary},
	};
}
