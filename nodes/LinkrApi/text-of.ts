/** A field's value as text, trimmed; nothing (undefined, null) is the empty text. */
export function textOf(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}
