/** The contract every scriptable subcommand follows: flags → services → output. */
import type {CommandIo} from '../lib/io.js';
import type {Services} from '../services/types.js';

export type {CommandIo, ConfirmOptions} from '../lib/io.js';

export type GlobalOptions = {
	profile: string | undefined;
	region: string | undefined;
	/** --config DIR: docker config directory. */
	config: string | undefined;
	/** --engine docker|podman|finch (undefined: the first on PATH). Optional until the argument parser fills it. */
	engine?: string | undefined;
	json: boolean;
	yes: boolean;
	dryRun: boolean;
	color: boolean;
	verbose: boolean;
};

export type FlagSpec = {
	name: string;
	type: 'string' | 'boolean';
	/** May be given more than once (string flags only). */
	multiple?: boolean;
	short?: string;
	description: string;
	/** Placeholder in help, e.g. HOST. */
	value?: string;
};

export type ParsedFlags = Record<string, string | boolean | string[] | undefined>;

export type CommandContext = {
	services: Services;
	options: GlobalOptions;
	/** The command's own flags, parsed and typed by its FlagSpec list. */
	flags: ParsedFlags;
	/** Positional arguments after the command name. */
	positionals: string[];
	io: CommandIo;
	/** Aborted on Ctrl-C / SIGTERM. */
	signal: AbortSignal;
};

export type CommandResult = {
	/** Default 0. */
	exitCode?: number;
	/** Printed as the one JSON document on stdout with --json. */
	json?: unknown;
};

export type CommandDefinition = {
	name: string;
	summary: string;
	/** e.g. "ecr-setup login [--region R | --registry HOST] [--public]" */
	usage: string;
	flags: FlagSpec[];
	/** Extra help text (examples). */
	details?: string;
	run(context: CommandContext): Promise<CommandResult>;
};

export const GLOBAL_FLAGS: FlagSpec[] = [
	{
		name: 'profile',
		type: 'string',
		value: 'P',
		description: 'AWS profile (default: AWS_PROFILE, then the default chain)',
	},
	{
		name: 'region',
		type: 'string',
		value: 'R',
		description: 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile)',
	},
	{
		name: 'config',
		type: 'string',
		value: 'DIR',
		description: 'Docker config directory (default: DOCKER_CONFIG, then ~/.docker)',
	},
	{
		name: 'engine',
		type: 'string',
		value: 'NAME',
		description: 'Container engine: docker, podman or finch (default: the first on PATH)',
	},
	{name: 'json', type: 'boolean', description: 'Print one JSON document on stdout and nothing else there'},
	{name: 'yes', type: 'boolean', short: 'y', description: 'Answer yes to every confirmation'},
	{name: 'dry-run', type: 'boolean', description: 'Show what would change; change nothing'},
	{name: 'no-color', type: 'boolean', description: 'No colours (also NO_COLOR)'},
	{name: 'verbose', type: 'boolean', description: 'More detail (secrets are always redacted)'},
	{name: 'help', type: 'boolean', short: 'h', description: 'Show help'},
	{name: 'version', type: 'boolean', short: 'v', description: 'Show the version'},
];
