import {rm} from 'node:fs/promises';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {configureHelperCommand} from '../../source/commands/configure-helper.js';
import {loginCommand} from '../../source/commands/login.js';
import type {CommandContext} from '../../source/commands/types.js';
import type {LoadedConfig, StoreResolution} from '../../source/docker-config/types.js';
import {createFakeServices, createRecordingIo} from '../helpers/fake-services.js';
import {bindingContext, createBindingMachine, type BindingMachine} from '../helpers/binding-machine.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const SECRET = 'eyJwYXlsb2FkIjoic2VjcmV0LXNlY3JldCJ9';
const config: LoadedConfig = {
	dir: '/c',
	path: '/c/config.json',
	realPath: '/c/config.json',
	exists: false,
	text: '',
	data: {},
	mode: undefined,
};

function context(options: {store?: StoreResolution; flags?: Record<string, unknown>; region?: string} = {}) {
	const login = vi.fn(async (_registry: string, _username: string, _password: string) => ({
		message: 'Login Succeeded',
	}));
	const getAuthorizationToken = vi.fn(async (region: string) => ({
		username: 'AWS',
		password: SECRET,
		expiresAt: new Date('2026-11-28T00:00:00Z'),
		proxyEndpoint: `https://${HOST}`,
		registry: HOST,
		region,
	}));
	const services = createFakeServices({
		aws: {
			resolveRegion: async () => ({region: options.region ?? 'eu-west-1', source: 'AWS_REGION'}),
			getCallerIdentity: async () => ({
				account: '123456789012',
				arn: 'arn:aws:iam::123456789012:user/dev',
				userId: 'AID',
				kind: 'iam-user',
			}),
			getAuthorizationToken,
		},
		dockerConfig: {
			read: async () => config,
			resolveStore: () => options.store ?? {kind: 'file', authKey: undefined, hasAuth: false},
		},
		docker: {login},
	});
	const io = createRecordingIo();
	const ctx: CommandContext = {
		services,
		io,
		options: {
			profile: undefined,
			region: undefined,
			config: undefined,
			json: false,
			yes: false,
			dryRun: false,
			color: false,
			verbose: false,
		},
		flags: options.flags ?? {},
		positionals: [],
		signal: new AbortController().signal,
	} as CommandContext;
	return {ctx, io, login, getAuthorizationToken};
}

describe('login', () => {
	it('logs docker in to the caller’s registry with the token, the secret only as the password argument', async () => {
		const {ctx, io, login, getAuthorizationToken} = context();
		const result = await loginCommand.run(ctx);
		expect(getAuthorizationToken).toHaveBeenCalledWith('eu-west-1', '123456789012');
		expect(login).toHaveBeenCalledWith(HOST, 'AWS', SECRET);
		expect(io.stdout.join('\n')).toContain(`Logged in to ${HOST}`);
		expect(JSON.stringify(result.json)).not.toContain(SECRET);
		expect([...io.stdout, ...io.stderr].join('\n')).not.toContain(SECRET);
		expect(result.json).toEqual({
			registries: [{registry: HOST, expiresAt: '2026-11-28T00:00:00.000Z', loggedIn: true}],
		});
	});

	it('starts loading the process machinery before the token request, so that it overlaps the wait (not on dry runs)', async () => {
		const order: string[] = [];
		const {ctx, getAuthorizationToken} = context();
		ctx.services.runner.warm = () => order.push('warm');
		getAuthorizationToken.mockImplementation(async (region: string) => {
			order.push('token');
			return {
				username: 'AWS',
				password: SECRET,
				expiresAt: new Date('2026-11-28T00:00:00Z'),
				proxyEndpoint: `https://${HOST}`,
				registry: HOST,
				region,
			};
		});
		await loginCommand.run(ctx);
		expect(order).toEqual(['warm', 'token']);
		order.length = 0;
		await loginCommand.run({...ctx, options: {...ctx.options, dryRun: true}});
		expect(order).toEqual(['token']);
	});

	it('takes the token from the registry’s own region when --registry names another one', async () => {
		const other = '210987654321.dkr.ecr.ap-south-1.amazonaws.com';
		const {ctx, getAuthorizationToken, login} = context({flags: {registry: [`https://${other}/my-app`]}});
		await loginCommand.run(ctx);
		expect(getAuthorizationToken).toHaveBeenCalledWith('ap-south-1', '210987654321');
		expect(login.mock.calls[0]?.[0]).toBe(other);
	});

	it('does not log in where docker-credential-ecr-login already serves the host (docker login would fail: not implemented)', async () => {
		const {ctx, io, login} = context({store: {kind: 'helper', helper: 'ecr-login', source: 'credHelpers', key: HOST}});
		const result = await loginCommand.run(ctx);
		expect(login).not.toHaveBeenCalled();
		expect(io.stdout.join('\n')).toContain('no login needed');
		expect(result.json).toMatchObject({registries: [{loggedIn: false}]});
	});

	it('refuses a host that is not ECR, with a usage error', async () => {
		const {ctx} = context({flags: {registry: ['ghcr.io']}});
		await expect(loginCommand.run(ctx)).rejects.toMatchObject({
			exitCode: 2,
			message: expect.stringContaining('not an Amazon ECR registry host'),
		});
	});

	it('without a region says which flag to pass', async () => {
		const {ctx} = context();
		ctx.services.aws.resolveRegion = async () => ({region: undefined, source: 'none'});
		await expect(loginCommand.run(ctx)).rejects.toMatchObject({exitCode: 2, hint: expect.stringContaining('--region')});
	});
});

describe('login with a profile bound to the registry', () => {
	let machine: BindingMachine;

	beforeEach(async () => {
		machine = await createBindingMachine();
		await configureHelperCommand.run(bindingContext(machine, {profile: 'prod'}).ctx);
	});

	afterEach(async () => {
		await machine.cleanup();
	});

	function boundLogin(options: {flags?: Record<string, unknown>; profile?: string} = {}) {
		const tokensFor: string[] = [];
		const token = (profile: string) => async (region: string) => {
			tokensFor.push(profile);
			return {
				username: 'AWS',
				password: SECRET,
				expiresAt: new Date('2026-11-28T00:00:00Z'),
				proxyEndpoint: `https://${HOST}`,
				registry: HOST,
				region,
			};
		};
		const {ctx, io} = bindingContext(machine, {
			flags: options.flags ?? {registry: [HOST], force: true},
			...(options.profile ? {profile: options.profile} : {}),
			aws: {
				getAuthorizationToken: token(options.profile ?? 'shell'),
				withProfile: (profile: string) => ({profile, getAuthorizationToken: token(profile)}) as never,
			},
		});
		const login = vi.fn(async () => ({message: 'Login Succeeded'}));
		ctx.services.docker = {login} as never;
		return {ctx, io, tokensFor, login};
	}

	it('without --profile, takes the token with the bound profile, and says so', async () => {
		const {ctx, io, tokensFor, login} = boundLogin();
		const result = await loginCommand.run(ctx);
		expect(tokensFor).toEqual(['prod']);
		expect(login).toHaveBeenCalledWith(HOST, 'AWS', SECRET);
		expect(io.stdout.join('\n')).toContain(
			`Using profile prod, which ${machine.helperDir}/docker-credential-ecr-login-prod binds to ${HOST}.`,
		);
		expect(result.json).toMatchObject({registries: [{registry: HOST, loggedIn: true, profile: 'prod'}]});
	});

	it('--profile wins over the binding', async () => {
		const {ctx, tokensFor} = boundLogin({profile: 'default'});
		await loginCommand.run(ctx);
		expect(tokensFor).toEqual(['default']);
	});

	it('without --force, says the bound helper serves the host, with which profile', async () => {
		const {ctx, io, login} = boundLogin({flags: {registry: [HOST]}});
		await loginCommand.run(ctx);
		expect(login).not.toHaveBeenCalled();
		expect(io.stdout.join('\n')).toContain(
			`${HOST} is served by docker-credential-ecr-login-prod (credHelpers) with profile prod: docker fetches tokens by itself, no login needed.`,
		);
	});

	it('does not trust a binding whose wrapper is missing: says so and uses the shell’s credentials', async () => {
		await rm(`${machine.helperDir}/docker-credential-ecr-login-prod`);
		const {ctx, io, tokensFor} = boundLogin();
		await loginCommand.run(ctx);
		expect(tokensFor).toEqual(['shell']);
		expect(io.stderr.join('\n')).toContain('docker-credential-ecr-login-prod is not on PATH');
	});
});
