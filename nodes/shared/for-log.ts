/** An id needs no more; a message may say more (`forLog(message, 400)`). */
const MAX_LOGGED_LENGTH = 80;

/**
 * An untrusted string (a task id from a callback, a field value) as it may appear in a log line or a message:
 * quoted, control characters and line breaks escaped (lone surrogates too, by JSON.stringify), cut short.
 */
export function forLog(value: unknown, maxLength = MAX_LOGGED_LENGTH): string {
	const text = typeof value === 'string' ? value : String(value);
	const cut = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
	return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (char) => {
		return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
	});
}
