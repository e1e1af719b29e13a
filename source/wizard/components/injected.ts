/** A dependency a step can be handed from outside (the app's prefetch, a test's fake) through React context. */
import {type Context, createContext, useContext} from 'react';

export type Injected<T> = {
	/** Hands the value to the steps below it. */
	Provider: Context<T | undefined>['Provider'];
	/** The value handed in, or undefined when no provider is above: the step then uses its own default. */
	use: () => T | undefined;
};

export function injected<T>(): Injected<T> {
	const context = createContext<T | undefined>(undefined);
	return {Provider: context.Provider, use: () => useContext(context)};
}
