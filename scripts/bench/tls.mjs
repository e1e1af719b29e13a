// A throwaway CA and a server certificate for 127.0.0.1, made with openssl, for the benchmark's loopback endpoint.
// Both the JS SDK (AWS_CA_BUNDLE) and the AWS CLI (AWS_CA_BUNDLE too) trust ca.pem; nothing is added to a system store.
import {execFileSync} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import path from 'node:path';

export function makeCertificates(dir) {
	const run = (...args) => execFileSync('openssl', args, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']});
	run(
		'req',
		'-x509',
		'-newkey',
		'ec',
		'-pkeyopt',
		'ec_paramgen_curve:prime256v1',
		'-nodes',
		'-keyout',
		'ca-key.pem',
		'-out',
		'ca.pem',
		'-days',
		'2',
		'-subj',
		'/CN=ecr-setup bench CA',
	);
	run(
		'req',
		'-newkey',
		'ec',
		'-pkeyopt',
		'ec_paramgen_curve:prime256v1',
		'-nodes',
		'-keyout',
		'key.pem',
		'-out',
		'server.csr',
		'-subj',
		'/CN=127.0.0.1',
	);
	writeFileSync(
		path.join(dir, 'server.ext'),
		'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
	);
	run(
		'x509',
		'-req',
		'-in',
		'server.csr',
		'-CA',
		'ca.pem',
		'-CAkey',
		'ca-key.pem',
		'-CAcreateserial',
		'-out',
		'cert.pem',
		'-days',
		'2',
		'-extfile',
		'server.ext',
	);
	return {ca: path.join(dir, 'ca.pem'), key: path.join(dir, 'key.pem'), cert: path.join(dir, 'cert.pem')};
}
