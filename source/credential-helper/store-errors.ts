/**
 * What a credential store's error text means, and what to do about it (a missing helper, a stale Docker Desktop store, D-Bus without X11, pass, keychain and wincred errors). Docker passes a
 * helper's message through in `error getting credentials - err: exit status 1, out: \`…\`` and
 * `error storing credentials - err: …`; the doctor and the login/push commands hand that text here.
 */

export type StoreErrorCode =
	| 'store.keychain-locked'
	| 'store.keychain-duplicate'
	| 'store.wincred-too-large'
	| 'store.wincred-no-session'
	| 'store.secretservice-no-display'
	| 'store.pass-uninitialized'
	| 'store.helper-missing'
	| 'store.ecr-login-cannot-store';

export type StoreErrorExplanation = {
	code: StoreErrorCode;
	/** The store the text is about, when it says (e.g. `osxkeychain`, `desktop.exe`). */
	store?: string;
	/** What happened, in one or two sentences. */
	explanation: string;
	/** What to do. */
	fix: string;
	/** A command that fixes or shows it, when there is one. */
	command?: string;
};

/** The store docker named in `docker-credential-<name>` inside the text, if any. */
function storeNamed(text: string): string | undefined {
	return /docker-credential-([A-Za-z0-9._-]+?)(?:"|`|'|\s|:|$)/.exec(text)?.[1];
}

const ECR_LOGIN_FIX =
	'For ECR registries no stored secret is needed: `ecr-setup configure-helper` makes docker fetch tokens through docker-credential-ecr-login for those hosts only, and keeps this store for the others.';

/**
 * Explain a credential-store failure from the text docker or a helper printed; undefined when the text is not one of the
 * known store failures. `host` (optional) makes the suggested commands concrete.
 */
export function explainStoreError(
	text: string,
	context: {host?: string | undefined} = {},
): StoreErrorExplanation | undefined {
	const host = context.host ?? '<registry host>';
	const named = storeNamed(text);
	const withStore = (explanation: StoreErrorExplanation, fallback?: string): StoreErrorExplanation => {
		const store = named ?? fallback;
		return store ? {...explanation, store} : explanation;
	};

	// errSecInteractionNotAllowed: the login keychain is locked and nothing may show the unlock prompt (SSH, CI, launchd).
	if (/-25308\b|User interaction is not allowed/i.test(text)) {
		return withStore(
			{
				code: 'store.keychain-locked',
				explanation:
					'The macOS keychain is locked and this session cannot show the unlock prompt (an SSH login, a CI runner or a launchd job): error -25308, "User interaction is not allowed".',
				fix: `Unlock the login keychain in this session first, or avoid the keychain for ECR. ${ECR_LOGIN_FIX}`,
				command: 'security unlock-keychain ~/Library/Keychains/login.keychain-db',
			},
			'osxkeychain',
		);
	}

	// errSecDuplicateItem (-25299): an entry for the server exists already, often created by another app or user with another access list.
	if (/The specified item already exists in the keychain|-25299\b/i.test(text)) {
		return withStore(
			{
				code: 'store.keychain-duplicate',
				explanation: `The keychain already holds an item for ${host} that docker cannot replace (often left by Docker Desktop or an earlier login under another name, such as https://${host}).`,
				fix: `Delete the old item (Keychain Access → search "${host}"), then log in again. ${ECR_LOGIN_FIX}`,
				command: `security delete-internet-password -s ${host}`,
			},
			'osxkeychain',
		);
	}

	// wincred: the Windows Credential Manager takes at most 2,560 bytes per secret; an ECR token is longer.
	if (/The stub received bad data/i.test(text)) {
		return withStore(
			{
				code: 'store.wincred-too-large',
				explanation:
					'The Windows Credential Manager refused the secret ("The stub received bad data."): it stores at most 2,560 bytes, and an ECR token is longer.',
				fix: ECR_LOGIN_FIX,
			},
			'wincred',
		);
	}

	if (/A specified logon session does not exist/i.test(text)) {
		return withStore(
			{
				code: 'store.wincred-no-session',
				explanation:
					'The Windows Credential Manager is not available in this session (a service, a scheduled task or an SSH login without a password): "A specified logon session does not exist".',
				fix: ECR_LOGIN_FIX,
			},
			'wincred',
		);
	}

	if (
		/Cannot autolaunch D-Bus without X11 \$?DISPLAY|org\.freedesktop\.secrets|secretservice.*(?:DBUS|D-Bus)/i.test(text)
	) {
		return withStore(
			{
				code: 'store.secretservice-no-display',
				explanation:
					'The secretservice store needs a desktop session (D-Bus and a keyring), which this machine or session does not have.',
				fix: `Remove "credsStore": "secretservice" on a headless machine. ${ECR_LOGIN_FIX}`,
			},
			'secretservice',
		);
	}

	if (/pass not initialized|password store is empty|Try "pass init"|pass store is uninitialized/i.test(text)) {
		return withStore(
			{
				code: 'store.pass-uninitialized',
				explanation: 'The pass store is configured but was never initialised with a GPG key.',
				fix: `Run \`pass init <your GPG key id>\`, or remove "credsStore": "pass". ${ECR_LOGIN_FIX}`,
				command: 'pass init <gpg-key-id>',
			},
			'pass',
		);
	}

	const missing = /exec: "docker-credential-([^"]+)": executable file not found/i.exec(text);
	if (missing) {
		const store = missing[1]!;
		const desktop = /^desktop(?:\.exe)?$/i.test(store);
		return {
			code: 'store.helper-missing',
			store,
			explanation: desktop
				? `The config names the "${store}" store of Docker Desktop${/\.exe$/i.test(store) ? ' (written by its WSL integration)' : ''}, but docker-credential-${store} is not on PATH${/\.exe$/i.test(store) ? ' inside WSL (is Docker Desktop running, with WSL integration on for this distribution?)' : ''}.`
				: `The config names the "${store}" store, but docker-credential-${store} is not on PATH.`,
			fix: desktop
				? `Start Docker Desktop, or remove the stale "credsStore": "${store}". ${ECR_LOGIN_FIX}`
				: `Install docker-credential-${store}, or remove it from the config. ${ECR_LOGIN_FIX}`,
			command: 'ecr-setup doctor',
		};
	}

	if (/error storing credentials.*not implemented/is.test(text)) {
		return {
			code: 'store.ecr-login-cannot-store',
			store: 'ecr-login',
			explanation: `docker-credential-ecr-login serves ${host} and does not store logins, so \`docker login\` fails with "not implemented". Nothing is wrong: docker fetches tokens through the helper.`,
			fix: 'Skip `docker login` for this registry, or set AWS_ECR_IGNORE_CREDS_STORAGE=true to make it a no-op.',
			command: 'export AWS_ECR_IGNORE_CREDS_STORAGE=true',
		};
	}

	return undefined;
}

/**
 * The one line of a credential helper's log excerpt that says why it failed (the last error-looking line), as
 * "msg: error" for logrus lines, shortened around the middle of a long wrapped Go error. The doctor, configure-helper
 * and the wizard show this instead of the raw debug lines.
 */
export function helperLogReason(excerpt: string | undefined): string | undefined {
	if (!excerpt) return undefined;
	const lines = excerpt
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter(Boolean);
	const meaningful =
		[...lines].reverse().find((line) => /error|fail|denied|expired|unable|no |invalid/i.test(line)) ?? lines.at(-1);
	if (!meaningful) return undefined;
	// logrus lines: time=… level=error msg="…" error="…" — the words are in msg and error.
	const field = (name: string) =>
		new RegExp(`\\b${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(meaningful)?.[1]?.replace(/\\"/g, '"');
	const message = field('msg');
	const error = field('error');
	const reason = message || error ? [message, error].filter(Boolean).join(': ') : meaningful;
	// The root cause is at the end of a wrapped Go error: keep the head and the tail.
	return reason.length > 320 ? `${reason.slice(0, 120)} … ${reason.slice(-190)}` : reason;
}
