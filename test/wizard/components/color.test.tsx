import {afterEach, describe, expect, it, vi} from 'vitest';

vi.hoisted(() => {
	process.env['FORCE_COLOR'] = '1';
});

const {cleanup} = await import('ink-testing-library');
const {DiffView} = await import('../../../source/wizard/components/diff-view.js');
const {UiProvider} = await import('../../../source/wizard/components/ui-context.js');
const {App} = await import('../../../source/wizard/app.js');
const {renderInk} = await import('../../helpers/render.js');
const {world} = await import('../../helpers/wizard-fixtures.js');

afterEach(() => {
	cleanup();
});

const diff = '--- a\n+++ a\n@@ -1 +1 @@\n-old\n+new';

describe('colour', () => {
	it('DiffView colours added and removed lines, and keeps the +/- either way', () => {
		const coloured = renderInk(
			<UiProvider value={{color: true, quit() {}}}>
				<DiffView diff={diff} />
			</UiProvider>,
		).lastFrame()!;
		expect(coloured).toContain('\u001B[32m+new');
		expect(coloured).toContain('\u001B[31m-old');
		const plain = renderInk(
			<UiProvider value={{color: false, quit() {}}}>
				<DiffView diff={diff} />
			</UiProvider>,
		).lastFrame()!;
		expect(plain).not.toMatch(/\u001B\[/);
		expect(plain).toContain('+new');
		expect(plain).toContain('-old');
	});

	it('the wizard draws colour normally and none with NO_COLOR', async () => {
		const coloured = renderInk(
			<App services={world({env: {}}).services} options={{yes: false}} onOutcome={() => undefined} />,
		);
		await coloured.waitFor('What would you like to do?');
		expect(coloured.lastFrame()).toMatch(/\u001B\[/);
		const plain = renderInk(
			<App services={world({env: {NO_COLOR: '1'}}).services} options={{yes: false}} onOutcome={() => undefined} />,
		);
		await plain.waitFor('What would you like to do?');
		for (const frame of plain.frames) expect(frame).not.toMatch(/\u001B\[/);
		expect(plain.frame()).toContain('✔ docker 28.1.1');
	});
});
