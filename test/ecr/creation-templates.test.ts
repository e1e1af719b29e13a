import {describe, expect, it} from 'vitest';
import {
	type CreationTemplate,
	createOnPushActions,
	templateCovers,
	templateForPush,
	templatePrefixProblem,
} from '../../source/ecr/creation-templates.js';

const template = (
	prefix: string,
	appliedFor: CreationTemplate['appliedFor'] = ['CREATE_ON_PUSH'],
	tags = 0,
): CreationTemplate => ({
	prefix,
	appliedFor,
	resourceTagCount: tags,
});

describe('repository creation templates', () => {
	it.each([
		['ROOT', 'web', true],
		['ROOT', 'team/api', true],
		['team', 'team/api', true],
		['team', 'team/api/v2', true],
		['team', 'team', false],
		['team', 'teamwork/api', false],
		['team/api', 'team/api/worker', true],
		['team/api', 'team/other', false],
	])('prefix %s covers %s: %s', (prefix, name, covered) => {
		expect(templateCovers(prefix, name)).toBe(covered);
	});

	it('the most specific create-on-push template wins; ROOT only where nothing more specific covers', () => {
		const templates = [template('ROOT'), template('team'), template('team/api'), template('other')];
		expect(templateForPush('team/api/worker', templates)?.prefix).toBe('team/api');
		expect(templateForPush('team/web', templates)?.prefix).toBe('team');
		expect(templateForPush('solo', templates)?.prefix).toBe('ROOT');
	});

	it('only templates applied for CREATE_ON_PUSH count for a push', () => {
		const templates = [template('ROOT', ['REPLICATION']), template('team', ['PULL_THROUGH_CACHE'])];
		expect(templateForPush('team/api', templates)).toBeUndefined();
		expect(
			templateForPush('team/api', [...templates, template('ROOT', ['CREATE_ON_PUSH', 'REPLICATION'])])?.prefix,
		).toBe('ROOT');
	});

	it('no template: no create on push', () => {
		expect(templateForPush('web', [])).toBeUndefined();
	});

	it('the pusher needs ecr:CreateRepository, and ecr:TagResource when the template tags', () => {
		expect(createOnPushActions(template('ROOT'))).toEqual(['ecr:CreateRepository']);
		expect(createOnPushActions(template('ROOT', ['CREATE_ON_PUSH'], 2))).toEqual([
			'ecr:CreateRepository',
			'ecr:TagResource',
		]);
	});

	it.each([
		['ROOT', undefined],
		['team', undefined],
		['team/api', undefined],
		['Team', 'lower case'],
		['team/', 'start or end'],
		['t', 'at least 2'],
	])('prefix %s', (prefix, problem) => {
		const found = templatePrefixProblem(prefix);
		if (problem === undefined) expect(found).toBeUndefined();
		else expect(found).toContain(problem);
	});
});
