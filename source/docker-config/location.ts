/** Where docker's client config lives: the directory a run uses, and the file's name in it. */
import {posix as posixPath, win32 as win32Path} from 'node:path';

export const CONFIG_FILE_NAME = 'config.json';

export type LocateInput = {
	/** The `--config DIR` flag. */
	flag?: string | undefined;
	env?: Record<string, string | undefined>;
	/** os.homedir(). */
	home: string;
	platform?: string;
};

/** `--config` > `DOCKER_CONFIG` > `~/.docker` (Windows: `%USERPROFILE%\.docker`). Empty values count as unset, as in docker. */
export function locateConfigDir(input: LocateInput): string {
	if (input.flag) return input.flag;
	const env = input.env ?? {};
	if (env['DOCKER_CONFIG']) return env['DOCKER_CONFIG'];
	if (input.platform === 'win32') return win32Path.join(env['USERPROFILE'] || input.home, '.docker');
	return posixPath.join(input.home, '.docker');
}
