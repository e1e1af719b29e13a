/**
 * The wizard's whole state: plain, serialisable data (no Dates, no functions), so cli.tsx can carry it across a
 * hand-over of the terminal (aws sso login, sudo) and render the wizard again where it was.
 */
import type {IdentityKind, TagMutability} from '../aws/types.js';
import type {TagMutabilityFilter} from '../ecr/repository-settings.js';

export type WizardMode = 'push' | 'troubleshoot' | 'helper';

export type StepId =
	| 'welcome'
	| 'identity'
	| 'region'
	| 'repository'
	| 'auth'
	| 'image'
	| 'push'
	| 'troubleshoot'
	| 'done';

export const STEP_TITLES: Record<StepId, string> = {
	welcome: 'Welcome',
	identity: 'AWS identity',
	region: 'Region',
	repository: 'Repository',
	auth: 'Authentication',
	image: 'Image and tag',
	push: 'Push',
	troubleshoot: 'Troubleshooter',
	done: 'Done',
};

const FLOWS: Record<WizardMode, StepId[]> = {
	push: ['welcome', 'identity', 'region', 'repository', 'auth', 'image', 'push', 'done'],
	helper: ['welcome', 'identity', 'region', 'auth', 'done'],
	troubleshoot: ['welcome', 'identity', 'region', 'troubleshoot', 'done'],
};

export type DockerFacts = {
	cli: string | null;
	daemon: 'running' | 'cli-missing' | 'not-running' | 'permission' | 'unknown';
	serverVersion?: string;
	message?: string;
};

export type ChosenRepository = {
	name: string;
	uri: string;
	registryId: string;
	region: string;
	imageTagMutability: TagMutability;
	/** With the *_WITH_EXCLUSION mutabilities: the tags that behave the other way. */
	exclusionFilters?: TagMutabilityFilter[];
	created: boolean;
	/** What the wizard created it with, so the Done step can say how to do the same without it. */
	createdWith?: CreatedWith;
	/**
	 * It does not exist yet: ECR creates it on the first push, from the creation template with this prefix (the
	 * pushing identity needs `actions` for that).
	 */
	createOnPush?: {prefix: string; actions: string[]};
};

export type CreatedWith = {
	imageTagMutability: TagMutability;
	/** The tags that behave the other way, with the *_WITH_EXCLUSION mutabilities. */
	exclusions?: string[];
	scanOnPush: boolean;
	/** A lifecycle policy keeps the newest this many tagged images. */
	keepImages?: number;
	/** Absent: AES-256, ECR's default. */
	encryption?: 'KMS';
};

export type FileChange = {path: string; backupPath?: string; description: string};

export type PushFailure = {kind: string; message: string};

/** What a hand-over of the terminal was for, so the step that asked can pick up the result. */
export type Pending = {kind: 'sso-login'; profile?: string} | {kind: 'install-helper'; command: string};

export type LogEntry = {id: number; text: string; tone: 'done' | 'back' | 'note'};

export type WizardState = {
	version: 1;
	step: StepId;
	mode: WizardMode;
	docker?: DockerFacts;
	profile?: string;
	identity?: {account: string; arn: string; kind: IdentityKind};
	region?: string;
	repository?: ChosenRepository;
	/** The registry host docker will talk to (from the repository's URI, else account + region). */
	registry?: string;
	/** profile: the AWS profile the registry is bound to (credHelpers value ecr-login-<profile>), when it is. */
	auth?: {method: 'helper' | 'login' | 'unchanged'; verified: boolean; expiresAt?: string; profile?: string};
	changes: FileChange[];
	/**
	 * lambda: the image is for AWS Lambda, which takes one image manifest; platform: push that platform's manifest alone
	 * (`docker push --platform`), leaving the index and its attestations behind.
	 */
	image?: {source: string; tag: string; lambda?: boolean; platform?: string};
	pushed?: {uri: string; digest: string};
	/** Set while the wizard takes a detour to fix a failed push; the push is tried again afterwards. */
	pushFailure?: PushFailure;
	log: LogEntry[];
	/** Steps the user answered by hand, in order: Esc walks back through these. */
	history: StepId[];
	pending?: Pending;
};

export function initialState(mode?: WizardMode): WizardState {
	return {version: 1, step: 'welcome', mode: mode ?? 'push', changes: [], log: [], history: []};
}

export type CompletePayload = {
	patch: Partial<WizardState>;
	/** The one-line log entry for the finished step. */
	summary: string;
	/** The user answered something (so Esc can come back here). */
	interactive: boolean;
	next?: StepId;
};

export type WizardAction =
	| ({type: 'complete'} & CompletePayload)
	| {type: 'back'}
	| {type: 'goto'; step: StepId; patch?: Partial<WizardState>; note?: string}
	| {type: 'pending'; pending: Pending | undefined};

/** The step after `step` for this state: the mode's order, except that a detour to fix a push returns to the push. */
export function nextStep(state: WizardState, step: StepId): StepId {
	if (state.pushFailure && (step === 'auth' || step === 'repository' || step === 'troubleshoot')) return 'push';
	const flow = FLOWS[state.mode];
	const index = flow.indexOf(step);
	if (index === -1) return 'done';
	return flow[index + 1] ?? 'done';
}

/** "Step 3 of 8" for the header: position in the mode's flow (detours count as the step they stand for). */
export function stepPosition(state: WizardState, step: StepId): {index: number; total: number} {
	const flow = FLOWS[state.mode];
	const index = flow.indexOf(step);
	return {index: index === -1 ? flow.length - 1 : index + 1, total: flow.length};
}

function appendLog(state: WizardState, text: string, tone: LogEntry['tone']): LogEntry[] {
	const id = state.log.length === 0 ? 1 : state.log[state.log.length - 1]!.id + 1;
	return [...state.log, {id, text, tone}];
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
	switch (action.type) {
		case 'complete': {
			const merged: WizardState = {...state, ...action.patch};
			const step = action.next ?? nextStep(merged, state.step);
			return {
				...merged,
				step,
				log: appendLog(state, action.summary, 'done'),
				history: action.interactive ? [...state.history, state.step] : state.history,
			};
		}

		case 'back': {
			const target = state.history[state.history.length - 1];
			if (!target) return state;
			return {
				...state,
				step: target,
				history: state.history.slice(0, -1),
				pending: undefined,
				log: appendLog(state, `↶ Back to ${STEP_TITLES[target]}`, 'back'),
			};
		}

		case 'goto': {
			const merged: WizardState = {...state, ...action.patch, step: action.step};
			return action.note ? {...merged, log: appendLog(state, action.note, 'note')} : merged;
		}

		case 'pending': {
			return {...state, pending: action.pending};
		}
	}
}
