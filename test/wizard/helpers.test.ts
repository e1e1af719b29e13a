import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {filterByQuery, windowAround} from '../../source/wizard/components/filter.js';
import {commandLine, shellQuote} from '../../source/lib/shell.js';
import {describeAuth} from '../../source/wizard/steps/auth/auth-status.js';
import {equivalentCommands, nextStepsFor} from '../../source/wizard/steps/done/commands.js';
import {applyPushEvent, overallProgress, type PushProgress} from '../../source/wizard/steps/push/push-progress.js';
import {awsErrorKind, explainAwsError, ssoLoginCommand} from '../../source/aws/explain-error.js';
import {pushFailureOf} from '../../source/docker/push-errors.js';
import {gitShortSha} from '../../source/wizard/steps/image/git.js';
import {initialState} from '../../source/wizard/state.js';
import {encodeBasicAuth} from '../../source/ecr/token.js';
import {createFakeRunner} from '../helpers/fake-runner.js';
import {HOST, loadedConfig} from '../helpers/wizard-fixtures.js';

describe('filterByQuery', () => {
	const names = ['payments', 'team/payments-api', 'legacy-pay', 'web', 'repay'];
	it('ranks exact, then prefix or word start, then inside', () => {
		expect(filterByQuery(names, 'pay', (name) => name)).toEqual([
			'payments',
			'team/payments-api',
			'legacy-pay',
			'repay',
		]);
		expect(filterByQuery(names, 'WEB', (name) => name)).toEqual(['web']);
		expect(filterByQuery(names, '  ', (name) => name)).toEqual(names);
	});

	it('returns only items containing the query, each once', () => {
		fc.assert(
			fc.property(fc.array(fc.string()), fc.string(), (items, query) => {
				const found = filterByQuery(items, query, (item) => item);
				const needle = query.trim().toLowerCase();
				expect(found.every((item) => item.toLowerCase().includes(needle))).toBe(true);
				expect(found.length).toBe(items.filter((item) => item.toLowerCase().includes(needle)).length);
			}),
		);
	});

	it('windowAround keeps the cursor visible', () => {
		fc.assert(
			fc.property(
				fc.nat(500),
				fc.nat(500),
				fc.integer({min: 1, max: 500}),
				fc.integer({min: 1, max: 30}),
				(cursor, offset, total, size) => {
					const at = Math.min(cursor, total - 1);
					const start = windowAround(at, offset, total, size);
					expect(start).toBeGreaterThanOrEqual(0);
					if (total > size) {
						expect(at).toBeGreaterThanOrEqual(start);
						expect(at).toBeLessThan(start + size);
						expect(start + size).toBeLessThanOrEqual(total);
					} else expect(start).toBe(0);
				},
			),
		);
	});
});

describe('shell quoting', () => {
	it('quotes only what needs it', () => {
		expect(commandLine(['aws', 'sso', 'login', '--profile', 'my profile'])).toBe(
			"aws sso login --profile 'my profile'",
		);
		expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
		expect(shellQuote('')).toBe("''");
	});
});

describe('describeAuth', () => {
	const now = new Date('2026-11-27T12:00:00Z');
	it('names each way docker can get credentials', () => {
		const config = loadedConfig({});
		expect(
			describeAuth(config, {kind: 'helper', helper: 'ecr-login', source: 'credHelpers', key: HOST}, HOST, now).kind,
		).toBe('ecr-helper');
		expect(
			describeAuth(config, {kind: 'env', variable: 'DOCKER_AUTH_CONFIG', authKey: HOST}, HOST, now).text,
		).toContain('DOCKER_AUTH_CONFIG');
		expect(describeAuth(config, {kind: 'file', authKey: undefined, hasAuth: false}, HOST, now).kind).toBe('none');
		expect(
			describeAuth(config, {kind: 'helper', helper: 'osxkeychain', source: 'platform-default'}, HOST, now).text,
		).toContain('the platform default');
	});

	it('reads a non-ECR or undecodable stored login as "expiry unknown", never as valid', () => {
		const config = loadedConfig({auths: {[HOST]: {auth: encodeBasicAuth('AWS', 'not-a-token')}}});
		const status = describeAuth(config, {kind: 'file', authKey: HOST, hasAuth: true}, HOST, now);
		expect(status).toMatchObject({kind: 'token', expiresAt: undefined, expired: false});
		expect(status.text).toContain('expiry unknown');
	});
});

describe('equivalent commands and next steps', () => {
	it('a helper-only run', () => {
		const state = {
			...initialState('helper'),
			region: 'eu-west-1',
			registry: HOST,
			auth: {method: 'helper' as const, verified: true},
		};
		expect(equivalentCommands(state)).toEqual([`ecr-setup configure-helper --registry ${HOST} --yes`]);
		expect(nextStepsFor(state).some((line) => line.includes('ecr-setup ci github'))).toBe(true);
	});

	it('quotes what a shell would split', () => {
		const state = {
			...initialState('push'),
			region: 'eu-west-1',
			auth: {method: 'login' as const, verified: true},
			repository: {
				name: 'web',
				uri: `${HOST}/web`,
				registryId: '1',
				region: 'eu-west-1',
				imageTagMutability: 'MUTABLE' as const,
				created: false,
			},
			image: {source: 'my app:dev', tag: 'v1'},
		};
		expect(equivalentCommands(state)).toEqual([
			'ecr-setup login --region eu-west-1',
			"ecr-setup push 'my app:dev' --repository web --tag v1 --region eu-west-1",
		]);
	});

	it('an image for Lambda pushed one platform alone: the push command says --lambda --platform', () => {
		const state = {
			...initialState('push'),
			region: 'eu-west-1',
			repository: {
				name: 'fn',
				uri: `${HOST}/fn`,
				registryId: '1',
				region: 'eu-west-1',
				imageTagMutability: 'MUTABLE' as const,
				created: false,
			},
			image: {source: 'fn:1', tag: '1', lambda: true, platform: 'linux/arm64'},
		};
		expect(equivalentCommands(state)).toEqual([
			'ecr-setup push fn:1 --repository fn --tag 1 --lambda --platform linux/arm64 --region eu-west-1',
		]);
	});
});

describe('push progress', () => {
	it('tracks layers and an overall fraction where already-present layers count as done', () => {
		let progress: PushProgress = {layers: []};
		progress = applyPushEvent(progress, {type: 'layer', id: 'a', status: 'pushing', current: 50, total: 100});
		progress = applyPushEvent(progress, {type: 'layer', id: 'b', status: 'exists'});
		expect(overallProgress(progress)).toEqual({fraction: 0.75, done: 1, count: 2, current: 50, total: 100});
		progress = applyPushEvent(progress, {type: 'layer', id: 'a', status: 'pushed'});
		expect(overallProgress(progress)).toEqual({fraction: 1, done: 2, count: 2, current: 100, total: 100});
		progress = applyPushEvent(progress, {type: 'digest', tag: 't', digest: 'sha256:x', size: 1});
		expect(progress.digest).toBe('sha256:x');
	});
});

describe('errors', () => {
	it('uses the service classification', () => {
		expect(
			awsErrorKind(
				Object.assign(new Error('The security token included in the request is expired'), {
					name: 'ExpiredTokenException',
				}),
			),
		).toBe('expired-credentials');
		expect(explainAwsError('sso-expired', new Error('x'), 'dev')).toEqual({
			title: 'The SSO session of profile dev has expired',
			detail: 'x',
			nextSteps: ['aws sso login --profile dev'],
		});
	});

	it('builds the sso login argv with or without a profile', () => {
		expect(ssoLoginCommand(undefined)).toEqual({file: 'aws', args: ['sso', 'login'], text: 'aws sso login'});
	});

	it('classifies a plain docker error message', () => {
		expect(pushFailureOf(new Error('no basic auth credentials'), `${HOST}/web:dev`).kind).toBe('no-basic-auth');
	});
});

describe('gitShortSha', () => {
	it('reads HEAD, and is undefined outside a repository', async () => {
		const inside = createFakeRunner([
			{file: 'git', args: ['rev-parse', '--short', 'HEAD'], result: {stdout: 'a1b2c3d\n'}},
		]);
		expect(await gitShortSha(inside)).toBe('a1b2c3d');
		const outside = createFakeRunner([
			{
				file: 'git',
				args: ['rev-parse', '--short', 'HEAD'],
				result: {exitCode: 128, stderr: 'fatal: not a git repository'},
			},
		]);
		expect(await gitShortSha(outside)).toBeUndefined();
		const noGit = createFakeRunner([
			{file: 'git', args: ['rev-parse', '--short', 'HEAD'], result: {exitCode: 127, notFound: true}},
		]);
		expect(await gitShortSha(noGit)).toBeUndefined();
	});
});
