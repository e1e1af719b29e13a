import {useEffect, useRef, type MutableRefObject} from 'react';

/** `.current` is true while the component is mounted: async work checks it before touching state after an await. */
export function useMounted(): MutableRefObject<boolean> {
	const mounted = useRef(true);
	useEffect(
		() => () => {
			mounted.current = false;
		},
		[],
	);
	return mounted;
}
