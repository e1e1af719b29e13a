/**
 * A TCP relay with a slow uplink, so a push can be watched as on a real network:
 *   node relay.mjs LISTEN_ADDRESS:PORT TARGET_ADDRESS:PORT BYTES_PER_SECOND
 * Bytes from clients to the target pass at BYTES_PER_SECOND at most, all connections sharing that one link (docker
 * uploads layers in parallel); answers pass at once. TLS passes through untouched: the target terminates it. Loopback
 * only. Each connection's byte counts are logged when it closes.
 */
import net from 'node:net';

function endpoint(text: string | undefined): {host: string; port: number} {
	const match = /^(127\.\d+\.\d+\.\d+):(\d+)$/.exec(text ?? '');
	if (!match) {
		process.stderr.write(`relay: ${text ?? '(nothing)'} is not a loopback ADDRESS:PORT\n`);
		process.exit(2);
	}

	return {host: match[1]!, port: Number(match[2])};
}

const [listenText, targetText, rateText] = process.argv.slice(2);
const listen = endpoint(listenText);
const target = endpoint(targetText);
const bytesPerSecond = Number(rateText);
if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) {
	process.stderr.write('usage: relay.mjs LISTEN_ADDRESS:PORT TARGET_ADDRESS:PORT BYTES_PER_SECOND\n');
	process.exit(2);
}

// When the shared link is next free: each chunk is held until the link would have carried it.
let linkFreeAt = Date.now();
function delayFor(bytes: number): number {
	const now = Date.now();
	linkFreeAt = Math.max(linkFreeAt, now) + (bytes * 1000) / bytesPerSecond;
	return Math.max(0, linkFreeAt - now);
}

let connections = 0;
const server = net.createServer((client) => {
	const id = ++connections;
	let up = 0;
	let down = 0;
	const upstream = net.connect(target);
	// One chunk is held at a time (the client is paused meanwhile); an end waits for it.
	let holding = false;
	let ended = false;
	client.on('data', (chunk: Buffer) => {
		client.pause();
		holding = true;
		setTimeout(() => {
			up += chunk.length;
			upstream.write(chunk, () => {
				holding = false;
				if (ended) upstream.end();
				else client.resume();
			});
		}, delayFor(chunk.length));
	});
	upstream.on('data', (chunk: Buffer) => {
		down += chunk.length;
		client.write(chunk);
	});
	const close = () => {
		client.destroy();
		upstream.destroy();
	};
	client.on('end', () => {
		ended = true;
		if (!holding) upstream.end();
	});
	upstream.on('end', () => client.end());
	client.on('error', close);
	upstream.on('error', close);
	client.on('close', () => {
		upstream.destroy();
		process.stdout.write(`relay: connection ${id} closed: ${up} bytes up, ${down} bytes down\n`);
	});
});

server.listen(listen.port, listen.host, () => {
	process.stdout.write(
		`relay: ${listen.host}:${listen.port} -> ${target.host}:${target.port}, ${bytesPerSecond} bytes/s up\n`,
	);
});
process.on('SIGTERM', () => {
	server.close();
	process.exit(0);
});
