/**
 * The floors of source/ (docs/architecture.md): each folder imports only folders on lower floors, and no file imports
 * itself round a circle. `npm test` runs this (`npm run deps`).
 *
 *   cli.tsx                                   the entry
 *   wizard/  commands/                        what a person runs (neither imports the other)
 *   doctor/  generators/                      diagnosis and generated files
 *   services/                                 all services together (Services, createServices, React context)
 *   aws/ docker/ docker-config/ engines/      domains: their rules and their I/O side by side
 *   credential-helper/ process/ files/
 *   ecr/                                      ECR's own rules: hosts, regions, names, image references, tokens
 *   errors/  lib/                             the error vocabulary and small pure helpers
 */
const DOMAINS = '(aws|docker|docker-config|engines|credential-helper|process|files)';
const floor = (name, from, forbidden) => ({
	name,
	severity: 'error',
	comment: `${from} sits below ${forbidden}: it may not import it`,
	from: {path: `^source/${from}`},
	to: {path: `^source/${forbidden}`},
});

module.exports = {
	forbidden: [
		{
			name: 'no-circular',
			severity: 'error',
			comment: 'Files that import each other round a circle cannot be understood, tested or loaded one at a time',
			from: {},
			to: {circular: true},
		},
		floor('bottom-stays-bottom', '(lib|errors)/', `(?!lib/|errors/)`),
		floor('ecr-is-pure', 'ecr/', `(?!ecr/|lib/|errors/)`),
		floor('domains-below-services', `${DOMAINS}/`, '(services|doctor|generators|commands|wizard|runtime)/|cli\\.tsx'),
		floor('services-below-doctor', 'services/', '(doctor|generators|commands|wizard|runtime)/|cli\\.tsx'),
		floor('doctor-below-commands', '(doctor|generators)/', '(commands|wizard|runtime)/|cli\\.tsx'),
		floor('commands-not-wizard', 'commands/', '(wizard|runtime)/|cli\\.tsx'),
		floor('wizard-not-commands', 'wizard/', '(commands|runtime)/|cli\\.tsx'),
		floor('runtime-stands-alone', 'runtime/', '(?!runtime/|lib/)'),
		{
			name: 'execa-in-one-module',
			severity: 'error',
			comment: 'Every process is spawned through the process runner',
			from: {path: '^source/', pathNot: '^source/process/runner\\.ts$'},
			to: {path: 'node_modules/execa/'},
		},
		{
			name: 'aws-sdk-in-aws',
			severity: 'error',
			comment: 'AWS clients are built only in aws/ (loaded lazily there, so the first frame stays fast)',
			from: {path: '^source/', pathNot: '^source/aws/'},
			to: {path: 'node_modules/@aws-sdk/', dependencyTypesNot: ['type-only']},
		},
		{
			name: 'no-test-code-in-source',
			severity: 'error',
			from: {path: '^source/'},
			to: {path: '^(test|scripts)/'},
		},
	],
	options: {
		doNotFollow: {path: 'node_modules'},
		exclude: {path: '^dist/'},
		tsPreCompilationDeps: true,
		tsConfig: {fileName: 'tsconfig.json'},
		enhancedResolveOptions: {extensions: ['.ts', '.tsx', '.js']},
	},
};
