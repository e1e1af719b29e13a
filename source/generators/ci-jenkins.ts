/** Jenkins: a declarative Jenkinsfile; the keys come from an "AWS Credentials" binding, optionally assuming a role. */
import type {ResolvedInput} from './ci-input.js';
import {buildxCommand, buildxNotes, builderSetup} from './ci-buildx.js';
import {DEFAULT_PATHS, LOGIN_COMMAND, header, pipelineVariables, type GeneratedPipeline} from './ci-parts.js';

export const JENKINS_CREDENTIALS_ID = 'aws-ecr-push';

/** A Groovy single-quoted string literal (no interpolation) standing for exactly `value`. */
export function groovyString(value: string): string {
	return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

export function jenkins(input: ResolvedInput): GeneratedPipeline {
	const binding = [
		`$class: 'AmazonWebServicesCredentialsBinding'`,
		`credentialsId: ${groovyString(JENKINS_CREDENTIALS_ID)}`,
		...(input.roleArn === undefined ? [] : [`roleArn: ${groovyString(input.roleArn)}`]),
	].join(', ');
	const {build} = input;
	// A buildx build pushes as it builds: the builder is set up first, the build runs after the login.
	const buildSteps = build
		? builderSetup(build).map((command) => `                sh ${groovyString(command)}`)
		: [`                sh 'docker build --file "$DOCKERFILE" --tag "$IMAGE_NAME:$GIT_COMMIT" .'`];
	const pushSteps = build
		? [`                        ${buildxCommand(build, 'GIT_COMMIT', 'ECR_REGISTRY')}`]
		: [
				'                        docker tag "$IMAGE_NAME:$GIT_COMMIT" "$ECR_REGISTRY/$ECR_REPOSITORY:$GIT_COMMIT"',
				'                        docker push "$ECR_REGISTRY/$ECR_REPOSITORY:$GIT_COMMIT"',
			];
	const lines = [
		...header('Jenkins', input).map((line) => `// ${line}`),
		'// Needs the Docker CLI and AWS CLI on the agent, and the "AWS Credentials" plugin (AmazonWebServicesCredentialsBinding).',
		'pipeline {',
		'    agent any',
		'    environment {',
		...Object.entries(pipelineVariables(input)).map(([name, value]) => `        ${name} = ${groovyString(value)}`),
		'    }',
		'    stages {',
		"        stage('Build') {",
		'            steps {',
		...buildSteps,
		'            }',
		'        }',
		"        stage('Push to Amazon ECR') {",
		'            // Multibranch jobs push only from the chosen branch; single-branch jobs push what they build.',
		'            when {',
		`                expression { env.BRANCH_NAME == null || env.BRANCH_NAME == ${groovyString(input.branch)} }`,
		'            }',
		'            steps {',
		`                withCredentials([[${binding}]]) {`,
		"                    sh '''",
		`                        ${LOGIN_COMMAND}`,
		...pushSteps,
		"                    '''",
		'                }',
		'            }',
		'        }',
		'    }',
		'    post {',
		'        always {',
		"            // Agents are shared: leave no ECR token behind in the agent's docker config.",
		`            sh 'docker logout "$ECR_REGISTRY" || true'`,
		'        }',
		'    }',
		'}',
		'',
	];
	const notes = [
		`Add a Jenkins credential of kind "AWS Credentials" with the ID "${JENKINS_CREDENTIALS_ID}" (Manage Jenkins → Credentials) holding the access key of an IAM user that may only push here (\`ecr-setup policy --repository ${input.repository} --push\` prints its policy).`,
		...(input.roleArn === undefined
			? []
			: [
					`The binding assumes ${input.roleArn} with those keys: the role must trust that user and carry the push policy.`,
				]),
		'The agent needs the docker and aws CLIs; GIT_COMMIT is set when the job checks out from SCM.',
		...(build ? buildxNotes(build, input.repository) : []),
	];
	return {path: DEFAULT_PATHS.jenkins, content: lines.join('\n'), notes, placeholderRole: false};
}
