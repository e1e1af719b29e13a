/** The troubleshooter's public API, for `ecr-setup doctor` and the wizard's "my push failed" path. */
export {runDoctor, diagnose, runChecks, reportFromFacts, reportToJson, exitCodeOf, ALL_CHECKS} from './run-doctor.js';
export {gatherFacts, type DoctorFacts, type ConfigFact} from './facts.js';
export {formatReport, describeTarget, type FormatOptions} from './format.js';
export {planFixes, applyFixes, type FixPlan, type FixStepResult, type ApplyFixesOptions} from './fixes.js';
export {evaluatePushPolicy, PUSH_ACTIONS} from './policy.js';
export {
	CHECK_IDS,
	type CheckId,
	type CheckStatus,
	type CheckResult,
	type CheckFix,
	type FixAction,
	type DoctorTarget,
	type DoctorTargetInput,
	type DoctorOptions,
	type DoctorReport,
	type DoctorJson,
	type DoctorSummary,
} from './types.js';
export {diagnosePushFailure, targetOfPushFailure, CHECKS_FOR_PUSH_FAILURE, type PushFailureDiagnosis} from './push-failure.js';
