import {defineConfig} from 'vitest/config';

// The end-to-end scenarios share one docker daemon, registry and AWS stand-in: one file at a time, in name order.
export default defineConfig({
	test: {
		include: ['test/e2e/**/*.test.ts'],
		environment: 'node',
		fileParallelism: false,
		sequence: {concurrent: false},
		testTimeout: 120_000,
		hookTimeout: 60_000,
		env: {
			AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
		},
	},
});
