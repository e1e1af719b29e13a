/**
 * The fixtures under test/fixtures/docker-push/ were rendered by the real docker CLI 28.2.2 on this machine
 * (`docker push` with stdout a pipe, and inside `script` for a TTY at 100 and 120 columns) against a scripted
 * Engine API on a unix socket that streamed the daemon's JSON messages (status, progressDetail, errorDetail).
 * So the line formats, ANSI redraws and HumanSize byte counts are docker's own; the registry messages are the ones
 * ECR and Docker Hub send. helper-missing.txt is the message of docker-credential-helpers' client
 * (`docker login` on this machine prints the same error for a store); docker 28's push does not print it.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {
	createPushTracker,
	initialPushState,
	parseHumanSize,
	parsePushLine,
	parsePushOutput,
	reducePushState,
	splitPushOutput,
	stripAnsi,
} from '../../source/docker/push-progress.js';
import type {PushEvent} from '../../source/docker/types.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/docker-push/${name}.txt`, import.meta.url), 'utf8');

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const DIGEST = 'sha256:3f4b1c9e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c';

function errorsOf(events: PushEvent[]): string[] {
	return events.flatMap((event) => (event.type === 'error' ? [event.message] : []));
}

describe('parseHumanSize (go-units HumanSize, decimal)', () => {
	it.each([
		['32B', 32],
		['0B', 0],
		['1.049kB', 1049],
		['5kB', 5000],
		['12.78MB', 12_780_000],
		['31.46MB', 31_460_000],
		['188MB', 188_000_000],
		['3.146GB', 3_146_000_000],
		['1.5TB', 1_500_000_000_000],
		['2MiB', 2 * 1024 * 1024],
		['1.5KiB', 1536],
	])('%s → %d bytes', (text, bytes) => {
		expect(parseHumanSize(text)).toBe(bytes);
	});

	it.each(['', 'MB', '12.78', '12..3MB', 'lots', '5 XB'])('%j is not a size', (text) => {
		expect(parseHumanSize(text)).toBeUndefined();
	});
});

describe('parsePushLine', () => {
	it.each<[string, PushEvent | undefined]>([
		[`The push refers to repository [${HOST}/x]`, {type: 'start', repository: `${HOST}/x`}],
		['9c3e1a7b2f41: Preparing', {type: 'layer', id: '9c3e1a7b2f41', status: 'preparing'}],
		['9c3e1a7b2f41: Waiting', {type: 'layer', id: '9c3e1a7b2f41', status: 'waiting'}],
		['9c3e1a7b2f41: Pushed', {type: 'layer', id: '9c3e1a7b2f41', status: 'pushed'}],
		['9c3e1a7b2f41: Layer already exists', {type: 'layer', id: '9c3e1a7b2f41', status: 'exists'}],
		[
			'9c3e1a7b2f41: Mounted from base/debian',
			{type: 'layer', id: '9c3e1a7b2f41', status: 'mounted', message: 'Mounted from base/debian'},
		],
		[
			'9c3e1a7b2f41: Retrying in 5 seconds',
			{type: 'layer', id: '9c3e1a7b2f41', status: 'retrying', message: 'Retrying in 5 seconds'},
		],
		[
			'9c3e1a7b2f41: Retrying in 1 second',
			{type: 'layer', id: '9c3e1a7b2f41', status: 'retrying', message: 'Retrying in 1 second'},
		],
		[
			'9c3e1a7b2f41: Pushing  12.78MB/30MB',
			{type: 'layer', id: '9c3e1a7b2f41', status: 'pushing', current: 12_780_000, total: 30_000_000},
		],
		[
			'5f70bf18a086: Pushing      32B/32B',
			{type: 'layer', id: '5f70bf18a086', status: 'pushing', current: 32, total: 32},
		],
		[
			'a1f0c2d3e4b5: Pushing [================>                                  ]  1.049MB/3.146MB 8s',
			{type: 'layer', id: 'a1f0c2d3e4b5', status: 'pushing', current: 1_049_000, total: 3_146_000, message: '8s left'},
		],
		// Docker drops the total when the current count overshoots it.
		['a1f0c2d3e4b5: Pushing  3.2MB', {type: 'layer', id: 'a1f0c2d3e4b5', status: 'pushing', current: 3_200_000}],
		['a1f0c2d3e4b5: Pushing', {type: 'layer', id: 'a1f0c2d3e4b5', status: 'pushing'}],
		[`v1: digest: ${DIGEST} size: 1573`, {type: 'digest', tag: 'v1', digest: DIGEST, size: 1573}],
		['no basic auth credentials', {type: 'error', message: 'no basic auth credentials'}],
		['Using default tag: latest', undefined],
		['', undefined],
		['\u001B[1A\u001B[2K', undefined],
		['9c3e1a7b2f41: Something new in docker 29', undefined],
	])('%j', (line, expected) => {
		expect(parsePushLine(line)).toEqual(expected);
	});
});

describe('splitPushOutput / stripAnsi', () => {
	it('turns a TTY redraw into clean lines', () => {
		const raw =
			'\u001B[1A\u001B[2K\r9c3e1a7b2f41: Preparing \r\u001B[1B\u001B[3A\u001B[2K\r9c3e1a7b2f41: Pushing  6.291MB/31.46MB\r\u001B[3B';
		expect(splitPushOutput(raw)).toEqual(['9c3e1a7b2f41: Preparing', '9c3e1a7b2f41: Pushing  6.291MB/31.46MB']);
		expect(stripAnsi('\u001B[31mred\u001B[0m')).toBe('red');
	});
});

describe('parsePushOutput over captured docker output', () => {
	it('success (non-TTY): start, layer states, digest, no errors', () => {
		const events = parsePushOutput(fixture('success'));
		expect(events[0]).toEqual({type: 'start', repository: `${HOST}/x`});
		expect(events.at(-1)).toEqual({type: 'digest', tag: 'v1', digest: DIGEST, size: 1573});
		expect(errorsOf(events)).toEqual([]);
		const pushed = events
			.filter((event) => event.type === 'layer' && event.status === 'pushed')
			.map((event) => (event as {id: string}).id);
		expect(pushed).toEqual(['5f70bf18a086', 'a1f0c2d3e4b5', '9c3e1a7b2f41']);
		// Without a TTY docker prints no byte counts.
		expect(events.some((event) => event.type === 'layer' && event.current !== undefined)).toBe(false);
	});

	it('existing layers: exists and mounted, then the digest', () => {
		const events = parsePushOutput(fixture('existing-layers'));
		const statuses = events.flatMap((event) => (event.type === 'layer' ? [`${event.id}:${event.status}`] : []));
		expect(statuses).toEqual([
			'9c3e1a7b2f41:preparing',
			'a1f0c2d3e4b5:preparing',
			'5f70bf18a086:preparing',
			'5f70bf18a086:exists',
			'9c3e1a7b2f41:mounted',
			'a1f0c2d3e4b5:exists',
		]);
		expect(events.at(-1)).toMatchObject({type: 'digest', tag: 'v2', size: 1573});
	});

	it('success (TTY, 100 columns): byte counts from the ANSI redraws, same final state as without a TTY', () => {
		const events = parsePushOutput(fixture('success-tty'));
		const bytes = events.flatMap((event) =>
			event.type === 'layer' && event.status === 'pushing' ? [[event.id, event.current, event.total]] : [],
		);
		expect(bytes).toEqual([
			['5f70bf18a086', 32, 32],
			['a1f0c2d3e4b5', 1_049_000, 3_146_000],
			['a1f0c2d3e4b5', 2_097_000, 3_146_000],
			['a1f0c2d3e4b5', 3_146_000, 3_146_000],
			['9c3e1a7b2f41', 6_291_000, 31_460_000],
			['9c3e1a7b2f41', 12_580_000, 31_460_000],
			['9c3e1a7b2f41', 18_870_000, 31_460_000],
			['9c3e1a7b2f41', 25_170_000, 31_460_000],
			['9c3e1a7b2f41', 31_460_000, 31_460_000],
		]);
		expect(errorsOf(events)).toEqual([]);
		const final = events.reduce(reducePushState, initialPushState);
		const plain = parsePushOutput(fixture('success')).reduce(reducePushState, initialPushState);
		expect(final.digest).toEqual(plain.digest);
		expect(final.layers.map((layer) => [layer.id, layer.status])).toEqual(
			plain.layers.map((layer) => [layer.id, layer.status]),
		);
		expect(final.bytesDone).toBe(final.bytesTotal);
		expect(final.bytesTotal).toBe(32 + 3_146_000 + 31_460_000);
	});

	it('success (TTY, 120 columns): progress bars and time left', () => {
		const events = parsePushOutput(fixture('success-tty-wide'));
		const withTime = events.filter((event) => event.type === 'layer' && event.message?.endsWith(' left'));
		expect(withTime.length).toBeGreaterThan(0);
		expect(withTime[0]).toMatchObject({id: 'a1f0c2d3e4b5', current: 1_049_000, total: 3_146_000});
		expect(errorsOf(events)).toEqual([]);
		expect(events.at(-1)).toMatchObject({type: 'digest', tag: 'v1'});
	});

	it('retries then EOF (TTY): retrying keeps the byte count, the error is the last line', () => {
		const events = parsePushOutput(fixture('retry-eof-tty'));
		const retrying = events.filter((event) => event.type === 'layer' && event.status === 'retrying');
		expect(retrying.map((event) => (event as {message: string}).message)).toEqual([
			'Retrying in 5 seconds',
			'Retrying in 4 seconds',
			'Retrying in 1 second',
		]);
		expect(errorsOf(events)).toEqual(['EOF']);
		const state = events.slice(0, events.indexOf(retrying[0]!) + 1).reduce(reducePushState, initialPushState);
		expect(state.layers.find((layer) => layer.id === '9c3e1a7b2f41')).toMatchObject({
			status: 'retrying',
			current: 31_460_000,
			total: 31_460_000,
		});
	});

	it.each([
		['no-basic-auth', 'no basic auth credentials'],
		['token-expired', 'denied: Your authorization token has expired. Reauthenticate and try again.'],
		[
			'repository-missing',
			"name unknown: The repository with name 'x' does not exist in the registry with id '123456789012'",
		],
		[
			'tag-immutable',
			"tag invalid: The image tag 'v1' already exists in the 'x' repository and cannot be overwritten because the repository is immutable.",
		],
		['docker-hub-denied', 'denied: requested access to the resource is denied'],
		[
			'iam-denied',
			'denied: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:us-east-1:123456789012:repository/x because no identity-based policy allows the ecr:InitiateLayerUpload action',
		],
		[
			'policy-denied',
			'denied: User: arn:aws:sts::123456789012:assumed-role/ci/build is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:us-east-1:210987654321:repository/shared/x because no resource-based policy allows the ecr:InitiateLayerUpload action',
		],
		['retry-eof', 'EOF'],
		['image-missing', `Error response from daemon: An image does not exist locally with the tag: ${HOST}/x`],
		[
			'helper-missing',
			'error getting credentials - err: exec: "docker-credential-ecr-login": executable file not found in $PATH, out: ``',
		],
	])('%s: exactly one error event, docker’s last line, and no digest', (name, message) => {
		const events = parsePushOutput(fixture(name));
		expect(errorsOf(events)).toEqual([message]);
		expect(events.some((event) => event.type === 'digest')).toBe(false);
	});
});

describe('createPushTracker', () => {
	it('feeds chunks line by line and keeps the folded state', () => {
		const tracker = createPushTracker();
		const all: PushEvent[] = [];
		for (const line of fixture('success-tty').split(/\r\n|\n|\r/)) all.push(...tracker.feed(line));
		expect(all).toEqual(parsePushOutput(fixture('success-tty')));
		expect(tracker.state.repository).toBe(`${HOST}/x`);
		expect(tracker.state.layers.map((layer) => layer.status)).toEqual(['pushed', 'pushed', 'pushed']);
		expect(tracker.state.digest?.digest).toBe(DIGEST);
	});

	it('pushed without byte counts counts the layer as done only when its total is known', () => {
		let state = reducePushState(initialPushState, {
			type: 'layer',
			id: 'aaaaaaaaaaaa',
			status: 'pushing',
			current: 10,
			total: 100,
		});
		state = reducePushState(state, {type: 'layer', id: 'bbbbbbbbbbbb', status: 'pushed'});
		state = reducePushState(state, {type: 'layer', id: 'aaaaaaaaaaaa', status: 'pushed'});
		expect(state.layers).toEqual([
			{id: 'aaaaaaaaaaaa', status: 'pushed', current: 100, total: 100},
			{id: 'bbbbbbbbbbbb', status: 'pushed'},
		]);
		expect([state.bytesDone, state.bytesTotal]).toEqual([100, 100]);
	});
});
