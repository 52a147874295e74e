import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Structured Midjourney parameters as the Imagine node reads them; every one is optional. */
export interface MidjourneyParameters {
	aspectRatio?: string;
	version?: string;
	stylize?: number;
	chaos?: number;
	quality?: number;
	weird?: number;
	seed?: number;
	styleRaw?: boolean;
	tile?: boolean;
	exclude?: string;
	imageWeight?: number;
	styleReferenceUrls?: string;
	characterReferenceUrl?: string;
	omniReferenceUrl?: string;
	omniWeight?: number;
}

export const VERSIONS = ['7', '6.1', '6', '5.2', '5.1', '5', 'niji 6', 'niji 5'];
export const QUALITIES = [0.25, 0.5, 1, 2, 4];

interface NumericRule {
	field: string;
	flag: string;
	min: number;
	max: number;
	integer?: boolean;
}

const NUMERIC: Record<string, NumericRule> = {
	stylize: { field: 'Stylize', flag: '--s', min: 0, max: 1000, integer: true },
	chaos: { field: 'Chaos', flag: '--c', min: 0, max: 100, integer: true },
	weird: { field: 'Weird', flag: '--w', min: 0, max: 3000, integer: true },
	seed: { field: 'Seed', flag: '--seed', min: 0, max: 4294967295, integer: true },
	imageWeight: { field: 'Image Weight', flag: '--iw', min: 0, max: 3 },
	omniWeight: { field: 'Omni Reference Weight', flag: '--ow', min: 1, max: 1000, integer: true },
};

/** Every spelling Midjourney accepts for a flag, so a flag already in the prompt is found whatever its form. */
const FLAG_SPELLINGS: Record<string, string[]> = {
	'Aspect Ratio': ['--ar', '--aspect'],
	'Version': ['--v', '--version', '--niji'],
	'Stylize': ['--s', '--stylize'],
	'Chaos': ['--c', '--chaos'],
	'Quality': ['--q', '--quality'],
	'Weird': ['--w', '--weird'],
	'Seed': ['--seed'],
	'Style Raw': ['--style'],
	'Tile': ['--tile'],
	'Exclude': ['--no'],
	'Image Weight': ['--iw'],
	'Style Reference URLs': ['--sref'],
	'Character Reference URL': ['--cref'],
	'Omni Reference URL': ['--oref'],
	'Omni Reference Weight': ['--ow'],
};

function fail(node: INode, itemIndex: number, message: string, description: string): never {
	throw new NodeOperationError(node, message, { itemIndex, description });
}

function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '' && value !== false;
}

function hasFlag(prompt: string, spellings: string[]): boolean {
	return spellings.some((flag) => new RegExp(`(^|\\s)${flag}(\\s|$)`, 'i').test(prompt));
}

function httpUrls(node: INode, itemIndex: number, field: string, text: string): string[] {
	const urls = text.split(/[\s,]+/).filter((part) => part !== '');
	for (const candidate of urls) {
		let url: URL | undefined;
		try {
			url = new URL(candidate);
		} catch {
			url = undefined;
		}
		if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
			fail(node, itemIndex, `"${field}" must contain http or https URLs`, `"${candidate}" is not one.`);
		}
	}
	return urls;
}

function versionFlag(version: string): string {
	return version.startsWith('niji') ? `--niji ${version.split(' ')[1]}` : `--v ${version}`;
}

function numericFlag(node: INode, itemIndex: number, rule: NumericRule, value: unknown): string {
	const number = Number(value);
	if (
		!Number.isFinite(number) ||
		number < rule.min ||
		number > rule.max ||
		(rule.integer && !Number.isInteger(number))
	) {
		fail(
			node,
			itemIndex,
			`"${rule.field}" must be ${rule.integer ? 'a whole number' : 'a number'} from ${rule.min} to ${rule.max}`,
			`Got ${JSON.stringify(value)}.`,
		);
	}
	return `${rule.flag} ${number}`;
}

/**
 * Builds the flags for the structured parameters and appends them to the prompt. Out-of-range values, flags the
 * prompt already spells out, and references the chosen version does not support are errors naming the parameter.
 */
export function buildPrompt(node: INode, itemIndex: number, prompt: string, parameters: MidjourneyParameters): string {
	const flags: string[] = [];
	const labelled: Array<[string, unknown]> = [
		['Aspect Ratio', parameters.aspectRatio],
		['Version', parameters.version],
		['Stylize', parameters.stylize],
		['Chaos', parameters.chaos],
		['Quality', parameters.quality],
		['Weird', parameters.weird],
		['Seed', parameters.seed],
		['Style Raw', parameters.styleRaw],
		['Tile', parameters.tile],
		['Exclude', parameters.exclude],
		['Image Weight', parameters.imageWeight],
		['Style Reference URLs', parameters.styleReferenceUrls],
		['Character Reference URL', parameters.characterReferenceUrl],
		['Omni Reference URL', parameters.omniReferenceUrl],
		['Omni Reference Weight', parameters.omniWeight],
	];
	for (const [field, value] of labelled) {
		if (isSet(value) && hasFlag(prompt, FLAG_SPELLINGS[field])) {
			fail(
				node,
				itemIndex,
				`The prompt already sets ${FLAG_SPELLINGS[field][0]}, and "${field}" sets it too`,
				`Remove ${FLAG_SPELLINGS[field].join(' / ')} from the prompt, or clear "${field}" under Midjourney Parameters.`,
			);
		}
	}

	const version = parameters.version?.trim();
	if (parameters.aspectRatio?.trim()) {
		const ratio = parameters.aspectRatio.trim();
		const match = /^(\d+):(\d+)$/.exec(ratio);
		if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) {
			fail(
				node,
				itemIndex,
				'"Aspect Ratio" must look like 16:9',
				`Got "${ratio}": two whole numbers above 0, separated by a colon.`,
			);
		}
		flags.push(`--ar ${ratio}`);
	}
	if (version) {
		if (!VERSIONS.includes(version)) {
			fail(node, itemIndex, `"Version" must be one of ${VERSIONS.join(', ')}`, `Got "${version}".`);
		}
		flags.push(versionFlag(version));
	}
	for (const key of ['stylize', 'chaos'] as const) {
		if (isSet(parameters[key])) flags.push(numericFlag(node, itemIndex, NUMERIC[key], parameters[key]));
	}
	if (isSet(parameters.quality)) {
		const quality = Number(parameters.quality);
		if (!QUALITIES.includes(quality)) {
			fail(
				node,
				itemIndex,
				`"Quality" must be one of ${QUALITIES.join(', ')}`,
				`Got ${JSON.stringify(parameters.quality)}.`,
			);
		}
		flags.push(`--q ${quality}`);
	}
	for (const key of ['weird', 'seed', 'imageWeight'] as const) {
		if (isSet(parameters[key])) flags.push(numericFlag(node, itemIndex, NUMERIC[key], parameters[key]));
	}
	if (parameters.styleRaw) flags.push('--style raw');
	if (parameters.tile) flags.push('--tile');
	if (parameters.exclude?.trim()) flags.push(`--no ${parameters.exclude.trim()}`);
	if (parameters.styleReferenceUrls?.trim()) {
		flags.push(`--sref ${httpUrls(node, itemIndex, 'Style Reference URLs', parameters.styleReferenceUrls).join(' ')}`);
	}
	if (parameters.characterReferenceUrl?.trim()) {
		if (version && !['6', '6.1', 'niji 6'].includes(version)) {
			fail(
				node,
				itemIndex,
				`"Character Reference URL" works with versions 6, 6.1 and niji 6, not ${version}`,
				'Use "Omni Reference URL" with version 7.',
			);
		}
		flags.push(
			`--cref ${httpUrls(node, itemIndex, 'Character Reference URL', parameters.characterReferenceUrl).join(' ')}`,
		);
	}
	if (parameters.omniReferenceUrl?.trim()) {
		if (version && version !== '7') {
			fail(
				node,
				itemIndex,
				`"Omni Reference URL" works with version 7 only, not ${version}`,
				'Use "Character Reference URL" with version 6.',
			);
		}
		const [url] = httpUrls(node, itemIndex, 'Omni Reference URL', parameters.omniReferenceUrl);
		flags.push(`--oref ${url}`);
	}
	if (isSet(parameters.omniWeight)) {
		if (!parameters.omniReferenceUrl?.trim()) {
			fail(
				node,
				itemIndex,
				'"Omni Reference Weight" needs an "Omni Reference URL"',
				'Add the URL, or clear the weight.',
			);
		}
		flags.push(numericFlag(node, itemIndex, NUMERIC.omniWeight, parameters.omniWeight));
	}
	return flags.length > 0 ? `${prompt} ${flags.join(' ')}` : prompt;
}
