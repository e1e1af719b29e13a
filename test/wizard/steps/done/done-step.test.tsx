import {mkdtemp, mkdir, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Box} from 'ink';
import {parse} from 'yaml';
import {CiFilesProvider, DoneStep} from '../../../../source/wizard/steps/done/done-step.js';
import type {StepProps} from '../../../../source/wizard/steps/types.js';
import {ciFilesAt, compactJson, policyOffer} from '../../../../source/wizard/steps/done/ci-offer.js';
import {AUTH_ACTIONS, PUSH_ACTIONS} from '../../../../source/ecr/actions.js';
import {ARROW_DOWN, ENTER, ESCAPE, flat} from '../../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../../helpers/step-harness.js';
import {ACCOUNT, HOST, REGION, world} from '../../../helpers/wizard-fixtures.js';

const WORKFLOW = '.github/workflows/ecr-push.yml';

let directory: string;

beforeEach(async () => {
	directory = await mkdtemp(join(tmpdir(), 'ecr-setup-done-'));
});

afterEach(async () => {
	cleanup();
	await rm(directory, {recursive: true, force: true});
});

function renderDone(state = stateAfterRepository({step: 'done', auth: {method: 'helper', verified: true}})) {
	const Wrapped = (props: StepProps) => (
		// The wizard draws steps in a box at most 80 columns wide.
		<Box flexDirection="column" width={80}>
			<CiFilesProvider value={ciFilesAt(directory)}>
				<DoneStep {...props} />
			</CiFilesProvider>
		</Box>
	);
	return renderStep(Wrapped, {services: world().services, state});
}

type Workflow = {
	permissions: Record<string, string>;
	env: Record<string, string>;
	jobs: {push: {steps: Array<{uses?: string; with?: Record<string, string>}>}};
};

async function chooseGithubOidc(step: ReturnType<typeof renderDone>): Promise<string> {
	await step.app.waitFor('c CI pipeline');
	await step.app.press('c');
	await step.app.waitFor('Which CI system should build and push to web?');
	await step.app.press(ENTER);
	await step.app.waitFor('How does GitHub Actions get AWS credentials?');
	expect(step.app.frame()).toContain('› OIDC: the pipeline assumes an IAM role');
	await step.app.press(ENTER);
	return step.app.waitFor(/Create|Overwrite/);
}

describe('done step: CI pipeline offer', () => {
	it('c → GitHub → OIDC shows the new file as a diff against nothing; y writes it with the real values', async () => {
		const step = renderDone();
		const raw = await chooseGithubOidc(step);
		const frame = flat(raw);
		expect(frame).toContain(`A new file, ${WORKFLOW}, in ${directory}:`);
		expect(raw).toMatch(
			/│ --- \/dev\/null +│\n *│ \+\+\+ \.github\/workflows\/ecr-push\.yml +│\n *│ @@ -0,0 \+1,\d+ @@/,
		);
		expect(raw).toMatch(/│ \+name: Push to Amazon ECR +│/);
		expect(raw).not.toMatch(/│ -(?!--)/);
		const below = Number(/↓ (\d+) more lines/.exec(raw)?.[1]);
		expect(below).toBeGreaterThan(0);
		await step.app.press(ARROW_DOWN);
		await step.app.waitFor('↑ 1 more line\n');
		expect(step.app.frame()).toContain(`↓ ${below - 1} more line`);
		expect(step.app.frame()).not.toContain('--- /dev/null');
		expect(frame).toContain(`Create ${WORKFLOW}? (Y/n)`);
		expect(frame).toContain('y/n write or not');
		await step.app.press('y');
		const summary = flat(await step.app.waitFor(`Wrote ${WORKFLOW}`));
		expect(summary).toContain(`${join(directory, WORKFLOW)}: GitHub Actions pipeline (OIDC role) (new file)`);
		expect(summary).toContain('The role ARN is a placeholder');

		const workflow = parse(await readFile(join(directory, WORKFLOW), 'utf8')) as Workflow;
		expect(workflow.env['ECR_REPOSITORY']).toBe('web');
		expect(workflow.permissions['id-token']).toBe('write');
		const credentials = workflow.jobs.push.steps.find((item) =>
			item.uses?.startsWith('aws-actions/configure-aws-credentials'),
		);
		expect(credentials?.with?.['aws-region']).toBe(REGION);
		expect(credentials?.with?.['role-to-assume']).toMatch(new RegExp(`^arn:aws:iam::${ACCOUNT}:role/`));
		const login = workflow.jobs.push.steps.find((item) => item.uses?.startsWith('aws-actions/amazon-ecr-login'));
		expect(login?.with?.['registries']).toBe(ACCOUNT);
		expect(step.exit).not.toHaveBeenCalled();
	});

	it('n writes nothing and says so', async () => {
		const step = renderDone();
		await chooseGithubOidc(step);
		await step.app.press('n');
		await step.app.waitFor(`Nothing was written; ${WORKFLOW} is as it was.`);
		expect(await readdir(directory)).toEqual([]);
		expect(flat(step.app.frame())).toContain('Files changed none');
	});

	it('an existing file is shown as a diff against it before it is overwritten', async () => {
		const old = 'name: old pipeline\non: push\n';
		await mkdir(join(directory, '.github/workflows'), {recursive: true});
		await writeFile(join(directory, WORKFLOW), old);
		const step = renderDone();
		const raw = await chooseGithubOidc(step);
		const frame = flat(raw);
		expect(frame).toContain(`${WORKFLOW} exists in ${directory}; these are the changes:`);
		expect(raw).toMatch(
			/│ --- \.github\/workflows\/ecr-push\.yml +│\n *│ \+\+\+ \.github\/workflows\/ecr-push\.yml +│\n *│ @@ -1,2 \+1,\d+ @@/,
		);
		expect(raw).toMatch(/│ -name: old pipeline +│\n *│ -on: push +│/);
		expect(frame).toContain(`Overwrite ${WORKFLOW} with these changes? (y/N)`);
		expect(await readFile(join(directory, WORKFLOW), 'utf8')).toBe(old);
		await step.app.press('y');
		const summary = flat(await step.app.waitFor(`Wrote ${WORKFLOW}`));
		expect(summary).toContain(`${join(directory, WORKFLOW)}: GitHub Actions pipeline (OIDC role) (replaced)`);
		const written = await readFile(join(directory, WORKFLOW), 'utf8');
		expect(written).not.toBe(old);
		expect((parse(written) as Workflow).env['ECR_REPOSITORY']).toBe('web');
	});

	it('Jenkins needs no auth question (keys only) and the file is a Jenkinsfile', async () => {
		const step = renderDone();
		await step.app.waitFor('c CI pipeline');
		await step.app.press('c');
		await step.app.waitFor('Which CI system');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		const frame = flat(await step.app.waitFor('Create Jenkinsfile?'));
		expect(frame).toContain('A new file, Jenkinsfile');
		expect(frame).toContain(`+++ Jenkinsfile`);
		await step.app.press('y');
		await step.app.waitFor('Wrote Jenkinsfile');
		const text = await readFile(join(directory, 'Jenkinsfile'), 'utf8');
		expect(text).toContain('pipeline {');
		expect(text).toContain(HOST);
		expect(text).toContain('--password-stdin');
	});

	it('Esc from each CI screen comes back to the summary; Enter there still exits 0', async () => {
		const step = renderDone();
		await step.app.waitFor('c CI pipeline');
		await step.app.press('c');
		await step.app.waitFor('Which CI system');
		await step.app.press(ESCAPE);
		await step.app.waitFor('Files changed');
		await step.app.press('c');
		await step.app.waitFor('Which CI system');
		await step.app.press(ENTER);
		await step.app.waitFor('How does GitHub Actions');
		await step.app.press(ESCAPE);
		await step.app.waitFor('Files changed');
		await chooseGithubOidc(step);
		await step.app.press(ESCAPE);
		await step.app.waitFor('Files changed');
		expect(await readdir(directory)).toEqual([]);
		expect(step.exit).not.toHaveBeenCalled();
		await step.app.press(ENTER);
		expect(step.exit).toHaveBeenCalledWith(0);
	});

	it('a file changed between the diff and the yes is not overwritten', async () => {
		const step = renderDone();
		await chooseGithubOidc(step);
		await mkdir(join(directory, '.github/workflows'), {recursive: true});
		await writeFile(join(directory, WORKFLOW), 'someone else wrote this\n');
		await step.app.press('y');
		await step.app.waitFor(`${WORKFLOW} changed while ecr-setup was waiting for an answer; nothing was written.`);
		expect(flat(step.app.frame())).toContain('Press c again to see the difference');
		expect(await readFile(join(directory, WORKFLOW), 'utf8')).toBe('someone else wrote this\n');
		await step.app.press(ESCAPE);
		expect(flat(await step.app.waitFor('Files changed'))).toContain('Files changed none');
	});

	it('an unreadable target is explained, not crashed on', async () => {
		await mkdir(join(directory, WORKFLOW), {recursive: true});
		const step = renderDone();
		await step.app.waitFor('c CI pipeline');
		await step.app.press('c');
		await step.app.waitFor('Which CI system');
		await step.app.press(ENTER);
		await step.app.waitFor('How does GitHub Actions');
		await step.app.press(ENTER);
		const frame = flat(await step.app.waitFor('Cannot read'));
		expect(frame).toContain('ecr-setup ci github --dry-run prints the pipeline without writing it');
		await step.app.press(ENTER);
		await step.app.waitFor('Files changed');
	});

	it('a file already up to date is left alone', async () => {
		const step = renderDone();
		await chooseGithubOidc(step);
		await step.app.press('y');
		await step.app.waitFor(`Wrote ${WORKFLOW}`);
		await step.app.press('c');
		await step.app.waitFor('Which CI system');
		await step.app.press(ENTER);
		await step.app.waitFor('How does GitHub Actions');
		await step.app.press(ENTER);
		await step.app.waitFor(`${WORKFLOW} already has this content. Nothing to change.`);
		await step.app.press(ENTER);
		await step.app.waitFor('Files changed');
	});
});

describe('done step: IAM policy offer', () => {
	it('p shows the push policy with the exact actions on the repository ARN and how to attach it; Esc goes back', async () => {
		const step = renderDone();
		await step.app.waitFor('p IAM policy');
		await step.app.press('p');
		const frame = await step.app.waitFor('put-user-policy');
		const start = frame.indexOf('{');
		const end = frame.lastIndexOf('}');
		const policy = JSON.parse(frame.slice(start, end + 1)) as {
			Version: string;
			Statement: Array<{Action: string[]; Resource: string}>;
		};
		expect(policy.Version).toBe('2012-10-17');
		expect(policy.Statement[0]).toMatchObject({Action: [...AUTH_ACTIONS], Resource: '*'});
		expect(policy.Statement[1]).toMatchObject({
			Action: [...PUSH_ACTIONS],
			Resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/web`,
		});
		const text = flat(frame);
		expect(text).toContain('$ ecr-setup policy --repository web --push --region eu-west-1 > policy.json');
		expect(text).toContain(
			'$ aws iam put-role-policy --role-name ROLE --policy-name ecr-push-web --policy-document file://policy.json',
		);
		expect(text).toContain(
			'$ aws iam put-user-policy --user-name USER --policy-name ecr-push-web --policy-document file://policy.json',
		);
		await step.app.press(ESCAPE);
		await step.app.waitFor('Files changed');
		expect(step.exit).not.toHaveBeenCalled();
	});

	it('stays within 80 columns for a long repository name', async () => {
		const name = `team-with-a-long-name/${'service'.repeat(8)}`;
		const state = stateAfterRepository({step: 'done'});
		const step = renderDone({...state, repository: {...state.repository!, name, uri: `${HOST}/${name}`}});
		await step.app.waitFor('p IAM policy');
		await step.app.press('p');
		const frame = await step.app.waitFor('put-user-policy');
		for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
		expect(flat(frame).replaceAll(' ', '')).toContain(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`);
	});
});

describe('compactJson', () => {
	it('is the same document in fewer rows, each within the width', () => {
		const {policy, json} = policyOffer({
			account: ACCOUNT,
			arn: `arn:aws:iam::${ACCOUNT}:role/ci`,
			region: REGION,
			repository: 'web',
			registry: HOST,
		});
		expect(JSON.parse(json)).toEqual(policy);
		expect(json.split('\n').length).toBeLessThan(JSON.stringify(policy, null, 2).split('\n').length);
		for (const line of json.split('\n')) expect(line.length).toBeLessThanOrEqual(78);
		const nested = {
			a: ['x'.repeat(30), 'y'.repeat(30), 'z'.repeat(30)],
			b: {c: [1, 2], d: null, e: 'a "quoted" [ value ]'},
		};
		for (const width of [20, 40, 78]) {
			const text = compactJson(nested, width);
			expect(JSON.parse(text)).toEqual(nested);
		}

		expect(compactJson(nested, 200)).toBe(JSON.stringify(nested).replaceAll(',', ', ').replaceAll('":', '": '));
	});
});

describe('done step without a repository', () => {
	it('offers neither (c and p do nothing) and exits on Enter', async () => {
		const step = renderDone(stateAfterRepository({step: 'done', repository: undefined}));
		const frame = await step.app.waitFor('Files changed');
		expect(frame).not.toContain('c CI pipeline');
		await step.app.press('c');
		await step.app.press('p');
		expect(step.app.frame()).toContain('Files changed');
		await step.app.press(ENTER);
		expect(step.exit).toHaveBeenCalledWith(0);
	});
});
