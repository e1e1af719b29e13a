import {createHash} from 'node:crypto';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {createCredentialHelperService} from '../../source/credential-helper/service.js';
import {createProcessRunner} from '../../source/process/runner.js';
import {createProxyFetch} from '../../source/aws/proxy-fetch.js';
import {selfSignedCertificate} from '../helpers/aws-stand-in/tls.js';

/** A real CONNECT proxy on loopback that records each tunnel, and can be told to refuse. */
let proxy: http.Server;
let proxyUrl: string;
const tunnels: string[] = [];
let refuse = false;
const open = new Set<net.Socket>();

/** The download server. */
let origin: http.Server;
let originUrl: string;
const BINARY = '#!/bin/sh\n[ "$1" = version ] && echo 0.12.0\n';
const SUM = createHash('sha256').update(BINARY).digest('hex');

beforeAll(async () => {
	origin = http.createServer((request, response) => {
		switch (request.url) {
			case '/file': {
				response.writeHead(200, {'content-type': 'text/plain', 'x-origin': 'yes'});
				response.end('hello through the tunnel');
				return;
			}

			case '/moved': {
				response.writeHead(302, {location: '/file'});
				response.end();
				return;
			}

			case '/hang': {
				response.writeHead(200);
				response.write('partial');
				return; // never ends
			}

			default: {
				response.writeHead(404);
				response.end('not found');
			}
		}
	});
	await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
	originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;

	proxy = http.createServer((_request, response) => {
		response.writeHead(405);
		response.end();
	});
	proxy.on('connect', (request: http.IncomingMessage, client: net.Socket) => {
		tunnels.push(request.url ?? '');
		open.add(client);
		client.on('close', () => open.delete(client));
		if (refuse) {
			client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
			return;
		}

		const [host, port] = (request.url ?? '').split(':');
		const upstream = net.connect(Number(port), host!, () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.pipe(client);
			client.pipe(upstream);
		});
		open.add(upstream);
		upstream.on('close', () => open.delete(upstream));
		upstream.on('error', () => client.destroy());
		client.on('error', () => upstream.destroy());
	});
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
	for (const socket of open) socket.destroy();
	origin.closeAllConnections();
	await Promise.all([new Promise((resolve) => origin.close(resolve)), new Promise((resolve) => proxy.close(resolve))]);
});

beforeEach(() => {
	tunnels.length = 0;
	refuse = false;
});

const originHost = () => new URL(originUrl).host;

describe('createProxyFetch', () => {
	it('goes through HTTP_PROXY with CONNECT and answers a standard Response', async () => {
		const fetch = createProxyFetch({env: {HTTP_PROXY: proxyUrl}});
		const response = await fetch(`${originUrl}/file`);
		expect(response.ok).toBe(true);
		expect(response.headers.get('x-origin')).toBe('yes');
		expect(await response.text()).toBe('hello through the tunnel');
		expect(tunnels).toEqual([originHost()]);
	});

	it('lower-case http_proxy and a scheme-less value work too', async () => {
		const fetch = createProxyFetch({env: {http_proxy: new URL(proxyUrl).host}});
		expect(await (await fetch(`${originUrl}/file`)).text()).toBe('hello through the tunnel');
		expect(tunnels).toEqual([originHost()]);
	});

	it('NO_PROXY sends the request direct', async () => {
		const fetch = createProxyFetch({env: {HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1'}});
		expect(await (await fetch(`${originUrl}/file`)).text()).toBe('hello through the tunnel');
		expect(tunnels).toEqual([]);
	});

	it('a proxy that refuses the tunnel answers with its own status (so the request really went through it)', async () => {
		refuse = true;
		const fetch = createProxyFetch({env: {HTTP_PROXY: proxyUrl}});
		const response = await fetch(`${originUrl}/file`);
		expect(response.status).toBe(403);
		expect(await response.text()).not.toContain('hello');
		expect(tunnels).toEqual([originHost()]);
	});

	it('follows redirects, passes 404 through, honours an abort and a stalled body', async () => {
		const fetch = createProxyFetch({env: {HTTP_PROXY: proxyUrl}, idleTimeoutMs: 300});
		const moved = await fetch(`${originUrl}/moved`);
		expect(moved.status).toBe(200);
		expect(moved.url).toBe(`${originUrl}/file`);
		expect(await moved.text()).toBe('hello through the tunnel');
		const missing = await fetch(`${originUrl}/nothing`);
		expect(missing.status).toBe(404);
		expect(missing.ok).toBe(false);
		await missing.text();

		const controller = new AbortController();
		controller.abort();
		await expect(fetch(`${originUrl}/file`, {signal: controller.signal})).rejects.toThrow();

		const hanging = await fetch(`${originUrl}/hang`);
		await expect(hanging.text()).rejects.toThrow();
	});

	it('refuses other schemes', async () => {
		await expect(createProxyFetch({env: {}})('file:///etc/passwd')).rejects.toThrow(/http: and https:/);
	});
});

describe('install-helper --method binary behind a proxy', () => {
	let home: string;
	let releases: https.Server;
	let releasesUrl: string;
	let caFile: string;

	beforeAll(async () => {
		const {key, cert} = selfSignedCertificate();
		caFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-proxy-ca-')), 'ca.pem');
		await writeFile(caFile, cert);
		releases = https.createServer({key, cert}, (request, response) => {
			if (request.url === '/0.12.0/linux-amd64/docker-credential-ecr-login.sha256')
				return response.end(`${SUM}  docker-credential-ecr-login\n`);
			if (request.url === '/0.12.0/linux-amd64/docker-credential-ecr-login') return response.end(BINARY);
			response.writeHead(404);
			response.end();
		});
		await new Promise<void>((resolve) => releases.listen(0, '127.0.0.1', resolve));
		releasesUrl = `https://127.0.0.1:${(releases.address() as AddressInfo).port}`;
	});

	afterAll(async () => {
		releases.closeAllConnections();
		await new Promise((resolve) => releases.close(resolve));
		await rm(path.dirname(caFile), {recursive: true, force: true});
	});

	beforeEach(async () => {
		home = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-proxy-fetch-'));
	});

	afterEach(async () => {
		await rm(home, {recursive: true, force: true});
	});

	it('downloads the checksum and the binary through the proxy (a CONNECT tunnel) and installs them', async () => {
		const env = {PATH: '/nonexistent', HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl, AWS_CA_BUNDLE: caFile};
		const helper = createCredentialHelperService({
			runner: createProcessRunner(),
			env,
			platform: 'linux',
			arch: 'x64',
			home,
			fetch: createProxyFetch({env}),
			releaseBaseUrl: releasesUrl,
			releaseVersion: '0.12.0',
			// The test binary stands in for the real 0.12.0 release.
			checksums: {'0.12.0': {'linux-amd64': {sha256: SUM, source: 'test'}}},
		});
		const plan = helper
			.installPlans({os: 'linux', arch: 'x64', isRoot: false, isWsl: false, packageManagers: [], home})
			.find((candidate) => candidate.method === 'binary')!;
		const info = await helper.install(plan);
		expect(info.path).toBe(path.join(home, '.local', 'bin', 'docker-credential-ecr-login'));
		expect(await readFile(info.path, 'utf8')).toBe(BINARY);
		// Both downloads went through the proxy (a kept-alive tunnel may carry both).
		expect(tunnels.length).toBeGreaterThanOrEqual(1);
		expect(new Set(tunnels)).toEqual(new Set([new URL(releasesUrl).host]));
	});
});
