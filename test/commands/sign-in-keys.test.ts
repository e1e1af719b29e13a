/**
 * `sign-in --access-key-id`, against the AWS stand-in's STS: keys checked before anything is written, the secret from
 * stdin or a hidden prompt (never shown, never in a diff), the credentials file private with its other profiles kept.
 */
import {mkdir, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createAwsService} from '../../source/aws/service.js';
import {signInCommand} from '../../source/commands/sign-in.js';
import {maskCredentials} from '../../source/aws/aws-file-diff.js';
import {createSignInWorld, type SignInWorld} from '../helpers/sign-in-world.js';

const KEY_ID = ['AKIA', 'SIGNINTEST0KEY42'].join('');
const SECRET = ['kP3/xQ9+vL2mN8', 'rT5wY7zA1bC4dE6fG0hJ2k'].join('');
const OTHER_SECRET = ['other/secret/value', '/abcdefghijklmnopqrstu'].join('');

let world: SignInWorld;
beforeEach(async () => {
	world = await createSignInWorld();
});
afterEach(async () => {
	await world.close();
});

const keys = (options: Parameters<SignInWorld['run']>[1] = {}) =>
	world.run(signInCommand.run, {...options, flags: {'access-key-id': KEY_ID, ...options.flags}});

describe('access keys', () => {
	it('checks the keys with STS, then stores them in a private credentials file, other profiles kept', async () => {
		await mkdir(join(world.home, '.aws'));
		await writeFile(
			world.credentialsPath,
			`# keep me\n[other]\naws_access_key_id = AKIAOTHEROTHEROTHER1\naws_secret_access_key = ${OTHER_SECRET}\n`,
			{
				mode: 0o644,
			},
		);
		const {result, io} = await keys({
			flags: {'secret-access-key-stdin': true},
			global: {profile: 'ci', region: 'eu-west-2'},
			io: {yes: true, stdin: `${SECRET}\n`},
		});
		expect(world.standIn.count('GetCallerIdentity')).toBe(1);
		expect(world.standIn.requests[0]?.region).toBe('eu-west-2');
		expect(await world.read(world.credentialsPath)).toBe(
			`# keep me\n[other]\naws_access_key_id = AKIAOTHEROTHEROTHER1\naws_secret_access_key = ${OTHER_SECRET}\n\n[ci]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`,
		);
		expect((await stat(world.credentialsPath)).mode & 0o777).toBe(0o600);
		expect(await world.read(world.configPath)).toBe('[profile ci]\nregion = eu-west-2\n');
		const shown = [...io.stdout, ...io.stderr, JSON.stringify(result.json)].join('\n');
		expect(shown).not.toContain(SECRET);
		expect(shown).not.toContain(OTHER_SECRET);
		expect(shown).not.toContain(KEY_ID);
		expect(shown).toContain('+aws_secret_access_key = **** (new)');
		expect(result.json).toMatchObject({mode: 'access-keys', profile: 'ci', account: '123456789012', changed: true});
		// What was written works: the SDK's chain signs with the profile.
		const identity = await createAwsService({env: world.env, profile: 'ci', maxAttempts: 1}).getCallerIdentity();
		expect(identity.account).toBe('123456789012');
		// Again: nothing to change, nothing written.
		const again = await keys({
			flags: {'secret-access-key-stdin': true},
			global: {profile: 'ci', region: 'eu-west-2'},
			io: {yes: true, stdin: SECRET},
		});
		expect(again.result.json).toMatchObject({changed: false});
		// One backup: of the credentials file as it was (the config file was new).
		expect((await world.list('.aws')).filter((name) => name.includes('backup'))).toEqual([
			expect.stringMatching(/^credentials\.ecr-setup-backup-/),
		]);
	});

	it('keys STS refuses: a clear error, exit 1, nothing written', async () => {
		world.standIn.model.rejectedKeys.add(KEY_ID);
		await expect(
			keys({flags: {'secret-access-key-stdin': true}, io: {yes: true, stdin: SECRET}}),
		).rejects.toMatchObject({
			code: 'aws.invalid-credentials',
			exitCode: 1,
			message: expect.stringContaining('wrote nothing'),
		});
		expect(await world.list('.aws')).toEqual([]);
		// Files already there stay as they were, with no backup: the check comes before any write.
		await mkdir(join(world.home, '.aws'));
		const mine = `[other]\naws_access_key_id = AKIAOTHEROTHEROTHER1\naws_secret_access_key = ${OTHER_SECRET}\n`;
		await writeFile(world.credentialsPath, mine);
		const refused = await keys({
			flags: {'secret-access-key-stdin': true},
			global: {profile: 'other'},
			io: {yes: true, stdin: SECRET},
		}).catch((error: unknown) => error as Error);
		expect(refused).toMatchObject({code: 'aws.invalid-credentials', exitCode: 1});
		expect(String((refused as Error).message)).not.toContain(SECRET);
		expect(await world.read(world.credentialsPath)).toBe(mine);
		expect(await world.list('.aws')).toEqual(['credentials']);
	});

	it('at a terminal the secret is typed at a hidden prompt; without one and without stdin it is refused', async () => {
		const {io} = await keys({io: {interactive: true, lines: [SECRET], answers: [true]}});
		expect(io.questions[0]).toMatch(/^Secret access key for AKIASIGN\*\*\*\* \(not shown\): $/);
		expect(await world.read(world.credentialsPath)).toContain('[default]\naws_access_key_id');
		await expect(keys({io: {yes: true}})).rejects.toMatchObject({
			exitCode: 2,
			hint: expect.stringContaining('--secret-access-key-stdin'),
		});
	});

	it('refuses what is not a long-term key id, and a temporary key’s session token is dropped with new keys', async () => {
		await expect(keys({flags: {'access-key-id': 'ASIAQ3ZT7EXAMPLEX2LK'}, io: {yes: true}})).rejects.toMatchObject({
			exitCode: 2,
		});
		await expect(keys({flags: {'access-key-id': 'not-a-key'}, io: {yes: true}})).rejects.toMatchObject({exitCode: 2});
		await mkdir(join(world.home, '.aws'));
		await writeFile(world.credentialsPath, '[default]\naws_access_key_id = ASIAOLD\naws_session_token = old-token\n');
		await keys({flags: {'secret-access-key-stdin': true}, io: {yes: true, stdin: SECRET}});
		expect(await world.read(world.credentialsPath)).toBe(
			`[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`,
		);
	});
});

it('a credentials diff masks every secret and marks the new one', () => {
	const text = `[a]\naws_secret_access_key = ${SECRET}\naws_session_token = tok-en-value\n[b]\naws_secret_access_key = older\n`;
	expect(maskCredentials(text, [SECRET])).toBe(
		'[a]\naws_secret_access_key = **** (new)\naws_session_token = ****\n[b]\naws_secret_access_key = ****\n',
	);
});
