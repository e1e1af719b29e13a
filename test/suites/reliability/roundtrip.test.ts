/**
 * Real-world config files (docker engine, Docker Desktop on macOS/Windows/WSL, gcloud-edited, podman's auth.json, files with
 * keys ecr-setup does not know and unusual whitespace): configure-then-restore returns the original bytes, and the
 * configure step itself only inserts (or replaces one helper value), keeping every other byte.
 */
import * as fs from 'node:fs/promises';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {diffChars} from 'diff';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createDockerConfigService} from '../../../source/docker-config/service.js';
import type {ConfigChange} from '../../../source/docker-config/types.js';
import {dockerCli, dockerRejects, makeTempRoot, report} from '../../helpers/reliability.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/docker-config/roundtrip/', import.meta.url));
const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const CHANGES: ConfigChange[] = [
	{type: 'set-cred-helper', host: HOST, helper: 'ecr-login'},
	{type: 'set-cred-helper', host: 'public.ecr.aws', helper: 'ecr-login'},
];
/** The one in-place replacement configure may make in a fixture: a wrong helper value for the host. */
const REPLACED: Record<string, [string, string]> = {
	'ecr-helper-wrong-value.json': [`"${HOST}": "desktop"`, `"${HOST}": "ecr-login"`],
};

let root: string;

beforeAll(async () => {
	root = await makeTempRoot('ecr-setup-roundtrip-');
});

afterAll(async () => {
	await fs.rm(root, {recursive: true, force: true});
});

function withoutCredHelpers(value: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(value).filter(([key]) => key.toLowerCase() !== 'credhelpers'));
}

describe('configure-then-restore round trip', () => {
	it('returns the original bytes and mode for every real-world config, through plain files and symlinks', {
		timeout: 120_000,
	}, async () => {
		const names = (await fs.readdir(FIXTURES)).filter((name) => name.endsWith('.json')).sort();
		expect(names.length).toBeGreaterThanOrEqual(15);
		const docker = dockerCli();
		let roundTrips = 0;
		let bytesCompared = 0;
		let dockerReads = 0;
		for (const [index, name] of names.entries()) {
			const original = await fs.readFile(join(FIXTURES, name));
			for (const layout of ['file', 'symlink'] as const) {
				const dir = join(root, `${layout}-${name}`);
				await fs.mkdir(dir, {mode: 0o700});
				const mode = index % 3 === 0 ? 0o644 : 0o600;
				const target = layout === 'file' ? join(dir, 'config.json') : join(root, `target-${name}`);
				await fs.writeFile(target, original);
				await fs.chmod(target, mode);
				if (layout === 'symlink') await fs.symlink(`../target-${name}`, join(dir, 'config.json'));

				const service = createDockerConfigService({dir, env: {}});
				const config = await service.read();
				expect(config.text, name).toBe(original.toString('utf8'));
				const plan = service.plan(config, CHANGES);
				expect(plan.changed, name).toBe(true);
				const result = await service.apply(config, plan);
				const configured = await fs.readFile(target, 'utf8');
				expect(configured, name).toBe(plan.newText);

				// Only insertions (after the one allowed replacement): the original is a subsequence of the result, so an
				// optimal diff removes nothing.
				const replacement = REPLACED[name];
				const base = replacement
					? original.toString('utf8').replace(replacement[0], replacement[1])
					: original.toString('utf8');
				const parts = diffChars(base, configured);
				expect(
					parts
						.filter((part) => part.removed)
						.map((part) => part.value)
						.join(''),
					name,
				).toBe('');
				// Same keys in the same order with the same values, plus the helpers.
				const before = JSON.parse(original.toString('utf8')) as Record<string, unknown>;
				const after = JSON.parse(configured) as Record<string, unknown>;
				expect(withoutCredHelpers(after), name).toEqual(withoutCredHelpers(before));
				expect(Object.keys(withoutCredHelpers(after)), name).toEqual(Object.keys(withoutCredHelpers(before)));
				expect(service.resolveStore(await service.read(), HOST), name).toMatchObject({
					kind: 'helper',
					helper: 'ecr-login',
					source: 'credHelpers',
				});
				expect(service.resolveStore(await service.read(), 'public.ecr.aws'), name).toMatchObject({
					kind: 'helper',
					helper: 'ecr-login',
				});
				expect((await fs.stat(target)).mode & 0o777, name).toBe(mode);
				if (docker && layout === 'file') {
					expect(dockerRejects(dir), name).toEqual({rejects: false, warning: ''});
					dockerReads++;
				}

				// Running it again changes nothing.
				const again = await service.read();
				expect(service.plan(again, CHANGES).changed, name).toBe(false);

				expect((await fs.readFile(result.backupPath!)).equals(original), name).toBe(true);
				await service.restore();
				const restored = await fs.readFile(target);
				expect(restored.equals(original), `${name} (${layout}) restored byte for byte`).toBe(true);
				expect((await fs.stat(target)).mode & 0o777, name).toBe(mode);
				if (layout === 'symlink') expect((await fs.lstat(join(dir, 'config.json'))).isSymbolicLink()).toBe(true);
				roundTrips++;
				bytesCompared += restored.length;
			}
		}

		report('round trip', {
			'real-world configs': names.length,
			'configure-then-restore cycles (file and symlink)': roundTrips,
			'bytes compared after restore': bytesCompared,
			'configured files the docker CLI read without a warning': docker ? dockerReads : 'no docker CLI here',
			'bytes lost': 0,
		});
	});
});
