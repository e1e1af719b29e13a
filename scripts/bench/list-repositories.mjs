// Benchmark probe, bundled by bench.mjs with the CLI's own esbuild settings: lists every repository of the loopback
// stand-in through the real AwsService (AWS_ENDPOINT_URL_ECR points at it), then types a query into the wizard's
// searchable SelectList one key at a time. Prints one JSON line with the timings (milliseconds).
import React from 'react';
import {render} from 'ink-testing-library';
import {createAwsService} from '../../source/aws/service.ts';
import {filterByQuery} from '../../source/wizard/components/filter.ts';
import {SelectList} from '../../source/wizard/components/select-list.tsx';
import {UiProvider} from '../../source/wizard/components/ui-context.tsx';

const QUERY = process.env.BENCH_QUERY ?? 'payments-ml';
const region = 'us-east-1';

const aws = createAwsService({region, env: process.env});
let pages = 0;
const listStart = performance.now();
const repositories = await aws.listRepositories(region, {
	onPage() {
		pages++;
	},
});
const listMs = performance.now() - listStart;

const items = repositories.map((repository) => ({key: repository.name, label: repository.name, value: repository.uri}));

// The filter function alone, over every prefix of the query, as each key adds a character.
const filterMs = [];
let matches = 0;
for (let length = 1; length <= QUERY.length; length++) {
	const start = performance.now();
	matches = filterByQuery(items, QUERY.slice(0, length), (item) => item.label).length;
	filterMs.push(performance.now() - start);
}

// Key to new frame in the real list component (ink-testing-library renders every update, without Ink's frame-rate cap).
const {stdin, frames, unmount} = render(
	React.createElement(
		UiProvider,
		{value: {color: true, quit() {}}},
		React.createElement(SelectList, {
			items,
			isActive: true,
			searchable: true,
			searchLabel: 'Filter repositories',
			noun: 'repositories',
			onSelect() {},
		}),
	),
);
await new Promise((resolve) => setTimeout(resolve, 50));
const keyMs = [];
for (const key of QUERY) {
	const before = frames.length;
	const start = performance.now();
	stdin.write(key);
	const deadline = start + 5000;
	while (frames.length === before && performance.now() < deadline)
		await new Promise((resolve) => setImmediate(resolve));
	if (frames.length === before) throw new Error(`no new frame after typing "${key}"`);
	keyMs.push(performance.now() - start);
}

const lastFrame = frames.at(-1) ?? '';
unmount();
process.stdout.write(
	`${JSON.stringify({count: repositories.length, pages, listMs, filterMs, keyMs, matches, query: QUERY, frameShowsCount: lastFrame.includes(`${matches} of ${items.length}`)})}\n`,
);
process.exit(0);
