import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {RegionStep} from '../../../../source/wizard/steps/region/region-step.js';
import type {RepositoryInfo} from '../../../../source/aws/types.js';
import {scanRegions} from '../../../../source/wizard/steps/region/scan.js';
import {ENTER, ESCAPE} from '../../../helpers/render.js';
import {renderStep, stateAfterRepository} from '../../../helpers/step-harness.js';
import {ACCOUNT, repository, world} from '../../../helpers/wizard-fixtures.js';

afterEach(() => {
	cleanup();
});

describe('region step', () => {
	it('starts on the default region, marks regions holding repositories, filters as you type', async () => {
		const w = world({
			aws: {
				listRegions: vi.fn(() => ['ap-south-1', 'eu-west-1', 'me-south-1', 'us-east-1']),
				listRepositories: vi.fn(async (region: string, options?: {onPage?: (soFar: RepositoryInfo[]) => void}) => {
					if (region === 'me-south-1') throw new Error('UnrecognizedClientException: region not enabled');
					const found = region === 'us-east-1' ? [repository('a'), repository('b')] : [];
					if (found.length > 0) options?.onPage?.(found);
					return found;
				}),
			},
		});
		const step = renderStep(RegionStep, {services: w.services, state: stateAfterRepository({region: undefined})});
		const frame = await step.app.waitFor('Scanned 4 regions: 1 with repositories.');
		expect(frame).toContain('› eu-west-1  default, from AWS_REGION · no repositories');
		expect(frame).toContain('us-east-1  ● 2 repositories');
		expect(frame).toContain('me-south-1  not reachable');
		await step.app.type('us-e');
		await step.app.waitFor('1 of 4 regions');
		await step.app.press(ENTER);
		expect(step.complete).toHaveBeenCalledWith({
			patch: {region: 'us-east-1', registry: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`},
			summary: 'Region: us-east-1',
			interactive: true,
		});
	});

	it('--region skips the step', async () => {
		const w = world();
		const step = renderStep(RegionStep, {
			services: w.services,
			state: stateAfterRepository(),
			options: {region: 'us-west-2'},
		});
		await vi.waitFor(() => {
			expect(step.complete).toHaveBeenCalledWith({
				patch: {region: 'us-west-2', registry: `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com`},
				summary: 'Region: us-west-2 (--region)',
				interactive: false,
			});
		});
		expect(w.aws.listRepositories).not.toHaveBeenCalled();
	});

	it('Esc with an empty filter goes back; the scan stops when the step goes away', async () => {
		const w = world();
		const step = renderStep(RegionStep, {services: w.services, state: stateAfterRepository()});
		await step.app.waitFor('Filter regions');
		await step.app.press(ESCAPE);
		expect(step.back).toHaveBeenCalled();
	});
});

describe('scanRegions', () => {
	it('runs at most `concurrency` listings at once and reports each region', async () => {
		let running = 0;
		let peak = 0;
		const aws = world({
			aws: {
				listRepositories: vi.fn(async () => {
					running++;
					peak = Math.max(peak, running);
					await new Promise((resolve) => {
						setTimeout(resolve, 2);
					});
					running--;
					return [];
				}),
			},
		}).services.aws;
		const results: string[] = [];
		const regions = Array.from({length: 10}, (_, index) => `r-${index}`);
		await scanRegions(aws, regions, {
			concurrency: 3,
			onResult: (region, result) => results.push(`${region}:${result.state}`),
		});
		expect(peak).toBe(3);
		expect(results.sort()).toEqual(regions.map((region) => `${region}:empty`).sort());
	});

	it('stops at the first page: "has repositories" needs no full listing', async () => {
		const aws = world({
			aws: {
				listRepositories: vi.fn(
					async (_region: string, options?: {signal?: AbortSignal; onPage?: (soFar: RepositoryInfo[]) => void}) => {
						options?.onPage?.([repository('a')]);
						if (options?.signal?.aborted) throw new Error('aborted');
						return [repository('a'), repository('b')];
					},
				),
			},
		}).services.aws;
		const results: unknown[] = [];
		await scanRegions(aws, ['eu-west-1'], {onResult: (_region, result) => results.push(result)});
		expect(results).toEqual([{state: 'found', count: 1, more: true}]);
	});

	it('reports nothing once aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		const aws = world().services.aws;
		const onResult = vi.fn();
		await scanRegions(aws, ['eu-west-1', 'us-east-1'], {signal: controller.signal, onResult});
		expect(onResult).not.toHaveBeenCalled();
		expect(aws.listRepositories).not.toHaveBeenCalled();
	});
});
