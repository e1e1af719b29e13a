/** Local images as the image step lists them, and the tags it offers. */
import type {LocalImage} from '../../../docker/types.js';

export function imageName(image: LocalImage): string {
	return image.tag && image.tag !== '<none>' ? `${image.repository}:${image.tag}` : image.id;
}

/** Newest first; images without a date keep their order, after the dated ones. Dangling (<none>) images are left out. */
export function sortImagesNewestFirst(images: readonly LocalImage[]): LocalImage[] {
	return images
		.filter((image) => image.repository !== '<none>')
		.map((image, index) => ({image, index}))
		.sort((a, b) => {
			const at = a.image.createdAt?.getTime();
			const bt = b.image.createdAt?.getTime();
			if (at !== undefined && bt !== undefined && at !== bt) return bt - at;
			if (at === undefined && bt !== undefined) return 1;
			if (bt === undefined && at !== undefined) return -1;
			return a.index - b.index;
		})
		.map(({image}) => image);
}

/** The tag part of a reference a person typed ("app:1.2" → "1.2", "host:5000/app" → undefined). */
export function tagOfReference(reference: string): string | undefined {
	const withoutDigest = reference.split('@')[0] ?? reference;
	const lastSlash = withoutDigest.lastIndexOf('/');
	const colon = withoutDigest.lastIndexOf(':');
	return colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
}

export type TagChoice = {tag: string; label: string};

/** Tag candidates: the image's own tag first, then the git short SHA when there is one, without duplicates. */
export function tagChoices(imageTag: string | undefined, gitSha: string | undefined): TagChoice[] {
	const choices: TagChoice[] = [];
	if (imageTag && imageTag !== '<none>') choices.push({tag: imageTag, label: `${imageTag}  (the image's tag)`});
	if (gitSha && gitSha !== imageTag) choices.push({tag: gitSha, label: `${gitSha}  (git HEAD, short SHA)`});
	if (!choices.some((choice) => choice.tag === 'latest')) choices.push({tag: 'latest', label: 'latest'});
	return choices;
}

/** "5 min ago", "3 h ago", "12 days ago": how old an image is, at the precision a list needs. */
export function ageText(created: Date, now: Date): string {
	const minutes = Math.max(0, Math.round((now.getTime() - created.getTime()) / 60_000));
	if (minutes < 60) return `${minutes} min ago`;
	const hours = Math.round(minutes / 60);
	if (hours < 48) return `${hours} h ago`;
	return `${Math.round(hours / 24)} days ago`;
}
