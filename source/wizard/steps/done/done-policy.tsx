/** The Done step's "IAM policy": the least-privilege push policy for the repository, and how to save and attach it. */
import type React from 'react';
import {Box, Text} from 'ink';
import {StepFrame} from '../../components/step-frame.js';
import {Strong} from '../../components/tone.js';
import {useKeys} from '../../components/ui-context.js';
import {policyOffer, type OfferTarget} from './ci-offer.js';

export function DonePolicy({
	target,
	active,
	onBack,
}: {
	target: OfferTarget;
	active: boolean;
	onBack: () => void;
}): React.JSX.Element {
	useKeys({escape: onBack, enter: onBack}, active);
	const offer = policyOffer(target);
	return (
		<StepFrame title="Done · IAM policy" hints={[['Esc', 'back']]}>
			<Text wrap="wrap">{`What a CI role or user needs to push to ${target.repository} in ${target.region}, and nothing else:`}</Text>
			{/* Wrapped, not truncated: within the wizard's 80 columns a long repository ARN continues on the next line, whole. */}
			<Box flexDirection="column" marginTop={1}>
				{offer.json.split('\n').map((line, index) => (
					<Text key={index} wrap="wrap">
						{line}
					</Text>
				))}
			</Box>
			<Box flexDirection="column" marginTop={1}>
				<Strong>Save it, then attach it to the role (or user)</Strong>
				{offer.commands.map((command) => (
					<Text key={command} wrap="wrap">{`$ ${command}`}</Text>
				))}
			</Box>
		</StepFrame>
	);
}
