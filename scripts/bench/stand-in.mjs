// A minimal loopback AWS for the benchmark: HTTPS on 127.0.0.1, ECR over JSON 1.1 (GetAuthorizationToken, paged
// DescribeRepositories) and STS over the query protocol (GetCallerIdentity). Anything else gets a JSON 1.1 error.
//
//   node scripts/bench/stand-in.mjs DIR   DIR holds key.pem and cert.pem (see bench/tls.mjs); prints {"port": N} when ready
//
// Settings come from the environment: BENCH_REPOSITORIES (how many repositories exist, default 10000), BENCH_PAGE (the
// largest page served, default 1000), BENCH_DELAY_MS (every answer waits this long, default 0). GET /__stats answers how
// many calls were made and when the first one arrived and was answered (Date.now() values).
import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import https from 'node:https';
import path from 'node:path';

const ACCOUNT = '123456789012';
const dir = process.argv[2];
const repositoryCount = Number(process.env.BENCH_REPOSITORIES ?? 10_000);
const pageSize = Number(process.env.BENCH_PAGE ?? 1000);
const delayMs = Number(process.env.BENCH_DELAY_MS ?? 0);
const stats = {calls: 0, operations: {}, firstRequestAt: null, firstAnswerAt: null};

const WORDS = [
	'api',
	'web',
	'worker',
	'billing',
	'search',
	'auth',
	'payments',
	'reports',
	'ingest',
	'frontend',
	'batch',
	'ml',
];
/** Names like team-07/payments-worker-00042 (every pair of words about 70 times in 10,000): a mix of prefixes and words, so that filters match many or few. */
function repositoryName(index) {
	const team = `team-${String(index % 50).padStart(2, '0')}`;
	const first = WORDS[index % WORDS.length];
	const second = WORDS[Math.floor(index / WORDS.length) % WORDS.length];
	return `${team}/${first}-${second}-${String(index).padStart(5, '0')}`;
}

function regionOf(request) {
	const match = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(request.headers.authorization ?? '');
	return match ? match[1] : 'us-east-1';
}

function repository(index, region) {
	const name = repositoryName(index);
	return {
		repositoryArn: `arn:aws:ecr:${region}:${ACCOUNT}:repository/${name}`,
		registryId: ACCOUNT,
		repositoryName: name,
		repositoryUri: `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${name}`,
		createdAt: 1_700_000_000 + index,
		imageTagMutability: 'MUTABLE',
		imageScanningConfiguration: {scanOnPush: false},
		encryptionConfiguration: {encryptionType: 'AES256'},
	};
}

function ecr(operation, body, region) {
	if (operation === 'GetAuthorizationToken') {
		const expiration = Math.floor(Date.now() / 1000) + 12 * 60 * 60;
		const password = Buffer.from(
			JSON.stringify({payload: randomBytes(24).toString('base64'), version: '2', expiration}),
		).toString('base64');
		return [
			200,
			{
				authorizationData: [
					{
						authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
						expiresAt: expiration,
						proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.${region}.amazonaws.com`,
					},
				],
			},
		];
	}

	if (operation === 'DescribeRepositories') {
		if (Array.isArray(body.repositoryNames)) {
			return [
				400,
				{__type: 'RepositoryNotFoundException', message: 'The repository does not exist in the benchmark stand-in.'},
			];
		}

		const start = body.nextToken ? Number(body.nextToken) : 0;
		const size = Math.min(pageSize, body.maxResults ?? pageSize);
		const end = Math.min(repositoryCount, start + size);
		const repositories = [];
		for (let index = start; index < end; index++) repositories.push(repository(index, region));
		return [200, {repositories, ...(end < repositoryCount ? {nextToken: String(end)} : {})}];
	}

	return [
		400,
		{__type: 'UnsupportedOperationException', message: `${operation} is not served by the benchmark stand-in.`},
	];
}

function sts(form) {
	if (form.get('Action') !== 'GetCallerIdentity')
		return [400, '<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>'];
	return [
		200,
		'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
			`<Arn>arn:aws:iam::${ACCOUNT}:user/bench</Arn><UserId>AIDABENCHSTANDIN0001</UserId><Account>${ACCOUNT}</Account>` +
			'</GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>' +
			'</GetCallerIdentityResponse>',
	];
}

const server = https.createServer(
	{key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem'))},
	(request, response) => {
		if (request.method === 'GET' && request.url === '/__stats') {
			response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(stats));
			return;
		}

		stats.firstRequestAt ??= Date.now();
		const chunks = [];
		request.on('data', (chunk) => chunks.push(chunk));
		request.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			const target = request.headers['x-amz-target'];
			let status;
			let payload;
			let type;
			if (typeof target === 'string') {
				const operation = target.split('.').pop();
				stats.operations[operation] = (stats.operations[operation] ?? 0) + 1;
				[status, payload] = ecr(operation, text ? JSON.parse(text) : {}, regionOf(request));
				payload = JSON.stringify(payload);
				type = 'application/x-amz-json-1.1';
			} else {
				const form = new URLSearchParams(text);
				const action = form.get('Action') ?? 'unknown';
				stats.operations[action] = (stats.operations[action] ?? 0) + 1;
				[status, payload] = sts(form);
				type = 'text/xml';
			}

			stats.calls++;
			setTimeout(() => {
				stats.firstAnswerAt ??= Date.now();
				response.writeHead(status, {
					'content-type': type,
					'x-amzn-requestid': '00000000-0000-0000-0000-000000000000',
					date: new Date().toUTCString(),
				});
				response.end(payload);
			}, delayMs);
		});
	},
);

server.listen(0, '127.0.0.1', () => {
	process.stdout.write(`${JSON.stringify({port: server.address().port})}\n`);
});
process.on('SIGTERM', () => process.exit(0));
