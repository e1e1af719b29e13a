/** Writes a registry's htpasswd for user AWS, as docker-registry reads it (bcrypt), atomically. */
import {spawn} from 'node:child_process';
import {renameSync} from 'node:fs';

export async function writeHtpasswd(file: string, password: string): Promise<void> {
	const temporary = `${file}.${process.pid}.tmp`;
	await new Promise<void>((resolve, reject) => {
		// -i: password from stdin, never on argv. -C 4: the cheapest bcrypt cost, the registry checks every request.
		const child = spawn('htpasswd', ['-B', '-C', '4', '-i', '-c', temporary, 'AWS'], {
			stdio: ['pipe', 'ignore', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += String(chunk)));
		child.on('error', reject);
		child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`htpasswd exited ${code}: ${stderr}`))));
		child.stdin.end(password);
	});
	// distribution re-reads the file when its modification time changes; a rename makes the change atomic.
	renameSync(temporary, file);
}
