/** The docker side of `ecr-setup push`: the local image, docker tag, docker push with progress on stderr (stdout is --json's). */
import {UserError} from '../errors/user-errors.js';
import {humanSize} from '../lib/format.js';
import type {PushEvent, PushResult} from '../docker/types.js';
import {
	type ByteSample,
	describeRate,
	plural,
	recordBytes,
	summarizeRate,
	truncateMiddle,
} from '../docker/push-meter.js';
import type {CommandContext, CommandIo} from './types.js';

export function localImageMissing(image: string): UserError {
	return new UserError(`There is no local image "${image}".`, {
		code: 'image.local',
		hint: 'Build or pull it first, or pick one from `docker image ls`.',
	});
}

/**
 * Progress on stderr: one line redrawn at least twice a second on a terminal (bytes, speed, time left, cut to its
 * width), a line per layer change otherwise.
 */
export function createPushReporter(io: CommandIo, isTty: boolean, now: () => number = Date.now) {
	const layers = new Map<string, {status: string; current: number; total: number}>();
	let samples: ByteSample[] = [];
	let lastLine = '';
	let timer: ReturnType<typeof setInterval> | undefined;
	const bytes = () => {
		let current = 0;
		let total = 0;
		for (const layer of layers.values()) {
			current += layer.status === 'pushed' ? layer.total : layer.current;
			total += layer.total;
		}

		return {current, total};
	};

	const summary = () => {
		let done = 0;
		for (const layer of layers.values()) {
			if (layer.status === 'pushed' || layer.status === 'exists' || layer.status === 'mounted') done++;
		}

		const {current, total} = bytes();
		const rate = describeRate(summarizeRate(samples, current, total, now()));
		return `${done}/${plural(layers.size, 'layer')} done${total > 0 ? `, ${humanSize(current)} of ${humanSize(total)}` : ''}${rate ? ` · ${rate}` : ''}`;
	};

	const width = () => Math.max(20, (process.stderr.columns ?? 80) - 1);
	const redraw = () => {
		if (layers.size === 0) return;
		const line = truncateMiddle(`Pushing: ${summary()}`, width());
		if (line !== lastLine) process.stderr.write(`\r\u001B[2K${line}`);
		lastLine = line;
	};

	return {
		onEvent(event: PushEvent) {
			if (event.type === 'bytes-unavailable') io.err(`byte progress unavailable: ${event.reason}`);
			if (event.type === 'start') {
				const text = `The push refers to ${event.repository}`;
				io.err(isTty ? truncateMiddle(text, width()) : text);
			}

			if (event.type === 'layer') {
				const previous = layers.get(event.id);
				const next = {
					status: event.status,
					current: event.current ?? previous?.current ?? 0,
					total: event.total ?? previous?.total ?? 0,
				};
				layers.set(event.id, next);
				samples = recordBytes(samples, now(), bytes().current);
				if (isTty) {
					// Docker reports each 1% of a layer; the clock keeps speed and time left fresh in between.
					timer ??= setInterval(redraw, 500);
					redraw();
				} else if (previous?.status !== event.status) {
					const label = {
						exists: 'already in the registry',
						mounted: 'mounted from another repository',
						pushed: 'pushed',
					}[event.status as string];
					io.err(`  ${event.id}: ${label ?? event.status}${event.message ? ` (${event.message})` : ''}`);
				}
			}
		},
		finish() {
			if (timer) clearInterval(timer);
			if (isTty && lastLine) process.stderr.write('\r\u001B[2K');
		},
	};
}

/** docker tag, then docker push with progress on stderr; the pushed URI and digest on stdout. */
export async function tagAndPush(
	context: CommandContext,
	image: string,
	target: string,
	platform?: string,
): Promise<PushResult> {
	const {services, io, signal} = context;
	await services.docker.tag(image, target);
	io.err(`Tagged ${image} as ${target}`);
	const reporter = createPushReporter(io, io.interactive && Boolean(process.stderr.isTTY));
	let result: PushResult;
	try {
		result = await services.docker.push(target, {onEvent: reporter.onEvent, signal, ...(platform ? {platform} : {})});
	} finally {
		reporter.finish();
	}

	io.out(`Pushed ${target}`);
	io.out(`Digest ${result.digest}`);
	return result;
}

/** What `push --json` says of a push that went through, whichever registry it went to. */
export function pushedJson(
	result: PushResult,
	pushed: {image: string; repository: string; registry: string; tag: string},
	extra: Record<string, unknown>,
): {json: Record<string, unknown>} {
	return {
		json: {
			image: pushed.image,
			digest: result.digest,
			size: result.size,
			repository: pushed.repository,
			registry: pushed.registry,
			tag: pushed.tag,
			...extra,
		},
	};
}
