import {describe, expect, it} from 'vitest';
import {ExpansionError, expandVariables, type Expansion} from '../../source/docker/build-variables.js';

const known = (value: string): Expansion => ({value, missing: [], firstMissing: undefined});
const VARIABLES: Record<string, Expansion> = {
	REGISTRY: known('r.io'),
	EMPTY: known(''),
	PATHNAME: known('team/app/web'),
	PARTIAL: {value: 'r.io/${TAG}', missing: ['TAG'], firstMissing: 5},
};
const lookup = (name: string) => VARIABLES[name];
const dockerfile = {escape: '\\', quotes: true};

describe('expandVariables', () => {
	it.each([
		['$REGISTRY/app', 'r.io/app', []],
		['${REGISTRY}/app', 'r.io/app', []],
		['${UNSET:-d.io}/app', 'd.io/app', []],
		['${EMPTY:-d.io}/app', 'd.io/app', []],
		['${EMPTY-d.io}/app', '/app', []],
		['${UNSET-${REGISTRY}}/app', 'r.io/app', []],
		['${REGISTRY:+x.io}/app', 'x.io/app', []],
		['${UNSET+x.io}app', 'app', []],
		['${PATHNAME#*/}', 'app/web', []],
		['${PATHNAME##*/}', 'web', []],
		['${PATHNAME%/*}', 'team/app', []],
		['${PATHNAME%%/*}', 'team', []],
		['${PATHNAME/app/api}', 'team/api/web', []],
		['${PATHNAME//a/A}', 'teAm/App/web', []],
		['$UNSET/app', '$UNSET/app', ['UNSET']],
		['${UNSET:?set it}/app', '${UNSET:?set it}/app', ['UNSET']],
		['${PARTIAL}/x', 'r.io/${TAG}/x', ['TAG']],
		['price: $5', 'price: $5', []],
	])('%s → %s', (text, value, missing) => {
		expect(expandVariables(text, lookup, dockerfile)).toMatchObject({value, missing});
	});

	it('points at the first variable that has no value, inside a value too', () => {
		expect(expandVariables('a/$UNSET', lookup, dockerfile).firstMissing).toBe(2);
		expect(expandVariables('x-${PARTIAL}', lookup, dockerfile).firstMissing).toBe(7);
		expect(expandVariables('$REGISTRY', lookup, dockerfile).firstMissing).toBeUndefined();
	});

	it('reads Dockerfile quotes and escapes: single quotes keep `$`, the escape character makes it literal', () => {
		expect(expandVariables(`'$REGISTRY'/"$REGISTRY"`, lookup, dockerfile).value).toBe('$REGISTRY/r.io');
		expect(expandVariables('\\$REGISTRY', lookup, dockerfile).value).toBe('$REGISTRY');
		expect(expandVariables('`$REGISTRY', lookup, {escape: '`', quotes: true}).value).toBe('$REGISTRY');
	});

	it('reads compose values: `$$` is a dollar, quotes and backslashes are text', () => {
		expect(expandVariables(`$$REGISTRY '$REGISTRY' \\x`, lookup).value).toBe(`$REGISTRY 'r.io' \\x`);
	});

	it.each([
		['${REGISTRY', /missing '}'/],
		['${}', /bad substitution/],
		['${REGISTRY:#x}', /unsupported modifier/],
		['"$REGISTRY', /unmatched double quote/],
	])('refuses %s', (text, message) => {
		expect(() => expandVariables(text, lookup, dockerfile)).toThrow(ExpansionError);
		expect(() => expandVariables(text, lookup, dockerfile)).toThrow(message);
	});
});
