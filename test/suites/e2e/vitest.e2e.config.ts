import {BaseSequencer, type TestSpecification} from 'vitest/node';
import {defineConfig} from 'vitest/config';

/** Scenario files run one at a time in name order (00-stand-in first: it checks the stack every other file relies on). */
class NameOrder extends BaseSequencer {
	override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
		return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
	}
}

// The end-to-end scenarios share one docker daemon, registry and AWS stand-in: never two files at once.
export default defineConfig({
	test: {
		include: ['test/suites/e2e/**/*.test.ts'],
		environment: 'node',
		fileParallelism: false,
		sequence: {concurrent: false, sequencer: NameOrder},
		testTimeout: 120_000,
		hookTimeout: 60_000,
		env: {
			AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
		},
	},
});
