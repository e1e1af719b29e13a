/**
 * `doctor --fix`: the safe fixes, in a safe order — install the helper, edit config.json (diff, backup, consent),
 * log in with a fresh token when docker will read config.json, tag the image, and (run by the owner) add a statement
 * to a repository policy (diff, its own yes). Nothing here deletes an image, a repository, a backup or a policy
 * statement, and nothing touches a store other registries rely on without its own yes.
 */
import {fileDiff} from '../lib/diff.js';
import {colorDiff} from '../lib/format.js';
import {errorMessage, isUserError} from '../errors/user-errors.js';
import {parseDockerConfig} from '../docker-config/parse.js';
import type {InstallPlan} from '../credential-helper/types.js';
import type {ConfigChange, EditPlan, LoadedConfig, StoreResolution} from '../docker-config/types.js';
import type {Services} from '../services/types.js';
import type {CommandIo} from '../lib/io.js';
import type {DoctorFacts} from './facts.js';
import {installCommand} from './checks/ecr-login-fix.js';
import type {CheckId, DoctorReport, FixAction} from './types.js';

export type FixStepKind = 'install-helper' | 'config' | 'login' | 'tag' | 'repository-policy';

export type RepositoryPolicyFix = Extract<FixAction, {type: 'repository-policy'}>;

export type FixStepResult = {
	step: FixStepKind;
	status: 'done' | 'declined' | 'failed' | 'skipped' | 'dry-run';
	message: string;
	/** Config edits: where the backup went. */
	backupPath?: string;
};

/** The config changes, with the ones that need their own yes marked. */
export type ConfigFixPlan = {
	changes: ConfigChange[];
	/** question → the changes it guards (removing a credsStore other registries use). */
	consents: Array<{question: string; changes: ConfigChange[]}>;
};

export type FixPlan = {
	installHelper: boolean;
	config: ConfigFixPlan;
	/** Registries to log in to (docker login with a fresh token). */
	login: string[];
	tags: Array<{source: string; target: string}>;
	/** Repository policies to set, each with the policy it was planned from. */
	repositoryPolicies: RepositoryPolicyFix[];
	/** Problems that have no automatic fix: check ids. */
	manual: CheckId[];
};

function changeKey(change: ConfigChange): string {
	switch (change.type) {
		case 'set-cred-helper':
		case 'remove-cred-helper':
			return `cred-helper:${change.host}`;
		case 'remove-auth':
			return `auth:${change.key}`;
		case 'set-creds-store':
		case 'remove-creds-store':
			return 'creds-store';
	}
}

/** Merge what the failing and warning checks propose into one plan (pure). */
export function planFixes(report: DoctorReport): FixPlan {
	const plan: FixPlan = {
		installHelper: false,
		config: {changes: [], consents: []},
		login: [],
		tags: [],
		repositoryPolicies: [],
		manual: [],
	};
	const byKey = new Map<string, ConfigChange>();
	const consentFor = new Map<string, Set<string>>();
	for (const check of report.checks) {
		if (check.status !== 'fail' && check.status !== 'warn') continue;
		const action: FixAction | undefined = check.fix?.action;
		if (!action) {
			if (check.status === 'fail') plan.manual.push(check.id);
			continue;
		}

		switch (action.type) {
			case 'install-helper':
				plan.installHelper = true;
				break;
			case 'login':
				if (!plan.login.includes(action.registry)) plan.login.push(action.registry);
				break;
			case 'tag':
				if (!plan.tags.some((tag) => tag.target === action.target))
					plan.tags.push({source: action.source, target: action.target});
				break;
			case 'repository-policy':
				if (!plan.repositoryPolicies.some((fix) => fix.repository === action.repository))
					plan.repositoryPolicies.push(action);
				break;
			case 'config':
				for (const change of action.changes) {
					const key = changeKey(change);
					const existing = byKey.get(key);
					// Two checks may both name a helper for a host: ecr-login wins (it is what the store fix installs).
					if (
						existing?.type === 'set-cred-helper' &&
						change.type === 'set-cred-helper' &&
						existing.helper === 'ecr-login'
					)
						continue;
					if (existing?.type === 'set-cred-helper' && change.type === 'remove-cred-helper') continue;
					byKey.set(key, change);
					if (action.consent) {
						const keys = consentFor.get(action.consent) ?? new Set<string>();
						if (change.type === 'remove-creds-store') keys.add(key);
						consentFor.set(action.consent, keys);
					}
				}

				break;
		}
	}

	plan.config.changes = [...byKey.values()];
	for (const [question, keys] of consentFor) {
		const guarded = plan.config.changes.filter((change) => keys.has(changeKey(change)));
		if (guarded.length > 0) plan.config.consents.push({question, changes: guarded});
	}

	return plan;
}

export type ApplyFixesOptions = {
	dryRun?: boolean;
	signal?: AbortSignal;
	/** Where progress goes (stdout normally, stderr under --json). */
	say?: (text: string) => void;
};

function needsEcrLogin(changes: ConfigChange[]): boolean {
	return changes.some((change) => change.type === 'set-cred-helper' && change.helper === 'ecr-login');
}

function predictStore(
	services: Services,
	config: LoadedConfig,
	plan: EditPlan | undefined,
	host: string,
): StoreResolution {
	if (!plan?.changed) return services.dockerConfig.resolveStore(config, host);
	const data = parseDockerConfig(plan.newText, config.path);
	return services.dockerConfig.resolveStore({...config, text: plan.newText, data}, host);
}

async function fetchAndLogin(services: Services, facts: DoctorFacts, registry: string): Promise<string> {
	const target = facts.target;
	if (registry !== target.host || !target.region) throw new Error(`no region known for ${registry}`);
	const token =
		target.registry?.kind === 'public'
			? await services.aws.getPublicAuthorizationToken()
			: await services.aws.getAuthorizationToken(target.region, target.account);
	const answer = await services.docker.login(registry, token.username, token.password);
	return `${answer.message.trim() || 'Login Succeeded'} (token valid until ${token.expiresAt.toISOString()})`;
}

/** Apply the plan with consent. Returns what happened to each step; never throws for a step that fails. */
export async function applyFixes(
	services: Services,
	facts: DoctorFacts,
	plan: FixPlan,
	io: CommandIo,
	options: ApplyFixesOptions = {},
): Promise<FixStepResult[]> {
	const say = options.say ?? ((text: string) => io.out(text));
	const results: FixStepResult[] = [];
	const host = facts.target.host;
	let changes = [...plan.config.changes];
	let helperAvailable = Boolean(facts.binaries['docker-credential-ecr-login']);

	// 1. The helper, when a fix points docker at it and it is missing.
	if (!helperAvailable && (plan.installHelper || needsEcrLogin(changes))) {
		const install: InstallPlan | undefined = facts.installPlan;
		if (!install) {
			results.push({
				step: 'install-helper',
				status: 'skipped',
				message: 'No install method fits this machine; install docker-credential-ecr-login by hand.',
			});
		} else {
			say(
				`${install.description}\n  $ ${installCommand(facts)}${install.needsSudo ? '\n  (uses sudo: you are not root)' : ''}`,
			);
			if (options.dryRun) {
				results.push({
					step: 'install-helper',
					status: 'dry-run',
					message: 'Would install docker-credential-ecr-login.',
				});
			} else if (await io.confirm('Install docker-credential-ecr-login?', {defaultYes: true, flag: '--yes'})) {
				try {
					const installed = await services.helper.install(install, {
						onLine: (line) => io.err(`  ${line}`),
						...(options.signal ? {signal: options.signal} : {}),
					});
					helperAvailable = true;
					results.push({
						step: 'install-helper',
						status: 'done',
						message: `Installed ${installed.path}${installed.version ? ` (${installed.version})` : ''}.`,
					});
				} catch (error) {
					if (isUserError(error) && error.code === 'cancelled') throw error;
					results.push({step: 'install-helper', status: 'failed', message: errorMessage(error)});
				}
			} else {
				results.push({step: 'install-helper', status: 'declined', message: 'The helper was not installed.'});
			}
		}

		// Never point docker at a helper that is not there: that turns "no credentials" into "executable file not found".
		if (!helperAvailable && !options.dryRun) {
			changes = changes.filter((change) => !(change.type === 'set-cred-helper' && change.helper === 'ecr-login'));
		}
	}

	// 2. config.json: one diff for everything, a backup, and a yes (plus its own yes for dropping a shared credsStore).
	let editPlan: EditPlan | undefined;
	if (changes.length > 0 && facts.config.state !== 'ok') {
		results.push({
			step: 'config',
			status: 'skipped',
			message: 'config.json is invalid: fix it by hand first (see docker.config).',
		});
	} else if (changes.length > 0 && facts.config.state === 'ok') {
		const config = facts.config.config;
		for (const consent of plan.config.consents) {
			if (!consent.changes.some((change) => changes.includes(change))) continue;
			if (options.dryRun) continue;
			if (!(await io.confirm(consent.question, {defaultYes: false, flag: '--yes'}))) {
				changes = changes.filter((change) => !consent.changes.includes(change));
				say(`Keeping it; ${consent.changes.length === 1 ? 'that change was' : 'those changes were'} dropped.`);
			}
		}

		if (changes.length > 0) {
			editPlan = services.dockerConfig.plan(config, changes);
			if (!editPlan.changed) {
				results.push({step: 'config', status: 'skipped', message: `${config.path} already has these settings.`});
			} else {
				say(colorDiff(editPlan.diff.trimEnd(), io.color));
				if (options.dryRun) {
					results.push({step: 'config', status: 'dry-run', message: `Would write ${config.path} (with a backup).`});
				} else if (
					await io.confirm(`Write these changes to ${config.path}? (a backup is kept)`, {
						defaultYes: true,
						flag: '--yes',
					})
				) {
					try {
						const applied = await services.dockerConfig.apply(config, editPlan);
						results.push({
							step: 'config',
							status: 'done',
							message: `Wrote ${applied.path}${applied.backupPath ? ` (backup: ${applied.backupPath})` : ''}.`,
							...(applied.backupPath ? {backupPath: applied.backupPath} : {}),
						});
					} catch (error) {
						if (isUserError(error) && error.code === 'cancelled') throw error;
						editPlan = undefined;
						results.push({step: 'config', status: 'failed', message: errorMessage(error)});
					}
				} else {
					editPlan = undefined;
					results.push({step: 'config', status: 'declined', message: 'config.json was not changed.'});
				}
			}
		}
	}

	// 3. Log in where docker will read config.json (or a helper that stores) — never where ecr-login serves the host.
	let logins = [...plan.login];
	if (host && facts.config.state === 'ok') {
		const after = predictStore(services, facts.config.config, editPlan, host);
		if (after.kind === 'file' && !after.hasAuth && !logins.includes(host)) logins.push(host);
		// ecr-login cannot store (and needs no login); DOCKER_AUTH_CONFIG wins anyway; a missing helper cannot store either.
		const helperMissing =
			after.kind === 'helper' && after.helper !== 'ecr-login' && !facts.binaries[`docker-credential-${after.helper}`];
		const loginUseless =
			after.kind === 'env' || (after.kind === 'helper' && after.helper === 'ecr-login') || helperMissing;
		if (loginUseless) logins = logins.filter((registry) => registry !== host);
	}

	for (const registry of logins) {
		if (facts.aws.identity.state !== 'ok') {
			results.push({
				step: 'login',
				status: 'skipped',
				message: `No working AWS credentials to fetch a token for ${registry} (see aws.credentials).`,
			});
			continue;
		}

		say(`Logging in to ${registry} with a fresh 12-hour token (password on stdin).`);
		if (options.dryRun) {
			results.push({step: 'login', status: 'dry-run', message: `Would log in to ${registry}.`});
			continue;
		}

		try {
			results.push({step: 'login', status: 'done', message: await fetchAndLogin(services, facts, registry)});
		} catch (error) {
			if (isUserError(error) && error.code === 'cancelled') throw error;
			results.push({step: 'login', status: 'failed', message: errorMessage(error)});
		}
	}

	// 4. Tag the image with its ECR URI (adds a name; removes nothing).
	for (const tag of plan.tags) {
		say(`$ docker tag ${tag.source} ${tag.target}`);
		if (options.dryRun) {
			results.push({step: 'tag', status: 'dry-run', message: `Would tag ${tag.source} as ${tag.target}.`});
			continue;
		}

		try {
			await services.docker.tag(tag.source, tag.target);
			results.push({step: 'tag', status: 'done', message: `Tagged ${tag.source} as ${tag.target}.`});
		} catch (error) {
			results.push({step: 'tag', status: 'failed', message: errorMessage(error)});
		}
	}

	// 5. Repository policies (the caller owns the repository): the whole new policy as a diff, then its own yes.
	for (const fix of plan.repositoryPolicies) results.push(await setRepositoryPolicy(services, fix, io, say, options));
	return results;
}

function pretty(text: string): string {
	try {
		return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
	} catch {
		return text.endsWith('\n') ? text : `${text}\n`;
	}
}

async function setRepositoryPolicy(
	services: Services,
	fix: RepositoryPolicyFix,
	io: CommandIo,
	say: (text: string) => void,
	options: ApplyFixesOptions,
): Promise<FixStepResult> {
	const where = `the repository policy of ${fix.repository} (${fix.region}, account ${fix.registryId})`;
	say(`SetRepositoryPolicy replaces ${where} with:`);
	say(
		colorDiff(
			fileDiff(
				`${fix.repository} repository policy`,
				fix.before === null ? undefined : pretty(fix.before),
				pretty(fix.after),
			),
			io.color,
		),
	);
	if (options.dryRun) return {step: 'repository-policy', status: 'dry-run', message: `Would set ${where}.`};
	if (!(await io.confirm(`Set ${where} to this?`, {defaultYes: false, flag: '--yes'}))) {
		return {step: 'repository-policy', status: 'declined', message: `${where} was not changed.`};
	}

	try {
		// Read again right before writing: a statement added since the doctor looked must not be lost.
		const now = await services.aws.getRepositoryPolicy(fix.region, fix.repository, fix.registryId, {
			...(options.signal ? {signal: options.signal} : {}),
		});
		if (now !== fix.before) {
			return {
				step: 'repository-policy',
				status: 'skipped',
				message: `${where} changed since the doctor read it; nothing was written. Run the doctor again.`,
			};
		}

		await services.aws.setRepositoryPolicy(fix.region, fix.repository, fix.after, fix.registryId);
		return {step: 'repository-policy', status: 'done', message: `Set ${where}.`};
	} catch (error) {
		if (isUserError(error) && error.code === 'cancelled') throw error;
		return {step: 'repository-policy', status: 'failed', message: errorMessage(error)};
	}
}
