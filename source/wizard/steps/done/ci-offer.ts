/**
 * What the Done step offers once the repository is known: a CI pipeline written into the working directory (after a
 * diff and a yes), and the least-privilege push policy to attach. The file system is reached only through `CiFiles`,
 * so the step never touches it and tests point it at a temp dir. The pipeline and policy texts are the generators'.
 */
import {readTextFile, writeTextFile} from '../../../files/atomic-file.js';
import {fileDiff} from '../../../lib/diff.js';
import {isAbsolute, resolve} from 'node:path';
import {UserError} from '../../../errors/user-errors.js';
import {partitionOfArn} from '../../../ecr/regions.js';
import {privateRegistryHost} from '../../../ecr/hosts.js';
// The generator, its YAML library and the file helpers load when a pipeline is planned, not before the first frame.
import {OIDC_CAPABLE, type CiAuth, type CiKind} from '../../../generators/ci-kinds.js';
import {generateIdentityPolicy, type PolicyDocument} from '../../../generators/policy.js';
import {commandLine} from '../../../lib/shell.js';
import type {FileChange, WizardState} from '../../state.js';

export {CI_KINDS, type CiAuth, type CiKind} from '../../../generators/ci-kinds.js';

/** Reads and writes files relative to one directory (the working directory in the wizard). */
export type CiFiles = {
	directory: string;
	read: (path: string) => Promise<string | undefined>;
	/** Atomic: a temp file in the same directory, then a rename. */
	write: (path: string, content: string) => Promise<void>;
};

export function ciFilesAt(directory: string): CiFiles {
	const full = (path: string) => (isAbsolute(path) ? path : resolve(directory, path));
	return {
		directory,
		read: async (path) => readTextFile(full(path)),
		write: async (path, content) => writeTextFile(full(path), content),
	};
}

export const CI_LABELS: Record<CiKind, string> = {
	github: 'GitHub Actions',
	gitlab: 'GitLab CI',
	jenkins: 'Jenkins',
	circleci: 'CircleCI',
	bitbucket: 'Bitbucket Pipelines',
};

/** The ways a platform's pipeline can get AWS credentials, the default first. */
export function authChoices(kind: CiKind): CiAuth[] {
	return OIDC_CAPABLE[kind] ? ['oidc', 'keys'] : ['keys'];
}

export type OfferTarget = {
	account: string;
	arn: string;
	region: string;
	repository: string;
	registry: string;
	profile?: string;
};

/** Account, region and repository: all three are needed before a pipeline or a policy can name the repository. */
export function offerTarget(state: WizardState): OfferTarget | undefined {
	if (!state.identity || !state.repository) return undefined;
	const region = state.repository.region || state.region;
	if (!region) return undefined;
	return {
		account: state.identity.account,
		arn: state.identity.arn,
		region,
		repository: state.repository.name,
		registry: privateRegistryHost(state.repository.registryId || state.identity.account, region),
		...(state.profile ? {profile: state.profile} : {}),
	};
}

export type CiPlan = {
	kind: CiKind;
	auth: CiAuth;
	/** Relative to the files' directory, as shown. */
	path: string;
	content: string;
	/** What is there now (undefined: no file). */
	before: string | undefined;
	diff: string;
	unchanged: boolean;
	notes: string[];
};

/** Generate the pipeline and compare it with what is on disk. Throws UsageError/UserError for bad input or an unreadable file. */
export async function planCiFile(files: CiFiles, target: OfferTarget, kind: CiKind, auth: CiAuth): Promise<CiPlan> {
	const {generatePipeline} = await import('../../../generators/ci.js');
	const pipeline = generatePipeline(kind, {
		account: target.account,
		region: target.region,
		repository: target.repository,
		registry: target.registry,
		auth,
	});
	const before = await files.read(pipeline.path);
	return {
		kind,
		auth,
		path: pipeline.path,
		content: pipeline.content,
		before,
		diff: before === pipeline.content ? '' : fileDiff(pipeline.path, before, pipeline.content),
		unchanged: before === pipeline.content,
		notes: pipeline.notes,
	};
}

/** Write the planned file, unless it changed since the diff was shown. Returns the entry for "Files changed". */
export async function writeCiFile(files: CiFiles, plan: CiPlan): Promise<FileChange> {
	if ((await files.read(plan.path)) !== plan.before) {
		throw new UserError(`${plan.path} changed while ecr-setup was waiting for an answer; nothing was written.`, {
			code: 'ci.file-changed',
			hint: 'Press c again to see the difference against the file as it is now.',
		});
	}

	await files.write(plan.path, plan.content);
	return {
		path: resolve(files.directory, plan.path),
		description: `${CI_LABELS[plan.kind]} pipeline (${plan.auth === 'oidc' ? 'OIDC role' : 'access keys'})`,
	};
}

export type PolicyOffer = {policy: PolicyDocument; json: string; commands: string[]};

/**
 * JSON that keeps a value on one line when it fits in `width` columns at its indentation, and breaks it open
 * otherwise: the same document as JSON.stringify(value, null, 2), in fewer rows of a terminal.
 */
function oneLineJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map((item: unknown) => oneLineJson(item)).join(', ')}]`;
	if (value !== null && typeof value === 'object') {
		return `{${Object.entries(value)
			.map(([key, item]) => `${JSON.stringify(key)}: ${oneLineJson(item)}`)
			.join(', ')}}`;
	}

	return JSON.stringify(value);
}

export function compactJson(value: unknown, width: number, indent = 0, label = 0): string {
	const inline = oneLineJson(value);
	if (value === null || typeof value !== 'object' || indent + label + inline.length <= width) return inline;
	const pad = ' '.repeat(indent + 2);
	if (Array.isArray(value) && value.every((item: unknown) => item === null || typeof item !== 'object')) {
		// A list of names (IAM actions): as many to a row as fit.
		const rows: string[] = [];
		for (const item of value.map((entry: unknown) => JSON.stringify(entry))) {
			const last = rows.at(-1);
			if (last !== undefined && pad.length + last.length + 2 + item.length + 1 <= width)
				rows[rows.length - 1] = `${last}, ${item}`;
			else rows.push(item);
		}

		return `[\n${rows.map((row) => pad + row).join(',\n')}\n${' '.repeat(indent)}]`;
	}

	const entries = Array.isArray(value)
		? value.map((item: unknown) => pad + compactJson(item, width, indent + 2))
		: Object.entries(value).map(([key, item]) => {
				const name = `${JSON.stringify(key)}: `;
				return pad + name + compactJson(item, width, indent + 2, name.length);
			});
	const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
	return `${open}\n${entries.join(',\n')}\n${' '.repeat(indent)}${close}`;
}

/** The push policy as `ecr-setup policy --push` prints it, and how to save and attach it. */
export function policyOffer(target: OfferTarget): PolicyOffer {
	const policy = generateIdentityPolicy({
		account: target.account,
		region: target.region,
		repository: target.repository,
		access: 'push',
		partition: partitionOfArn(target.arn),
	});
	const name = `ecr-push-${target.repository.replaceAll('/', '-')}`;
	return {
		policy,
		// The wizard's frame leaves 78 columns for content.
		json: compactJson(policy, 78),
		commands: [
			`${commandLine([
				'ecr-setup',
				'policy',
				'--repository',
				target.repository,
				'--push',
				'--region',
				target.region,
				...(target.profile ? ['--profile', target.profile] : []),
			])} > policy.json`,
			`aws iam put-role-policy --role-name ROLE --policy-name ${name} --policy-document file://policy.json`,
			`aws iam put-user-policy --user-name USER --policy-name ${name} --policy-document file://policy.json`,
		],
	};
}
