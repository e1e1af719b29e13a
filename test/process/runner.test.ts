import {describe, expect, it} from 'vitest';
import {createProcessRunner} from '../../source/process/runner.js';

describe('process runner warm()', () => {
	it('returns at once, may be called repeatedly, and the runs that follow work', async () => {
		const runner = createProcessRunner();
		expect(runner.warm).toBeTypeOf('function');
		expect(runner.warm!()).toBeUndefined();
		runner.warm!();
		const result = await runner.run(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], {input: 'warm'});
		expect(result).toMatchObject({exitCode: 0, stdout: 'warm'});
	});
});
