/*
 * Every Midjourney parameter the node offers, one row each, in the order the node appends the flags. The UI field
 * (midjourney-parameters.description.ts) and the flag, range and duplicate checks (midjourney-parameters.ts) are both
 * made from these rows, so adding a parameter is one row here plus its test.
 *
 * A row is written as an n8n node parameter literal (displayName, name, type, default, description …) on purpose:
 * eslint-plugin-n8n-nodes-base lints object literals with those keys, so its casing, description and options rules
 * check these rows where they are written. `kind` and `flags` are ours and never reach the UI.
 */

interface RowBase {
	readonly displayName: string;
	/** The UI field's name, also the key under Midjourney Parameters. */
	readonly name: string;
	readonly description: string;
	readonly placeholder?: string;
	/** Every spelling Midjourney accepts, the one the node writes first; a prompt holding any of them is refused. */
	readonly flags: readonly string[];
}

/** A number in the range of `typeOptions`: a whole number (`integer`) or any number (`number`). */
interface NumberRow extends RowBase {
	readonly kind: 'integer' | 'number';
	readonly type: 'number';
	readonly default: number;
	readonly typeOptions: { readonly minValue: number; readonly maxValue: number; readonly numberPrecision?: number };
}

/** One of the listed numbers. */
interface ChoiceRow extends RowBase {
	readonly kind: 'choice';
	readonly type: 'options';
	readonly default: number;
	readonly options: ReadonlyArray<{ readonly name: string; readonly value: number }>;
}

/** The model version: written as --v, or --niji for the Niji models. */
interface VersionRow extends RowBase {
	readonly kind: 'version';
	readonly type: 'options';
	readonly default: string;
	readonly options: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

/** A flag without a value, or with a fixed one (`flagWhenOn`), written when switched on. */
interface SwitchRow extends RowBase {
	readonly kind: 'switch';
	readonly type: 'boolean';
	readonly default: boolean;
	readonly flagWhenOn?: string;
}

/**
 * Text: `ratio` is width:height, `text` is free words (Midjourney flags inside are refused), `urls` one or more http(s)
 * URLs separated by spaces or commas, `url` the first such URL.
 */
interface TextRow extends RowBase {
	readonly kind: 'ratio' | 'text' | 'urls' | 'url';
	readonly type: 'string';
	readonly default: string;
}

export type MidjourneyParameterRow = NumberRow | ChoiceRow | VersionRow | SwitchRow | TextRow;

export const MIDJOURNEY_PARAMETERS = [
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'string',
		kind: 'ratio',
		flags: ['--ar', '--aspect'],
		default: '',
		placeholder: '16:9',
		description: 'Width:height of the image, e.g. 1:1, 16:9, 2:3 (--ar)',
	},
	{
		displayName: 'Version',
		name: 'version',
		type: 'options',
		kind: 'version',
		flags: ['--v', '--version', '--niji'],
		default: '7',
		description: 'Midjourney model (--v), or Niji for anime styles (--niji)',
		options: [
			{ name: 'Niji 5', value: 'niji 5' },
			{ name: 'Niji 6', value: 'niji 6' },
			{ name: 'V5', value: '5' },
			{ name: 'V5.1', value: '5.1' },
			{ name: 'V5.2', value: '5.2' },
			{ name: 'V6', value: '6' },
			{ name: 'V6.1', value: '6.1' },
			{ name: 'V7', value: '7' },
		],
	},
	{
		displayName: 'Stylize',
		name: 'stylize',
		type: 'number',
		kind: 'integer',
		flags: ['--s', '--stylize'],
		default: 100,
		typeOptions: { minValue: 0, maxValue: 1000 },
		description: 'How strongly Midjourney’s aesthetic applies, 0–1000 (--s)',
	},
	{
		displayName: 'Chaos',
		name: 'chaos',
		type: 'number',
		kind: 'integer',
		flags: ['--c', '--chaos'],
		default: 0,
		typeOptions: { minValue: 0, maxValue: 100 },
		description: 'How varied the four images are, 0–100 (--c)',
	},
	{
		displayName: 'Quality',
		name: 'quality',
		type: 'options',
		kind: 'choice',
		flags: ['--q', '--quality'],
		default: 1,
		description: 'GPU time spent on the image (--q)',
		options: [
			{ name: '0.25', value: 0.25 },
			{ name: '0.5', value: 0.5 },
			{ name: '1', value: 1 },
			{ name: '2', value: 2 },
			{ name: '4 (Version 7)', value: 4 },
		],
	},
	{
		displayName: 'Weird',
		name: 'weird',
		type: 'number',
		kind: 'integer',
		flags: ['--w', '--weird'],
		default: 0,
		typeOptions: { minValue: 0, maxValue: 3000 },
		description: 'How unusual the image is, 0–3000 (--w)',
	},
	{
		displayName: 'Experimental Aesthetics',
		name: 'experimentalAesthetics',
		type: 'number',
		kind: 'integer',
		flags: ['--exp'],
		default: 0,
		typeOptions: { minValue: 0, maxValue: 100 },
		description: 'More detailed, dynamic and creative images, 0–100 (--exp); version 7 only',
	},
	{
		displayName: 'Seed',
		name: 'seed',
		type: 'number',
		kind: 'integer',
		flags: ['--seed'],
		default: 0,
		typeOptions: { minValue: 0, maxValue: 4294967295 },
		description: 'Starting noise, for repeatable results, 0–4294967295 (--seed)',
	},
	{
		displayName: 'Image Weight',
		name: 'imageWeight',
		type: 'number',
		kind: 'number',
		flags: ['--iw'],
		default: 1,
		typeOptions: { minValue: 0, maxValue: 3, numberPrecision: 2 },
		description: 'How strongly an image prompt counts against the text, 0–3 (--iw)',
	},
	{
		displayName: 'Style Raw',
		name: 'styleRaw',
		type: 'boolean',
		kind: 'switch',
		flags: ['--style'],
		flagWhenOn: '--style raw',
		default: false,
		description: 'Whether to use the raw style: more literal, less Midjourney look (--style raw)',
	},
	{
		displayName: 'Tile',
		name: 'tile',
		type: 'boolean',
		kind: 'switch',
		flags: ['--tile'],
		default: false,
		description: 'Whether to make a seamless repeating pattern (--tile)',
	},
	{
		displayName: 'Exclude',
		name: 'exclude',
		type: 'string',
		kind: 'text',
		flags: ['--no'],
		default: '',
		placeholder: 'text, people',
		description: 'What should not appear in the image (--no)',
	},
	{
		displayName: 'Style Reference URLs',
		name: 'styleReferenceUrls',
		type: 'string',
		kind: 'urls',
		flags: ['--sref'],
		default: '',
		description: 'One or more image URLs whose style to borrow, separated by spaces or commas (--sref)',
	},
	{
		displayName: 'Character Reference URL',
		name: 'characterReferenceUrl',
		type: 'string',
		kind: 'urls',
		flags: ['--cref'],
		default: '',
		description: 'Image of a character to keep consistent (--cref); versions 6, 6.1 and niji 6',
	},
	{
		displayName: 'Omni Reference URL',
		name: 'omniReferenceUrl',
		type: 'string',
		kind: 'url',
		flags: ['--oref'],
		default: '',
		description: 'Image of a person, object or creature to put in the picture (--oref); version 7 only',
	},
	{
		displayName: 'Omni Reference Weight',
		name: 'omniWeight',
		type: 'number',
		kind: 'integer',
		flags: ['--ow'],
		default: 100,
		typeOptions: { minValue: 1, maxValue: 1000 },
		description: 'How closely to follow the omni reference, 1–1000 (--ow)',
	},
] as const satisfies readonly MidjourneyParameterRow[];

type Row = (typeof MIDJOURNEY_PARAMETERS)[number];
type ValueOfKind<Kind extends MidjourneyParameterRow['kind']> = Kind extends 'integer' | 'number' | 'choice'
	? number
	: Kind extends 'switch'
		? boolean
		: string;

export type MidjourneyParameterName = Row['name'];

/** The Midjourney Parameters collection as the node reads it: every parameter is optional. */
export type MidjourneyParameters = { [R in Row as R['name']]?: ValueOfKind<R['kind']> };
