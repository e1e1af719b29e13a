/**
 * Parse what `docker push` prints (status lines, and byte counts when it has a terminal) into structured events.
 *
 * Without a TTY docker prints status lines only; with one it redraws lines in place with ANSI cursor moves
 * (`ESC[3A ESC[2K \r … \r ESC[3B`) and adds byte counts formatted by go-units `HumanSize` (decimal: kB, MB, GB).
 * Both arrive here as lines: strip the escapes, then read the status.
 */
import type {PushEvent} from './types.js';

// CSI sequences (cursor moves, erase line, colours) and the rarer OSC ones.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
	return text.replace(ANSI, '');
}

/** Split raw output (a whole capture or a chunk of complete lines) into clean lines: CR, LF and ANSI redraws all end a line. */
export function splitPushOutput(text: string): string[] {
	return text
		.split(/\r\n|\n|\r/)
		.map((line) => stripAnsi(line).trim())
		.filter((line) => line.length > 0);
}

const DECIMAL_UNITS: Record<string, number> = {
	'': 1,
	k: 1e3,
	m: 1e6,
	g: 1e9,
	t: 1e12,
	p: 1e15,
	e: 1e18,
};
const BINARY_UNITS: Record<string, number> = {k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50, e: 2 ** 60};

/**
 * Bytes in a size as docker prints it: `32B`, `1.049kB`, `12.78MB`, `3.146GB` (go-units HumanSize, powers of 1000).
 * Binary units (`KiB`, `MiB`) from BytesSize are read as powers of 1024. Undefined when it is not a size.
 */
export function parseHumanSize(text: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)\s*([kKmMgGtTpPeE]?)(i?)B$/.exec(text.trim());
	if (!match) return undefined;
	const [, number, prefix = '', binary] = match;
	const unit = prefix.toLowerCase();
	const factor = binary ? BINARY_UNITS[unit] : DECIMAL_UNITS[unit];
	if (factor === undefined) return undefined;
	return Math.round(Number(number) * factor);
}

const LAYER_LINE = /^([0-9a-f]{12,64}): (.+)$/;
const SIZE = String.raw`\d+(?:\.\d+)?\s?[kKmMgGtTpPeE]?i?B`;
// "Pushing", then an optional bar "[====>    ]", then "current/total" or just "current", then an optional time left.
const PUSHING = new RegExp(String.raw`^Pushing(?:\s+\[[=> ]*\])?(?:\s+(${SIZE})(?:/(${SIZE}))?)?(?:\s+(\S+))?$`);
const DIGEST_LINE = /^(\S+): digest: (sha256:[0-9a-f]{64}) size: (\d+)$/;
const REFERS = /^The push refers to repository \[(.+)\]$/;
const RETRYING = /^Retrying in (\d+) seconds?$/;

/** Lines docker prints around a push that are neither progress nor failure. */
const INFORMATIONAL = [
	/^Using default tag: /,
	/^WARNING: /i,
	/^What's next:/,
	/^\s*View a summary of image vulnerabilities/,
	/^time="[^"]*" level=(?:debug|info|warning)/,
];

/**
 * One clean line → one event, or undefined for a line that says nothing about the push
 * (an informational note, or a layer status this parser does not know).
 * Any other line is what docker prints when the push fails, so it becomes an error event.
 */
export function parsePushLine(rawLine: string): PushEvent | undefined {
	const line = stripAnsi(rawLine).trim();
	if (line.length === 0) return undefined;

	const refers = REFERS.exec(line);
	if (refers) return {type: 'start', repository: refers[1]!};

	const digest = DIGEST_LINE.exec(line);
	if (digest) return {type: 'digest', tag: digest[1]!, digest: digest[2]!, size: Number(digest[3])};

	const layer = LAYER_LINE.exec(line);
	if (layer) return parseLayerStatus(layer[1]!, layer[2]!.trim());

	if (INFORMATIONAL.some((pattern) => pattern.test(line))) return undefined;
	return {type: 'error', message: line};
}

function parseLayerStatus(id: string, status: string): PushEvent | undefined {
	switch (status) {
		case 'Preparing':
			return {type: 'layer', id, status: 'preparing'};
		case 'Waiting':
			return {type: 'layer', id, status: 'waiting'};
		case 'Pushed':
			return {type: 'layer', id, status: 'pushed'};
		case 'Layer already exists':
			return {type: 'layer', id, status: 'exists'};
		default:
			break;
	}

	if (status.startsWith('Mounted from ')) return {type: 'layer', id, status: 'mounted', message: status};

	const retrying = RETRYING.exec(status);
	if (retrying) return {type: 'layer', id, status: 'retrying', message: status};

	const pushing = PUSHING.exec(status);
	if (pushing) {
		const current = pushing[1] === undefined ? undefined : parseHumanSize(pushing[1]);
		const total = pushing[2] === undefined ? undefined : parseHumanSize(pushing[2]);
		return {
			type: 'layer',
			id,
			status: 'pushing',
			...(current === undefined ? {} : {current}),
			...(total === undefined ? {} : {total}),
			...(pushing[3] ? {message: `${pushing[3]} left`} : {}),
		};
	}

	return undefined;
}

/** Every event in a whole capture, in order. */
export function parsePushOutput(text: string): PushEvent[] {
	const events: PushEvent[] = [];
	for (const line of splitPushOutput(text)) {
		const event = parsePushLine(line);
		if (event) events.push(event);
	}

	return events;
}

export type LayerState = {
	id: string;
	status: Extract<PushEvent, {type: 'layer'}>['status'];
	current?: number;
	total?: number;
	message?: string;
};

export type PushState = {
	repository: string | undefined;
	/** In the order docker first named them. */
	layers: LayerState[];
	digest: {tag: string; digest: string; size: number} | undefined;
	errors: string[];
	/** Sum of byte counts seen so far (only a TTY shows them); finished layers count as their total. */
	bytesDone: number;
	bytesTotal: number;
};

export const initialPushState: PushState = {
	repository: undefined,
	layers: [],
	digest: undefined,
	errors: [],
	bytesDone: 0,
	bytesTotal: 0,
};

/** Fold one event into the state: a pure reducer for progress views. */
export function reducePushState(state: PushState, event: PushEvent): PushState {
	switch (event.type) {
		case 'start':
			return {...state, repository: event.repository};
		case 'digest':
			return {...state, digest: {tag: event.tag, digest: event.digest, size: event.size}};
		case 'error':
			return {...state, errors: [...state.errors, event.message]};
		case 'bytes-unavailable':
			return state;
		case 'layer': {
			const index = state.layers.findIndex((layer) => layer.id === event.id);
			const previous = index === -1 ? undefined : state.layers[index];
			const next: LayerState = {id: event.id, status: event.status};
			const total = event.total ?? previous?.total;
			if (total !== undefined) next.total = total;
			if (event.current !== undefined) next.current = event.current;
			else if (event.status === 'pushed' && total !== undefined) next.current = total;
			else if (event.status === 'retrying' && previous?.current !== undefined) next.current = previous.current;
			if (event.message !== undefined) next.message = event.message;
			const layers =
				index === -1 ? [...state.layers, next] : state.layers.map((layer, i) => (i === index ? next : layer));
			let bytesDone = 0;
			let bytesTotal = 0;
			for (const layer of layers) {
				bytesTotal += layer.total ?? 0;
				bytesDone += layer.current ?? 0;
			}

			return {...state, layers, bytesDone, bytesTotal};
		}
	}
}

/** Stateful line feeder for a live push: hands back the events of each line and keeps the folded state. */
export function createPushTracker(): {feed(line: string): PushEvent[]; readonly state: PushState} {
	let state = initialPushState;
	return {
		feed(line: string) {
			const events: PushEvent[] = [];
			for (const part of splitPushOutput(line)) {
				const event = parsePushLine(part);
				if (!event) continue;
				state = reducePushState(state, event);
				events.push(event);
			}

			return events;
		},
		get state() {
			return state;
		},
	};
}
