import { toObject } from './response-guards';

/**
 * An error body may come from anything between n8n and LinkrAPI (a proxy, a captive portal) and be of any size.
 * Nothing past this many characters is read: no parse, no scan, no regex ever sees more.
 */
export const ERROR_BODY_LIMIT = 8192;

/** Longest `detail` / `message` shown from a JSON error body. */
export const MAX_DETAIL_LENGTH = 500;

/** Longest excerpt shown of a body that is not JSON (HTML from a proxy, plain text). */
export const MAX_BODY_EXCERPT = 300;

function shorten(text: string, maxLength: number): string {
	return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/** Collects output up to `maxLength` characters; once a write overflows, callers stop reading their input. */
class BoundedText {
	private readonly parts: string[] = [];

	private room: number;

	overflowed = false;

	constructor(maxLength: number) {
		this.room = maxLength;
	}

	write(text: string): boolean {
		if (text.length > this.room) {
			this.parts.push(text.slice(0, this.room));
			this.room = 0;
			this.overflowed = true;
			return false;
		}
		this.parts.push(text);
		this.room -= text.length;
		return true;
	}

	get remaining(): number {
		return this.room;
	}

	toString(): string {
		return this.parts.join('');
	}
}

function writeJson(value: unknown, out: BoundedText): boolean {
	if (typeof value === 'string') return out.write(JSON.stringify(value.slice(0, out.remaining)));
	if (Array.isArray(value)) {
		if (!out.write('[')) return false;
		for (let index = 0; index < value.length; index++) {
			if (index > 0 && !out.write(',')) return false;
			if (!writeJson(value[index], out)) return false;
		}
		return out.write(']');
	}
	if (typeof value === 'object' && value !== null) {
		if (!out.write('{')) return false;
		let first = true;
		for (const key in value) {
			if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
			if (!first && !out.write(',')) return false;
			first = false;
			if (!out.write(`${JSON.stringify(key.slice(0, out.remaining))}:`)) return false;
			if (!writeJson((value as Record<string, unknown>)[key], out)) return false;
		}
		return out.write('}');
	}
	return out.write(JSON.stringify(value) ?? 'null');
}

/**
 * JSON text of a parsed value, cut at `maxLength`. Unlike JSON.stringify it stops reading the value once the text
 * is long enough, so a huge or deeply nested `detail` costs no more than the few hundred characters shown.
 */
export function boundedJson(value: unknown, maxLength: number): string {
	const out = new BoundedText(maxLength);
	writeJson(value, out);
	return out.overflowed ? `${out.toString()}…` : out.toString();
}

function tagNameAt(lowerText: string, start: number): string {
	let end = start;
	while (end < lowerText.length && lowerText.charCodeAt(end) >= 97 && lowerText.charCodeAt(end) <= 122) end++;
	return lowerText.slice(start, end);
}

/**
 * Replaces each `<…>` tag with a space and drops the content of script and style elements, in one pass: every
 * search starts where the last one ended. A `<` that no `>` follows stays text, as does `<>`.
 */
export function stripTags(html: string): string {
	const lower = html.toLowerCase();
	const parts: string[] = [];
	let textStart = 0;
	let position = 0;
	while (position < html.length) {
		const open = html.indexOf('<', position);
		if (open === -1) break;
		const close = html.indexOf('>', open + 1);
		if (close === -1) break;
		position = close + 1;
		if (close === open + 1) continue;
		parts.push(html.slice(textStart, open), ' ');
		const name = tagNameAt(lower, open + 1);
		if (name === 'script' || name === 'style') {
			const endTag = lower.indexOf(`</${name}`, position);
			const endClose = endTag === -1 ? -1 : lower.indexOf('>', endTag);
			position = endClose === -1 ? html.length : endClose + 1;
		}
		textStart = position;
	}
	parts.push(html.slice(textStart));
	return parts.join('');
}

function excerptOf(text: string): string | undefined {
	const plain = stripTags(text).replace(/\s+/g, ' ').trim();
	return plain === '' ? undefined : shorten(plain, MAX_BODY_EXCERPT);
}

/**
 * What an error body says, in at most a few hundred characters. LinkrAPI documents only `{"detail": "..."}`;
 * anything else (HTML from a proxy, plain text) is shown as an excerpt.
 */
export function describeErrorBody(body: unknown): string | undefined {
	const cut = typeof body === 'string' ? body.slice(0, ERROR_BODY_LIMIT) : body;
	const object = toObject(cut);
	if (object && object.detail !== undefined) {
		return typeof object.detail === 'string'
			? shorten(object.detail, MAX_DETAIL_LENGTH)
			: boundedJson(object.detail, MAX_DETAIL_LENGTH);
	}
	if (object && typeof object.message === 'string') return shorten(object.message, MAX_DETAIL_LENGTH);
	return typeof cut === 'string' ? excerptOf(cut) : undefined;
}
