/** What every wizard step receives from the app: the state so far, the flags, and the ways to finish or leave. */
import type {CompletePayload, Pending, StepId, WizardState} from '../state.js';

export type WizardOptions = {
	profile?: string;
	region?: string;
	repository?: string;
	image?: string;
	tag?: string;
	yes: boolean;
	createRepository?: boolean;
	/** The image is for AWS Lambda: an index is pushed one platform alone, or the build that makes one is shown. */
	lambda?: boolean;
	mode?: 'push' | 'troubleshoot' | 'helper';
};

export type StepProps = {
	state: WizardState;
	options: WizardOptions;
	/** The step has the keyboard (false while the wizard is exiting). */
	active: boolean;
	/** Aborted on Ctrl-C: pass it to every service call that takes one. */
	signal: AbortSignal;
	/** Set once, when the wizard is rendered again after a hand-over this step asked for. */
	resumed?: {pending: Pending; exitCode: number};
	position: {index: number; total: number};
	complete: (payload: CompletePayload) => void;
	/** Esc on the step's first screen. */
	back: () => void;
	goto: (step: StepId, patch?: Partial<WizardState>, note?: string) => void;
	/** Unmount, run this command with the terminal, then render again here with `resumed`. */
	handOver: (file: string, args: string[], pending: Pending) => void;
	/** Wrap a config write: Ctrl-C lets it finish before the wizard exits. */
	guardWrite: <T>(write: () => Promise<T>) => Promise<T>;
	/** Leave the wizard now with this exit code. */
	exit: (exitCode: number) => void;
};
