/**
 * A yes/no question: y or n, Enter takes the default, Esc goes back.
 * Hand-made: @inkjs/ui's ConfirmInput has no way back (Esc), which every wizard question offers.
 */
import type React from 'react';
import {Text} from 'ink';
import {useKeys} from './ui-context.js';

export type ConfirmProps = {
	question: string;
	isActive: boolean;
	onAnswer: (yes: boolean) => void;
	onCancel?: () => void;
	defaultYes?: boolean;
	/** More single-letter keys the question's screen offers (e.g. to change a setting before answering). */
	keys?: Record<string, () => void>;
};

export function Confirm({
	question,
	isActive,
	onAnswer,
	onCancel,
	defaultYes = true,
	keys = {},
}: ConfirmProps): React.JSX.Element {
	useKeys(
		{
			enter: () => onAnswer(defaultYes),
			escape: () => onCancel?.(),
			keys: {...keys, y: () => onAnswer(true), n: () => onAnswer(false)},
		},
		isActive,
	);
	return (
		<Text>
			{question} {defaultYes ? '(Y/n)' : '(y/N)'}
		</Text>
	);
}
