/** Step 4: pick one of the region's repositories (filter as you type, thousands are fine) or create one. */
import type React from 'react';
import {useEffect, useMemo, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import {useAws} from '../../../services/context.js';
import type {RepositoryInfo, TagMutability} from '../../../aws/types.js';
import {validateRepositoryName} from '../../../ecr/names.js';
import {privateRegistryHost} from '../../../ecr/hosts.js';
import {StepFrame} from '../../components/step-frame.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {TextField} from '../../components/text-field.js';
import {Confirm} from '../../components/confirm.js';
import {ErrorPanel} from '../../components/error-panel.js';
import {Busy, Dim, Status} from '../../components/tone.js';
import {useKeys} from '../../components/ui-context.js';
import {HINTS, type Hint} from '../../components/key-hints.js';
import {awsErrorKind, explainAwsError} from '../../../aws/explain-error.js';
import type {Explanation} from '../../../errors/user-errors.js';
import type {ChosenRepository} from '../../state.js';
import type {StepProps} from '../types.js';
import {useMounted} from '../../components/use-mounted.js';

type Draft = {name: string; mutability: TagMutability; scanOnPush: boolean};

type Phase =
	| {name: 'loading'}
	| {name: 'list'}
	| {name: 'create-name'}
	| {name: 'create-mutability'}
	| {name: 'create-scan'}
	| {name: 'create-confirm'}
	| {name: 'creating'}
	| {name: 'failed'; explanation: Explanation; retry: () => void; escape: () => void};

type Choice = {type: 'repository'; repository: RepositoryInfo} | {type: 'create'};

function chosen(repository: RepositoryInfo, created: boolean): ChosenRepository {
	return {
		name: repository.name,
		uri: repository.uri,
		registryId: repository.registryId,
		region: repository.region,
		imageTagMutability: repository.imageTagMutability,
		created,
	};
}

function mutabilityWord(mutability: TagMutability): string {
	return mutability.startsWith('IMMUTABLE') ? 'immutable tags' : 'mutable tags';
}

export function RepositoryStep({
	state,
	options,
	active,
	signal,
	position,
	complete,
	back,
}: StepProps): React.JSX.Element {
	const region = state.region ?? 'us-east-1';
	const aws = useAws(state.profile);
	const host =
		state.registry ??
		(state.identity ? privateRegistryHost(state.identity.account, region) : 'ACCOUNT.dkr.ecr.REGION.amazonaws.com');
	const [phase, setPhase] = useState<Phase>({name: 'loading'});
	const [repositories, setRepositories] = useState<RepositoryInfo[]>([]);
	const [loaded, setLoaded] = useState(false);
	const [filter, setFilter] = useState('');
	const [draft, setDraft] = useState<Draft>({name: options.repository ?? '', mutability: 'MUTABLE', scanOnPush: true});
	const [notice, setNotice] = useState<string | undefined>();
	const interactive = useRef(false);
	const live = useMounted();

	function use(repository: RepositoryInfo, created: boolean): void {
		complete({
			patch: {repository: chosen(repository, created), registry: repository.uri.split('/')[0]!},
			summary: `Repository: ${repository.uri}${created ? ` (created, ${mutabilityWord(repository.imageTagMutability)})` : ''}`,
			interactive: interactive.current,
		});
	}

	async function create(input: Draft): Promise<void> {
		setPhase({name: 'creating'});
		try {
			const repository = await aws.createRepository(region, {
				name: input.name,
				imageTagMutability: input.mutability,
				scanOnPush: input.scanOnPush,
			});
			if (!live.current || signal.aborted) return;
			use(repository, true);
		} catch (error) {
			if (!live.current || signal.aborted) return;
			const kind = awsErrorKind(error);
			if (kind === 'repository-exists') {
				const existing = await aws.describeRepository(region, input.name).catch(() => null);
				if (existing && live.current) {
					use(existing, false);
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
					setDraft({name: options.repository, mutability: 'MUTABLE', scanOnPush: true});
					setPhase({name: 'create-name'});
					return;
				}

				const found = await aws.describeRepository(region, options.repository);
				if (!live.current || signal.aborted) return;
				if (found) {
					use(found, false);
					return;
				}

				const draftNow: Draft = {name: options.repository, mutability: 'MUTABLE', scanOnPush: true};
				if (options.createRepository) {
					await create(draftNow);
					return;
				}

				interactive.current = true;
				setNotice(`Repository ${options.repository} does not exist in ${region}: ECR never creates one on push.`);
				setDraft(draftNow);
				setPhase({name: 'create-mutability'});
				return;
			}

			const all = await aws.listRepositories(region, {
				signal,
				onPage(soFar) {
					if (live.current) setRepositories(soFar);
				},
			});
			if (!live.current || signal.aborted) return;
			setRepositories(all);
			setLoaded(true);
			setPhase({name: 'list'});
		} catch (error) {
			if (!live.current || signal.aborted) return;
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

	const typed = filter.trim();
	const typedValid =
		typed.length > 0 &&
		validateRepositoryName(typed).ok &&
		!repositories.some((repository) => repository.name === typed);
	const items = useMemo((): Array<ListItem<Choice>> => {
		const create: ListItem<Choice> = {
			key: '+create',
			label: typedValid ? `+ Create "${typed}"` : '+ Create a new repository',
			value: {type: 'create'},
			pinned: true,
		};
		return [
			create,
			...repositories.map(
				(repository): ListItem<Choice> => ({
					key: repository.name,
					label: repository.name,
					value: {type: 'repository', repository},
					note: mutabilityWord(repository.imageTagMutability),
				}),
			),
		];
	}, [repositories, typed, typedValid]);

	const nameCheck = validateRepositoryName(draft.name);
	const failed = phase.name === 'failed' ? phase : undefined;
	useKeys({enter: () => failed?.retry(), escape: () => failed?.escape()}, active && Boolean(failed));

	const backFromCreate = () => (options.repository ? back() : setPhase({name: 'list'}));

	let hints: Hint[] = HINTS.back;
	let quit = true;
	if (phase.name === 'list' || phase.name === 'loading') {
		hints = HINTS.filter();
		quit = false;
	}

	if (phase.name === 'create-name') {
		hints = [
			['Enter', 'next'],
			['Esc', 'back'],
		];
		quit = false;
	}

	if (phase.name === 'create-mutability') hints = HINTS.chooseOrBack;
	if (phase.name === 'create-scan' || phase.name === 'create-confirm') hints = HINTS.answer;
	if (failed) hints = HINTS.retry;

	return (
		<StepFrame title={`Repository in ${region}`} position={position} hints={hints} quit={quit}>
			{notice ? <Status tone="warning">{notice}</Status> : null}
			{phase.name === 'loading' && options.repository ? (
				<Busy>{`Looking up ${options.repository} in ${region}…`}</Busy>
			) : null}
			{(phase.name === 'list' || phase.name === 'loading') && !options.repository ? (
				<>
					<Text>
						{loaded
							? `Choose a repository, or create one. ${repositories.length} in ${region}.`
							: `Loading repositories… ${repositories.length} so far`}
					</Text>
					<SelectList
						items={items}
						isActive={active && phase.name === 'list'}
						searchable
						searchLabel="Filter repositories"
						noun="repositories"
						limit={8}
						onFilterChange={setFilter}
						onCancel={back}
						onSelect={(item, filterNow) => {
							interactive.current = true;
							if (item.value.type === 'repository') {
								use(item.value.repository, false);
								return;
							}

							// Keep what was typed, even if invalid: the validation line then says what to change.
							setDraft((previous) => ({...previous, name: filterNow.trim()}));
							setPhase({name: 'create-name'});
						}}
					/>
				</>
			) : null}
			{phase.name === 'create-name' ? (
				<Box flexDirection="column">
					<TextField
						label="New repository name"
						value={draft.name}
						isActive={active}
						placeholder="e.g. team/my-app"
						onChange={(name) => setDraft((previous) => ({...previous, name}))}
						onCancel={backFromCreate}
						onSubmit={() => {
							if (nameCheck.ok) setPhase({name: 'create-mutability'});
						}}
					/>
					{draft.name.length === 0 ? (
						<Dim>Lower-case letters, digits, "/", ".", "_" and "-"; 2 to 256 characters.</Dim>
					) : nameCheck.ok ? (
						<Status tone="success">{`Valid. The image URI will be ${host}/${draft.name}`}</Status>
					) : (
						<Status tone="error">{nameCheck.reason}</Status>
					)}
				</Box>
			) : null}
			{phase.name === 'create-mutability' ? (
				<Box flexDirection="column">
					<Text>{`Tag mutability for ${draft.name}:`}</Text>
					<SelectList
						items={[
							{
								key: 'MUTABLE',
								value: 'MUTABLE' as TagMutability,
								label: 'Mutable',
								note: 'a tag such as latest can be pushed again',
							},
							{
								key: 'IMMUTABLE',
								value: 'IMMUTABLE' as TagMutability,
								label: 'Immutable',
								note: 'a pushed tag never changes',
							},
						]}
						isActive={active}
						initialKey={draft.mutability}
						onCancel={() => (options.repository ? back() : setPhase({name: 'create-name'}))}
						onSelect={(item) => {
							setDraft((previous) => ({...previous, mutability: item.value}));
							setPhase({name: 'create-scan'});
						}}
					/>
				</Box>
			) : null}
			{phase.name === 'create-scan' ? (
				<Confirm
					question="Scan images for vulnerabilities when they are pushed?"
					isActive={active}
					onCancel={() => setPhase({name: 'create-mutability'})}
					onAnswer={(scanOnPush) => {
						setDraft((previous) => ({...previous, scanOnPush}));
						if (options.yes) void create({...draft, scanOnPush});
						else setPhase({name: 'create-confirm'});
					}}
				/>
			) : null}
			{phase.name === 'create-confirm' ? (
				<Box flexDirection="column">
					<Text>{`Create ${host}/${draft.name}`}</Text>
					<Text>{`  ${draft.mutability === 'MUTABLE' ? 'mutable' : 'immutable'} tags · scan on push ${draft.scanOnPush ? 'on' : 'off'} · AES-256 encryption`}</Text>
					<Confirm
						question="Create this repository?"
						isActive={active}
						onCancel={() => setPhase({name: 'create-scan'})}
						onAnswer={(yes) => (yes ? void create(draft) : backFromCreate())}
					/>
				</Box>
			) : null}
			{phase.name === 'creating' ? <Busy>{`Creating ${draft.name} in ${region}…`}</Busy> : null}
			{failed ? (
				<ErrorPanel
					title={failed.explanation.title}
					detail={failed.explanation.detail}
					hint={failed.explanation.hint}
					nextSteps={failed.explanation.nextSteps}
				/>
			) : null}
		</StepFrame>
	);
}
