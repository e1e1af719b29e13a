/** Render one wizard step on its own, with spies for every way it can finish or leave. */
import type React from 'react';
import {vi} from 'vitest';
import {ServicesProvider} from '../../source/services/context.js';
import type {Services} from '../../source/services/types.js';
import {UiProvider} from '../../source/wizard/components/ui-context.js';
import {initialState, type Pending, type WizardState} from '../../source/wizard/state.js';
import type {StepProps, WizardOptions} from '../../source/wizard/steps/types.js';
import {renderInk} from './render.js';
import {ACCOUNT, HOST, REGION, repository} from './wizard-fixtures.js';

/** State as it stands once identity, region and repository are known. */
export function stateAfterRepository(overrides: Partial<WizardState> = {}): WizardState {
	return {
		...initialState('push'),
		identity: {account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/dev`, kind: 'iam-user'},
		region: REGION,
		registry: HOST,
		repository: {
			name: 'web',
			uri: `${HOST}/web`,
			registryId: ACCOUNT,
			region: REGION,
			imageTagMutability: 'MUTABLE',
			created: false,
		},
		...overrides,
	};
}

export {repository};

export function renderStep(
	Step: (props: StepProps) => React.JSX.Element,
	{
		services,
		state = initialState('push'),
		options = {},
		resumed,
		color = false,
	}: {
		services: Services;
		state?: WizardState;
		options?: Partial<WizardOptions>;
		resumed?: {pending: Pending; exitCode: number};
		color?: boolean;
	},
) {
	const controller = new AbortController();
	const spies = {
		complete: vi.fn(),
		back: vi.fn(),
		goto: vi.fn(),
		handOver: vi.fn(),
		exit: vi.fn(),
		quit: vi.fn(),
		guardWrite: vi.fn(async <T,>(write: () => Promise<T>) => write()),
	};
	const app = renderInk(
		<ServicesProvider services={services}>
			<UiProvider value={{color, quit: spies.quit}}>
				<Step
					state={{...state, step: state.step}}
					options={{yes: false, ...options}}
					active
					signal={controller.signal}
					{...(resumed ? {resumed} : {})}
					position={{index: 1, total: 8}}
					complete={spies.complete}
					back={spies.back}
					goto={spies.goto}
					handOver={spies.handOver}
					guardWrite={spies.guardWrite as StepProps['guardWrite']}
					exit={spies.exit}
				/>
			</UiProvider>
		</ServicesProvider>,
	);
	return {app, controller, ...spies};
}
