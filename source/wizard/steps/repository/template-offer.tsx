/** A creation template would create the repository on the first push: take that, or create it now with chosen settings. */
import type React from 'react';
import {Box, Text} from 'ink';
import {createOnPushActions, describeTemplate, type CreationTemplate} from '../../../ecr/creation-templates.js';
import {SelectList, type ListItem} from '../../components/select-list.js';
import {Status} from '../../components/tone.js';
import {actionsText, templateSettings} from './settings.js';
import {SettingsLine} from './create-settings.js';

type Way = 'push' | 'create';

export function TemplateOffer({
	name,
	template,
	templateFailed,
	active,
	onCancel,
	onPush,
	onCreate,
}: {
	name: string;
	template: CreationTemplate;
	/** The last push did not create it although the template covers it. */
	templateFailed: boolean;
	active: boolean;
	onCancel: () => void;
	onPush: () => void;
	onCreate: () => void;
}): React.JSX.Element {
	const described = describeTemplate(template);
	const items: Array<ListItem<Way>> = [
		{
			key: 'push',
			value: 'push',
			label: `Push and let the template ${template.prefix} create it`,
			note: 'nothing is created now',
		},
		{
			key: 'create',
			value: 'create',
			label: 'Create it now with my settings',
			note: 'tag mutability, scanning, lifecycle',
		},
	];
	return (
		<Box flexDirection="column">
			<Status tone="info">{`${described[0]!.toUpperCase()}${described.slice(1)} creates ${name} on the first push, with:`}</Status>
			<Box flexDirection="column" marginLeft={2}>
				<SettingsLine settings={templateSettings(template)} />
				<Text wrap="wrap">{`The identity that pushes needs ${actionsText(createOnPushActions(template))} for that.`}</Text>
			</Box>
			{templateFailed ? (
				<Status tone="warning">
					{`The last push did not create ${name}: the identity may lack ${actionsText(createOnPushActions(template))}.`}
				</Status>
			) : null}
			<Box marginTop={1}>
				<SelectList
					items={items}
					isActive={active}
					initialKey={templateFailed ? 'create' : 'push'}
					onCancel={onCancel}
					onSelect={(item) => (item.value === 'push' ? onPush() : onCreate())}
				/>
			</Box>
		</Box>
	);
}
