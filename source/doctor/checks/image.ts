/** Checks on the local image: that it exists, and that it carries the full ECR URI (else a push goes to Docker Hub). */
import {describeOutcomeProblem} from '../outcome.js';
import {blockedBy, pass, result, shellQuote, skip, type Check} from './common.js';

export const imageLocal: Check = (facts, prior) => {
	const id = 'image.local';
	const image = facts.target.image;
	if (!image) return skip(id, 'skipped: no --image given');
	const blocked = blockedBy(id, prior, ['docker.daemon']);
	if (blocked) return blocked;
	const outcome = facts.image.local;
	if (outcome.state === 'ok' && outcome.value)
		return pass(id, `${image} exists locally (${outcome.value.id.replace(/^sha256:/, '').slice(0, 12)})`);
	if (outcome.state === 'ok') {
		return result(id, 'fail', `An image does not exist locally with the tag: ${image}`, {
			description: 'Build the image with this name (or pull it) first.',
			command: `docker build -t ${shellQuote(image)} .`,
		});
	}

	if (outcome.state === 'not-run') return skip(id, `skipped: ${outcome.reason}`);
	return result(id, 'fail', `\`docker image inspect ${image}\` failed: ${describeOutcomeProblem(outcome)}`, null);
};

export const imageTagged: Check = (facts, prior) => {
	const id = 'image.tagged';
	const target = facts.target;
	const image = target.image;
	if (!image) return skip(id, 'skipped: no --image given');
	if (!target.uri || !target.host)
		return skip(id, 'skipped: no target repository to compare with (see ecr.repository)');
	if (target.imageIsEcr) {
		if (target.imageRef?.registry !== target.host) {
			return result(
				id,
				'fail',
				`${image} points at ${target.imageRef?.registry}, not ${target.host}: docker pushes it there.`,
				{
					description: `Tag the image for ${target.host}.`,
					command: `docker tag ${shellQuote(image)} ${target.uri}`,
					action: {type: 'tag', source: image, target: target.uri},
				},
			);
		}

		return pass(id, `${image} is a full ECR URI: docker pushes it to ${target.host}`);
	}

	const blocked = blockedBy(id, prior, ['image.local']);
	if (blocked) return blocked;
	const inspect = facts.image.local.state === 'ok' ? facts.image.local.value : null;
	const tags = inspect?.repoTags ?? [];
	if (tags.includes(target.uri)) return pass(id, `${image} is also tagged ${target.uri}: push that name`);
	const hub = target.imageRef?.registry ? `to ${target.imageRef.registry}` : 'to Docker Hub (docker.io)';
	return result(
		id,
		'fail',
		`${image} is not tagged with ${target.uri}: \`docker push ${image}\` would go ${hub} ("denied: requested access to the resource is denied").`,
		{
			description: `Tag it with the full ECR URI, then push that name: docker push ${target.uri}`,
			command: `docker tag ${shellQuote(image)} ${target.uri}`,
			action: {type: 'tag', source: image, target: target.uri},
		},
	);
};

export const IMAGE_CHECKS: Check[] = [imageLocal, imageTagged];
