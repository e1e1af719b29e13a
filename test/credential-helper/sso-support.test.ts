import {expect, it} from 'vitest';
import {readsSsoSessions} from '../../source/credential-helper/sso-support.js';

it('0.7.0 and later read sso-session profiles; 0.6.x (Debian 12’s 0.6.4) does not; unknown stays unknown', () => {
	expect(readsSsoSessions('0.6.4')).toBe(false);
	expect(readsSsoSessions('0.6.0')).toBe(false);
	expect(readsSsoSessions('0.5.0')).toBe(false);
	expect(readsSsoSessions('0.7.0')).toBe(true);
	expect(readsSsoSessions('0.12.0')).toBe(true);
	expect(readsSsoSessions('Version: 0.9.1-dev')).toBe(true);
	expect(readsSsoSessions('1.0')).toBe(true);
	expect(readsSsoSessions(undefined)).toBeUndefined();
	expect(readsSsoSessions('unknown')).toBeUndefined();
});
