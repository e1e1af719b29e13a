import {loadSharedConfigFiles} from '@smithy/shared-ini-file-loader';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {applyIniEdits, parseIni, sectionNames, sectionValues} from '../../source/aws/ini.js';

const CONFIG = [
	'# my AWS config',
	'[default]',
	'region = eu-west-1 ; the usual one',
	'output=json',
	'',
	'[profile work]   # team profile',
	'role_arn = arn:aws:iam::123456789012:role/dev',
	'source_profile = default',
	's3 =',
	'  max_concurrent_requests = 10',
	'  region = nested-not-top-level',
	'',
	'; an orphan comment',
	'[sso-session corp]',
	'sso_start_url = https://corp.awsapps.com/start/#/',
	'sso_region = us-east-1',
	'',
].join('\n');

/** What the SDK itself reads from a config file. */
async function sdkView(text: string) {
	const dir = await mkdtemp(join(tmpdir(), 'ecr-ini-'));
	try {
		await writeFile(join(dir, 'config'), text);
		const loaded = await loadSharedConfigFiles({
			filepath: join(dir, 'none'),
			configFilepath: join(dir, 'config'),
			ignoreCache: true,
		});
		return loaded.configFile;
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
}

describe('reading', () => {
	it('reads sections and top-level keys as the SDK reads them', async () => {
		const document = parseIni(CONFIG);
		expect(sectionNames(document)).toEqual(['default', 'profile work', 'sso-session corp']);
		expect(sectionValues(document, 'default')).toEqual({region: 'eu-west-1', output: 'json'});
		// The indented keys belong to the s3 sub-section, not to the profile.
		expect(sectionValues(document, 'profile work')).toEqual({
			role_arn: 'arn:aws:iam::123456789012:role/dev',
			source_profile: 'default',
			s3: '',
		});
		expect(sectionValues(document, 'sso-session corp')?.['sso_start_url']).toBe('https://corp.awsapps.com/start/#/');
		const sdk = await sdkView(CONFIG);
		expect(sdk['default']).toEqual(sectionValues(document, 'default'));
		expect(sdk['sso-session.corp']).toEqual(sectionValues(document, 'sso-session corp'));
	});

	it('treats [ profile  "x" ] as [profile x], and merges repeated sections as the SDK does', () => {
		const document = parseIni('[ profile  "x" ]\na = 1\n[profile x]\na = 2\nb = 3\n');
		expect(sectionNames(document)).toEqual(['profile x']);
		expect(sectionValues(document, 'profile x')).toEqual({a: '2', b: '3'});
	});
});

describe('editing', () => {
	it('changes nothing when the values are already there', () => {
		const same = applyIniEdits(CONFIG, [
			{kind: 'set', section: 'default', key: 'region', value: 'eu-west-1'},
			{kind: 'set', section: 'sso-session corp', key: 'sso_region', value: 'us-east-1'},
		]);
		expect(same).toBe(CONFIG);
	});

	it('replaces a value in place, keeping its inline comment, and adds a key after the last one of its section', () => {
		const edited = applyIniEdits(CONFIG, [
			{kind: 'set', section: 'default', key: 'region', value: 'us-west-2'},
			{kind: 'set', section: 'profile work', key: 'region', value: 'ap-south-1'},
		]);
		expect(edited.split('\n')).toEqual([
			'# my AWS config',
			'[default]',
			'region = us-west-2 ; the usual one',
			'output=json',
			'',
			'[profile work]   # team profile',
			'role_arn = arn:aws:iam::123456789012:role/dev',
			'source_profile = default',
			's3 =',
			'  max_concurrent_requests = 10',
			'  region = nested-not-top-level',
			'region = ap-south-1',
			'',
			'; an orphan comment',
			'[sso-session corp]',
			'sso_start_url = https://corp.awsapps.com/start/#/',
			'sso_region = us-east-1',
			'',
		]);
	});

	it('appends a new section after a blank line, in the file’s own line endings, and removes keys', () => {
		const crlf = '[a]\r\nx = 1\r\ny = 2';
		const edited = applyIniEdits(crlf, [
			{kind: 'set', section: 'profile new', key: 'region', value: 'eu-west-1'},
			{kind: 'set', section: 'profile new', key: 'output', value: 'json'},
			{kind: 'remove', section: 'a', key: 'y'},
		]);
		expect(edited).toBe('[a]\r\nx = 1\r\n\r\n[profile new]\r\nregion = eu-west-1\r\noutput = json\r\n');
		expect(applyIniEdits('', [{kind: 'set', section: 'default', key: 'region', value: 'x-1'}])).toBe(
			'[default]\nregion = x-1\n',
		);
	});

	it('refuses values and section names that would read back differently or open new lines', () => {
		for (const value of ['a\n[profile evil]', ' padded', 'x # cut', '']) {
			expect(() => applyIniEdits('', [{kind: 'set', section: 'default', key: 'k', value}])).toThrow(
				/cannot be written/,
			);
		}

		expect(() => applyIniEdits('', [{kind: 'set', section: 'profile a]\n[b', key: 'k', value: 'v'}])).toThrow(
			/cannot be a section/,
		);
	});

	it('keeps every other byte of any file, and editing twice is editing once', () => {
		const line = fc.oneof(
			fc.constantFrom('[default]', '[profile p]', '# c', '; c', '', '  indented = 1', 'k = v', 'x=', 'junk line'),
			fc.string({maxLength: 12}).filter((text) => !/[\r\n]/.test(text)),
		);
		fc.assert(
			fc.property(fc.array(line, {maxLength: 12}), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
				const text = lines.join(eol);
				const edits = [{kind: 'set', section: 'profile p', key: 'region', value: 'eu-west-1'}] as const;
				const once = applyIniEdits(text, edits);
				expect(applyIniEdits(once, edits)).toBe(once);
				expect(sectionValues(parseIni(once), 'profile p')?.['region']).toBe('eu-west-1');
				// Only added or changed lines differ: every original line that is not a top-level region of [profile p] stays.
				const kept = once.split(/\r?\n/);
				for (const original of text.split(/\r?\n/)) {
					if (/^region\s*=/.test(original.trim())) continue;
					expect(kept).toContain(original);
				}
			}),
		);
	});
});
