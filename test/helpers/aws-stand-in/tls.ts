/** A self-signed certificate for 127.0.0.1 and localhost (made by openssl), which is also the CA a client trusts it with. */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export function selfSignedCertificate(): {key: string; cert: string} {
	const dir = mkdtempSync(join(tmpdir(), 'aws-stand-in-tls-'));
	try {
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'rsa:2048',
				'-nodes',
				'-keyout',
				join(dir, 'key.pem'),
				'-out',
				join(dir, 'cert.pem'),
				'-days',
				'2',
				'-subj',
				'/CN=127.0.0.1',
				'-addext',
				'subjectAltName=IP:127.0.0.1,DNS:localhost',
			],
			{stdio: 'ignore', timeout: 20_000},
		);
		return {key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8')};
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}
