/** Reading a file in config.json's format (docker's, podman's auth.json, Finch's config.json) to plan an edit of it. */
import {dirname} from 'node:path';
import type {AtomicFiles} from '../files/atomic-file.js';
import {decodeConfigBytes, parseDockerConfig} from './parse.js';
import type {DockerConfigData, LoadedConfig} from './types.js';

/** Read and validate a file in config.json's format (`parse` checks it; a missing file is empty), ready to plan an edit. */
export async function readConfigFile(
	files: AtomicFiles,
	path: string,
	parse: (text: string, path: string) => DockerConfigData = parseDockerConfig,
): Promise<LoadedConfig> {
	const realPath = await files.resolveWritePath(path);
	const current = await files.readCurrent(realPath);
	const dir = dirname(path);
	if (!current.exists) return {dir, path, realPath, exists: false, text: '', data: {}, mode: undefined};
	const text = decodeConfigBytes(current.bytes, path);
	return {dir, path, realPath, exists: true, text, data: parse(text, path), mode: current.mode};
}
