import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {PushStep, fixesFor} from '../../../../source/wizard/steps/push/push-step.js';
import {PushError} from '../../../../source/docker/push-errors.js';
import {createEngineDockerService} from '../../../../source/engines/service.js';
import {createFakeRunner} from '../../../helpers/fake-runner.js';
import type {PushEvent, PushResult} from '../../../../source/docker/types.js';
import {ARROW_DOWN, ENTER, flat} from '../../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../../helpers/step-harness.js';
import {DIGEST, HOST, onPushRepository, world} from '../../../helpers/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

const ready = () => stateAfterRepository({image: {source: 'my-app:dev', tag: 'dev'}});

describe('push step', () => {
	it('tags, pushes, and shows a bar per layer with bytes and an overall bar', async () => {
		let emit!: (event: PushEvent) => void;
		let finish!: (result: PushResult) => void;
		const w = world({
			docker: {
				push: vi.fn(
					async (_ref: string, options?: {onEvent?: (event: PushEvent) => void}) =>
						new Promise<PushResult>((resolve) => {
							emit = (event) => options?.onEvent?.(event);
							finish = resolve;
						}),
				),
			},
		});
		const step = renderStep(PushStep, {services: w.services, state: ready()});
		await step.app.waitFor('Starting the push');
		expect(w.docker.tag).toHaveBeenCalledWith('my-app:dev', `${HOST}/web:dev`);
		emit({type: 'layer', id: '1111aaaa2222', status: 'pushing', current: 12_780_000, total: 30_000_000});
		emit({type: 'layer', id: '3333bbbb4444', status: 'exists'});
		const frame = await step.app.waitFor('already there');
		expect(frame).toContain('1111aaaa2222 ███████░░░░░░░░░ pushing   12.8MB / 30.0MB');
		expect(frame).toContain('3333bbbb4444 ████████████████ already there');
		expect(frame).toContain('Overall      ███████████░░░░░ 71% · 1 of 2 layers · 12.8MB / 30.0MB');
		emit({type: 'layer', id: '1111aaaa2222', status: 'pushed'});
		await step.app.waitFor('100% · 2 of 2 layers');
		finish({digest: DIGEST, size: 1, tag: 'dev', layers: 2});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith({
				patch: {pushed: {uri: `${HOST}/web:dev`, digest: DIGEST}, pushFailure: undefined},
				summary: `Pushed ${HOST}/web:dev (${DIGEST.slice(0, 19)}…, 2 layers)`,
				interactive: false,
			});
		});
	});

	it('shows speed once measured, and says when docker gives no byte counts', async () => {
		let emit!: (event: PushEvent) => void;
		const w = world({
			docker: {
				push: vi.fn(
					async (_ref: string, options?: {onEvent?: (event: PushEvent) => void}) =>
						new Promise<PushResult>(() => {
							emit = (event) => options?.onEvent?.(event);
						}),
				),
			},
		});
		const step = renderStep(PushStep, {services: w.services, state: ready()});
		await step.app.waitFor('Starting the push');
		emit({type: 'bytes-unavailable', reason: "podman does not print docker's byte counts"});
		emit({type: 'layer', id: '1111aaaa2222', status: 'pushing', current: 1_000_000, total: 30_000_000});
		const frame = await step.app.waitFor('measuring speed');
		expect(frame).toContain("byte progress unavailable: podman does not print docker's byte counts");
		expect(frame).toContain('0 of 1 layer ·');
		// The clock ticks twice a second: without new bytes, after a while the speed is measured (and is a stall).
		await step.app.waitFor('stalled', 4000);
	});

	it('with podman: pushed without a terminal, and the screen says why there are no byte counts', async () => {
		// The real engine service over a scripted podman that writes its digest file, as podman push --digestfile does.
		const {writeFileSync} = await import('node:fs');
		let release!: () => void;
		const held = new Promise<void>((resolve) => {
			release = resolve;
		});
		const runner = createFakeRunner(
			[
				{file: 'podman', args: (args) => args[0] === 'tag'},
				{
					file: 'podman',
					args: (args) => {
						if (args[0] !== 'push' || args[1] !== '--digestfile') return false;
						writeFileSync(args[2]!, `${DIGEST}\n`);
						return true;
					},
					lines: ['Getting image source signatures', 'Writing manifest to image destination'],
				},
			],
			{path: {script: '/usr/bin/script'}},
		);
		const podman = createEngineDockerService({
			runner: {
				...runner,
				stream: async (...args) => runner.stream(...args).then(async (result) => held.then(() => result)),
			},
			env: {},
			engine: 'podman',
		});
		const w = world({docker: {tag: podman.tag, push: podman.push}});
		const step = renderStep(PushStep, {services: w.services, state: ready()});
		const frame = await step.app.waitFor('byte progress unavailable');
		expect(frame).toContain("byte progress unavailable: podman does not print docker's byte counts");
		release();
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith(
				expect.objectContaining({patch: {pushed: {uri: `${HOST}/web:dev`, digest: DIGEST}, pushFailure: undefined}}),
			);
		});
		expect(runner.calls.map((call) => call.file)).toEqual(['podman', 'podman']);
	});

	it('an image for Lambda with a platform chosen: docker pushes that platform alone, and the screen says so', async () => {
		const w = world();
		const step = renderStep(PushStep, {
			services: w.services,
			state: stateAfterRepository({image: {source: 'my-app:dev', tag: 'dev', lambda: true, platform: 'linux/amd64'}}),
		});
		await step.app.waitFor(`to ${HOST}/web:dev (linux/amd64 alone)`);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalled();
		});
		expect(w.docker.push).toHaveBeenCalledWith(`${HOST}/web:dev`, expect.objectContaining({platform: 'linux/amd64'}));
	});

	it('without a platform the whole image goes: no --platform', async () => {
		const w = world();
		const step = renderStep(PushStep, {services: w.services, state: ready()});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalled();
		});
		expect(vi.mocked(w.docker.push).mock.calls[0]![1]).not.toHaveProperty('platform');
	});

	it('does not tag when the source already is the target', async () => {
		const w = world();
		const step = renderStep(PushStep, {
			services: w.services,
			state: stateAfterRepository({image: {source: `${HOST}/web:dev`, tag: 'dev'}}),
		});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalled();
		});
		expect(w.docker.tag).not.toHaveBeenCalled();
	});

	it.each([
		['no-basic-auth' as const, 'no basic auth credentials', 'Fix authentication', 'auth'],
		[
			'token-expired' as const,
			'denied: Your authorization token has expired. Reauthenticate and try again.',
			'Fix authentication',
			'auth',
		],
		[
			'repository-missing' as const,
			"name unknown: The repository with name 'web' does not exist in the registry with id '123456789012'",
			'Choose or create the repository',
			'repository',
		],
		[
			'tag-immutable' as const,
			"tag invalid: The image tag 'dev' already exists in the 'web' repository and cannot be overwritten because the repository is immutable.",
			'Choose another tag',
			'image',
		],
	])('classifies %s and offers its fix first', async (kind, message, label, step) => {
		const w = world();
		vi.mocked(w.docker.push).mockRejectedValueOnce(new PushError({kind, message, registry: HOST}));
		const rendered = renderStep(PushStep, {services: w.services, state: ready()});
		const frame = flat(await rendered.app.waitFor('What now?'));
		expect(frame).toContain(`docker said: ${message}`);
		expect(frame).toContain(`› ${label}`);
		await rendered.app.press(ENTER);
		expect(rendered.goto).toHaveBeenCalledWith(
			step,
			{pushFailure: {kind, message}},
			expect.stringContaining('Push failed'),
		);
	});

	it('denied by IAM: explains the actions and offers the troubleshooter', async () => {
		const w = world();
		const message = `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:eu-west-1:123456789012:repository/web because no identity-based policy allows the ecr:InitiateLayerUpload action`;
		vi.mocked(w.docker.push).mockRejectedValueOnce(new Error(message));
		const step = renderStep(PushStep, {services: w.services, state: ready()});
		const frame = flat(await step.app.waitFor('What now?'));
		// The words come from the push-error catalogue; the wizard adds the way out.
		expect(frame).toMatch(/✖ Push failed: .*ecr:InitiateLayerUpload.* docker said: /);
		expect(frame).toContain('› Retry the push');
		await step.app.press(ARROW_DOWN);
		await step.app.press(ENTER);
		expect(step.goto).toHaveBeenCalledWith(
			'troubleshoot',
			{pushFailure: {kind: 'denied-iam', message: expect.stringContaining('ecr:InitiateLayerUpload') as unknown}},
			'Push failed: running the troubleshooter',
		);
	});

	it('retry pushes again', async () => {
		const w = world();
		vi.mocked(w.docker.push).mockRejectedValueOnce(
			new Error('dial tcp: lookup 123456789012.dkr.ecr.eu-west-1.amazonaws.com: i/o timeout'),
		);
		const step = renderStep(PushStep, {services: w.services, state: ready()});
		await step.app.waitFor('What now?');
		await step.app.press(ENTER);
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalled();
		});
		expect(w.docker.push).toHaveBeenCalledTimes(2);
	});

	it('aborting (Ctrl-C) reaches docker push through the signal', async () => {
		let seen: AbortSignal | undefined;
		const w = world({
			docker: {
				push: vi.fn(
					async (_ref: string, options?: {signal?: AbortSignal}) =>
						new Promise<PushResult>((_resolve, reject) => {
							seen = options?.signal;
							options?.signal?.addEventListener('abort', () => reject(new Error('cancelled')));
						}),
				),
			},
		});
		const step = renderStep(PushStep, {services: w.services, state: ready()});
		await step.app.waitFor('Starting the push');
		step.controller.abort();
		expect(seen?.aborted).toBe(true);
		await new Promise((resolve) => {
			setTimeout(resolve, 20);
		});
		expect(step.app.frame()).not.toContain('What now?');
	});

	it('offers "create the repository" only where the flow has a repository step', () => {
		expect(fixesFor('repository-missing', 'push').map((fix) => fix.key)).toEqual([
			'repository',
			'retry',
			'doctor',
			'quit',
		]);
		expect(fixesFor('helper-missing', 'push')[0]!.key).toBe('auth');
	});

	it('a refused push that ECR was to create the repository on also offers to create it first', () => {
		expect(fixesFor('denied-iam', 'push').map((fix) => fix.key)).toEqual(['retry', 'doctor', 'quit']);
		expect(fixesFor('denied-iam', 'push', true).map((fix) => fix.key)).toEqual([
			'repository',
			'retry',
			'doctor',
			'quit',
		]);
	});

	it('a push to a repository a template creates: the repository exists afterwards, and the summary says who made it', async () => {
		const w = world();
		const state = stateAfterRepository({
			repository: onPushRepository('team/api', {imageTagMutability: 'IMMUTABLE'}),
			image: {source: 'my-app:dev', tag: 'dev'},
		});
		const step = renderStep(PushStep, {services: w.services, state});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalled();
		});
		expect(w.docker.push).toHaveBeenCalledWith(`${HOST}/team/api:dev`, expect.anything());
		const payload = step.complete.mock.calls[0]![0];
		expect(payload.patch.repository).toEqual({...state.repository, created: true});
		expect(payload.summary).toBe(
			`Pushed ${HOST}/team/api:dev (${DIGEST.slice(0, 19)}…, 2 layers); ECR created team/api from the template team`,
		);
	});
});
