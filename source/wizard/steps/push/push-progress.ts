/** Push progress from docker's events: per-layer state and the overall fraction. Pure, so the bars are tested without Ink. */
import type {PushEvent} from '../../../docker/types.js';
import {type ByteSample, recordBytes} from '../../../docker/push-meter.js';

export type LayerProgress = {id: string; status: string; current: number; total: number | undefined};

export type PushProgress = {
	layers: LayerProgress[];
	digest?: string;
	/** Overall bytes sent over time, for the speed and time left. */
	samples?: ByteSample[];
	/** Why docker shows no byte counts this time, when it does not. */
	bytesUnavailable?: string;
};

const FINISHED = new Set(['pushed', 'exists', 'mounted']);

export function layerDone(layer: LayerProgress): boolean {
	return FINISHED.has(layer.status);
}

/** Fold one event in; `at` (ms) is when it arrived, to measure the speed by. */
export function applyPushEvent(progress: PushProgress, event: PushEvent, at?: number): PushProgress {
	if (event.type === 'digest') return {...progress, digest: event.digest};
	if (event.type === 'bytes-unavailable') return {...progress, bytesUnavailable: event.reason};
	if (event.type !== 'layer') return progress;
	const index = progress.layers.findIndex((layer) => layer.id === event.id);
	const previous = index === -1 ? undefined : progress.layers[index]!;
	const total = event.total ?? previous?.total;
	let current = event.current ?? previous?.current ?? 0;
	if (event.status === 'pushed' && total !== undefined) current = total;
	const next: LayerProgress = {id: event.id, status: event.status, current, total};
	const layers =
		index === -1 ? [...progress.layers, next] : progress.layers.map((layer, i) => (i === index ? next : layer));
	const updated = {...progress, layers};
	if (at === undefined) return updated;
	return {...updated, samples: recordBytes(progress.samples ?? [], at, overallProgress(updated).current)};
}

export function layerFraction(layer: LayerProgress): number {
	if (layerDone(layer)) return 1;
	return layer.total && layer.total > 0 ? Math.min(1, layer.current / layer.total) : 0;
}

/** Overall: each layer weighs the same (sizes arrive late and "already there" layers have none); bytes are summed apart. */
export function overallProgress(progress: PushProgress): {
	fraction: number;
	done: number;
	count: number;
	current: number;
	total: number;
} {
	const count = progress.layers.length;
	let sum = 0;
	let done = 0;
	let current = 0;
	let total = 0;
	for (const layer of progress.layers) {
		sum += layerFraction(layer);
		if (layerDone(layer)) done++;
		if (layer.status !== 'exists' && layer.status !== 'mounted' && layer.total && layer.total > 0) {
			total += layer.total;
			current += Math.min(layer.current, layer.total);
		}
	}

	return {fraction: count === 0 ? 0 : sum / count, done, count, current, total};
}
