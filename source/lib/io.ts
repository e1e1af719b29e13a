/** The terminal as commands and the doctor's fixes speak to it: output, notes and confirmations. */
export type ConfirmOptions = {
	/** What Enter means. */
	defaultYes?: boolean;
	/** The flag that answers this without a prompt, named in the error when there is no TTY. */
	flag?: string;
};

export interface CommandIo {
	/** Human output (stdout). Suppressed in --json mode so stdout holds one JSON document. */
	out(text: string): void;
	/** Progress, warnings and notes (stderr). Kept in --json mode. */
	err(text: string): void;
	/** A TTY on stdin and stdout, and CI unset. */
	readonly interactive: boolean;
	readonly color: boolean;
	/**
	 * Ask y/n. `--yes` answers yes. Without a TTY (or with CI set) it throws a UsageError naming `flag` (default --yes).
	 */
	confirm(question: string, options?: ConfirmOptions): Promise<boolean>;
	/** A line typed at the terminal. Without one it throws a UsageError naming `flag`. Optional: absent where nothing is asked. */
	ask?(question: string, options?: {flag?: string}): Promise<string>;
	/** A line typed at the terminal without showing it (a secret key); the same rules as `ask`. */
	askSecret?(question: string, options?: {flag?: string}): Promise<string>;
	/** Everything piped to stdin, for the `--…-stdin` flags. */
	readStdin?(): Promise<string>;
}
