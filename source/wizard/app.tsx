/**
 * The guided wizard: a step machine over plain state, finished steps as one-line log entries in <Static>, the live step
 * below. cli.tsx is the one render site; the wizard leaves only through `onOutcome` (exit, or hand the terminal over).
 */
import type React from 'react';
import {useCallback, useEffect, useMemo, useReducer, useRef, useState} from 'react';
import {Box, Static, Text, useInput, useStdin, useStdout, type Key} from 'ink';
import {ServicesProvider, colorEnabled, servicesForProfile} from '../services/context.js';
import type {Services} from '../services/types.js';
import {UiProvider} from './components/ui-context.js';
import {Status, Dim} from './components/tone.js';
import {
	STEP_TITLES,
	initialState,
	stepPosition,
	wizardReducer,
	type LogEntry,
	type Pending,
	type StepId,
	type WizardState,
} from './state.js';
import type {StepProps, WizardOptions} from './steps/types.js';
import {WelcomeStep} from './steps/welcome/welcome-step.js';
import {IdentityStep} from './steps/identity/identity-step.js';
import {RegionStep} from './steps/region/region-step.js';
import {RepositoryStep} from './steps/repository/repository-step.js';
import {AuthStep} from './steps/auth/auth-step.js';
import {ImageStep} from './steps/image/image-step.js';
import {PushStep} from './steps/push/push-step.js';
import {TroubleshootStep, TroubleshooterProvider, type Troubleshooter} from './steps/troubleshoot/troubleshoot-step.js';
import {DoneStep} from './steps/done/done-step.js';
import {IdentityPrefetchProvider, startIdentityPrefetch} from './steps/identity/identity-prefetch.js';

export type {WizardOptions} from './steps/types.js';
export type {WizardState} from './state.js';

export type WizardOutcome =
	| {type: 'exit'; exitCode: number}
	| {type: 'hand-over'; file: string; args: string[]; state: WizardState};

const STEPS: Record<StepId, (props: StepProps) => React.JSX.Element> = {
	welcome: WelcomeStep,
	identity: IdentityStep,
	region: RegionStep,
	repository: RepositoryStep,
	auth: AuthStep,
	image: ImageStep,
	push: PushStep,
	troubleshoot: TroubleshootStep,
	done: DoneStep,
};

export type AppProps = {
	services: Services;
	options: WizardOptions;
	resume?: {state: WizardState; exitCode: number};
	onOutcome: (outcome: WizardOutcome) => void;
	/** The "my push failed" checks; defaults to the doctor. */
	troubleshooter?: Troubleshooter;
};

function firstState(options: WizardOptions, resume: AppProps['resume']): WizardState {
	if (resume) return {...resume.state, pending: undefined};
	return initialState(options.mode);
}

function LogLine({entry}: {entry: LogEntry}): React.JSX.Element {
	if (entry.tone === 'back') return <Dim>{entry.text}</Dim>;
	if (entry.tone === 'note') return <Status tone="info">{entry.text}</Status>;
	return <Status tone="success">{entry.text}</Status>;
}

export function App({services, options, resume, onOutcome, troubleshooter}: AppProps): React.JSX.Element {
	const [state, dispatch] = useReducer(wizardReducer, undefined, () => firstState(options, resume));
	const stateRef = useRef(state);
	stateRef.current = state;

	// Lines printed before a hand-over are already on the terminal: the new instance prints only what comes after.
	const [printedUpTo] = useState(() => (resume ? (resume.state.log.at(-1)?.id ?? 0) : 0));
	const [resumed, setResumed] = useState<{pending: Pending; exitCode: number; step: StepId} | undefined>(() =>
		resume?.state.pending
			? {pending: resume.state.pending, exitCode: resume.exitCode, step: resume.state.step}
			: undefined,
	);

	const controller = useMemo(() => new AbortController(), []);
	// Identity, asked while the welcome screen checks docker; not after a hand-over, where the flow resumes mid-way.
	const [identityPrefetch] = useState(() =>
		resume
			? undefined
			: startIdentityPrefetch(services.aws, options.profile ?? services.aws.profile, controller.signal),
	);
	const writes = useRef(new Set<Promise<unknown>>());
	const settled = useRef(false);
	const [exiting, setExiting] = useState<false | 'stopping' | 'waiting-for-write'>(false);

	const settle = useCallback(
		(outcome: WizardOutcome) => {
			if (settled.current) return;
			settled.current = true;
			onOutcome(outcome);
		},
		[onOutcome],
	);

	const exit = useCallback(
		(exitCode: number) => {
			if (settled.current) return;
			setExiting(writes.current.size > 0 ? 'waiting-for-write' : 'stopping');
			controller.abort();
			// A config write in flight is one atomic apply: let it land rather than leave a temp file behind.
			void Promise.allSettled([...writes.current]).then(() => settle({type: 'exit', exitCode}));
		},
		[controller, settle],
	);

	useEffect(() => () => controller.abort(), [controller]);

	const {isRawModeSupported} = useStdin();
	useInput(
		(input: string, key: Key) => {
			if (key.ctrl && input === 'c') exit(130);
		},
		{isActive: isRawModeSupported},
	);

	const quit = useCallback(() => {
		const step = stateRef.current.step;
		exit(step === 'done' || step === 'welcome' ? 0 : 1);
	}, [exit]);

	const guardWrite = useCallback(async <T,>(write: () => Promise<T>): Promise<T> => {
		const promise = write();
		writes.current.add(promise);
		try {
			return await promise;
		} finally {
			writes.current.delete(promise);
		}
	}, []);

	const handOver = useCallback(
		(file: string, args: string[], pending: Pending) => {
			if (settled.current) return;
			controller.abort();
			settle({type: 'hand-over', file, args, state: {...stateRef.current, pending}});
		},
		[controller, settle],
	);

	const complete = useCallback<StepProps['complete']>((payload) => {
		setResumed(undefined);
		dispatch({type: 'complete', ...payload});
	}, []);
	const back = useCallback(() => {
		setResumed(undefined);
		dispatch({type: 'back'});
	}, []);
	const goto = useCallback<StepProps['goto']>((step, patch, note) => {
		setResumed(undefined);
		dispatch({type: 'goto', step, ...(patch ? {patch} : {}), ...(note ? {note} : {})});
	}, []);

	const {stdout} = useStdout();
	const animate = Boolean(stdout.isTTY) && !services.env['CI'] && services.env['TERM'] !== 'dumb';
	const ui = useMemo(() => ({color: colorEnabled(services.env), animate, quit}), [services.env, animate, quit]);
	// Once a profile is picked, docker and the credential helper run with it too (AWS_PROFILE), not only AWS calls.
	const bound = useMemo(() => servicesForProfile(services, state.profile), [services, state.profile]);
	const width = Math.max(40, Math.min(stdout.columns || 80, 80));
	const Step = STEPS[state.step];
	const fresh = state.log.filter((entry) => entry.id > printedUpTo);

	return (
		<ServicesProvider services={bound}>
			<UiProvider value={ui}>
				<TroubleshooterProvider value={troubleshooter}>
					<IdentityPrefetchProvider value={identityPrefetch}>
						<Static items={fresh}>
							{(entry) => (
								<Box key={entry.id} width={width}>
									<LogLine entry={entry} />
								</Box>
							)}
						</Static>
						<Box flexDirection="column" width={width}>
							<Step
								// A step is remounted when the flow comes back to it, so it starts from its first screen.
								key={`${state.step}-${state.log.length}`}
								state={state}
								options={options}
								active={!exiting}
								signal={controller.signal}
								{...(resumed && resumed.step === state.step
									? {resumed: {pending: resumed.pending, exitCode: resumed.exitCode}}
									: {})}
								position={stepPosition(state, state.step)}
								complete={complete}
								back={back}
								goto={goto}
								handOver={handOver}
								guardWrite={guardWrite}
								exit={exit}
							/>
							{exiting ? (
								<Text>
									{exiting === 'waiting-for-write'
										? 'Stopping: letting the config write finish so the file is never half-written…'
										: 'Stopping…'}
								</Text>
							) : null}
						</Box>
					</IdentityPrefetchProvider>
				</TroubleshooterProvider>
			</UiProvider>
		</ServicesProvider>
	);
}

export {STEP_TITLES};
