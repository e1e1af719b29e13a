/**
 * What a profile binding writes, as the wizard shows it before asking: config.json's diff (and whether the file is
 * backed up or new), then each wrapper that changes, with its diff (or only its mode put back).
 */
import type React from 'react';
import {Box, Text} from 'ink';
import type {BindingChange} from '../../services/binding.js';
import {DiffView} from './diff-view.js';
import {Dim} from './tone.js';

export function BindingDiff({change}: {change: BindingChange}): React.JSX.Element {
	return (
		<>
			{change.plan.changed ? <DiffView diff={change.plan.diff} maxLines={10} /> : null}
			{change.plan.changed ? (
				<Dim>{`${change.config.realPath}${change.config.exists ? ' — the current file is backed up first' : ' (new file)'}`}</Dim>
			) : null}
			{change.wrappers
				.filter((wrapper) => wrapper.changed)
				.map((wrapper) => (
					<Box key={wrapper.path} flexDirection="column" marginTop={1}>
						<Text>{`${wrapper.before === undefined ? 'New' : 'Changed'} wrapper ${wrapper.path} (${wrapper.why}):`}</Text>
						{wrapper.modeOnly ? (
							<Dim>mode back to 0755 (only you may change it); its text stays</Dim>
						) : (
							<DiffView diff={wrapper.diff} maxLines={12} />
						)}
					</Box>
				))}
		</>
	);
}
