/** Step 3: the region, defaulting to flag/env/profile, with a background scan marking regions that hold repositories. */
import type React from 'react';
import {useEffect, useMemo, useState} from 'react';
import {Text} from 'ink';
import {useAws} from '../../../services/context.js';
import type {ResolvedRegion} from '../../../aws/types.js';
import {partitionOfArn} from '../../../ecr/regions.js';
import {privateRegistryHost} from '../../../ecr/hosts.js';
import {StepFrame} from '../../components/step-frame.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {Busy} from '../../components/tone.js';
import {scanRegions, type RegionScan} from './scan.js';
import type {StepProps} from '../types.js';

const SOURCE_LABEL: Record<ResolvedRegion['source'], string> = {
	flag: '--region',
	AWS_REGION: 'AWS_REGION',
	AWS_DEFAULT_REGION: 'AWS_DEFAULT_REGION',
	profile: 'your profile',
	none: '',
};

function scanNote(scan: RegionScan | undefined): string {
	if (!scan || scan.state === 'pending') return 'scanning…';
	if (scan.state === 'found')
		return `● ${scan.count}${scan.more ? '+' : ''} ${scan.count === 1 && !scan.more ? 'repository' : 'repositories'}`;
	if (scan.state === 'empty') return 'no repositories';
	return 'not reachable';
}

export function RegionStep({state, options, active, signal, position, complete, back}: StepProps): React.JSX.Element {
	const aws = useAws(state.profile);
	const [resolved, setResolved] = useState<ResolvedRegion | undefined>();
	const [scans, setScans] = useState<Record<string, RegionScan>>({});
	const regions = useMemo(
		() => aws.listRegions(state.identity ? partitionOfArn(state.identity.arn) : 'aws'),
		[aws, state.identity],
	);

	function finish(region: string, summary: string, interactive: boolean): void {
		complete({
			patch: {region, ...(state.identity ? {registry: privateRegistryHost(state.identity.account, region)} : {})},
			summary,
			interactive,
		});
	}

	useEffect(() => {
		if (options.region) {
			finish(options.region, `Region: ${options.region} (--region)`, false);
			return;
		}

		const local = new AbortController();
		const stop = () => local.abort();
		signal.addEventListener('abort', stop, {once: true});
		void aws
			.resolveRegion()
			.catch((): ResolvedRegion => ({region: undefined, source: 'none'}))
			.then((found) => {
				if (!local.signal.aborted) setResolved(found);
			});
		void scanRegions(aws, regions, {
			concurrency: 6,
			signal: local.signal,
			onResult(region, result) {
				setScans((previous) => ({...previous, [region]: result}));
			},
		});
		return () => {
			signal.removeEventListener('abort', stop);
			local.abort();
		};
	}, []);

	const items = useMemo(
		() =>
			regions.map((region): ListItem<string> => {
				const isDefault = region === resolved?.region;
				const note = [isDefault ? `default, from ${SOURCE_LABEL[resolved.source]}` : undefined, scanNote(scans[region])]
					.filter(Boolean)
					.join(' · ');
				return {key: region, label: region, value: region, note};
			}),
		[regions, resolved, scans],
	);

	if (options.region) return <Busy>{`Region ${options.region}`}</Busy>;
	const found = Object.values(scans).filter((scan) => scan.state === 'found').length;
	const done = Object.keys(scans).length;

	return (
		<StepFrame
			title="Region"
			position={position}
			hints={[
				['type', 'filter'],
				['↑↓', 'move'],
				['Enter', 'choose'],
				['Esc', 'back'],
			]}
			quit={false}
		>
			<Text wrap="wrap">Which AWS region should hold the repository? Regions marked ● already have repositories.</Text>
			{done < regions.length ? (
				<Busy>{`Scanning regions: ${done} of ${regions.length} checked, ${found} with repositories…`}</Busy>
			) : (
				<Text>{`Scanned ${regions.length} regions: ${found} with repositories.`}</Text>
			)}
			{resolved ? (
				<SelectList
					// Remounted once the default is known so the cursor starts on it.
					key={resolved.region ?? 'none'}
					items={items}
					isActive={active}
					searchable
					searchLabel="Filter regions"
					noun="regions"
					{...(resolved.region ? {initialKey: resolved.region} : {})}
					onCancel={back}
					onSelect={(item) =>
						finish(
							item.value,
							`Region: ${item.value}${item.value === resolved.region && resolved.source !== 'none' ? ` (from ${SOURCE_LABEL[resolved.source]})` : ''}`,
							true,
						)
					}
				/>
			) : (
				<Busy>Finding your default region…</Busy>
			)}
		</StepFrame>
	);
}
