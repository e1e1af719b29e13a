import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createAwsService} from '../../source/aws/service.js';
import {awsConfigFiles, listProfiles} from '../../source/aws/profiles.js';
import {resolveRegion} from '../../source/aws/region.js';

let dir: string;
let env: Record<string, string>;

const CONFIG = `# a comment
[default]
region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer
region = us-east-2

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile legacy-sso]
sso_start_url = https://old.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111122223333
sso_role_name = Admin

[profile admin]
role_arn = arn:aws:iam::111122223333:role/admin
source_profile = default
mfa_serial = arn:aws:iam::111122223333:mfa/alice
ca_bundle = /etc/ssl/corp-ca.pem

[services local]
ecr =
  endpoint_url = http://localhost:4566

[profile both]
region = ap-south-1
`;

const CREDENTIALS = `[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[ci]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
region = sa-east-1

[both]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY
`;

beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-profiles-'));
	env = {
		HOME: dir,
		AWS_CONFIG_FILE: path.join(dir, 'config'),
		AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
	};
	await writeFile(env['AWS_CONFIG_FILE']!, CONFIG);
	await writeFile(env['AWS_SHARED_CREDENTIALS_FILE']!, CREDENTIALS);
});

afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

describe('listProfiles', () => {
	it('lists profiles from both files, default first, with sso / mfa / region / ca_bundle', async () => {
		expect(await listProfiles(env)).toEqual([
			{name: 'default', region: 'eu-west-1', sso: false, mfa: false, source: 'both'},
			{name: 'admin', sso: false, mfa: true, source: 'config', caBundle: '/etc/ssl/corp-ca.pem'},
			{name: 'both', region: 'ap-south-1', sso: false, mfa: false, source: 'both'},
			{name: 'ci', region: 'sa-east-1', sso: false, mfa: false, source: 'credentials'},
			{name: 'dev', region: 'us-east-2', sso: true, ssoSession: 'corp', mfa: false, source: 'config'},
			{name: 'legacy-sso', sso: true, mfa: false, source: 'config'},
		]);
	});

	it('never exposes the keys from the credentials file', async () => {
		const text = JSON.stringify(await listProfiles(env));
		expect(text).not.toContain('AKIA');
		expect(text).not.toContain('EXAMPLEKEY');
	});

	it('is empty when neither file exists', async () => {
		expect(
			await listProfiles({
				HOME: dir,
				AWS_CONFIG_FILE: path.join(dir, 'none'),
				AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none2'),
			}),
		).toEqual([]);
	});

	it('reads ~/.aws/config and ~/.aws/credentials when the variables are unset', async () => {
		const home = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-home-'));
		try {
			expect(awsConfigFiles({HOME: home})).toEqual({
				configPath: path.join(home, '.aws', 'config'),
				credentialsPath: path.join(home, '.aws', 'credentials'),
			});
			expect(await listProfiles({HOME: home})).toEqual([]);
			await mkdir(path.join(home, '.aws'));
			await writeFile(path.join(home, '.aws', 'config'), '[profile only]\nregion = eu-north-1\n');
			expect(await listProfiles({HOME: home})).toEqual([
				{name: 'only', region: 'eu-north-1', sso: false, mfa: false, source: 'config'},
			]);
		} finally {
			await rm(home, {recursive: true, force: true});
		}
	});

	it('sees edits made between two calls', async () => {
		expect((await listProfiles(env)).map((profile) => profile.name)).not.toContain('new');
		await writeFile(env['AWS_CONFIG_FILE']!, `${CONFIG}\n[profile new]\nregion = eu-south-1\n`);
		expect((await listProfiles(env)).map((profile) => profile.name)).toContain('new');
	});

	it('is what the service lists', async () => {
		expect(await createAwsService({env}).listProfiles()).toEqual(await listProfiles(env));
	});
});

describe('resolveRegion', () => {
	it.each([
		[
			'the flag wins over everything',
			{flag: 'ca-central-1', AWS_REGION: 'us-west-1', AWS_DEFAULT_REGION: 'us-west-2'},
			{region: 'ca-central-1', source: 'flag'},
		],
		[
			'AWS_REGION over AWS_DEFAULT_REGION and the profile',
			{AWS_REGION: 'us-west-1', AWS_DEFAULT_REGION: 'us-west-2'},
			{region: 'us-west-1', source: 'AWS_REGION'},
		],
		[
			'AWS_DEFAULT_REGION over the profile',
			{AWS_DEFAULT_REGION: 'us-west-2'},
			{region: 'us-west-2', source: 'AWS_DEFAULT_REGION'},
		],
		['the default profile’s region last', {}, {region: 'eu-west-1', source: 'profile'}],
		[
			'an empty variable does not count',
			{AWS_REGION: '', AWS_DEFAULT_REGION: ' '},
			{region: 'eu-west-1', source: 'profile'},
		],
	] as const)('%s', async (_label, given, expected) => {
		const {flag, ...variables} = given as {flag?: string} & Record<string, string>;
		expect(await resolveRegion({flag, env: {...env, ...variables}})).toEqual(expected);
	});

	it('uses the selected profile’s region (flag, then AWS_PROFILE)', async () => {
		expect(await resolveRegion({profile: 'dev', env})).toEqual({region: 'us-east-2', source: 'profile'});
		expect(await createAwsService({env: {...env, AWS_PROFILE: 'dev'}}).resolveRegion()).toEqual({
			region: 'us-east-2',
			source: 'profile',
		});
		expect(await createAwsService({profile: 'both', env: {...env, AWS_PROFILE: 'dev'}}).resolveRegion()).toEqual({
			region: 'ap-south-1',
			source: 'profile',
		});
	});

	it('takes the --region flag of the service', async () => {
		expect(await createAwsService({region: 'il-central-1', env}).resolveRegion()).toEqual({
			region: 'il-central-1',
			source: 'flag',
		});
	});

	it('says none when nothing sets a region', async () => {
		expect(await resolveRegion({profile: 'admin', env})).toEqual({region: undefined, source: 'none'});
		expect(await resolveRegion({profile: 'missing', env})).toEqual({region: undefined, source: 'none'});
	});
});
