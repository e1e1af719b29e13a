/**
 * The image step's question of where the image runs, asked when what a push sends matters: an image index (several
 * platforms, or BuildKit's provenance attestations) goes to ECS, EKS and docker as it is, but Lambda refuses it. For
 * Lambda the wizard pushes one platform's manifest alone (`docker push --platform`), or shows the build that makes one.
 */
import type React from 'react';
import {Box, Text} from 'ink';
import {describeShape, type ImageShape, type LambdaPlan} from '../../../docker/image-shape.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {Dim, Status} from '../../components/tone.js';

export type TargetPhase =
	| {name: 'target'; tag: string; shape: ImageShape}
	| {name: 'lambda'; tag: string; plan: Extract<LambdaPlan, {action: 'one-platform' | 'rebuild'}>};

export type TargetChoice = 'as-is' | 'lambda' | 'one-platform' | 'another' | 'quit';

type Props = {
	phase: TargetPhase;
	image: string;
	active: boolean;
	/** The user picked the image from a list, so another one can be picked. */
	canChooseAnother: boolean;
	onChoose: (choice: TargetChoice) => void;
	onBack: () => void;
};

/** The ways out of the Lambda question, for either plan. */
export function lambdaChoices(
	plan: TargetPhase & {name: 'lambda'},
	canChooseAnother: boolean,
): Array<ListItem<TargetChoice>> {
	const {plan: lambda} = plan;
	return [
		...(lambda.action === 'one-platform'
			? [
					{
						key: 'one-platform',
						label: `Push only ${lambda.platform} (docker push --platform), which Lambda takes`,
						value: 'one-platform' as const,
					},
				]
			: []),
		...(canChooseAnother ? [{key: 'another', label: 'Choose another image', value: 'another' as const}] : []),
		{key: 'quit', label: 'Quit, and build one image manifest first', value: 'quit' as const},
	];
}

export function TargetQuestion({phase, image, active, canChooseAnother, onChoose, onBack}: Props): React.JSX.Element {
	if (phase.name === 'target') {
		const items: Array<ListItem<TargetChoice>> = [
			{key: 'as-is', label: 'ECS, EKS, App Runner or docker run: push it as it is', value: 'as-is'},
			{key: 'lambda', label: 'AWS Lambda, which takes one image manifest', value: 'lambda'},
		];
		return (
			<Box flexDirection="column">
				<Text wrap="wrap">{`${image} is ${describeShape(phase.shape)}.`}</Text>
				<Text>Where will it run?</Text>
				<SelectList
					key="target"
					items={items}
					isActive={active}
					onCancel={onBack}
					onSelect={(item) => onChoose(item.value)}
				/>
			</Box>
		);
	}

	const {plan} = phase;
	return (
		<Box flexDirection="column">
			{plan.action === 'rebuild' ? (
				<Status tone="error">{plan.reason}</Status>
			) : (
				<Status tone="warning">{plan.problem}</Status>
			)}
			{plan.action === 'one-platform' ? (
				<Text wrap="wrap">{`The ${plan.platform} manifest can go alone: the index and its attestations stay behind.`}</Text>
			) : null}
			<SelectList
				key="lambda"
				items={lambdaChoices(phase, canChooseAnother)}
				isActive={active}
				onCancel={onBack}
				onSelect={(item) => onChoose(item.value)}
			/>
			<Box marginTop={1} flexDirection="column">
				<Dim>One platform without the provenance attestation is one image manifest:</Dim>
				<Text wrap="wrap">{`  ${plan.build}`}</Text>
			</Box>
		</Box>
	);
}
