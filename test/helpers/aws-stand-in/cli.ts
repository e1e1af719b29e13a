/**
 * The stand-in as a process, for suites that cannot hold it in their own process (the end-to-end stack, the bench).
 * Node 20 does not run TypeScript: bundle this file with esbuild first, then
 *
 *   node aws-stand-in.mjs CONFIG.json
 *
 * CONFIG is a ServeConfig. When everything listens it prints one line, {"api": URL, "control": URL}, on stdout; then a
 * line per request goes to stdout (or logFile). SIGTERM or SIGINT stops it.
 */
import {createWriteStream, mkdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {startControl} from './control.js';
import type {IdentityCenterOptions} from './identity-center.js';
import {type Identity, type KeyedIdentity, type RepositorySeed, StandInModel} from './model.js';
import {type RegistryEndpoint, type RegistryRequest, startRegistryFront, tokenScope} from './registry-front.js';
import {startAwsStandIn} from './server.js';
import {writeHtpasswd} from './htpasswd.js';

export type ServeConfig = {
	/** The AWS API endpoint; HTTPS when tls is set. */
	api: {host: string; port: number};
	control: {host: string; port: number};
	/** PEM files: the certificate the API and the registry fronts serve, and the CA that signed the registries'. */
	tls?: {cert: string; key: string; ca?: string};
	identity?: Partial<Identity>;
	/** More identities, each acting for requests signed with its access key (another account: a repository's owner). */
	identities?: KeyedIdentity[];
	regions?: string[];
	repositories?: RepositorySeed[];
	pageLimit?: number;
	/** IAM Identity Center: its portals, accounts and roles, and how device codes get approved. */
	identityCenter?: IdentityCenterOptions;
	delayMs?: number;
	/** ECR-like fronts before real docker-registries; each registry's htpasswd holds its token scope's current password. */
	registries?: Array<RegistryEndpoint & {htpasswd: string}>;
	logFile?: string;
};

async function serve(config: ServeConfig): Promise<void> {
	const output = config.logFile ? createWriteStream(config.logFile, {flags: 'a'}) : process.stdout;
	const log = (line: string) => output.write(`${new Date().toISOString()} ${line}\n`);
	const registries = config.registries ?? [];
	const model = new StandInModel({
		identity: config.identity,
		identities: config.identities,
		regions: config.regions,
		repositories: config.repositories,
		pageLimit: config.pageLimit,
		identityCenter: config.identityCenter,
		async onTokenRotated(scope, token) {
			for (const registry of registries.filter((candidate) => tokenScope(candidate) === scope)) {
				await writeHtpasswd(registry.htpasswd, token.password);
			}
		},
	});
	// docker-registry needs its htpasswd when it starts: every region with a registry gets its first password now.
	for (const registry of registries) mkdirSync(path.dirname(registry.htpasswd), {recursive: true});
	for (const scope of new Set(registries.map(tokenScope))) await model.rotateToken(scope);

	const tls = config.tls && {cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key)};
	const api = await startAwsStandIn({...config.api, tls, model, delayMs: config.delayMs, log});
	const registryRequests: RegistryRequest[] = [];
	const fronts: Array<{close(): Promise<void>}> = [];
	for (const registry of registries) {
		if (!tls || !config.tls?.ca) throw new Error('registry fronts need tls.cert, tls.key and tls.ca');
		fronts.push(
			await startRegistryFront({
				registry,
				model,
				tls,
				ca: readFileSync(config.tls.ca),
				requests: registryRequests,
				log,
			}),
		);
	}
	const control = await startControl({...config.control, model, api, registryRequests});
	process.stdout.write(`${JSON.stringify({api: api.url, control: control.url})}\n`);
	const fronting =
		registries.length > 0 ? `, registries ${registries.map((registry) => registry.host).join(', ')}` : '';
	log(`stand-in ready: api ${api.url}, control ${control.url}${fronting}`);

	const stop = () => {
		log('stand-in stopping');
		// A held-open or delayed request must not keep the process past its stop.
		setTimeout(() => process.exit(0), 200).unref();
		Promise.all([api.close(), control.close(), ...fronts.map((front) => front.close())]).then(() => process.exit(0));
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

const [file] = process.argv.slice(2);
if (!file) {
	process.stderr.write('usage: node aws-stand-in.mjs CONFIG.json\n');
	process.exit(2);
}
serve(JSON.parse(readFileSync(file, 'utf8')) as ServeConfig).catch((error: unknown) => {
	process.stderr.write(`stand-in failed to start: ${(error as Error).stack ?? String(error)}\n`);
	process.exit(1);
});
