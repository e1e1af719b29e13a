import {describe, expect, it} from 'vitest';
import {parseCommandLine} from '../../source/commands/args.js';
import {configureHelperCommand} from '../../source/commands/configure-helper.js';
import {loginCommand} from '../../source/commands/login.js';

describe('a command that takes a global flag more than once', () => {
	it('gets every value; the global option is the last one', () => {
		const parsed = parseCommandLine(
			['--all-profiles', '--region', 'eu-west-1', '--region', 'us-east-1'],
			configureHelperCommand.flags,
			'configure-helper',
			{},
		);
		expect(parsed.flags['region']).toEqual(['eu-west-1', 'us-east-1']);
		expect(parsed.global.region).toBe('us-east-1');
	});

	it('checks each value is a region', () => {
		expect(() =>
			parseCommandLine(['--region', 'not a region', '--region', 'us-east-1'], configureHelperCommand.flags, 'x', {}),
		).toThrow(/--region "not a region" is not an AWS region name/);
	});

	it('other commands keep one --region', () => {
		const parsed = parseCommandLine(['--region', 'eu-west-1'], loginCommand.flags, 'login', {});
		expect(parsed.global.region).toBe('eu-west-1');
		expect(parsed.flags['region']).toBeUndefined();
	});
});
