import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		exclude: ['test/suites/e2e/**', 'node_modules/**'],
		environment: 'node',
		testTimeout: 20_000,
		env: {
			AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
		},
	},
});
