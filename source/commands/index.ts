/** The subcommands, loaded on demand so that `--help` and `--version` stay near Node's start-up floor. */
import type {CommandDefinition} from './types.js';

export type CommandEntry = {name: string; summary: string; load: () => Promise<CommandDefinition>};

export const COMMANDS: CommandEntry[] = [
	{
		name: 'whoami',
		summary: 'Show the AWS identity, account and region in use',
		load: async () => (await import('./whoami.js')).whoamiCommand,
	},
	{
		name: 'sign-in',
		summary: 'Sign in to AWS: IAM Identity Center profiles, or access keys',
		load: async () => (await import('./sign-in.js')).signInCommand,
	},
	{
		name: 'login',
		summary: 'docker login to an ECR registry with a 12-hour token',
		load: async () => (await import('./login.js')).loginCommand,
	},
	{
		name: 'configure-helper',
		summary: 'Make docker use docker-credential-ecr-login for ECR (credHelpers)',
		load: async () => (await import('./configure-helper.js')).configureHelperCommand,
	},
	{
		name: 'install-helper',
		summary: 'Install docker-credential-ecr-login (brew, apt, dnf, yum, apk, go, binary)',
		load: async () => (await import('./install-helper.js')).installHelperCommand,
	},
	{
		name: 'push',
		summary: 'Tag a local image with its ECR URI and push it',
		load: async () => (await import('./push.js')).pushCommand,
	},
	{
		name: 'doctor',
		summary: 'Find out why a push to ECR fails, and fix it',
		load: async () => (await import('./doctor.js')).doctorCommand,
	},
	{
		name: 'restore-config',
		summary: 'Put back a docker config.json backup made by ecr-setup',
		load: async () => (await import('./restore-config.js')).restoreConfigCommand,
	},
	{
		name: 'ci',
		summary: 'Write a CI pipeline that pushes to ECR (github, gitlab, jenkins, circleci, bitbucket)',
		load: async () => (await import('./ci.js')).ciCommand,
	},
	{
		name: 'template',
		summary: 'Create a repository creation template (create on push), or list them',
		load: async () => (await import('./template.js')).templateCommand,
	},
	{
		name: 'pull-through',
		summary: 'Cache base images from Docker Hub, GHCR, Quay… in ECR (pull-through cache rule)',
		load: async () => (await import('./pull-through.js')).pullThroughCommand,
	},
	{
		name: 'policy',
		summary: 'Print least-privilege IAM policies for pushing or pulling',
		load: async () => (await import('./policy.js')).policyCommand,
	},
];

export function findCommand(name: string): CommandEntry | undefined {
	return COMMANDS.find((entry) => entry.name === name);
}
