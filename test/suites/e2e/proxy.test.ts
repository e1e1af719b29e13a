/**
 * Issue 9, networks: a corporate proxy. A real tinyproxy (Debian package) on loopback; the CLI gets HTTPS_PROXY.
 * `whoami`, `login` and `doctor` work through it and tinyproxy's own log shows the CONNECTs to the AWS endpoints; with
 * HTTPS_PROXY pointing at a port where nothing listens the same `whoami` fails, so the CLI really goes through the
 * proxy (and NO_PROXY takes it around again).
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ACCOUNT, REGISTRY_US} from './topology.js';
import {
	createRepository,
	describeRun,
	docker,
	ecrSetup,
	makeHome,
	makeImage,
	parseJson,
	readDockerConfig,
	registryTags,
	resetStandIn,
	stack,
} from './harness.js';
import {checkOf, describeChecks, type DoctorReport} from './doctor-report.js';

const REPOSITORY = 'proxied-app';
const IMAGE = `${REGISTRY_US.host}/${REPOSITORY}:v1`;
const TINYPROXY = '/usr/bin/tinyproxy';

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`tinyproxy exited with code ${child.exitCode} before listening`);
		const open = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, '127.0.0.1', () => {
				socket.destroy();
				resolve(true);
			});
			socket.on('error', () => resolve(false));
		});
		if (open) return;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}

	throw new Error(`tinyproxy did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

describe('whoami, login and doctor through a real proxy (tinyproxy)', () => {
	const {env, dockerConfig} = makeHome('proxy');
	let proxy: ChildProcess | undefined;
	let proxyUrl = '';
	let logFile = '';
	const proxied = () => ({...env, HTTPS_PROXY: proxyUrl});

	beforeAll(async () => {
		if (!existsSync(TINYPROXY)) {
			throw new Error(
				`${TINYPROXY} is missing: install the Debian package tinyproxy (scripts/e2e-setup.sh should list it)`,
			);
		}

		const dir = path.join(stack.work, 'logs');
		mkdirSync(dir, {recursive: true});
		logFile = path.join(dir, 'tinyproxy.log');
		const port = await freePort();
		const config = path.join(stack.work, 'tinyproxy.conf');
		writeFileSync(
			config,
			[
				`Port ${port}`,
				'Listen 127.0.0.1',
				'Timeout 60',
				`LogFile "${logFile}"`,
				'LogLevel Connect',
				'MaxClients 50',
				'Allow 127.0.0.1',
				'ConnectPort 443',
				'',
			].join('\n'),
		);
		const out = openSync(path.join(dir, 'tinyproxy.stdout.log'), 'a');
		proxy = spawn(TINYPROXY, ['-d', '-c', config], {stdio: ['ignore', out, out]});
		closeSync(out);
		await waitForPort(port, proxy, 10_000);
		proxyUrl = `http://127.0.0.1:${port}`;

		await resetStandIn();
		await createRepository(REPOSITORY);
		await makeImage(IMAGE, env);
	});

	afterAll(async () => {
		const child = proxy;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
		await exited;
		clearTimeout(timer);
	});

	const connects = () =>
		readFileSync(logFile, 'utf8')
			.split('\n')
			.filter((line) => /Request \(file descriptor \d+\): CONNECT /.test(line));

	it('whoami answers through the proxy, and the proxy saw the CONNECT to STS', async () => {
		const before = connects().length;
		const result = await ecrSetup(['whoami', '--json'], {env: proxied()});
		expect(result.code, describeRun(result)).toBe(0);
		expect(result.stdout).toContain(ACCOUNT);
		const seen = connects().slice(before);
		expect(
			seen.some((line) => /CONNECT sts\.([a-z0-9-]+\.)?amazonaws\.com:443 /.test(line)),
			seen.join('\n'),
		).toBe(true);
	});

	it('with HTTPS_PROXY on a port where nothing listens, whoami fails (it does not go direct); NO_PROXY takes it around', async () => {
		const dead = `http://127.0.0.1:${await freePort()}`;
		const failed = await ecrSetup(['whoami'], {env: {...env, HTTPS_PROXY: dead}, timeoutMs: 60_000});
		expect(failed.code, describeRun(failed)).not.toBe(0);
		const bypassed = await ecrSetup(['whoami'], {env: {...env, HTTPS_PROXY: dead, NO_PROXY: '.amazonaws.com'}});
		expect(bypassed.code, describeRun(bypassed)).toBe(0);
	});

	it('login fetches the token through the proxy; docker push then works', async () => {
		const before = connects().length;
		const login = await ecrSetup(['login', '--registry', REGISTRY_US.host], {env: proxied()});
		expect(login.code, describeRun(login)).toBe(0);
		const seen = connects().slice(before);
		expect(
			seen.some((line) => line.includes('CONNECT api.ecr.us-east-1.amazonaws.com:443 ')),
			seen.join('\n'),
		).toBe(true);
		expect(Object.keys((readDockerConfig(dockerConfig)['auths'] ?? {}) as Record<string, unknown>)).toContain(
			REGISTRY_US.host,
		);

		const push = await docker(['push', IMAGE], {env});
		expect(push.code, describeRun(push)).toBe(0);
		expect(await registryTags(REPOSITORY)).toContain('v1');
	});

	it('doctor passes the AWS checks through the proxy and names the proxy in network.endpoint', async () => {
		const before = connects().length;
		const result = await ecrSetup(['doctor', '--registry', REGISTRY_US.host, '--repository', REPOSITORY, '--json'], {
			env: proxied(),
		});
		const report = parseJson<DoctorReport>(result);
		for (const id of ['aws.identity', 'network.endpoint'])
			expect(checkOf(report, id).status, describeChecks(report)).toBe('pass');
		expect(checkOf(report, 'network.endpoint').detail).toContain(`via proxy ${proxyUrl} (HTTPS_PROXY)`);
		expect(connects().length, describeChecks(report)).toBeGreaterThan(before);
	});
});
