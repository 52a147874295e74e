import { createHash } from 'crypto';

import { cancellableSleep } from '../cancellable-sleep';
import type { NumberRange } from '../number-range';

/** The node's Max Requests per Second field; the budget keeps to its range whatever it is asked for. */
export const DEFAULT_REQUESTS_PER_SECOND = 3;
export const REQUESTS_PER_SECOND: NumberRange = { min: 0.1, max: 20, default: DEFAULT_REQUESTS_PER_SECOND };

/** A rate within the range above; anything that is no number gets the default. */
function boundedRequestsPerSecond(requestsPerSecond: number): number {
	if (Number.isNaN(requestsPerSecond)) return REQUESTS_PER_SECOND.default;
	return Math.min(Math.max(requestsPerSecond, REQUESTS_PER_SECOND.min), REQUESTS_PER_SECOND.max);
}

interface CredentialBudget {
	/** Callers take their turn one after another */
	turn: Promise<void>;
	nextStartAt: number;
	/** When each of the last requests was answered (pending while in flight) */
	recentAnswers: Array<Promise<number>>;
}

const budgets = new Map<string, CredentialBudget>();

/** One budget per hold: the map key is a hash, so the API key itself is never kept in memory here. */
export function budgetKey(baseUrl: string, apiKey: string): string {
	return createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex');
}

/** Call when the request has been answered (or failed), so later requests can be timed from it. */
export type ReleaseSlot = () => void;

/**
 * Waits for this credential's next request slot, shared by every execution in this n8n process. Two rules hold:
 * starts are spaced 1/rps apart, and with n = floor(rps) a request starts only once the request n places before it
 * was answered at least n/rps seconds ago. The second rule makes the rate hold where LinkrAPI counts it, at
 * arrival, however long a request spent on its way out (credential lookup, a slow network).
 */
export async function takeRequestSlot(
	key: string,
	requestsPerSecond: number,
	signal?: AbortSignal,
): Promise<ReleaseSlot> {
	const rps = boundedRequestsPerSecond(requestsPerSecond);
	// at most REQUESTS_PER_SECOND.max answers are remembered per credential, however high the rate asked
	const burst = Math.max(1, Math.floor(rps));
	const windowMs = (burst * 1000) / rps;
	const budget = budgets.get(key) ?? { turn: Promise.resolve(), nextStartAt: 0, recentAnswers: [] };
	budgets.set(key, budget);

	const previousTurn = budget.turn;
	let endTurn: () => void = () => undefined;
	budget.turn = new Promise((resolve) => (endTurn = resolve));
	try {
		await previousTurn;
		let startAt = budget.nextStartAt;
		if (budget.recentAnswers.length >= burst) {
			const answeredAt = await budget.recentAnswers[budget.recentAnswers.length - burst];
			startAt = Math.max(startAt, answeredAt + windowMs);
		}
		const delay = startAt - Date.now();
		if (delay > 0) await cancellableSleep(delay, signal);
		budget.nextStartAt = Date.now() + 1000 / rps;
	} finally {
		endTurn();
	}

	let markAnswered: (at: number) => void = () => undefined;
	budget.recentAnswers.push(new Promise<number>((resolve) => (markAnswered = resolve)));
	if (budget.recentAnswers.length > burst) budget.recentAnswers.shift();
	return () => markAnswered(Date.now());
}
