import { InvalidFieldError } from '../../shared/node-errors';
import { textOf } from '../text-of';

const REFERENCE_IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp'];

/** A value that must be present, e.g. Prompt or Task ID: trimmed, and an error naming the field when empty. */
export function requireText(field: string, value: unknown): string {
	const text = textOf(value);
	if (text === '') {
		throw new InvalidFieldError(
			field,
			`The "${field}" field is empty`,
			`Enter a value for "${field}" (an expression that resolves to text also works).`,
		);
	}
	return text;
}

function parseHttpUrl(field: string, text: string): URL {
	if (!URL.canParse(text)) {
		throw new InvalidFieldError(
			field,
			`The "${field}" field is not a valid URL`,
			`Got "${text}". Enter a full URL starting with https://.`,
		);
	}
	const url = new URL(text);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new InvalidFieldError(
			field,
			`The "${field}" field must be an http or https URL`,
			`Got a ${url.protocol} URL. Enter a URL starting with https://.`,
		);
	}
	return url;
}

/** Optional URL field: empty → undefined; otherwise it must be http(s). */
export function optionalHttpUrl(field: string, value: unknown): string | undefined {
	const text = textOf(value);
	if (text === '') return undefined;
	return parseHttpUrl(field, text).toString();
}

/**
 * LinkrAPI accepts JPG, JPEG, PNG and WebP references; a URL without an extension is left for the API to judge.
 * The URL is sent as parsed, so what LinkrAPI gets is what was checked.
 */
export function optionalReferenceImageUrl(field: string, value: unknown): string | undefined {
	const text = textOf(value);
	if (text === '') return undefined;
	const url = parseHttpUrl(field, text);
	// A URL holds no spaces: text after one (e.g. --flags) would ride along to Midjourney with the reference.
	if (/\s/.test(text)) {
		throw new InvalidFieldError(
			field,
			`The "${field}" field has spaces in it`,
			`Got "${text}". Enter one URL, with any space in it written as %20; Midjourney parameters go in the Prompt.`,
		);
	}
	const lastSegment = url.pathname.split('/').pop() ?? '';
	const dot = lastSegment.lastIndexOf('.');
	if (dot > 0) {
		const extension = lastSegment.slice(dot + 1).toLowerCase();
		if (!REFERENCE_IMAGE_EXTENSIONS.includes(extension)) {
			throw new InvalidFieldError(
				field,
				`The "${field}" field points to a .${extension} file, which LinkrAPI does not accept`,
				'Use an image in one of these formats: JPG, JPEG, PNG or WebP.',
			);
		}
	}
	return url.href;
}
