/**
 * IAM Identity Center's device flow inside the wizard: the page and the code shown, a browser opened where one can be
 * (never required), a wait line while the service is polled, and Esc to stop. Nothing is written until the code is
 * approved (the token cache is the service's first write), so a stop leaves every file as it was.
 */
import type React from 'react';
import {useEffect, useRef, useState} from 'react';
import {Box, Text} from 'ink';
import {awsErrorKind, explainAwsError} from '../../../aws/explain-error.js';
import {AwsError} from '../../../aws/errors.js';
import {browserCommand} from '../../../aws/sign-in-flow.js';
import type {DeviceAuthorization, SsoSession, SsoSignInTarget} from '../../../aws/sign-in-types.js';
import type {Env} from '../../../aws/types.js';
import {type Explanation, errorMessage, isUserError} from '../../../errors/user-errors.js';
import {useServices} from '../../../services/context.js';
import type {FileChange} from '../../state.js';
import {Busy, Dim, Strong} from '../../components/tone.js';

/** What a sign-in view hands back: the profile to use from here on, the file it changed, and a line for the log. */
export type SignedInProfile = {profile: string; change?: FileChange; note: string};

/** The props every sign-in view (IAM Identity Center, access key) takes from the identity step. */
export type SignInViewProps = {
	position: {index: number; total: number};
	active: boolean;
	signal: AbortSignal;
	/** The wizard's --region: the region STS is asked in and new profiles get (else each view's fallback). */
	region: string | undefined;
	guardWrite: <T>(write: () => Promise<T>) => Promise<T>;
	onDone: (result: SignedInProfile) => void;
	onCancel: () => void;
};

/** A failure of a sign-in step as the wizard shows it: AWS's own explanation where there is one. */
export function explainSignIn(error: unknown, profile: string | undefined): Explanation {
	if (error instanceof AwsError && error.kind !== 'unknown') return explainAwsError(error.kind, error, profile);
	if (isUserError(error))
		return {title: error.message, detail: '', ...(error.hint ? {hint: error.hint} : {}), nextSteps: error.nextSteps};
	const kind = awsErrorKind(error);
	if (kind !== 'unknown') return explainAwsError(kind, error, profile);
	return {title: 'The sign-in failed', detail: errorMessage(error), nextSteps: []};
}

/**
 * Where a browser can be opened: macOS and Windows always; elsewhere only with a display, since xdg-open without one
 * starts a text browser that would take the terminal from the wizard.
 */
export function canOpenBrowser(env: Env, platform: NodeJS.Platform = process.platform): boolean {
	if (platform === 'darwin' || platform === 'win32') return true;
	return Boolean(env['DISPLAY'] || env['WAYLAND_DISPLAY']);
}

export type DeviceSignIn = {
	/** The page and code, once the service handed them out. */
	authorization: DeviceAuthorization | undefined;
	browser: 'opening' | 'opened' | 'failed' | undefined;
	/** Signs in (the cached token while it lasts, else refreshed, else the device flow); rejects with CancelledError on stop. */
	start(target: SsoSignInTarget, force?: boolean): Promise<SsoSession>;
	/** Stops the wait (Esc); the promise of `start` rejects. */
	stop(): void;
};

export function useDeviceSignIn(signal: AbortSignal): DeviceSignIn {
	const services = useServices();
	const [authorization, setAuthorization] = useState<DeviceAuthorization | undefined>();
	const [browser, setBrowser] = useState<DeviceSignIn['browser']>();
	const controller = useRef<AbortController | undefined>(undefined);
	useEffect(() => () => controller.current?.abort(), []);

	async function start(target: SsoSignInTarget, force = false): Promise<SsoSession> {
		const local = new AbortController();
		controller.current = local;
		const onAbort = () => local.abort();
		signal.addEventListener('abort', onAbort, {once: true});
		setAuthorization(undefined);
		setBrowser(undefined);
		try {
			return await services.signIn.signIn(target, {
				force,
				signal: local.signal,
				onAuthorization(shown) {
					setAuthorization(shown);
					const page = shown.verificationUriComplete ?? shown.verificationUri;
					const command = canOpenBrowser(services.env) ? browserCommand(page) : undefined;
					if (!command) return;
					setBrowser('opening');
					void services.runner
						.run(command.file, command.args, {timeoutMs: 10_000})
						.then((result) => setBrowser(result.exitCode === 0 ? 'opened' : 'failed'))
						.catch(() => setBrowser('failed'));
				},
			});
		} finally {
			signal.removeEventListener('abort', onAbort);
			if (controller.current === local) controller.current = undefined;
		}
	}

	return {authorization, browser, start, stop: () => controller.current?.abort()};
}

/** The page to open and the code to check, with the wait line below them. */
export function DeviceCode({
	authorization,
	browser,
}: {
	authorization: DeviceAuthorization | undefined;
	browser: DeviceSignIn['browser'];
}): React.JSX.Element {
	if (!authorization) return <Busy>Starting the sign-in with IAM Identity Center…</Busy>;
	const page = authorization.verificationUriComplete ?? authorization.verificationUri;
	const minutes = Math.max(1, Math.round(authorization.expiresInS / 60));
	return (
		<Box flexDirection="column">
			<Text>To sign in, open this page and check that it shows the same code:</Text>
			<Box marginLeft={2} flexDirection="column">
				<Text wrap="wrap">{page}</Text>
				<Text>
					Code: <Strong>{authorization.userCode}</Strong>
				</Text>
			</Box>
			{browser === 'opened' ? <Dim>(Opened in your browser.)</Dim> : null}
			{browser === 'failed' ? <Dim>(No browser could be opened: open the page yourself.)</Dim> : null}
			<Box marginTop={1}>
				<Busy>{`Waiting for the approval (up to ${minutes} minute${minutes === 1 ? '' : 's'}; Esc stops)…`}</Busy>
			</Box>
		</Box>
	);
}
