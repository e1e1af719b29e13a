/**
 * The repository step's moves: list (or look up --repository), and for a name that does not exist, ask the creation
 * templates whether a push would create it before offering to create it now with chosen settings.
 */
import {useEffect, useRef, useState} from 'react';
import {useAws} from '../../../services/context.js';
import type {RepositoryInfo} from '../../../aws/types.js';
import {validateRepositoryName} from '../../../ecr/names.js';
import {parseRegistryHost, privateRegistryHost} from '../../../ecr/hosts.js';
import {templateForPush, type CreationTemplate} from '../../../ecr/creation-templates.js';
import {awsErrorKind, explainAwsError} from '../../../aws/explain-error.js';
import {errorMessage, type Explanation} from '../../../errors/user-errors.js';
import type {ChosenRepository} from '../../state.js';
import type {StepProps} from '../types.js';
import {useMounted} from '../../components/use-mounted.js';
import {
	chosen,
	createdWith,
	createInput,
	hasExclusions,
	newDraft,
	repositorySummary,
	toBeCreatedOnPush,
	type Draft,
} from './settings.js';

export type Phase =
	| {name: 'loading'}
	| {name: 'list'}
	| {name: 'create-name'}
	| {name: 'templates'}
	| {name: 'template-offer'; template: CreationTemplate}
	| {name: 'create-mutability'}
	| {name: 'create-patterns'}
	| {name: 'create-scan'}
	| {name: 'create-confirm'}
	| {name: 'create-lifecycle'}
	| {name: 'creating'}
	| {name: 'failed'; explanation: Explanation; retry: () => void; escape: () => void};

/** What the registry's creation templates say, or why they could not be read. */
type TemplateLookup = {kind: 'read'; templates: CreationTemplate[]} | {kind: 'unreadable'; reason: string};

export type Note = {tone: 'info' | 'warning'; text: string};

function unreadableReason(error: unknown): string {
	return awsErrorKind(error) === 'access-denied'
		? 'access denied to ecr:DescribeRepositoryCreationTemplates'
		: errorMessage(error).split('\n')[0]!.slice(0, 160);
}

/** The line the create screens show about templates for this name (after "does not exist" for a --repository). */
function templateNote(name: string, lookup: TemplateLookup, region: string, missingFlag: boolean): Note {
	const lead = missingFlag ? `Repository ${name} does not exist in ${region}. ` : '';
	if (lookup.kind === 'unreadable') {
		return {
			tone: 'warning',
			text: `${lead}The repository creation templates could not be read (${lookup.reason}), so whether a push would create ${name} is unknown: create it now.`,
		};
	}

	return {
		tone: missingFlag ? 'warning' : 'info',
		text: `${lead}No repository creation template covers ${name}, so a push would not create it.`,
	};
}

export function useRepositoryFlow({state, options, signal, complete, back}: StepProps) {
	const region = state.region ?? 'us-east-1';
	const aws = useAws(state.profile);
	const host =
		state.registry ??
		(state.identity ? privateRegistryHost(state.identity.account, region) : 'ACCOUNT.dkr.ecr.REGION.amazonaws.com');
	const parsedHost = parseRegistryHost(host);
	const registryId = parsedHost?.kind === 'private' ? parsedHost.account : (state.identity?.account ?? '');
	const [phase, setPhase] = useState<Phase>({name: 'loading'});
	const [repositories, setRepositories] = useState<RepositoryInfo[]>([]);
	const [loaded, setLoaded] = useState(false);
	const [draft, setDraft] = useState<Draft>(newDraft(options.repository ?? ''));
	const [note, setNote] = useState<Note | undefined>();
	/** The template that would create the draft's name on push, while it is on offer. */
	const [offer, setOffer] = useState<CreationTemplate | undefined>();
	const templates = useRef(new Map<string, Promise<TemplateLookup>>());
	const interactive = useRef(false);
	const live = useMounted();
	const alive = () => live.current && !signal.aborted;
	// A push that a template was to create the repository on just failed (missing, or refused): it did not.
	const templateFailed = Boolean(state.pushFailure && state.repository?.createOnPush);

	function finish(repository: ChosenRepository): void {
		complete({
			patch: {repository, registry: repository.uri.split('/')[0]!},
			summary: repositorySummary(repository),
			interactive: interactive.current,
		});
	}

	const use = (repository: RepositoryInfo) => finish(chosen(repository));

	/** Read once per region: a typed name after another, or a way back and forth, asks ECR again for nothing. */
	async function templatesIn(where: string): Promise<TemplateLookup> {
		let pending = templates.current.get(where);
		if (!pending) {
			pending = (async () => aws.describeCreationTemplates(where, undefined, {signal}))().then(
				(list): TemplateLookup => ({kind: 'read', templates: list}),
				(error: unknown): TemplateLookup => ({kind: 'unreadable', reason: unreadableReason(error)}),
			);
			templates.current.set(where, pending);
		}

		return pending;
	}

	/** The name does not exist: a covering create-on-push template is offered, else the settings to create it with. */
	async function afterName(name: string, missingFlag: boolean): Promise<void> {
		setPhase({name: 'templates'});
		const lookup = await templatesIn(region);
		if (!alive()) return;
		const template = lookup.kind === 'read' ? templateForPush(name, lookup.templates) : undefined;
		setOffer(template);
		if (template) {
			setNote(missingFlag ? {tone: 'info', text: `Repository ${name} does not exist in ${region} yet.`} : undefined);
			setPhase({name: 'template-offer', template});
			return;
		}

		setNote(templateNote(name, lookup, region, missingFlag));
		setPhase({name: 'create-mutability'});
	}

	function takeTemplate(template: CreationTemplate): void {
		interactive.current = true;
		finish(toBeCreatedOnPush(draft.name, {host, registryId, region}, template));
	}

	async function create(input: Draft): Promise<void> {
		setPhase({name: 'creating'});
		try {
			const repository = await aws.createRepository(region, createInput(input));
			if (!alive()) return;
			finish(chosen(repository, createdWith(input)));
		} catch (error) {
			if (!alive()) return;
			const kind = awsErrorKind(error);
			if (kind === 'repository-exists') {
				const existing = await aws.describeRepository(region, input.name).catch(() => null);
				if (existing && live.current) {
					use(existing);
					return;
				}
			}

			setPhase({
				name: 'failed',
				explanation: explainAwsError(kind, error, state.profile),
				retry: () => void create(input),
				escape: () => setPhase({name: 'create-name'}),
			});
		}
	}

	async function load(): Promise<void> {
		setPhase({name: 'loading'});
		try {
			if (options.repository) {
				if (!validateRepositoryName(options.repository).ok) {
					// An invalid --repository is never looked up or created: the name field shows the rule to fix it by.
					interactive.current = true;
					setDraft(newDraft(options.repository));
					setPhase({name: 'create-name'});
					return;
				}

				const found = await aws.describeRepository(region, options.repository);
				if (!alive()) return;
				if (found) {
					use(found);
					return;
				}

				const draftNow = newDraft(options.repository);
				if (options.createRepository) {
					await create(draftNow);
					return;
				}

				interactive.current = true;
				setDraft(draftNow);
				await afterName(options.repository, true);
				return;
			}

			const all = await aws.listRepositories(region, {
				signal,
				onPage(soFar) {
					if (live.current) setRepositories(soFar);
				},
			});
			if (!alive()) return;
			setRepositories(all);
			setLoaded(true);
			setPhase({name: 'list'});
		} catch (error) {
			if (!alive()) return;
			// Nothing was listed, so Esc leads out of the step (e.g. to pick another region).
			setPhase({
				name: 'failed',
				explanation: explainAwsError(awsErrorKind(error), error, state.profile),
				retry: () => void load(),
				escape: back,
			});
		}
	}

	useEffect(() => {
		void load();
	}, []);

	const toName = () => {
		setNote(undefined);
		setOffer(undefined);
		if (options.repository) back();
		else setPhase({name: 'create-name'});
	};

	/** Esc from each create screen: the screen before it. */
	const escapes = {
		name: () => (options.repository ? back() : setPhase({name: 'list'})),
		offer: toName,
		mutability: () => (offer ? setPhase({name: 'template-offer', template: offer}) : toName()),
		patterns: () => setPhase({name: 'create-mutability'}),
		scan: () => setPhase(hasExclusions(draft.mutability) ? {name: 'create-patterns'} : {name: 'create-mutability'}),
		confirm: () => setPhase({name: 'create-scan'}),
		lifecycle: () => setPhase({name: 'create-confirm'}),
	};

	return {
		region,
		host,
		phase,
		setPhase,
		repositories,
		loaded,
		draft,
		setDraft,
		note,
		templateFailed,
		escapes,
		markInteractive: () => {
			interactive.current = true;
		},
		use,
		create,
		afterName,
		takeTemplate,
	};
}
