import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {BuildFileError, registryUses, scanBuildFiles} from '../../source/docker/build-files.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'build-files');
const US = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const EU = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const MUMBAI = '210987654321.dkr.ecr.ap-south-1.amazonaws.com';
const PUBLIC = 'public.ecr.aws';
const HUB = 'docker.io';

type Case = {
	files: string[];
	hosts: string[];
	ecr: string[];
	env?: Record<string, string>;
	unresolved?: string[];
	skipped?: string[];
};

// The exact registries each build pulls from, sorted; `ecr` those ecr-setup configures.
const CASES: Record<string, Case> = {
	'a multi-stage Go build with a syntax frontend, --platform=$BUILDPLATFORM, cache and bind mounts': {
		files: ['go-multistage.Dockerfile'],
		hosts: ['docker.io', 'gcr.io'],
		ecr: [],
	},
	'a Node build whose base images come from global ARGs, one built from another': {
		files: ['node-ecr-args.Dockerfile'],
		hosts: [US, PUBLIC],
		ecr: [US, PUBLIC],
	},
	'digests, on FROM and on COPY --from of an image': {
		files: ['digests.Dockerfile'],
		hosts: [MUMBAI, 'quay.io'],
		ecr: [MUMBAI],
	},
	'lower-case instructions and a stage named in another case': {
		files: ['lowercase.Dockerfile'],
		hosts: [EU, HUB],
		ecr: [EU],
	},
	'line continuations, with comment and blank lines inside them': {
		files: ['continuations.Dockerfile'],
		hosts: [US],
		ecr: [US],
	},
	'heredoc bodies (several on one line, <<-, quoted names) are not instructions': {
		files: ['heredocs.Dockerfile'],
		hosts: [US, HUB],
		ecr: [US],
	},
	'# escape=` (Windows paths end in a backslash; the backtick continues lines), CRLF line ends': {
		files: ['windows-escape.Dockerfile'],
		hosts: [US, 'mcr.microsoft.com'],
		ecr: [US],
	},
	'RUN --mount from= an image, a stage, quoted, and a secret mount': {
		files: ['mount-from.Dockerfile'],
		hosts: [EU, US, HUB, 'ghcr.io'],
		ecr: [EU, US],
	},
	'stage indexes, scratch, a --from naming a later stage, a FROM naming one not defined yet': {
		files: ['stage-order.Dockerfile'],
		hosts: [US, HUB],
		ecr: [US],
	},
	'variables with no value: the host is known when it comes before them': {
		files: ['unresolved.Dockerfile'],
		hosts: [US, HUB],
		ecr: [US],
		unresolved: ['${BASE_REGISTRY}/base/python:3.12', 'localhost:${PORT}/cache/base:1'],
	},
	'a Containerfile: China and dual-stack ECR hosts, a Red Hat registry': {
		files: ['Containerfile'],
		hosts: [
			'123456789012.dkr-ecr.us-west-2.on.aws',
			'123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
			'registry.access.redhat.com',
		],
		ecr: ['123456789012.dkr-ecr.us-west-2.on.aws', '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn'],
	},
	'--platform in its forms, an ARG registry in a FROM that has one': {
		files: ['platforms.Dockerfile'],
		hosts: [US, HUB, PUBLIC],
		ecr: [US, PUBLIC],
	},
	'compose: images, a merge key, build contexts with their Dockerfiles and build args': {
		files: ['compose-shop/compose.yaml'],
		hosts: [EU, US, HUB, 'ghcr.io', PUBLIC],
		ecr: [EU, US, PUBLIC],
	},
	'compose: .env interpolation, an inline Dockerfile, additional_contexts docker-image://': {
		files: ['compose-inline/docker-compose.yml'],
		hosts: [EU, US, HUB],
		ecr: [EU, US],
	},
	'compose: list-form args defaulting from the environment, a Containerfile found in the context': {
		files: ['compose-podman/compose.yml'],
		hosts: [MUMBAI],
		ecr: [MUMBAI],
	},
	'compose: the environment wins over an args default': {
		files: ['compose-podman/compose.yml'],
		env: {BASE_IMAGE: 'quay.io/example/alpine:3.20'},
		hosts: ['quay.io'],
		ecr: [],
	},
	'compose: a remote build context and an unset one are skipped, the image is still read': {
		files: ['compose-remote.yaml'],
		hosts: [MUMBAI],
		ecr: [MUMBAI],
		skipped: ['svc', 'tool'],
	},
	'several files at once: each registry once': {
		files: ['digests.Dockerfile', 'compose-podman/compose.yml', 'lowercase.Dockerfile'],
		hosts: [EU, MUMBAI, HUB, 'quay.io'],
		ecr: [EU, MUMBAI],
	},
};

describe('scanBuildFiles over real-world build files', () => {
	it.each(Object.entries(CASES))('%s', async (_name, testCase) => {
		const scan = await scanBuildFiles(
			testCase.files.map((file) => path.join(FIXTURES, file)),
			{env: testCase.env ?? {}},
		);
		const uses = registryUses(scan);
		expect(uses.map((use) => use.host).sort()).toEqual([...testCase.hosts].sort());
		expect(
			uses
				.filter((use) => use.ecr)
				.map((use) => use.host)
				.sort(),
		).toEqual([...testCase.ecr].sort());
		expect(scan.unresolved.map((reference) => reference.reference)).toEqual(testCase.unresolved ?? []);
		expect(scan.skipped.map((build) => build.service)).toEqual(testCase.skipped ?? []);
	});
});

describe('scanBuildFiles: files it cannot use', () => {
	/** A file system of the given texts (an error: what reading it throws); anything else does not exist. */
	const files =
		(texts: Record<string, string | Error>) =>
		async (file: string): Promise<string> => {
			const text = texts[file];
			if (text instanceof Error) throw text;
			if (text === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), {code: 'ENOENT'});
			return text;
		};

	it.each([
		['a file that is not there', ['Dockerfile'], {}, 'Dockerfile: there is no such file.'],
		['a directory', ['app'], {app: Object.assign(new Error('EISDIR'), {code: 'EISDIR'})}, 'app: it is a directory.'],
		['a binary file', ['image.tar'], {'image.tar': 'ustar\u0000\u0000'}, 'image.tar: it is not a text file.'],
		[
			'an unknown instruction',
			['Dockerfile'],
			{Dockerfile: 'FROM a\n\nFORM b'},
			'Dockerfile:3: unknown instruction: FORM.',
		],
		[
			'a reference docker refuses',
			['Dockerfile'],
			{Dockerfile: 'FROM \\\n  Alpine:3.20'},
			'Dockerfile:1: "Alpine:3.20" is not a valid image reference: "Alpine" must be lower case.',
		],
		[
			'a YAML error',
			['compose.yaml'],
			{'compose.yaml': 'services:\n  web:\n    image: [nginx\n'},
			/^compose\.yaml:4:1: Flow sequence in block collection must be sufficiently indented/,
		],
		[
			'a duplicate YAML key',
			['compose.yaml'],
			{'compose.yaml': 'services:\n  web:\n    image: a\n    image: b\n'},
			'compose.yaml:4:5: Map keys must be unique.',
		],
		[
			'an image that is not a string',
			['compose.yaml'],
			{'compose.yaml': 'services:\n  web:\n    image: {name: nginx}\n'},
			'compose.yaml:3: services.web.image must be a string.',
		],
		['YAML that is no compose file', ['k8s.yaml'], {'k8s.yaml': 'kind: Pod\n'}, /^k8s\.yaml:1: no "services"/],
		[
			'a compose build whose Dockerfile is missing',
			['compose.yaml'],
			{'compose.yaml': 'services:\n  web:\n    build:\n      context: web\n'},
			'compose.yaml:4: services.web.build: cannot read web/Dockerfile: there is no such file.',
		],
		[
			'a compose build whose Dockerfile is malformed',
			['compose.yaml'],
			{'compose.yaml': 'services:\n  web:\n    build: web\n', 'web/Dockerfile': 'FROM a\nRUN <<EOF\n'},
			'web/Dockerfile:2: unterminated heredoc: no line "EOF" ends it.',
		],
		[
			'a malformed inline Dockerfile, at its line in the compose file',
			['compose.yaml'],
			{'compose.yaml': 'services:\n  web:\n    build:\n      dockerfile_inline: |\n        FROM a\n        FRM b\n'},
			'compose.yaml:6: unknown instruction: FRM.',
		],
	])('%s', async (_name, names, texts, message) => {
		const error = await scanBuildFiles(names, {env: {}, read: files(texts)}).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(BuildFileError);
		if (typeof message === 'string') expect((error as BuildFileError).message).toBe(message);
		else expect((error as BuildFileError).message).toMatch(message);
		expect((error as BuildFileError).code).toBe('build-file');
	});

	it('fills compose variables from the .env beside the compose file; the environment wins', async () => {
		const texts = {
			'p/compose.yaml': 'services:\n  a:\n    image: ${REG}/a:1\n  b:\n    image: ${OTHER}/b:1\n',
			'p/.env': 'REG=r.io\nOTHER="o.io"\n',
		};
		const scan = await scanBuildFiles(['p/compose.yaml'], {env: {OTHER: 'env.io'}, read: files(texts)});
		expect(scan.references.map((reference) => reference.reference)).toEqual(['r.io/a:1', 'env.io/b:1']);
	});
});
