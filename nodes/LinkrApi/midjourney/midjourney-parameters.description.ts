import type { INodeProperties } from 'n8n-workflow';

import { MIDJOURNEY_PARAMETERS, type MidjourneyParameterRow } from './parameter-table';

/** The UI field of one table row: the n8n keys only, without the flag builder's `kind` and `flags`. */
function uiField(row: MidjourneyParameterRow): INodeProperties {
	const field: INodeProperties = {
		displayName: row.displayName,
		name: row.name,
		type: row.type,
		default: row.default,
		description: row.description,
	};
	if (row.placeholder) field.placeholder = row.placeholder;
	if ('typeOptions' in row) field.typeOptions = { ...row.typeOptions };
	if ('options' in row) field.options = row.options.map((option) => ({ ...option }));
	return field;
}

export const midjourneyParametersProperty: INodeProperties = {
	displayName: 'Midjourney Parameters',
	name: 'midjourneyParameters',
	type: 'collection',
	placeholder: 'Add Parameter',
	default: {},
	description:
		'Optional Midjourney settings, appended to the prompt as flags (the final prompt is in the output as final_prompt)',
	// The table is in flag order; n8n's convention (and its lint rule, which cannot see a computed list) is A to Z.
	options: MIDJOURNEY_PARAMETERS.map(uiField).sort((a, b) => a.displayName.localeCompare(b.displayName)),
};
