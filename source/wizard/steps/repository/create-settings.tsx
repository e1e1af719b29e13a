/** The screens that choose a new repository's settings: tag mutability and its exceptions, and the last look before creating. */
import type React from 'react';
import {Box, Text} from 'ink';
import type {TagMutability} from '../../../aws/types.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {TextField} from '../../components/text-field.js';
import {Confirm} from '../../components/confirm.js';
import {Dim, Status} from '../../components/tone.js';
import {draftSettings, parseKeepImages, parsePatterns, type Draft} from './settings.js';

const MUTABILITY_CHOICES: Array<[TagMutability, string, string]> = [
	['MUTABLE', 'Mutable', 'a tag such as latest can be pushed again'],
	['IMMUTABLE', 'Immutable', 'a pushed tag never changes'],
	['IMMUTABLE_WITH_EXCLUSION', 'Immutable, except tags you name', 'e.g. latest moves, v1.2.3 never does'],
	['MUTABLE_WITH_EXCLUSION', 'Mutable, except tags you name', 'e.g. release-* never change'],
];
const MUTABILITIES: Array<ListItem<TagMutability>> = MUTABILITY_CHOICES.map(([value, label, note]) => ({
	key: value,
	value,
	label,
	note,
}));

/** "a · b · c", broken only between settings when it does not fit (each line ends with its " · "). */
export function SettingsLine({settings}: {settings: string[]}): React.JSX.Element {
	return (
		<Box flexWrap="wrap">
			{settings.map((setting, index) => (
				<Text key={setting}>{`${setting}${index < settings.length - 1 ? ' · ' : ''}`}</Text>
			))}
		</Box>
	);
}

export function MutabilityChoice({
	draft,
	active,
	onCancel,
	onSelect,
}: {
	draft: Draft;
	active: boolean;
	onCancel: () => void;
	onSelect: (mutability: TagMutability) => void;
}): React.JSX.Element {
	return (
		<Box flexDirection="column">
			<Text>{`Tag mutability for ${draft.name}:`}</Text>
			<SelectList
				items={MUTABILITIES}
				isActive={active}
				initialKey={draft.mutability}
				onCancel={onCancel}
				onSelect={(item) => onSelect(item.value)}
			/>
		</Box>
	);
}

/** What a one-line text field of the create path is given: its focus, and what typing, Esc and Enter do. */
type FieldProps<Submit> = {active: boolean; onChange: (text: string) => void; onCancel: () => void; onSubmit: Submit};

export function PatternsField(props: {draft: Draft} & FieldProps<() => void>): React.JSX.Element {
	const {draft, active, onChange, onCancel, onSubmit} = props;
	const check = parsePatterns(draft.patterns);
	const immutable = draft.mutability === 'IMMUTABLE_WITH_EXCLUSION';
	return (
		<Box flexDirection="column">
			<TextField
				label={immutable ? 'Tags that stay mutable' : 'Tags that are immutable'}
				value={draft.patterns}
				isActive={active}
				placeholder="e.g. latest, dev-*"
				onChange={onChange}
				onCancel={onCancel}
				onSubmit={() => {
					if (check.ok) onSubmit();
				}}
			/>
			{draft.patterns.trim().length === 0 ? (
				<Dim>Comma-separated, up to 5; letters, digits, ".", "_", "-", and "*" matches any characters.</Dim>
			) : check.ok ? (
				<Status tone="success">{`Valid: ${draftSettings(draft)[0]}`}</Status>
			) : (
				<Status tone="error">{check.reason}</Status>
			)}
		</Box>
	);
}

export function LifecycleField(
	props: {value: string} & FieldProps<(keepImages: number | undefined) => void>,
): React.JSX.Element {
	const {value, active, onChange, onCancel, onSubmit} = props;
	const check = parseKeepImages(value);
	return (
		<Box flexDirection="column">
			<TextField
				label="Keep the newest N tagged images"
				value={value}
				isActive={active}
				placeholder="empty: keep every image"
				onChange={onChange}
				onCancel={onCancel}
				onSubmit={() => {
					if (check.ok) onSubmit(check.value);
				}}
			/>
			<Dim>
				It counts tagged images only: ECR lists each platform of a multi-arch image as an untagged image, and expiring
				those would break the tagged image that uses them.
			</Dim>
			{check.ok ? null : <Status tone="error">{check.reason}</Status>}
		</Box>
	);
}

export function ConfirmCreate({
	draft,
	host,
	active,
	onCancel,
	onAnswer,
	onLifecycle,
	onEncryption,
}: {
	draft: Draft;
	host: string;
	active: boolean;
	onCancel: () => void;
	onAnswer: (yes: boolean) => void;
	onLifecycle: () => void;
	onEncryption: () => void;
}): React.JSX.Element {
	return (
		<Box flexDirection="column">
			<Text>{`Create ${host}/${draft.name}`}</Text>
			<Box marginLeft={2}>
				<SettingsLine settings={draftSettings(draft)} />
			</Box>
			<Dim>{`  k: ${draft.keepImages ? 'change how many tagged images to keep' : 'keep only the newest N tagged images'} · e: ${draft.encryption === 'KMS' ? 'AES-256' : 'KMS'} encryption`}</Dim>
			<Confirm
				question="Create this repository?"
				isActive={active}
				onCancel={onCancel}
				onAnswer={onAnswer}
				keys={{k: onLifecycle, e: onEncryption}}
			/>
		</Box>
	);
}
