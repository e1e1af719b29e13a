import {existsSync} from 'node:fs';
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {UserError} from '../../source/errors/user-errors.js';
import {isStale, LOCK_SUFFIX, withFileLock} from '../../source/files/lock.js';

let dir: string;
let target: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'ecr-setup-lock-'));
	target = join(dir, 'config.json');
});
afterEach(async () => rm(dir, {recursive: true, force: true}));

const holder = (pid: number, since = Date.now(), host = hostname()) => JSON.stringify({pid, host, since});

describe('withFileLock', () => {
	it('holds the lock while fn runs, with its holder in it, and removes it after', async () => {
		let seen: string | undefined;
		const result = await withFileLock(target, async () => {
			seen = await readFile(`${target}${LOCK_SUFFIX}`, 'utf8');
			return 42;
		});
		expect(result).toBe(42);
		expect(JSON.parse(seen!)).toMatchObject({pid: process.pid, host: hostname()});
		expect(await readdir(dir)).toEqual([]);
	});

	it('removes the lock when fn throws', async () => {
		await expect(withFileLock(target, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		expect(existsSync(`${target}${LOCK_SUFFIX}`)).toBe(false);
	});

	it('runs one holder at a time', async () => {
		const order: string[] = [];
		const run = (name: string) =>
			withFileLock(target, async () => {
				order.push(`${name} in`);
				await new Promise((resolve) => setTimeout(resolve, 30));
				order.push(`${name} out`);
			});
		await Promise.all([run('a'), run('b'), run('c')]);
		for (let index = 0; index < order.length; index += 2)
			expect(order[index + 1]).toBe(order[index]!.replace('in', 'out'));
	});

	it('takes over the lock of a dead process, and of one older than any write', async () => {
		await writeFile(`${target}${LOCK_SUFFIX}`, holder(999_999_999));
		await expect(withFileLock(target, async () => 'dead holder', {isAlive: () => false})).resolves.toBe('dead holder');
		await writeFile(`${target}${LOCK_SUFFIX}`, holder(process.pid, Date.now() - 120_000));
		await expect(withFileLock(target, async () => 'old holder')).resolves.toBe('old holder');
	});

	it('waits for a live holder, says so once, and gives up with a UserError naming it', async () => {
		await writeFile(`${target}${LOCK_SUFFIX}`, holder(process.pid));
		const waits: unknown[] = [];
		const error = await withFileLock(target, async () => 'never', {timeoutMs: 300, onWait: (h) => waits.push(h)}).catch(
			(caught: unknown) => caught,
		);
		expect(error).toBeInstanceOf(UserError);
		expect((error as UserError).message).toContain(`pid ${process.pid}`);
		expect((error as UserError).nextSteps[0]).toContain(LOCK_SUFFIX);
		expect(waits).toHaveLength(1);
		// The live holder's lock is left alone.
		expect(existsSync(`${target}${LOCK_SUFFIX}`)).toBe(true);
	});

	it('runs without a lock where none can be made, and leaves nothing behind', async () => {
		await expect(withFileLock(join(dir, 'missing-dir', 'config.json'), async () => 'unlocked')).resolves.toBe(
			'unlocked',
		);
	});
});

describe('isStale', () => {
	const context = {host: 'here', now: 1_000_000, isAlive: (pid: number) => pid === 1};
	it.each([
		[{pid: 1, host: 'here', since: 999_000}, false],
		[{pid: 2, host: 'here', since: 999_000}, true],
		[{pid: 2, host: 'elsewhere', since: 999_000}, false],
		[{pid: 1, host: 'here', since: 1_000_000 - 61_000}, true],
		[undefined, false],
	])('%j → %s', (lock, stale) => {
		expect(isStale(lock, context)).toBe(stale);
	});
});
