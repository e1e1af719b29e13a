/**
 * A one-line text field (controlled). It has the keys while focused, so `q` types a q and Esc is "back".
 * Hand-made: @inkjs/ui's TextInput is uncontrolled and has no cancel, and the wizard's steps own their values.
 */
import type React from 'react';
import {Text, type Key} from 'ink';
import {useKeyInput, useUi} from './ui-context.js';

export type TextFieldProps = {
	label: string;
	value: string;
	onChange: (value: string) => void;
	onSubmit: (value: string) => void;
	onCancel?: () => void;
	isActive: boolean;
	placeholder?: string;
	/** Printed instead of the characters (never the value): for secrets. */
	mask?: boolean;
};

export function TextField({
	label,
	value,
	onChange,
	onSubmit,
	onCancel,
	isActive,
	placeholder,
	mask = false,
}: TextFieldProps): React.JSX.Element {
	const {color} = useUi();
	useKeyInput((input: string, key: Key) => {
		if (key.return) return onSubmit(value);
		if (key.escape) return onCancel?.();
		if (key.backspace || key.delete) return onChange(value.slice(0, -1));
		if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
		const text = input.replaceAll(/[\u0000-\u001F\u007F]/g, '');
		if (text.length > 0) onChange(value + text);
	}, isActive);
	const shown = mask ? '*'.repeat(value.length) : value;
	return (
		<Text>
			{label}: {shown}
			{isActive ? <Text inverse={color}>{color ? ' ' : '_'}</Text> : null}
			{value.length === 0 && placeholder ? <Text dimColor={color}>{` ${placeholder}`}</Text> : null}
		</Text>
	);
}
