/** What a number field of the UI offers (`typeOptions` minValue and maxValue, `default`); reading it keeps to that. */
export interface NumberRange {
	min: number;
	max: number;
	default: number;
}

/**
 * A number field as the node reads it: its default when the value (an expression may give anything) is no positive
 * number, else the value moved into the range the field offers.
 */
export function readNumber(value: unknown, range: NumberRange): number {
	const number = Number(value);
	if (!Number.isFinite(number) || number <= 0) return range.default;
	return Math.min(Math.max(number, range.min), range.max);
}
