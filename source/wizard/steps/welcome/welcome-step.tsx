/** Step 1: what will happen, what docker looks like here, and what the person came for. */
import type React from 'react';
import {useEffect, useState} from 'react';
import {Box, Text} from 'ink';
import {useServices} from '../../../services/context.js';
import type {DaemonStatus} from '../../../docker/types.js';
import {errorMessage} from '../../../errors/user-errors.js';
import {HINTS} from '../../components/key-hints.js';
import {StepFrame} from '../../components/step-frame.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {Busy, Status} from '../../components/tone.js';
import type {DockerFacts, WizardMode} from '../../state.js';
import type {StepProps} from '../types.js';

const MODE_SUMMARY: Record<WizardMode, string> = {
	push: 'set up and push an image',
	troubleshoot: 'find out why a push failed',
	helper: 'configure the credential helper only',
};

export function dockerFacts(cli: string | null, daemon: DaemonStatus): DockerFacts {
	if (cli === null) return {cli: null, daemon: 'cli-missing'};
	if (daemon.ok) return {cli, daemon: 'running', serverVersion: daemon.serverVersion};
	return {cli, daemon: daemon.reason, message: daemon.message};
}

export function dockerSummary(facts: DockerFacts): string {
	if (facts.cli === null) return 'docker CLI missing';
	if (facts.daemon === 'running') return `docker ${facts.cli}, daemon running`;
	return `docker ${facts.cli}, daemon ${facts.daemon === 'not-running' ? 'not running' : 'unreachable'}`;
}

export function DockerReport({facts}: {facts: DockerFacts}): React.JSX.Element {
	if (facts.cli === null) {
		return (
			<Box flexDirection="column">
				<Status tone="error">The docker CLI is not installed (or not on PATH).</Status>
				<Box marginLeft={2}>
					<Text wrap="wrap">
						Pushing needs Docker: https://docs.docker.com/get-docker/ — the credential helper can still be configured
						now.
					</Text>
				</Box>
			</Box>
		);
	}

	if (facts.daemon === 'running') {
		return (
			<Status tone="success">{`docker ${facts.cli} is installed and its daemon (${facts.serverVersion ?? '?'}) is running.`}</Status>
		);
	}

	const advice =
		facts.daemon === 'not-running'
			? 'Start Docker Desktop, or on Linux: sudo systemctl start docker'
			: facts.daemon === 'permission'
				? 'Your user may not use the docker socket: sudo usermod -aG docker $USER, then log in again.'
				: (facts.message ?? 'docker info failed.');
	return (
		<Box flexDirection="column">
			<Status tone="error">{`docker ${facts.cli} is installed, but its daemon ${facts.daemon === 'not-running' ? 'is not running' : 'cannot be reached'}.`}</Status>
			<Box flexDirection="column" marginLeft={2}>
				<Text wrap="wrap">{advice}</Text>
				<Text wrap="wrap">Pushing needs it; configuring credentials does not.</Text>
			</Box>
		</Box>
	);
}

export function WelcomeStep({options, active, complete, signal}: StepProps): React.JSX.Element {
	const {docker} = useServices();
	const [facts, setFacts] = useState<DockerFacts | undefined>();

	useEffect(() => {
		let live = true;
		void (async () => {
			const [cli, daemon] = await Promise.all([
				docker.cliVersion().catch(() => null),
				docker
					.daemonStatus()
					.catch((error: unknown): DaemonStatus => ({ok: false, reason: 'unknown', message: errorMessage(error)})),
			]);
			if (!live || signal.aborted) return;
			const found = dockerFacts(cli, daemon);
			setFacts(found);
			if (options.mode) {
				complete({
					patch: {docker: found, mode: options.mode},
					summary: `Welcome: ${MODE_SUMMARY[options.mode]} · ${dockerSummary(found)}`,
					interactive: false,
				});
			}
		})();
		return () => {
			live = false;
		};
	}, []);

	const choices: Array<[WizardMode, string, string]> = [
		['push', 'Set up and push an image', 'identity → region → repository → login → push'],
		['troubleshoot', 'My push failed: find out why', 'runs the checks'],
		['helper', 'Only configure the credential helper', 'no push'],
	];
	const items: Array<ListItem<WizardMode>> = choices.map(([value, label, note]) => ({key: value, value, label, note}));

	return (
		<StepFrame title="Welcome to ecr-setup" hints={HINTS.choose}>
			<Text wrap="wrap">
				This gets a local Docker image into Amazon ECR and makes every later push authenticate by itself. Nothing
				changes without asking you first.
			</Text>
			<Box marginY={1} flexDirection="column">
				{facts ? <DockerReport facts={facts} /> : <Busy>Checking docker…</Busy>}
			</Box>
			{facts && !options.mode ? (
				<>
					<Text>What would you like to do?</Text>
					<SelectList
						items={items}
						isActive={active}
						onSelect={(item) =>
							complete({
								patch: {docker: facts, mode: item.value},
								summary: `Welcome: ${MODE_SUMMARY[item.value]} · ${dockerSummary(facts)}`,
								interactive: true,
							})
						}
					/>
				</>
			) : null}
		</StepFrame>
	);
}
