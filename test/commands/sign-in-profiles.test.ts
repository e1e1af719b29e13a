import {expect, it} from 'vitest';
import {parseSelection} from '../../source/commands/sign-in-profiles.js';

it('a choice is numbers, ranges, or all (the default)', () => {
	expect(parseSelection('', 3)).toEqual([0, 1, 2]);
	expect(parseSelection(' ALL ', 3)).toEqual([0, 1, 2]);
	expect(parseSelection('3, 1', 3)).toEqual([0, 2]);
	expect(parseSelection('2-4 1', 5)).toEqual([0, 1, 2, 3]);
	expect(parseSelection('1,1', 2)).toEqual([0]);
	expect(parseSelection('4', 3)).toBe('4 is not between 1 and 3.');
	expect(parseSelection('3-2', 3)).toBe('3-2 is not between 1 and 3.');
	expect(parseSelection('0', 3)).toBe('0 is not between 1 and 3.');
	expect(parseSelection('two', 3)).toBe('"two" is not a number or a range like 2-4.');
});
