/** What every view piece needs from the wizard: whether to colour and animate, and how to quit (the `q` key). */
import type React from 'react';
import {createContext, useCallback, useContext, useRef} from 'react';
import {useInput, useStdin, type Key} from 'ink';

/** animate: the terminal redraws a spinner (a TTY, not CI, not TERM=dumb); otherwise waits are static lines. */
export type Ui = {color: boolean; animate?: boolean; quit: () => void};

const UiContext = createContext<Ui>({color: true, quit() {}});

export function UiProvider({value, children}: {value: Ui; children: React.ReactNode}): React.JSX.Element {
	return <UiContext.Provider value={value}>{children}</UiContext.Provider>;
}

export function useUi(): Ui {
	return useContext(UiContext);
}

/** Input is only read when the piece has focus and the terminal can deliver keys one by one. */
export function useActive(isActive: boolean): boolean {
	const {isRawModeSupported} = useStdin();
	return isActive && isRawModeSupported;
}

/**
 * useInput, always calling the handler from the latest render. Ink re-subscribes a changed handler in an effect, after
 * the frame is drawn; a key arriving in between would otherwise reach the previous render's closure (stale lists).
 */
export function useKeyInput(handler: (input: string, key: Key) => void, isActive: boolean): void {
	const latest = useRef(handler);
	latest.current = handler;
	const active = useActive(isActive);
	const stable = useCallback((input: string, key: Key) => latest.current(input, key), []);
	useInput(stable, {isActive: active});
}

export type KeyMap = {
	enter?: () => void;
	escape?: () => void;
	/** Single characters (lower case), e.g. {y: …, n: …, r: …}. */
	keys?: Record<string, () => void>;
	up?: () => void;
	down?: () => void;
};

/** Keys for a screen without a text field: the map, plus `q` to quit unless the map claims it. */
export function useKeys(map: KeyMap, isActive: boolean): void {
	const {quit} = useUi();
	useKeyInput((input: string, key: Key) => {
		// Ink reports a lone Esc with meta set, so Esc is looked at before modified keys are ignored.
		if (key.escape) return map.escape?.();
		if (key.ctrl || key.meta) return;
		if (key.return) return map.enter?.();
		if (key.upArrow) return map.up?.();
		if (key.downArrow) return map.down?.();
		const char = input.toLowerCase();
		const handler = map.keys?.[char];
		if (handler) return handler();
		if (char === 'q') quit();
	}, isActive);
}
