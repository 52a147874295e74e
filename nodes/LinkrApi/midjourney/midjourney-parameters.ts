import { InvalidFieldError } from '../../shared/node-errors';
import { textOf } from '../text-of';
import {
	MIDJOURNEY_PARAMETERS,
	type MidjourneyParameterName,
	type MidjourneyParameterRow,
	type MidjourneyParameters,
} from './parameter-table';

export type { MidjourneyParameters } from './parameter-table';

const ROWS: readonly MidjourneyParameterRow[] = MIDJOURNEY_PARAMETERS;

/** Versions that understand a character reference (--cref). */
const CHARACTER_REFERENCE_VERSIONS = ['6', '6.1', 'niji 6'];

function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '' && value !== false;
}

/** Whether the user gave this parameter a value the node writes as a flag. */
function isGiven(row: MidjourneyParameterRow, value: unknown): boolean {
	switch (row.kind) {
		case 'switch':
			return Boolean(value);
		case 'integer':
		case 'number':
		case 'choice':
			return isSet(value);
		default:
			return textOf(value) !== '';
	}
}

/**
 * How a flag may start: Midjourney also reads an em dash as --, phones and word processors turn -- into an em or en
 * dash, and pasted text may hold a unicode minus. An en/em dash, or two hyphens or minus signs in any mix.
 */
const FLAG_DASHES = '(?:[\\u2013\\u2014]|[-\\u2212]{2})';

function hasFlag(prompt: string, spellings: readonly string[]): boolean {
	return spellings.some((flag) =>
		new RegExp(`(^|\\s)${FLAG_DASHES}${flag.replace(/^--/, '')}(\\s|$)`, 'i').test(prompt),
	);
}

/** A flag inside a text parameter, where a letter or digit does not come right before the dashes. */
const FLAG_IN_TEXT = new RegExp(`(?<![\\p{L}\\p{N}])${FLAG_DASHES}[a-z]+`, 'iu');

/** Free text such as Exclude goes after its own flag: a flag inside it would reach Midjourney unchecked. */
function wordsOnly(field: string, text: string): string {
	const flag = FLAG_IN_TEXT.exec(text);
	if (flag) {
		throw new InvalidFieldError(
			field,
			`"${field}" cannot hold Midjourney parameters`,
			`Got "${text}", where "${flag[0]}" starts a parameter. Keep "${field}" to words; set parameters in their own fields or at the end of the Prompt.`,
		);
	}
	return text;
}

/** Between reference URLs: ASCII spaces, tabs, line breaks and commas. Nothing of them reaches the prompt. */
const URL_SEPARATORS = /[ \t\r\n,]+/;

/**
 * Control, format (invisible) and space characters: Discord or Midjourney may read one as a line break or a space
 * and so a text after it (` --tile`) as a parameter of its own.
 */
const HIDDEN_CHARACTER = /[\p{Cc}\p{Cf}\p{Z}]/u;

function codePointOf(character: string): string {
	return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The URLs as the URL parser writes them back (`href`), never the text as typed. */
function httpUrls(field: string, text: string): string[] {
	const candidates = text.split(URL_SEPARATORS).filter((part) => part !== '');
	return candidates.map((candidate) => {
		const hidden = HIDDEN_CHARACTER.exec(candidate);
		if (hidden) {
			throw new InvalidFieldError(
				field,
				`"${field}" contains an invisible or control character (${codePointOf(hidden[0])})`,
				`Separate URLs with spaces or commas only, and remove the character: it could end the URL and start a Midjourney parameter.`,
			);
		}
		const url = URL.canParse(candidate) ? new URL(candidate) : undefined;
		if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
			throw new InvalidFieldError(field, `"${field}" must contain http or https URLs`, `"${candidate}" is not one.`);
		}
		return url.href;
	});
}

function numberFlag(row: Extract<MidjourneyParameterRow, { kind: 'integer' | 'number' }>, value: unknown): string {
	const { minValue: min, maxValue: max } = row.typeOptions;
	const integer = row.kind === 'integer';
	const number = Number(value);
	if (!Number.isFinite(number) || number < min || number > max || (integer && !Number.isInteger(number))) {
		throw new InvalidFieldError(
			row.displayName,
			`"${row.displayName}" must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`,
			`Got ${JSON.stringify(value)}.`,
		);
	}
	return `${row.flags[0]} ${number}`;
}

/** The flag for one parameter the user gave, after checking its value; an error naming the parameter otherwise. */
function flagFor(row: MidjourneyParameterRow, value: unknown): string {
	const field = row.displayName;
	switch (row.kind) {
		case 'integer':
		case 'number':
			return numberFlag(row, value);
		case 'choice': {
			const number = Number(value);
			const choices = row.options.map((option) => option.value);
			if (!choices.includes(number)) {
				throw new InvalidFieldError(
					field,
					`"${field}" must be one of ${choices.join(', ')}`,
					`Got ${JSON.stringify(value)}.`,
				);
			}
			return `${row.flags[0]} ${number}`;
		}
		case 'version': {
			const version = textOf(value);
			// The UI lists the versions A to Z; the message names them newest first.
			const versions = row.options.map((option) => option.value).reverse();
			if (!versions.includes(version)) {
				throw new InvalidFieldError(field, `"${field}" must be one of ${versions.join(', ')}`, `Got "${version}".`);
			}
			return version.startsWith('niji') ? `--niji ${version.split(' ')[1]}` : `--v ${version}`;
		}
		case 'switch':
			return row.flagWhenOn ?? row.flags[0];
		case 'ratio': {
			const ratio = textOf(value);
			const match = /^(\d+):(\d+)$/.exec(ratio);
			if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) {
				throw new InvalidFieldError(
					field,
					`"${field}" must look like 16:9`,
					`Got "${ratio}": two whole numbers above 0, separated by a colon.`,
				);
			}
			return `${row.flags[0]} ${ratio}`;
		}
		case 'text':
			return `${row.flags[0]} ${wordsOnly(field, textOf(value))}`;
		case 'urls':
			return `${row.flags[0]} ${httpUrls(field, textOf(value)).join(' ')}`;
		case 'url':
			return `${row.flags[0]} ${httpUrls(field, textOf(value))[0]}`;
	}
}

/**
 * Rules that tie parameters together, checked when the parameter they are keyed by is given, before its own value.
 * `version` is the chosen Version, already checked, or undefined when none is set.
 */
type CrossParameterRule = (parameters: MidjourneyParameters, version: string | undefined) => void;

/** A parameter only some Midjourney versions understand: refused with another chosen version, naming both. */
function onlyOnVersions(field: string, versions: string[], worksWith: string, advice: string): CrossParameterRule {
	return (_parameters, version) => {
		if (version && !versions.includes(version)) {
			throw new InvalidFieldError(field, `"${field}" works with ${worksWith}, not ${version}`, advice);
		}
	};
}

const CROSS_PARAMETER_RULES: Partial<Record<MidjourneyParameterName, CrossParameterRule>> = {
	characterReferenceUrl: onlyOnVersions(
		'Character Reference URL',
		CHARACTER_REFERENCE_VERSIONS,
		'versions 6, 6.1 and niji 6',
		'Use "Omni Reference URL" with version 7.',
	),
	omniReferenceUrl: onlyOnVersions(
		'Omni Reference URL',
		['7'],
		'version 7 only',
		'Use "Character Reference URL" with version 6.',
	),
	experimentalAesthetics: onlyOnVersions(
		'Experimental Aesthetics',
		['7'],
		'version 7 only',
		'Choose version 7, or clear it.',
	),
	omniWeight: (parameters) => {
		if (!textOf(parameters.omniReferenceUrl)) {
			throw new InvalidFieldError(
				'Omni Reference Weight',
				'"Omni Reference Weight" needs an "Omni Reference URL"',
				'Add the URL, or clear the weight.',
			);
		}
	},
};

/**
 * Builds the flags for the structured parameters and appends them to the prompt. Out-of-range values, flags the
 * prompt already spells out, and references the chosen version does not support are errors naming the parameter.
 */
export function buildPrompt(prompt: string, parameters: MidjourneyParameters): string {
	const values = parameters as Record<string, unknown>;
	for (const row of ROWS) {
		if (isSet(values[row.name]) && hasFlag(prompt, row.flags)) {
			throw new InvalidFieldError(
				row.displayName,
				`The prompt already sets ${row.flags[0]}, and "${row.displayName}" sets it too`,
				`Remove ${row.flags.join(' / ')} from the prompt, or clear "${row.displayName}" under Midjourney Parameters.`,
			);
		}
	}

	const version = textOf(parameters.version) || undefined;
	const flags: string[] = [];
	for (const row of ROWS) {
		const value = values[row.name];
		if (!isGiven(row, value)) continue;
		CROSS_PARAMETER_RULES[row.name as MidjourneyParameterName]?.(parameters, version);
		flags.push(flagFor(row, value));
	}
	return flags.length > 0 ? `${prompt} ${flags.join(' ')}` : prompt;
}
