const KEY_PATTERN = /lkr_[A-Za-z0-9]+/g;

/** Removes the API key (and anything shaped like a LinkrAPI key) from text that may reach the user or a log. */
export function redactSecrets(text: string, apiKey?: string): string {
	let redacted = text;
	if (apiKey && apiKey.length >= 4) redacted = redacted.split(apiKey).join('[redacted]');
	return redacted.replace(KEY_PATTERN, 'lkr_[redacted]');
}
