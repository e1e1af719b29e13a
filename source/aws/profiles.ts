/**
 * AWS profiles and what they carry (region, SSO, MFA, CA bundle), read from AWS_CONFIG_FILE /
 * AWS_SHARED_CREDENTIALS_FILE (or ~/.aws/…) with the SDK's own INI loader, so ecr-setup sees the files exactly as the
 * SDK's credential chain will.
 */
import os from 'node:os';
import path from 'node:path';
import type {AwsProfile, Env} from './types.js';

type Section = Record<string, string | undefined>;

export type AwsConfigFiles = {configPath: string; credentialsPath: string};

/** The home directory as the SDK finds it (HOME, then USERPROFILE), from the environment ecr-setup was given. */
export function homeDirectory(env: Env): string {
	return env['HOME'] || env['USERPROFILE'] || os.homedir();
}

function expandHome(file: string, env: Env): string {
	return file.startsWith('~/') || file === '~' ? path.join(homeDirectory(env), file.slice(1)) : file;
}

export function awsConfigFiles(env: Env): AwsConfigFiles {
	const home = homeDirectory(env);
	return {
		configPath: expandHome(env['AWS_CONFIG_FILE'] || path.join(home, '.aws', 'config'), env),
		credentialsPath: expandHome(env['AWS_SHARED_CREDENTIALS_FILE'] || path.join(home, '.aws', 'credentials'), env),
	};
}

/** The profile in use: the flag, else AWS_PROFILE, else undefined (the default chain, i.e. "default"). */
export function selectedProfile(flag: string | undefined, env: Env): string | undefined {
	return flag || env['AWS_PROFILE'] || undefined;
}

export type SharedConfig = {config: Record<string, Section>; credentials: Record<string, Section>};

/** Both files, parsed; a missing file is empty. Never cached: the user may edit them between calls. */
export async function loadSharedConfig(env: Env): Promise<SharedConfig> {
	const {loadSharedConfigFiles} = await import('@smithy/shared-ini-file-loader');
	const files = awsConfigFiles(env);
	const loaded = await loadSharedConfigFiles({
		filepath: files.credentialsPath,
		configFilepath: files.configPath,
		ignoreCache: true,
	});
	return {
		config: loaded.configFile as Record<string, Section>,
		credentials: loaded.credentialsFile as Record<string, Section>,
	};
}

/** `[sso-session x]` and `[services x]` sections come back as `sso-session.x` / `services.x`: they are not profiles. */
function isProfileKey(key: string): boolean {
	return !key.startsWith('sso-session.') && !key.startsWith('services.');
}

export function profilesFromSharedConfig(shared: SharedConfig): AwsProfile[] {
	const names = new Set<string>();
	for (const key of Object.keys(shared.config)) if (isProfileKey(key)) names.add(key);
	for (const key of Object.keys(shared.credentials)) names.add(key);
	const profiles = [...names].map((name): AwsProfile => {
		const config = shared.config[name];
		const credentials = shared.credentials[name];
		const merged: Section = {...credentials, ...config};
		const region = config?.['region'] || credentials?.['region'];
		const ssoSession = merged['sso_session'];
		const caBundle = merged['ca_bundle'];
		return {
			name,
			...(region ? {region} : {}),
			sso: Boolean(ssoSession || merged['sso_start_url']),
			...(ssoSession ? {ssoSession} : {}),
			mfa: Boolean(merged['mfa_serial']),
			source: config && credentials ? 'both' : config ? 'config' : 'credentials',
			...(caBundle ? {caBundle} : {}),
		};
	});
	return profiles.sort((a, b) => {
		if (a.name === 'default') return -1;
		if (b.name === 'default') return 1;
		return a.name.localeCompare(b.name);
	});
}

export async function listProfiles(env: Env): Promise<AwsProfile[]> {
	return profilesFromSharedConfig(await loadSharedConfig(env));
}

/** One profile's settings (config file over credentials file), or undefined when it is in neither. */
export async function readProfile(name: string | undefined, env: Env): Promise<AwsProfile | undefined> {
	const wanted = name ?? 'default';
	return (await listProfiles(env)).find((profile) => profile.name === wanted);
}
