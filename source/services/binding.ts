/**
 * Binding registries to AWS profiles spans two files that must agree: the profile's wrapper on PATH and config.json's
 * credHelpers. configure-helper and the wizard's authentication step both plan and write it here, in an order that can
 * fail safely: wrappers first (a wrapper nobody names is harmless), then the config, then removals of wrappers no host
 * names any more.
 */
import {ECR_LOGIN_HELPER, boundHelperName} from '../credential-helper/wrapper.js';
import type {WrapperPlan, WrapperRemoval} from '../credential-helper/wrapper-service.js';
import type {ConfigChange, EditPlan, LoadedConfig} from '../docker-config/types.js';
import type {Services} from './types.js';

export type BindingChange = {
	config: LoadedConfig;
	plan: EditPlan;
	/** Written before config.json. */
	wrappers: WrapperPlan[];
	/** Removed after config.json no longer names them. */
	removals: WrapperRemoval[];
};

export type BindingWrite = {
	configPath: string;
	/** null: config.json did not change (only a wrapper did), or it is a new file. */
	backup: string | null;
	wrappersWritten: string[];
	removed: string[];
	/** Removals that were skipped because the wrapper changed after it was shown. */
	kept: string[];
};

/**
 * credHelpers[host] = ecr-login-<profile> for each host, and the profile's wrapper running the helper at helperPath;
 * with no profile, credHelpers[host] = ecr-login and no wrapper.
 */
export async function planBinding(
	services: Pick<Services, 'dockerConfig' | 'wrappers'>,
	profile: string | undefined,
	hosts: string[],
	helperPath: string,
): Promise<BindingChange> {
	const wrappers = profile ? [await services.wrappers.plan(profile, helperPath)] : [];
	const config = await services.dockerConfig.read();
	const helper = profile ? boundHelperName(profile) : ECR_LOGIN_HELPER;
	const changes: ConfigChange[] = hosts.map((host) => ({type: 'set-cred-helper', host, helper}));
	return {config, plan: services.dockerConfig.plan(config, changes), wrappers, removals: []};
}

/** Nothing to write: config.json already names the wrapper, and the wrapper already says what it should. */
export function bindingUnchanged(change: BindingChange): boolean {
	return !change.plan.changed && change.wrappers.every((wrapper) => !wrapper.changed) && change.removals.length === 0;
}

/**
 * Write what was shown. A failure of the config write takes back the wrappers written before it (they are not what the
 * person agreed to on their own) and rethrows.
 */
export async function writeBinding(
	services: Pick<Services, 'dockerConfig' | 'wrappers'>,
	change: BindingChange,
	report: {out(line: string): void; err(line: string): void} = {out() {}, err() {}},
): Promise<BindingWrite> {
	const undos: Array<() => Promise<void>> = [];
	const written: BindingWrite = {
		configPath: change.config.path,
		backup: null,
		wrappersWritten: [],
		removed: [],
		kept: [],
	};
	try {
		for (const wrapper of change.wrappers.filter((entry) => entry.changed)) {
			undos.push((await services.wrappers.apply(wrapper)).undo);
			written.wrappersWritten.push(wrapper.path);
			report.out(`Wrote ${wrapper.path}.`);
		}

		if (change.plan.changed) {
			const applied = await services.dockerConfig.apply(change.config, change.plan);
			written.backup = applied.backupPath ?? null;
			report.out(`Wrote ${applied.path}${applied.backupPath ? ` (backup: ${applied.backupPath})` : ''}.`);
		}
	} catch (error) {
		for (const undo of undos.reverse()) await undo().catch(() => undefined);
		if (undos.length > 0) report.err('The wrappers written before the failure were taken back.');
		throw error;
	}

	for (const removal of change.removals) {
		if (await services.wrappers.remove(removal)) {
			written.removed.push(removal.path);
			report.out(`Removed ${removal.path}.`);
		} else {
			written.kept.push(removal.path);
			report.err(`Note: ${removal.path} changed after it was shown: it is left as it is.`);
		}
	}

	return written;
}
