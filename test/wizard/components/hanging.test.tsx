import {cleanup} from 'ink-testing-library';
import {Box} from 'ink';
import {afterEach, describe, expect, it} from 'vitest';
import {Hanging, Status} from '../../../source/wizard/components/tone.js';
import {UiProvider} from '../../../source/wizard/components/ui-context.js';
import {renderInk} from '../../helpers/render.js';

afterEach(() => {
	cleanup();
});

const HOST = '123456789012.dkr.ecr.ap-southeast-2.amazonaws.com';

describe('wrapped lines keep their indentation', () => {
	it('a status line continues under its text, not under the symbol or at column 0', () => {
		const view = renderInk(
			<UiProvider value={{color: false, quit() {}}}>
				<Box width={60}>
					<Status tone="success">{`Authentication: the credential helper already serves ${HOST} (verified)`}</Status>
				</Box>
			</UiProvider>,
		);
		const lines = view.frame().split('\n');
		expect(lines[0]).toBe('✔ Authentication: the credential helper already serves');
		expect(lines.length).toBeGreaterThan(1);
		for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}\S/);
		expect(lines).toContain(`  ${HOST}`);
	});

	it('a command after its lead wraps under the command', () => {
		const view = renderInk(
			<UiProvider value={{color: false, quit() {}}}>
				<Box width={50}>
					<Hanging lead="  $">
						ecr-setup push watch-app:wizard100 --repository watch-app --region ap-southeast-2
					</Hanging>
				</Box>
			</UiProvider>,
		);
		const lines = view.frame().split('\n');
		expect(lines[0]).toBe('  $ ecr-setup push watch-app:wizard100');
		expect(lines.length).toBeGreaterThan(1);
		for (const line of lines.slice(1)) expect(line).toMatch(/^ {4}\S/);
	});
});
