/** What `ecr-setup push` shows while docker pushes: progress on stderr, never on stdout (which --json owns). */
import {humanSize} from '../lib/format.js';
import type {PushEvent} from '../docker/types.js';
import type {CommandIo} from './types.js';

/** Progress on stderr: one redrawn line on a terminal, a line per layer change otherwise. */
export function createPushReporter(io: CommandIo, isTty: boolean) {
	const layers = new Map<string, {status: string; current: number; total: number}>();
	let lastLine = '';
	const summary = () => {
		let done = 0;
		let current = 0;
		let total = 0;
		for (const layer of layers.values()) {
			if (layer.status === 'pushed' || layer.status === 'exists' || layer.status === 'mounted') done++;
			current += layer.status === 'pushed' ? layer.total : layer.current;
			total += layer.total;
		}

		return `${done}/${layers.size} layers done${total > 0 ? `, ${humanSize(current)} of ${humanSize(total)}` : ''}`;
	};

	return {
		onEvent(event: PushEvent) {
			if (event.type === 'start') io.err(`The push refers to ${event.repository}`);
			if (event.type === 'layer') {
				const previous = layers.get(event.id);
				const next = {
					status: event.status,
					current: event.current ?? previous?.current ?? 0,
					total: event.total ?? previous?.total ?? 0,
				};
				layers.set(event.id, next);
				if (isTty) {
					const line = `Pushing: ${summary()}`;
					if (line !== lastLine) process.stderr.write(`\r\u001B[2K${line}`);
					lastLine = line;
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
			if (isTty && lastLine) process.stderr.write('\r\u001B[2K');
		},
	};
}
