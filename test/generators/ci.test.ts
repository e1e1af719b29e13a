import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {parseDocument} from 'yaml';
import {UsageError} from '../../source/errors/user-errors.js';
import {
	CI_KINDS,
	generatePipeline,
	githubRepositoryOfRemote,
	groovyString,
	type CiKind,
	type PipelineInput,
} from '../../source/generators/ci.js';
import {shellQuote} from '../../source/lib/shell.js';

// A leading zero in the account catches unquoted numbers in YAML (they would lose it).
const ACCOUNT = '012345678901';
const REGION = 'eu-west-2';
const REGISTRY = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const REPOSITORY = 'team/web-app';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ci/ecr-push`;
// Quotes, a colon-space, a hash and a dollar: each breaks a careless YAML, Groovy or shell template.
const ODD_DOCKERFILE = `docker/it's "odd": #1 $HOME.Dockerfile`;

const BASE: PipelineInput = {
	account: ACCOUNT,
	region: REGION,
	repository: REPOSITORY,
	registry: REGISTRY,
	auth: 'oidc',
	roleArn: ROLE_ARN,
};

/** The documented inputs and outputs of the actions at the majors the generator pins (their action.yml). */
const CONFIGURE_AWS_CREDENTIALS_V6 = {
	uses: 'aws-actions/configure-aws-credentials@v6',
	inputs: [
		'aws-region',
		'aws-profile',
		'overwrite-aws-profile',
		'role-to-assume',
		'aws-access-key-id',
		'aws-secret-access-key',
		'aws-session-token',
		'web-identity-token-file',
		'role-chaining',
		'audience',
		'http-proxy',
		'no-proxy',
		'mask-aws-account-id',
		'role-duration-seconds',
		'role-external-id',
		'role-session-name',
		'role-skip-session-tagging',
		'transitive-tag-keys',
		'inline-session-policy',
		'managed-session-policies',
		'output-credentials',
		'output-env-credentials',
		'unset-current-credentials',
		'disable-retry',
		'retry-max-attempts',
		'special-characters-workaround',
		'use-existing-credentials',
		'allowed-account-ids',
		'force-skip-oidc',
		'action-timeout-s',
		'custom-tags',
		'sts-endpoint',
	],
};
const AMAZON_ECR_LOGIN_V2 = {
	uses: 'aws-actions/amazon-ecr-login@v2',
	inputs: ['http-proxy', 'mask-password', 'registries', 'registry-type', 'skip-logout'],
	outputs: ['registry'],
};

type Step = {
	name?: string;
	id?: string;
	uses?: string;
	with?: Record<string, unknown>;
	env?: Record<string, unknown>;
	run?: string;
};

function parseYaml(content: string): any {
	const document = parseDocument(content, {uniqueKeys: true, prettyErrors: true});
	expect(document.errors).toEqual([]);
	expect(document.warnings).toEqual([]);
	return document.toJS();
}

function generate(kind: CiKind, overrides: Partial<PipelineInput> = {}) {
	return generatePipeline(kind, {...BASE, ...overrides});
}

/** Every configuration each platform supports (Jenkins has no OIDC). */
function allVariants() {
	const variants: Array<{kind: CiKind; auth: 'oidc' | 'keys'; content: string}> = [];
	for (const kind of CI_KINDS) {
		for (const auth of ['oidc', 'keys'] as const) {
			if (kind === 'jenkins' && auth === 'oidc') continue;
			const roleArn = auth === 'keys' && kind !== 'github' && kind !== 'jenkins' ? {} : {roleArn: ROLE_ARN};
			const input: PipelineInput = {
				account: ACCOUNT,
				region: REGION,
				repository: REPOSITORY,
				registry: REGISTRY,
				auth,
				dockerfile: ODD_DOCKERFILE,
				...roleArn,
			};
			variants.push({kind, auth, content: generatePipeline(kind, input).content});
		}
	}

	return variants;
}

describe('every generated pipeline', () => {
	it('parses (YAML) and logs in only through a pipe into --password-stdin', () => {
		const variants = allVariants();
		expect(variants.map((variant) => `${variant.kind}/${variant.auth}`)).toEqual([
			'github/oidc',
			'github/keys',
			'gitlab/oidc',
			'gitlab/keys',
			'jenkins/keys',
			'circleci/oidc',
			'circleci/keys',
			'bitbucket/oidc',
			'bitbucket/keys',
		]);
		for (const {kind, auth, content} of variants) {
			const label = `${kind}/${auth}`;
			if (kind !== 'jenkins') parseYaml(content);
			expect(content, label).not.toMatch(/--password[ =]/);
			expect(content, label).not.toMatch(/docker login[^\n]*\s-p\b/);
			expect(content, label).not.toMatch(/\becho\b/);
			expect(content, label).not.toContain('get-login ');
			for (const line of content.split('\n').filter((text) => text.includes('docker login'))) {
				expect(line, label).toMatch(
					/aws ecr get-login-password --region "\$AWS_REGION" \| docker login --username AWS --password-stdin "\$ECR_REGISTRY"$/,
				);
			}

			for (const line of content.split('\n').filter((text) => text.includes('get-login-password'))) {
				expect(line, label).toContain('| docker login --username AWS --password-stdin');
			}

			if (kind !== 'github') expect(content, label).toContain('--password-stdin');
		}
	});

	it('writes the values that are not in a variable nowhere in shell code unquoted', () => {
		for (const {kind, content} of allVariants()) {
			// The odd Dockerfile path appears once, as a variable value; scripts say "$DOCKERFILE".
			const raw = content.split('\n').filter((line) => line.includes('docker build'));
			expect(raw.length, kind).toBe(1);
			expect(raw[0], kind).toContain('--file "$DOCKERFILE"');
		}
	});

	it('uses the conventional file paths', () => {
		expect(CI_KINDS.map((kind) => generate(kind, kind === 'jenkins' ? {auth: 'keys'} : {}).path)).toEqual([
			'.github/workflows/ecr-push.yml',
			'.gitlab-ci.yml',
			'Jenkinsfile',
			'.circleci/config.yml',
			'bitbucket-pipelines.yml',
		]);
	});
});

describe('GitHub Actions', () => {
	function steps(content: string): Step[] {
		const workflow = parseYaml(content);
		return workflow.jobs.push.steps as Step[];
	}

	function checkActionInputs(stepList: Step[]) {
		const configure = stepList.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
		const login = stepList.find((step) => step.uses?.startsWith('aws-actions/amazon-ecr-login@'));
		expect(configure?.uses).toBe(CONFIGURE_AWS_CREDENTIALS_V6.uses);
		expect(login?.uses).toBe(AMAZON_ECR_LOGIN_V2.uses);
		for (const key of Object.keys(configure!.with ?? {})) expect(CONFIGURE_AWS_CREDENTIALS_V6.inputs).toContain(key);
		for (const key of Object.keys(login!.with ?? {})) expect(AMAZON_ECR_LOGIN_V2.inputs).toContain(key);
		for (const value of [...Object.values(configure!.with ?? {}), ...Object.values(login!.with ?? {})])
			expect(typeof value).toBe('string');
		expect(configure!.with!['aws-region']).toBe(REGION);
		expect(login!.with!['registries']).toMatch(/^\d{12}(,\d{12})*$/);
		expect(login!.with!['registries']).toBe(ACCOUNT);
		expect(['true', 'false']).toContain(login!.with!['mask-password']);
		// The registry comes from the login step's documented output, referenced by that step's id.
		expect(login!.id).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
		const indexOfLogin = stepList.indexOf(login!);
		const laterText = JSON.stringify(stepList.slice(indexOfLogin + 1));
		const references = [...laterText.matchAll(/steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)];
		expect(references.length).toBeGreaterThan(0);
		for (const [, id, output] of references) {
			expect(id).toBe(login!.id);
			expect(AMAZON_ECR_LOGIN_V2.outputs).toContain(output);
		}

		expect(stepList.indexOf(configure!)).toBeLessThan(indexOfLogin);
		return {configure: configure!, login: login!, build: stepList.at(-1)!};
	}

	it('assumes the role with OIDC: id-token write, role-to-assume, no keys', () => {
		const content = generate('github').content;
		const workflow = parseYaml(content);
		expect(workflow.permissions).toEqual({'id-token': 'write', contents: 'read'});
		expect(workflow.on.push.branches).toEqual(['main']);
		const {configure, build} = checkActionInputs(steps(content));
		expect(configure.with).toEqual({'role-to-assume': ROLE_ARN, 'aws-region': REGION});
		expect(build.env).toEqual({REGISTRY: '${{ steps.ecr-login.outputs.registry }}', IMAGE_TAG: '${{ github.sha }}'});
		expect(build.run).toContain('docker push "$REGISTRY/$ECR_REPOSITORY:$IMAGE_TAG"');
		expect(workflow.env.ECR_REPOSITORY).toBe(REPOSITORY);
		// Expressions only read what the workflow defines.
		const expressions = [...content.matchAll(/\$\{\{\s*([^}]*?)\s*\}\}/g)].map((match) => match[1]);
		expect(new Set(expressions)).toEqual(new Set(['steps.ecr-login.outputs.registry', 'github.sha']));
	});

	it('reads access keys from secrets as the alternative, without id-token permission', () => {
		const content = generate('github', {auth: 'keys', roleArn: undefined}).content;
		const workflow = parseYaml(content);
		expect(workflow.permissions).toEqual({contents: 'read'});
		const {configure} = checkActionInputs(steps(content));
		expect(configure.with).toEqual({
			'aws-access-key-id': '${{ secrets.AWS_ACCESS_KEY_ID }}',
			'aws-secret-access-key': '${{ secrets.AWS_SECRET_ACCESS_KEY }}',
			'aws-region': REGION,
		});
	});

	it('assumes a role with the keys when both are given', () => {
		const pipeline = generate('github', {auth: 'keys'});
		const {configure} = checkActionInputs(steps(pipeline.content));
		expect(configure.with).toMatchObject({
			'aws-access-key-id': '${{ secrets.AWS_ACCESS_KEY_ID }}',
			'role-to-assume': ROLE_ARN,
		});
		expect(parseYaml(pipeline.content).permissions).toEqual({contents: 'read'});
		expect(pipeline.notes.join('\n')).toContain(
			`The keys are used to assume ${ROLE_ARN}: that user needs sts:AssumeRole on it`,
		);
	});

	it('uses a clearly named placeholder role and says so when OIDC has no role ARN', () => {
		const pipeline = generate('github', {roleArn: undefined});
		const {configure} = checkActionInputs(steps(pipeline.content));
		expect(configure.with!['role-to-assume']).toBe(`arn:aws:iam::${ACCOUNT}:role/REPLACE-ME-ecr-setup-ci-role`);
		expect(pipeline.placeholderRole).toBe(true);
		expect(pipeline.notes.join('\n')).toContain('placeholder');
		expect(pipeline.notes.join('\n')).toContain('ecr-setup policy --github-oidc OWNER/REPO');
	});

	it('keeps the branch, Dockerfile and image name exact through YAML', () => {
		const workflow = parseYaml(
			generate('github', {branch: 'release/2.0', dockerfile: ODD_DOCKERFILE, imageName: 'local-app'}).content,
		);
		expect(workflow.on.push.branches).toEqual(['release/2.0']);
		expect(workflow.env).toEqual({ECR_REPOSITORY: REPOSITORY, IMAGE_NAME: 'local-app', DOCKERFILE: ODD_DOCKERFILE});
	});
});

describe('GitLab CI', () => {
	it('uses id_tokens and the web identity of the AWS CLI for OIDC', () => {
		const pipeline = parseYaml(generate('gitlab').content);
		expect(pipeline.stages).toEqual(['push']);
		expect(pipeline.variables).toMatchObject({AWS_REGION: REGION, ECR_REGISTRY: REGISTRY, ECR_REPOSITORY: REPOSITORY});
		const job = pipeline['push-to-ecr'];
		expect(job.stage).toBe('push');
		expect(job.image).toMatch(/^docker:/);
		expect(job.services).toEqual([expect.stringMatching(/^docker:.*dind$/)]);
		expect(job.id_tokens).toEqual({AWS_ID_TOKEN: {aud: 'sts.amazonaws.com'}});
		expect(job.variables.AWS_ROLE_ARN).toBe(ROLE_ARN);
		expect(job.before_script).toContain(`printf '%s' "$AWS_ID_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"`);
		expect(job.script[0]).toContain('--password-stdin');
		expect(job.script.at(-1)).toBe('docker push "$ECR_REGISTRY/$ECR_REPOSITORY:$CI_COMMIT_SHA"');
		expect(job.rules).toEqual([{if: '$CI_COMMIT_BRANCH == "main"'}]);
	});

	it('uses CI/CD variables for keys, and refuses a role ARN it would not use', () => {
		const job = parseYaml(generate('gitlab', {auth: 'keys', roleArn: undefined}).content)['push-to-ecr'];
		expect(job.id_tokens).toBeUndefined();
		expect(job.variables.AWS_ROLE_ARN).toBeUndefined();
		expect(() => generate('gitlab', {auth: 'keys'})).toThrow(/--role-arn is only used with --auth oidc/);
	});
});

describe('CircleCI', () => {
	it('runs in a context (OIDC tokens need one) and writes the token for the AWS CLI', () => {
		const config = parseYaml(generate('circleci').content);
		expect(config.version).toBe(2.1);
		const job = config.jobs['push-to-ecr'];
		expect(job.machine.image).toMatch(/^ubuntu-/);
		expect(job.environment).toMatchObject({
			AWS_REGION: REGION,
			ECR_REGISTRY: REGISTRY,
			ECR_REPOSITORY: REPOSITORY,
			AWS_ROLE_ARN: ROLE_ARN,
		});
		expect(job.steps[0]).toBe('checkout');
		const commands = job.steps.slice(1).map((step: {run: {command: string}}) => step.run.command);
		expect(commands[0]).toContain('$CIRCLE_OIDC_TOKEN_V2');
		expect(commands.join('\n')).toContain('docker push "$ECR_REGISTRY/$ECR_REPOSITORY:$CIRCLE_SHA1"');
		expect(config.workflows['push-to-ecr'].jobs).toEqual([
			{'push-to-ecr': {context: ['aws-ecr'], filters: {branches: {only: ['main']}}}},
		]);
	});

	it('has no OIDC step with keys', () => {
		const job = parseYaml(generate('circleci', {auth: 'keys', roleArn: undefined}).content).jobs['push-to-ecr'];
		expect(JSON.stringify(job)).not.toContain('OIDC');
		expect(job.environment.AWS_ROLE_ARN).toBeUndefined();
	});
});

describe('Bitbucket Pipelines', () => {
	it('marks the step oidc: true, enables docker and exports the real values', () => {
		const pipeline = parseYaml(generate('bitbucket', {branch: 'develop'}).content);
		expect(pipeline.image).toMatch(/^amazon\/aws-cli/);
		const step = pipeline.pipelines.branches.develop[0].step;
		expect(step.oidc).toBe(true);
		expect(step.services).toEqual(['docker']);
		expect(step.script[0]).toContain(`AWS_ROLE_ARN=${ROLE_ARN}`);
		expect(step.script).toContain(`printf '%s' "$BITBUCKET_STEP_OIDC_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"`);
		expect(step.script.at(-1)).toBe('docker push "$ECR_REGISTRY/$ECR_REPOSITORY:$BITBUCKET_COMMIT"');
	});

	it('exports values a shell reads back exactly', () => {
		const pipeline = parseYaml(
			generate('bitbucket', {auth: 'keys', roleArn: undefined, dockerfile: ODD_DOCKERFILE}).content,
		);
		const step = pipeline.pipelines.branches.main[0].step;
		expect(step.oidc).toBeUndefined();
		const exportLine: string = step.script[0];
		const printed = execFileSync(
			'sh',
			['-c', `${exportLine}\nprintf '%s|%s|%s' "$DOCKERFILE" "$ECR_REGISTRY" "$ECR_REPOSITORY"`],
			{
				encoding: 'utf8',
				env: {PATH: process.env['PATH'], HOME: '/nonexistent'},
				timeout: 5000,
			},
		);
		expect(printed).toBe(`${ODD_DOCKERFILE}|${REGISTRY}|${REPOSITORY}`);
	});
});

describe('Jenkins', () => {
	/** Strip comments and string literals from Groovy, keeping line structure. */
	function stripGroovy(source: string): string {
		let out = '';
		let index = 0;
		while (index < source.length) {
			const rest = source.slice(index);
			if (rest.startsWith('//')) {
				const end = source.indexOf('\n', index);
				index = end === -1 ? source.length : end;
			} else if (rest.startsWith("'''")) {
				const end = source.indexOf("'''", index + 3);
				expect(end).toBeGreaterThan(-1);
				out += "''";
				index = end + 3;
			} else if (source[index] === "'" || source[index] === '"') {
				const quote = source[index]!;
				let end = index + 1;
				while (source[end] !== quote) {
					expect(source[end]).not.toBe('\n');
					expect(end).toBeLessThan(source.length);
					end += source[end] === '\\' ? 2 : 1;
				}

				out += "''";
				index = end + 1;
			} else {
				out += source[index];
				index += 1;
			}
		}

		return out;
	}

	type Block = {head: string; children: Block[]; body: string};

	/** Build the tree of `head { … }` blocks; throws on unbalanced braces. */
	function blocks(code: string): Block[] {
		const root: Block = {head: '', children: [], body: ''};
		const stack: Block[] = [root];
		let pending = '';
		for (const char of code) {
			if (char === '{') {
				const block: Block = {head: pending.trim().split('\n').at(-1)!.trim(), children: [], body: ''};
				stack.at(-1)!.children.push(block);
				stack.push(block);
				pending = '';
			} else if (char === '}') {
				expect(stack.length).toBeGreaterThan(1);
				stack.pop();
				pending = '';
			} else {
				pending += char;
				stack.at(-1)!.body += char;
			}
		}

		expect(stack.length).toBe(1);
		return root.children;
	}

	it('is a declarative pipeline: pipeline { agent … stages { stage(…) { steps { … } } } }', () => {
		const content = generate('jenkins', {auth: 'keys', roleArn: undefined, dockerfile: ODD_DOCKERFILE}).content;
		const tree = blocks(stripGroovy(content));
		expect(tree.map((block) => block.head)).toEqual(['pipeline']);
		const pipeline = tree[0]!;
		expect(pipeline.body).toMatch(/^\s*agent any\s*$/m);
		expect(pipeline.children.map((block) => block.head)).toEqual(['environment', 'stages', 'post']);
		const stages = pipeline.children[1]!;
		expect(stages.children.length).toBeGreaterThan(0);
		for (const stage of stages.children) {
			expect(stage.head).toMatch(/^stage\(''\)$/);
			expect(stage.children.map((block) => block.head)).toContain('steps');
		}

		const environment = pipeline.children[0]!.body;
		for (const name of ['AWS_REGION', 'ECR_REGISTRY', 'ECR_REPOSITORY', 'DOCKERFILE'])
			expect(environment).toMatch(new RegExp(`^\\s*${name} = ''$`, 'm'));
		expect(content).toContain(`ECR_REGISTRY = '${REGISTRY}'`);
		expect(content).toContain(`ECR_REPOSITORY = '${REPOSITORY}'`);
		expect(content).toContain(`DOCKERFILE = ${groovyString(ODD_DOCKERFILE)}`);
		expect(content).toContain(
			"withCredentials([[$class: 'AmazonWebServicesCredentialsBinding', credentialsId: 'aws-ecr-push']])",
		);
		expect(content).toContain('docker push "$ECR_REGISTRY/$ECR_REPOSITORY:$GIT_COMMIT"');
		expect(content).toContain('docker logout "$ECR_REGISTRY"');
	});

	it('assumes a role through the credentials binding when one is given', () => {
		const content = generate('jenkins', {auth: 'keys'}).content;
		expect(content).toContain(`credentialsId: 'aws-ecr-push', roleArn: '${ROLE_ARN}'`);
		blocks(stripGroovy(content));
	});

	it('refuses OIDC, which Jenkins cannot do on its own', () => {
		expect(() => generate('jenkins')).toThrow(/no built-in OIDC/);
	});
});

describe('input checks', () => {
	it('rejects a registry in another region, a public registry and a non-ECR host', () => {
		expect(() => generate('github', {registry: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`})).toThrow(
			/is in us-east-1, but the region is eu-west-2/,
		);
		expect(() => generate('github', {registry: 'public.ecr.aws'})).toThrow(/not a private ECR registry host/);
		expect(() => generate('github', {registry: 'docker.io'})).toThrow(UsageError);
	});

	it('rejects bad names, role ARNs, branches and Dockerfile paths with the rule', () => {
		expect(() => generate('gitlab', {repository: 'Web_App'})).toThrow(/lower case/);
		expect(() => generate('gitlab', {roleArn: 'arn:aws:iam::012345678901:user/ci'})).toThrow(/role\/NAME/);
		expect(() => generate('gitlab', {branch: 'main; rm -rf /'})).toThrow(/branch/);
		expect(() => generate('gitlab', {dockerfile: 'a\nb'})).toThrow(/control characters/);
		expect(() => generatePipeline('travis' as CiKind, BASE)).toThrow(/github, gitlab, jenkins, circleci, bitbucket/);
	});
});

describe('githubRepositoryOfRemote', () => {
	it('reads OWNER/REPO from https, ssh and scp-like GitHub remotes only', () => {
		expect(githubRepositoryOfRemote('https://github.com/octo-org/web-app.git\n')).toBe('octo-org/web-app');
		expect(githubRepositoryOfRemote('https://github.com/octo-org/web.app')).toBe('octo-org/web.app');
		expect(githubRepositoryOfRemote('git@github.com:octo/app.git')).toBe('octo/app');
		expect(githubRepositoryOfRemote('ssh://git@github.com/octo/app.git')).toBe('octo/app');
		expect(githubRepositoryOfRemote('https://gitlab.com/octo/app.git')).toBeUndefined();
		expect(githubRepositoryOfRemote('https://github.com.evil.example/octo/app')).toBeUndefined();
		expect(githubRepositoryOfRemote('https://github.com/octo/app/tree/main')).toBeUndefined();
	});

	it('names the repository and branch in the GitHub trust-policy note', () => {
		const notes = generate('github', {sourceRepository: 'octo/app', branch: 'prod'}).notes.join('\n');
		expect(notes).toContain('ecr-setup policy --github-oidc octo/app --branch prod');
		expect(() => generate('github', {sourceRepository: 'not a repo'})).toThrow(/OWNER\/REPO/);
	});
});

describe('quoting helpers', () => {
	it('shellQuote round-trips through sh', () => {
		const samples = ['plain', "it's", 'a b', '$HOME', '`id`', '"x"', 'back\\slash', ''];
		const script = samples.map((sample) => `printf '%s\\n' ${shellQuote(sample)}`).join('\n');
		const printed = execFileSync('sh', ['-c', script], {
			encoding: 'utf8',
			env: {PATH: process.env['PATH']},
			timeout: 5000,
		});
		expect(printed.split('\n').slice(0, samples.length)).toEqual(samples);
	});

	it('groovyString escapes backslashes and single quotes', () => {
		expect(groovyString(`a'b\\c`)).toBe(`'a\\'b\\\\c'`);
	});
});
