/**
 * Step 4: pick one of the region's repositories (filter as you type, thousands are fine) or name a new one. A new name
 * that a create-on-push template covers can be left for the first push to create; otherwise it is created now, with
 * the settings chosen here.
 */
import type React from 'react';
import {useMemo, useState} from 'react';
import {Box, Text} from 'ink';
import {validateRepositoryName} from '../../../ecr/names.js';
import {StepFrame} from '../../components/step-frame.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {TextField} from '../../components/text-field.js';
import {Confirm} from '../../components/confirm.js';
import {ErrorPanel} from '../../components/error-panel.js';
import {Busy, Dim, Status} from '../../components/tone.js';
import {useKeys} from '../../components/ui-context.js';
import {HINTS, type Hint} from '../../components/key-hints.js';
import type {RepositoryInfo} from '../../../aws/types.js';
import type {StepProps} from '../types.js';
import {ConfirmCreate, LifecycleField, MutabilityChoice, PatternsField} from './create-settings.js';
import {TemplateOffer} from './template-offer.js';
import {hasExclusions, mutabilityNote} from './settings.js';
import {useRepositoryFlow} from './use-repository-flow.js';

type Choice = {type: 'repository'; repository: RepositoryInfo} | {type: 'create'};

const TEXT_HINTS: Hint[] = [
	['Enter', 'next'],
	['Esc', 'back'],
];

export function RepositoryStep(props: StepProps): React.JSX.Element {
	const {options, active, position, back} = props;
	const flow = useRepositoryFlow(props);
	const {region, host, phase, setPhase, repositories, draft, setDraft, escapes} = flow;
	const [filter, setFilter] = useState('');
	const [keepText, setKeepText] = useState('');

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
					note: mutabilityNote(repository.imageTagMutability),
				}),
			),
		];
	}, [repositories, typed, typedValid]);

	const nameCheck = validateRepositoryName(draft.name);
	const failed = phase.name === 'failed' ? phase : undefined;
	useKeys({enter: () => failed?.retry(), escape: () => failed?.escape()}, active && Boolean(failed));

	function submitName(): void {
		if (!nameCheck.ok) return;
		// A name typed here that the list holds is that repository, not a new one.
		const existing = repositories.find((repository) => repository.name === draft.name);
		if (existing) flow.use(existing);
		else void flow.afterName(draft.name, false);
	}

	let hints: Hint[] = HINTS.back;
	let quit = true;
	if (phase.name === 'list' || phase.name === 'loading') {
		hints = HINTS.filter();
		quit = false;
	}

	if (phase.name === 'create-name' || phase.name === 'create-patterns' || phase.name === 'create-lifecycle') {
		hints = TEXT_HINTS;
		quit = false;
	}

	if (phase.name === 'create-mutability' || phase.name === 'template-offer') hints = HINTS.chooseOrBack;
	if (phase.name === 'create-scan' || phase.name === 'create-confirm') hints = HINTS.answer;
	if (failed) hints = HINTS.retry;
	const creating = phase.name.startsWith('create-') && phase.name !== 'create-name';

	return (
		<StepFrame title={`Repository in ${region}`} position={position} hints={hints} quit={quit}>
			{flow.note && (creating || phase.name === 'template-offer') ? (
				<Status tone={flow.note.tone}>{flow.note.text}</Status>
			) : null}
			{phase.name === 'loading' && options.repository ? (
				<Busy>{`Looking up ${options.repository} in ${region}…`}</Busy>
			) : null}
			{(phase.name === 'list' || phase.name === 'loading') && !options.repository ? (
				<>
					<Text>
						{flow.loaded
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
							flow.markInteractive();
							if (item.value.type === 'repository') {
								flow.use(item.value.repository);
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
						onCancel={escapes.name}
						onSubmit={submitName}
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
			{phase.name === 'templates' ? (
				<Busy>{`Looking for a repository creation template that covers ${draft.name}…`}</Busy>
			) : null}
			{phase.name === 'template-offer' ? (
				<TemplateOffer
					name={draft.name}
					template={phase.template}
					templateFailed={flow.templateFailed}
					active={active}
					onCancel={escapes.offer}
					onPush={() => flow.takeTemplate(phase.template)}
					onCreate={() => setPhase({name: 'create-mutability'})}
				/>
			) : null}
			{phase.name === 'create-mutability' ? (
				<MutabilityChoice
					draft={draft}
					active={active}
					onCancel={escapes.mutability}
					onSelect={(mutability) => {
						setDraft((previous) => ({...previous, mutability}));
						setPhase(hasExclusions(mutability) ? {name: 'create-patterns'} : {name: 'create-scan'});
					}}
				/>
			) : null}
			{phase.name === 'create-patterns' ? (
				<PatternsField
					draft={draft}
					active={active}
					onChange={(patterns) => setDraft((previous) => ({...previous, patterns}))}
					onCancel={escapes.patterns}
					onSubmit={() => setPhase({name: 'create-scan'})}
				/>
			) : null}
			{phase.name === 'create-scan' ? (
				<Confirm
					question="Scan images for vulnerabilities when they are pushed?"
					isActive={active}
					onCancel={escapes.scan}
					onAnswer={(scanOnPush) => {
						setDraft((previous) => ({...previous, scanOnPush}));
						if (options.yes) void flow.create({...draft, scanOnPush});
						else setPhase({name: 'create-confirm'});
					}}
				/>
			) : null}
			{phase.name === 'create-confirm' ? (
				<ConfirmCreate
					draft={draft}
					host={host}
					active={active}
					onCancel={escapes.confirm}
					onAnswer={(yes) => (yes ? void flow.create(draft) : escapes.name())}
					onLifecycle={() => {
						setKeepText(draft.keepImages ? String(draft.keepImages) : '');
						setPhase({name: 'create-lifecycle'});
					}}
					onEncryption={() =>
						setDraft((previous) => ({...previous, encryption: previous.encryption === 'KMS' ? 'AES256' : 'KMS'}))
					}
				/>
			) : null}
			{phase.name === 'create-lifecycle' ? (
				<LifecycleField
					value={keepText}
					active={active}
					onChange={setKeepText}
					onCancel={escapes.lifecycle}
					onSubmit={(keepImages) => {
						setDraft((previous) => ({...previous, keepImages}));
						setPhase({name: 'create-confirm'});
					}}
				/>
			) : null}
			{phase.name === 'creating' ? <Busy>{`Creating ${draft.name} in ${region}…`}</Busy> : null}
			{failed ? <ErrorPanel {...failed.explanation} /> : null}
		</StepFrame>
	);
}
