/** Argument parsing over node:util parseArgs: strict, typed by FlagSpec, usage errors that name the flag. */
import {parseArgs} from 'node:util';
import type {FlagSpec, GlobalOptions, ParsedFlags} from './types.js';
import {GLOBAL_FLAGS} from './types.js';
import {UsageError} from '../errors/user-errors.js';
import {isRegionShaped} from '../ecr/regions.js';

export type ParsedCommandLine = {
	global: GlobalOptions & {help: boolean; version: boolean};
	flags: ParsedFlags;
	positionals: string[];
};

function toParseArgsOptions(specs: FlagSpec[]) {
	const options: Record<string, {type: 'string' | 'boolean'; multiple?: boolean; short?: string}> = {};
	for (const spec of specs) {
		options[spec.name] = {
			type: spec.type,
			...(spec.multiple ? {multiple: true} : {}),
			...(spec.short ? {short: spec.short} : {}),
		};
	}

	return options;
}

/** Parse argv (without node and script) for a command with its own flags; global flags are accepted anywhere. */
export function parseCommandLine(
	argv: string[],
	commandFlags: FlagSpec[],
	commandName?: string,
	env: Record<string, string | undefined> = process.env,
): ParsedCommandLine {
	// A command may take a global flag more than once (configure-helper --all-profiles --region R …): its spec wins.
	const specs = [
		...GLOBAL_FLAGS.map((global) => commandFlags.find((flag) => flag.name === global.name) ?? global),
		...commandFlags.filter((flag) => !GLOBAL_FLAGS.some((global) => global.name === flag.name)),
	];
	let parsed: ReturnType<typeof parseArgs>;
	try {
		parsed = parseArgs({args: argv, options: toParseArgsOptions(specs), allowPositionals: true, strict: true});
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const unknown = /Unknown option '([^']+)'/.exec(message);
		const needsValue = /Option '([^']+)(?:[^']*)' argument missing/.exec(message);
		const help = commandName ? `ecr-setup ${commandName} --help` : 'ecr-setup --help';
		if (unknown) throw new UsageError(`Unknown option ${unknown[1]}.`, {hint: `See ${help} for the options.`});
		if (needsValue) throw new UsageError(`${needsValue[1]} needs a value.`, {hint: `See ${help}.`});
		throw new UsageError(message.replace(/\. To specify a positional argument.*$/s, '.'), {hint: `See ${help}.`});
	}

	const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
	const text = (name: string): string | undefined => {
		const value = values[name];
		if (value === undefined || typeof value === 'boolean') return undefined;
		const single = Array.isArray(value) ? value.at(-1) : value;
		if (single !== undefined && single.trim() === '') throw new UsageError(`--${name} cannot be empty.`);
		return single;
	};

	// The region ends up in endpoint host names: refuse anything that is not region-shaped before it reaches a command.
	const region = text('region');
	const regions = values['region'];
	for (const value of Array.isArray(regions) ? regions : region === undefined ? [] : [region]) {
		if (!isRegionShaped(value)) {
			throw new UsageError(`--region "${value}" is not an AWS region name.`, {
				hint: 'Region names look like us-east-1 or eu-west-2.',
			});
		}
	}

	const flags: ParsedFlags = {};
	for (const spec of commandFlags) flags[spec.name] = values[spec.name];
	return {
		global: {
			profile: text('profile'),
			region,
			config: text('config'),
			engine: engineOf(text('engine')),
			json: values['json'] === true,
			yes: values['yes'] === true,
			dryRun: values['dry-run'] === true,
			color: values['no-color'] !== true && !(env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== ''),
			verbose: values['verbose'] === true,
			help: values['help'] === true,
			version: values['version'] === true,
		},
		flags,
		positionals: parsed.positionals,
	};
}

const ENGINES = ['docker', 'podman', 'finch'];

function engineOf(value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	if (!ENGINES.includes(value)) throw new UsageError(`--engine ${value} is not one of ${ENGINES.join(', ')}.`);
	return value;
}

export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
	const value = flags[name];
	if (Array.isArray(value)) return value.at(-1);
	return typeof value === 'string' ? value : undefined;
}

export function stringListFlag(flags: ParsedFlags, name: string): string[] {
	const value = flags[name];
	if (Array.isArray(value)) return value;
	return typeof value === 'string' ? [value] : [];
}

export function booleanFlag(flags: ParsedFlags, name: string): boolean {
	return flags[name] === true;
}

/** Help text for a command (or the top level) from its FlagSpec list. */
export function formatFlags(specs: FlagSpec[]): string {
	const rows = specs.map((spec) => {
		const name = `${spec.short ? `-${spec.short}, ` : '    '}--${spec.name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
		return [name, spec.description] as const;
	});
	const width = Math.max(...rows.map(([name]) => name.length)) + 2;
	return rows.map(([name, description]) => `  ${name.padEnd(width)}${description}`).join('\n');
}
