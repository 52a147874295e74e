import { FIRST_REST_MS, LONGEST_REST_MS, nextRestMs } from '../../../../nodes/shared/hold-ledger/rest-after-refusal';

describe('how long a refused hold rests', () => {
	it('starts short and doubles up to a quarter of an hour', () => {
		const rests: number[] = [];
		let last: number | undefined;
		for (let refusal = 0; refusal < 8; refusal++) rests.push((last = nextRestMs(last)));

		expect(rests.slice(0, 3)).toEqual([FIRST_REST_MS, 2 * FIRST_REST_MS, 4 * FIRST_REST_MS]);
		expect(rests.at(-1)).toBe(LONGEST_REST_MS);
		expect(LONGEST_REST_MS).toBe(15 * 60_000);
	});
});
