import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {WelcomeStep, dockerFacts} from '../../../source/wizard/steps/welcome/welcome-step.js';
import {DoneStep} from '../../../source/wizard/steps/done/done-step.js';
import {
	TroubleshootStep,
	TroubleshooterProvider,
	doctorTarget,
} from '../../../source/wizard/steps/troubleshoot/troubleshoot-step.js';
import type {StepProps} from '../../../source/wizard/steps/types.js';
import {ARROW_DOWN, ENTER, ESCAPE, flat} from '../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../helpers/step-harness.js';
import {readFileSync} from 'node:fs';
import {classifyPushFailure} from '../../../source/docker/push-errors.js';
import {ACCOUNT, BACKUP_PATH, CONFIG_PATH, DIGEST, HOST, world} from '../../helpers/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

describe('welcome step', () => {
	it('explains what will happen and offers the three paths', async () => {
		const w = world();
		const step = renderStep(WelcomeStep, {services: w.services});
		const frame = flat(await step.app.waitFor('What would you like to do?'));
		expect(frame).toContain('Nothing changes without asking you first.');
		expect(frame).toContain('› Set up and push an image');
		expect(frame).toContain('My push failed: find out why');
		expect(frame).toContain('Only configure the credential helper');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		expect(step.complete).toHaveBeenCalledWith({
			patch: {docker: {cli: '28.1.1', daemon: 'running', serverVersion: '28.1.1'}, mode: 'troubleshoot'},
			summary: 'Welcome: find out why a push failed · docker 28.1.1, daemon running',
			interactive: true,
		});
	});

	it('--mode (from a subcommand) skips the choice', async () => {
		const w = world();
		const step = renderStep(WelcomeStep, {services: w.services, options: {mode: 'helper'}});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({patch: expect.objectContaining({mode: 'helper'}) as unknown, interactive: false}),
			);
		});
	});

	it('q quits from the choice', async () => {
		const w = world();
		const step = renderStep(WelcomeStep, {services: w.services});
		await step.app.waitFor('What would you like to do?');
		await step.app.press('q');
		expect(step.quit).toHaveBeenCalled();
	});

	it('reads the daemon state', () => {
		expect(dockerFacts(null, {ok: false, reason: 'cli-missing', message: ''})).toEqual({
			cli: null,
			daemon: 'cli-missing',
		});
		expect(dockerFacts('28.1', {ok: false, reason: 'permission', message: 'denied'})).toEqual({
			cli: '28.1',
			daemon: 'permission',
			message: 'denied',
		});
	});
});

describe('done step', () => {
	it('lists the pushed URI and digest, files with backups, equivalent commands and next steps; Enter exits 0', async () => {
		const w = world();
		const state = stateAfterRepository({
			profile: 'dev',
			step: 'done',
			auth: {method: 'helper', verified: true, profile: 'dev'},
			changes: [{path: CONFIG_PATH, backupPath: BACKUP_PATH, description: `credHelpers["${HOST}"] = "ecr-login-dev"`}],
			image: {source: 'my-app:dev', tag: 'a1b2c3d'},
			pushed: {uri: `${HOST}/web:a1b2c3d`, digest: DIGEST},
		});
		const step = renderStep(DoneStep, {services: w.services, state});
		const frame = flat(await step.app.waitFor('Files changed'));
		expect(frame).toContain(`✔ Pushed ${HOST}/web:a1b2c3d ${DIGEST}`);
		expect(step.app.frame()).toContain(`\n    ${DIGEST}\n`);
		expect(frame).toContain(`${CONFIG_PATH}: credHelpers["${HOST}"] = "ecr-login-dev" (backup: ${BACKUP_PATH})`);
		expect(frame).toContain(`$ ecr-setup configure-helper --registry ${HOST} --profile dev --yes`);
		expect(frame).toContain(
			'$ ecr-setup push my-app:dev --repository web --tag a1b2c3d --profile dev --region eu-west-1',
		);
		expect(frame).toContain('docker fetches its tokens with profile dev, whatever AWS variables the shell holds');
		expect(frame).not.toContain('export AWS_PROFILE');
		expect(frame).toContain('ecr-setup ci github');
		expect(frame).toContain('ecr-setup policy');
		await step.app.press(ENTER);
		expect(step.exit).toHaveBeenCalledWith(0);
	});

	it('says when no file changed', async () => {
		const w = world();
		const step = renderStep(DoneStep, {
			services: w.services,
			state: stateAfterRepository({auth: {method: 'login', verified: true, expiresAt: '2026-11-28T00:00:00.000Z'}}),
		});
		const frame = flat(await step.app.waitFor('Files changed'));
		expect(frame).toContain('Files changed none');
		expect(frame).toContain(`Logged in to ${HOST} until 00:00 UTC`);
	});
});

describe('troubleshoot step', () => {
	const report = {
		target: {registry: HOST, region: 'eu-west-1', account: ACCOUNT, repository: 'web', image: null},
		checks: [
			{
				id: 'docker.helper-works' as const,
				status: 'fail' as const,
				title: 'Credential helper',
				detail: 'get failed: NoCredentialProviders',
				fix: {description: 'Give the helper AWS credentials'},
			},
			{id: 'aws.clock' as const, status: 'warn' as const, title: 'Clock', detail: '2 min off', fix: null},
			{id: 'docker.cli' as const, status: 'pass' as const, title: 'docker CLI', detail: '28.1.1', fix: null},
		],
		summary: {pass: 1, warn: 1, fail: 1, skip: 0},
	};

	function renderTroubleshoot(
		troubleshooter: Parameters<typeof TroubleshooterProvider>[0]['value'],
		state = stateAfterRepository({pushFailure: {kind: 'no-basic-auth', message: 'no basic auth credentials'}}),
	) {
		const Wrapped = (props: StepProps) => (
			<TroubleshooterProvider value={troubleshooter}>
				<TroubleshootStep {...props} />
			</TroubleshooterProvider>
		);
		return renderStep(Wrapped, {services: world().services, state});
	}

	it('offers to set up authentication only when an authentication check failed, not for other warnings', async () => {
		const withoutAuthFailure = {...report, checks: report.checks.filter((check) => check.status !== 'fail')};
		const step = renderTroubleshoot(vi.fn(async () => withoutAuthFailure));
		const frame = flat(await step.app.waitFor('Retry the push'));
		expect(frame).toContain('⚠ Clock: 2 min off');
		expect(frame).not.toContain('Set up authentication now');
	});

	it('shows what failed with its fix, and after a failed push offers to fix auth or retry', async () => {
		const troubleshooter = vi.fn(async () => report);
		const step = renderTroubleshoot(troubleshooter);
		const frame = flat(await step.app.waitFor('1 passed'));
		expect(troubleshooter).toHaveBeenCalledWith(
			expect.anything(),
			expect.objectContaining({registry: HOST, repository: 'web'}),
			expect.anything(),
			{
				kind: 'no-basic-auth',
				message: 'no basic auth credentials',
				registry: HOST,
				repository: `${HOST}/web`,
			},
		);
		expect(frame).toContain('1 passed · 1 warnings · 1 failed · 0 skipped');
		expect(frame).toContain('✖ Credential helper: get failed: NoCredentialProviders');
		expect(frame).toContain('→ Give the helper AWS credentials');
		expect(frame).toContain('⚠ Clock: 2 min off');
		expect(frame).not.toContain('docker CLI');
		expect(frame).toMatch(/› Set up authentication now[\s\S]*Retry the push[\s\S]*Stop here/);
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		expect(step.complete).toHaveBeenCalledWith({
			patch: {},
			summary: 'Troubleshooter: 1 failed, 1 warnings',
			interactive: true,
			next: 'push',
		});
	});

	it("a pull rate limit in docker's output comes first, with the pull-through cache offered as the way out", async () => {
		const output = readFileSync(
			new URL('../../fixtures/build-failures/podman-build-rate-limit.txt', import.meta.url),
			'utf8',
		);
		const {kind, message} = classifyPushFailure(output);
		const healthy = {...report, checks: [report.checks[2]!], summary: {pass: 1, warn: 0, fail: 0, skip: 0}};
		const step = renderTroubleshoot(
			vi.fn(async () => healthy),
			stateAfterRepository({pushFailure: {kind, message}}),
		);
		const frame = flat(await step.app.waitFor('1 passed'));
		expect(frame).toContain('rate limit');
		expect(frame).toContain('→ $ ecr-setup pull-through docker-hub --dockerfile Dockerfile');
		expect(frame).not.toContain('Nothing wrong found');
		expect(frame).toMatch(
			/› Stop here and run: ecr-setup pull-through docker-hub --dockerfile Dockerfile[\s\S]*Retry the push/,
		);
		await step.app.press(ENTER);
		expect(step.complete).toHaveBeenCalledWith({
			patch: {},
			summary: 'Troubleshooter: 0 failed, 0 warnings; next: ecr-setup pull-through docker-hub --dockerfile Dockerfile',
			interactive: true,
			next: 'done',
		});
	});

	it('an authentication failure names no command of its own', async () => {
		const step = renderTroubleshoot(vi.fn(async () => report));
		const frame = flat(await step.app.waitFor('1 passed'));
		expect(frame).not.toContain('Stop here and run');
	});

	it('a troubleshooter that throws is shown and can be retried', async () => {
		const troubleshooter = vi.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValueOnce(report);
		const step = renderTroubleshoot(troubleshooter);
		await step.app.waitFor('The checks could not run');
		await step.app.press(ENTER);
		await step.app.waitFor('1 passed');
		await step.app.press(ESCAPE);
		expect(step.back).toHaveBeenCalled();
	});

	it('passes what the wizard knows as the doctor target', () => {
		expect(doctorTarget(stateAfterRepository({image: {source: 'my-app:dev', tag: 'v1'}}))).toEqual({
			registry: HOST,
			region: 'eu-west-1',
			repository: 'web',
			image: `${HOST}/web:v1`,
		});
	});
});
