/**
 * The Done step's "build registries": the ECR registries the working directory's Dockerfile or compose file pulls from,
 * what docker has for each, and the config change (and wrapper) that gives the ones of the wizard's account its helper,
 * written only on a yes.
 */
import type React from 'react';
import {useEffect, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import {Confirm} from '../../components/confirm.js';
import {BindingDiff} from '../../components/binding-diff.js';
import {ErrorPanel} from '../../components/error-panel.js';
import {StepFrame} from '../../components/step-frame.js';
import {Busy, Dim, Status} from '../../components/tone.js';
import {useKeys} from '../../components/ui-context.js';
import {useServices} from '../../../services/context.js';
import {writeBinding} from '../../../services/binding.js';
import {errorMessage} from '../../../errors/user-errors.js';
import type {FileChange} from '../../state.js';
import type {StepProps} from '../types.js';
import type {BuildOffer, BuildRegistry} from './build-offer.js';

const TITLE = 'Done · build registries';

type Phase = {kind: 'review'} | {kind: 'writing'} | {kind: 'failed'; error: unknown};

export function DoneBuild({
	offer,
	active,
	guardWrite,
	onBack,
	onWritten,
}: {
	offer: BuildOffer;
	active: boolean;
	guardWrite: StepProps['guardWrite'];
	onBack: () => void;
	onWritten: (changes: FileChange[]) => void;
}): React.JSX.Element {
	const services = useServices();
	const [phase, setPhase] = useState<Phase>({kind: 'review'});
	const mounted = useRef(true);
	useEffect(
		() => () => {
			mounted.current = false;
		},
		[],
	);
	const {change} = offer;
	const writable = change !== undefined && phase.kind === 'review';
	useKeys({escape: onBack, enter: onBack}, active && !writable && phase.kind !== 'writing');

	const write = () => {
		if (!change) return;
		setPhase({kind: 'writing'});
		guardWrite(async () => writeBinding(services, change)).then(
			(result) => {
				if (!mounted.current) return;
				const adding = offer.registries.filter((registry) => registry.status === 'add');
				const changes: FileChange[] = result.wrappersWritten.map((wrapper) => ({
					path: wrapper,
					description: `wrapper for ${offer.helper}`,
				}));
				if (change.plan.changed)
					changes.push({
						path: result.configPath,
						...(result.backup ? {backupPath: result.backup} : {}),
						description: adding.map((registry) => `credHelpers["${registry.host}"] = "${offer.helper}"`).join(', '),
					});
				onWritten(changes);
			},
			(error: unknown) => {
				if (mounted.current) setPhase({kind: 'failed', error});
			},
		);
	};

	const hints: Array<[string, string]> = writable ? [['y/n', 'write or not']] : [];
	hints.push(['Esc', 'back']);
	return (
		<StepFrame title={TITLE} hints={hints}>
			<Text wrap="wrap">{`${offer.files.join(' and ')} ${offer.files.length === 1 ? 'pulls' : 'pull'} from these ECR registries:`}</Text>
			<Box flexDirection="column" marginTop={1}>
				{offer.registries.map((registry) => (
					<RegistryLine key={registry.host} registry={registry} helper={offer.helper} />
				))}
			</Box>
			{offer.notes.map((note) => (
				<Status key={note} tone="warning">
					{note}
				</Status>
			))}
			<Box flexDirection="column" marginTop={1}>
				<Dim>The same without the wizard (it also finds a profile for another account's registry):</Dim>
				<Text wrap="wrap">{`  $ ${offer.command}`}</Text>
			</Box>
			{phase.kind === 'review' && change ? (
				<Box flexDirection="column" marginTop={1}>
					<BindingDiff change={change} />
					<Confirm
						question="Write these changes?"
						isActive={active}
						defaultYes
						onCancel={onBack}
						onAnswer={(yes) => (yes ? write() : onBack())}
					/>
				</Box>
			) : null}
			{phase.kind === 'writing' ? <Busy>Writing the docker config…</Busy> : null}
			{phase.kind === 'failed' ? (
				<ErrorPanel
					title="The docker config was not changed"
					detail={errorMessage(phase.error)}
					nextSteps={[offer.command]}
				/>
			) : null}
		</StepFrame>
	);
}

function RegistryLine({registry, helper}: {registry: BuildRegistry; helper: string}): React.JSX.Element {
	const where = `  (${registry.places})`;
	if (registry.status === 'configured')
		return <Status tone="success">{`${registry.host}: docker already uses ${registry.current}${where}`}</Status>;
	if (registry.status === 'add') return <Status tone="info">{`${registry.host}: add ${helper}${where}`}</Status>;
	return (
		<Status tone="warning">
			{`${registry.host}: account ${registry.account}, not the one signed in; the command below binds a profile that reaches it${where}`}
		</Status>
	);
}
