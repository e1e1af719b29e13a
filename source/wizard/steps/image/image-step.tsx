/**
 * Step 6: which local image, under which tag (image tag, git short SHA, or typed), checked against immutable tags; for
 * an image index, where it runs (Lambda takes one image manifest: see image-target.tsx).
 */
import type React from 'react';
import {useEffect, useMemo, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import {useAws, useServices} from '../../../services/context.js';
import type {RemoteImage} from '../../../aws/types.js';
import type {LocalImage} from '../../../docker/types.js';
import {errorMessage} from '../../../errors/user-errors.js';
import {relativeTime} from '../../../lib/format.js';
import {validateTag} from '../../../ecr/names.js';
import {tagIsImmutable} from '../../../ecr/repository-settings.js';
import {StepFrame} from '../../components/step-frame.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {TextField} from '../../components/text-field.js';
import {Busy, Status} from '../../components/tone.js';
import {useKeys} from '../../components/ui-context.js';
import {HINTS, type Hint} from '../../components/key-hints.js';
import {gitShortSha} from './git.js';
import {type TargetChoice, type TargetPhase, TargetQuestion} from './image-target.js';
import {type ImageShape, planLambdaPush} from '../../../docker/image-shape.js';
import {ageText, imageName, sortImagesNewestFirst, tagChoices, tagOfReference} from './images.js';
import type {StepProps} from '../types.js';
import {useMounted} from '../../components/use-mounted.js';

type Phase =
	| {name: 'loading'}
	| {name: 'pick'}
	| {name: 'tag'}
	| {name: 'tag-input'}
	| {name: 'checking'; tag: string}
	| {name: 'inspecting'; tag: string}
	| TargetPhase
	| {name: 'tag-exists'; tag: string; remote: RemoteImage};

type Pick = {type: 'image'; image: LocalImage} | {type: 'typed'; name: string};

export function ImageStep({
	state,
	options,
	active,
	signal,
	position,
	complete,
	back,
	exit,
}: StepProps): React.JSX.Element {
	const services = useServices();
	const aws = useAws(state.profile);
	const repository = state.repository;
	const [phase, setPhase] = useState<Phase>({name: 'loading'});
	const [images, setImages] = useState<LocalImage[]>([]);
	const [listError, setListError] = useState<string | undefined>();
	const [sha, setSha] = useState<string | undefined>();
	const [source, setSource] = useState<string>(options.image ?? '');
	const [tagText, setTagText] = useState('');
	const [filter, setFilter] = useState('');
	const [checkError, setCheckError] = useState<string | undefined>();
	const interactive = useRef(false);
	const live = useMounted();
	const alive = () => live.current && !signal.aborted;

	async function accept(image: string, tag: string): Promise<void> {
		setPhase({name: 'checking', tag});
		setCheckError(undefined);
		// A repository ECR is yet to create on this push holds no tags to collide with.
		if (
			repository &&
			tagIsImmutable(tag, repository.imageTagMutability, repository.exclusionFilters) &&
			!repository.createOnPush
		) {
			try {
				const remote = await aws.describeImageTag(repository.region, repository.name, tag, repository.registryId);
				if (!alive()) return;
				if (remote) {
					interactive.current = true;
					setPhase({name: 'tag-exists', tag, remote});
					return;
				}
			} catch (error) {
				// Not knowing is no reason to stop: the push itself would report the conflict.
				if (alive()) setCheckError(`Could not check whether ${tag} exists: ${errorMessage(error)}`);
			}
		}

		if (!alive()) return;
		setPhase({name: 'inspecting', tag});
		let shape: ImageShape | undefined;
		try {
			shape = (await services.docker.inspectImage(image))?.shape;
		} catch {
			// Not knowing what the image is is no reason to stop: the push itself reports a missing image.
		}

		if (!alive()) return;
		if (options.lambda) await forLambda(image, tag, shape);
		else if (shape?.kind === 'index') setPhase({name: 'target', tag, shape});
		else finish(image, tag);
	}

	/** Lambda takes one image manifest: one platform of an index goes alone, or the wizard shows the build. */
	async function forLambda(image: string, tag: string, shape: ImageShape | undefined): Promise<void> {
		setPhase({name: 'inspecting', tag});
		const plan = await planLambdaPush(image, shape, async () => {
			try {
				return (await services.docker.pushPlatformSupport?.()) ?? false;
			} catch {
				return false;
			}
		});
		if (!alive()) return;
		if (plan.action === 'as-is') finish(image, tag, {lambda: true}, 'one image manifest, which Lambda takes');
		else if (plan.action === 'unknown')
			finish(image, tag, {lambda: true}, 'for Lambda; docker did not say whether it is one image manifest');
		else if (plan.action === 'one-platform' && options.yes)
			finish(image, tag, {lambda: true, platform: plan.platform}, `${plan.platform} alone, for Lambda`);
		else {
			interactive.current = true;
			setPhase({name: 'lambda', tag, plan});
		}
	}

	function finish(image: string, tag: string, target: {lambda?: true; platform?: string} = {}, note?: string): void {
		complete({
			patch: {image: {source: image, tag, ...target}},
			summary: `Image: ${image} → ${repository ? `${repository.uri}:${tag}` : tag}${note ? ` (${note})` : ''}`,
			interactive: interactive.current,
		});
	}

	function chooseTarget(target: TargetPhase, choice: TargetChoice): void {
		interactive.current = true;
		if (choice === 'as-is') finish(source, target.tag);
		else if (choice === 'lambda' && target.name === 'target') void forLambda(source, target.tag, target.shape);
		else if (choice === 'one-platform' && target.name === 'lambda' && target.plan.action === 'one-platform')
			finish(
				source,
				target.tag,
				{lambda: true, platform: target.plan.platform},
				`${target.plan.platform} alone, for Lambda`,
			);
		else if (choice === 'another') setPhase({name: 'pick'});
		else if (choice === 'quit') exit(1);
	}

	useEffect(() => {
		void (async () => {
			const [list, head] = await Promise.all([
				options.image
					? Promise.resolve([] as LocalImage[])
					: services.docker.listImages().catch((error: unknown) => {
							setListError(errorMessage(error));
							return [] as LocalImage[];
						}),
				gitShortSha(services.runner, signal),
			]);
			if (!alive()) return;
			setImages(sortImagesNewestFirst(list));
			setSha(head);
			if (options.image) {
				const tag = options.tag ?? tagOfReference(options.image);
				if (tag && validateTag(tag).ok) {
					await accept(options.image, tag);
					return;
				}

				setTagText(tag ?? head ?? 'latest');
				setPhase(options.tag ? {name: 'tag-input'} : {name: 'tag'});
				return;
			}

			setPhase({name: 'pick'});
		})();
	}, []);

	const typed = filter.trim();
	const imageItems = useMemo((): Array<ListItem<Pick>> => {
		const exact = images.some((image) => imageName(image) === typed || image.repository === typed);
		const typedItem: Array<ListItem<Pick>> =
			typed.length > 0 && !exact
				? [{key: '+typed', label: `Use "${typed}"`, value: {type: 'typed', name: typed}, pinned: true}]
				: [];
		return [
			...typedItem,
			...images.map(
				(image): ListItem<Pick> => ({
					key: `${image.id}-${imageName(image)}`,
					label: imageName(image),
					value: {type: 'image', image},
					note: [image.createdAt ? ageText(image.createdAt, services.now()) : undefined, image.size]
						.filter(Boolean)
						.join(' · '),
				}),
			),
		];
	}, [images, typed, services]);

	const imageTag = tagOfReference(source);
	const choices = tagChoices(imageTag, sha);
	const tagItems: Array<ListItem<string | undefined>> = [
		...choices.map((choice) => ({key: choice.tag, label: choice.label, value: choice.tag as string | undefined})),
		{key: '+type', label: 'Type another tag…', value: undefined},
	];
	const tagCheck = validateTag(tagText);

	const exists = phase.name === 'tag-exists' ? phase : undefined;
	useKeys({enter: () => setPhase({name: 'tag'}), escape: () => setPhase({name: 'tag'})}, active && Boolean(exists));

	let hints: Hint[] = HINTS.back;
	let quit = true;
	if (phase.name === 'pick') {
		hints = HINTS.filter('filter or name');
		quit = false;
	}

	if (phase.name === 'tag') hints = HINTS.chooseOrBack;
	if (phase.name === 'tag-input') {
		hints = [
			['Enter', 'use this tag'],
			['Esc', 'back'],
		];
		quit = false;
	}

	if (phase.name === 'target' || phase.name === 'lambda') hints = HINTS.chooseOrBack;
	if (exists)
		hints = [
			['Enter', 'choose another tag'],
			['Esc', 'back'],
		];

	return (
		<StepFrame title="Image and tag" position={position} hints={hints} quit={quit}>
			{phase.name === 'loading' ? <Busy>Listing local images…</Busy> : null}
			{phase.name === 'pick' ? (
				<>
					{listError ? (
						<Status tone="warning">{`docker image ls failed: ${listError}. Type the image name instead.`}</Status>
					) : null}
					<Text>
						{images.length > 0
							? 'Which local image? Newest first; type to filter, or type any image name.'
							: 'No local images found: type the image name.'}
					</Text>
					<SelectList
						items={imageItems}
						isActive={active}
						searchable
						searchLabel="Image"
						noun="images"
						onFilterChange={setFilter}
						onCancel={back}
						emptyText="No local image matches."
						onSelect={(item, filterNow) => {
							interactive.current = true;
							const name =
								item.value.type === 'image' ? imageName(item.value.image) : filterNow.trim() || item.value.name;
							setSource(name);
							setTagText(tagOfReference(name) ?? sha ?? 'latest');
							setPhase({name: 'tag'});
						}}
					/>
				</>
			) : null}
			{phase.name === 'tag' ? (
				<Box flexDirection="column">
					<Text>{`Push ${source} as ${repository?.uri ?? ''}:TAG — which tag?`}</Text>
					<SelectList
						items={tagItems}
						isActive={active}
						onCancel={() => (options.image ? back() : setPhase({name: 'pick'}))}
						onSelect={(item) => {
							interactive.current = true;
							if (item.value === undefined) setPhase({name: 'tag-input'});
							else void accept(source, item.value);
						}}
					/>
				</Box>
			) : null}
			{phase.name === 'tag-input' ? (
				<Box flexDirection="column">
					<TextField
						label="Tag"
						value={tagText}
						isActive={active}
						onChange={setTagText}
						onCancel={() => setPhase({name: 'tag'})}
						onSubmit={(value) => {
							if (validateTag(value).ok) void accept(source, value);
						}}
					/>
					{tagCheck.ok ? (
						<Status tone="success">{`${repository?.uri ?? ''}:${tagText}`}</Status>
					) : (
						<Status tone="error">{tagCheck.reason}</Status>
					)}
				</Box>
			) : null}
			{phase.name === 'checking' ? (
				<Busy>{`Checking whether ${phase.tag} already exists in ${repository?.name ?? 'the repository'}…`}</Busy>
			) : null}
			{phase.name === 'inspecting' ? <Busy>{`Looking at what a push of ${source} sends…`}</Busy> : null}
			{phase.name === 'target' || phase.name === 'lambda' ? (
				<TargetQuestion
					phase={phase}
					image={source}
					active={active}
					canChooseAnother={!options.image}
					onChoose={(choice) => chooseTarget(phase, choice)}
					onBack={() => setPhase({name: 'tag'})}
				/>
			) : null}
			{checkError ? <Status tone="warning">{checkError}</Status> : null}
			{exists ? (
				<Box flexDirection="column">
					<Status tone="warning">{`Tag ${exists.tag} already exists in ${repository?.name ?? 'the repository'}, and its tags are immutable.`}</Status>
					<Text wrap="wrap">
						{`  It points at ${exists.remote.digest.slice(0, 19)}…${exists.remote.pushedAt ? `, pushed ${relativeTime(exists.remote.pushedAt, services.now())}` : ''}. Pushing it again would fail with "tag invalid". Choose another tag${sha && sha !== exists.tag ? ` (the git short SHA ${sha} is a good one)` : ''}.`}
					</Text>
				</Box>
			) : null}
		</StepFrame>
	);
}
