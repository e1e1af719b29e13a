import {mkdtemp, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {createAwsService} from '../../source/aws/service.js';

describe('AwsService.withProfile (the wizard’s profile picker)', () => {
	it('returns a service for the other profile, with that profile’s region, leaving the first one as it was', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'ecr-setup-aws-'));
		const config = path.join(dir, 'config');
		await writeFile(config, '[default]\nregion = us-east-1\n\n[profile work]\nregion = eu-central-1\n');
		const env = {AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none')};
		const first = createAwsService({env});
		const second = first.withProfile!('work');
		expect(second.profile).toBe('work');
		expect(await second.resolveRegion()).toEqual({region: 'eu-central-1', source: 'profile'});
		expect(first.profile).toBeUndefined();
		expect(await first.resolveRegion()).toEqual({region: 'us-east-1', source: 'profile'});
	});

	it('gives one service per profile for the whole run, from any of them (credentials and clients are set up once)', () => {
		const root = createAwsService({env: {}});
		const work = root.withProfile!('work');
		expect(root.withProfile!('work')).toBe(work);
		expect(work.withProfile!('work')).toBe(work);
		const prod = work.withProfile!('prod');
		expect(root.withProfile!('prod')).toBe(prod);
		expect(prod.withProfile!('work')).toBe(work);
		const named = createAwsService({profile: 'dev', env: {}});
		expect(named.withProfile!('dev')).toBe(named);
		expect(named.withProfile!('prod').withProfile!('dev')).toBe(named);
	});
});
