import {describe, expect, it} from 'vitest';
import {humanSize, wrapWords} from '../../source/lib/format.js';

describe('humanSize: the one byte formatter', () => {
	it.each([
		[0, '0B', '0B'],
		[999, '999B', '999B'],
		[1000, '1.00kB', '1kB'],
		[7_801_289, '7.80MB', '7.8MB'],
		[12_780_000, '12.8MB', '12.8MB'],
		[30_000_000, '30.0MB', '30MB'],
		[188_400_000, '188MB', '188MB'],
		[999_600, '1000kB', '1000kB'],
		[3_146_000_000, '3.15GB', '3.15GB'],
		[2_500_000_000_000_000, '2.50PB', '2.5PB'],
		[4_000_000_000_000_000_000, '4000PB', '4000PB'],
	])('%d bytes: %s for progress, %s as docker lists it', (bytes, fixed, trimmed) => {
		expect(humanSize(bytes)).toBe(fixed);
		expect(humanSize(bytes, {trimZeros: true})).toBe(trimmed);
	});
});

describe('wrapWords', () => {
	it('breaks between words at the width, never inside one', () => {
		expect(wrapWords('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
		expect(wrapWords('a verylongword b', 4)).toEqual(['a', 'verylongword', 'b']);
		expect(wrapWords('', 10)).toEqual([]);
	});
});
