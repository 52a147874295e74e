/**
 * How long each job runs once it leaves the queue. Midjourney draws a grid (imagine, variation, reroll, zoom, pan) in
 * tens of seconds and picks one image of a grid in a few; times vary from job to job, and a hold in relax mode is slower
 * than one in fast mode. Draws are seeded, so the same options give the same run times in the same order.
 */
import { holdSpeed } from './holds';
import type { HoldSettings } from './options';

export type JobKind = 'grid' | 'single';

export interface RunTimeConfig {
	/** Median run time of a grid job (and of every job without `upscaleDurationMs`). */
	taskDurationMs: number;
	/** Median run time of a single-image job (upscales); null: the same as a grid. */
	upscaleDurationMs: number | null;
	/** Spread of the log-normal draw: ln(run time) has this standard deviation around ln(median); 0 = constant. */
	durationSpread: number;
	/** Per API key: run times are multiplied by this factor (3 = a relax hold three times slower). */
	keySpeeds: Record<string, number>;
	/** Per API key, its hold: `speed` (or `mode`) sets the factor, before `keySpeeds`. */
	holds?: Record<string, HoldSettings>;
	/** Seed of the draws. */
	seed: number;
}

/** Draws stay within this many standard deviations, so a rare draw cannot stall a benchmark. */
const MAX_DEVIATIONS = 2.5;

/**
 * Picking one image of a grid (upsample1–4) takes seconds; everything else, upscales that redraw the image larger
 * (Subtle, Creative, 2x, 4x) included, runs for a grid's time.
 */
export function jobKindOfAction(action: string): JobKind {
	return /^upsample\d$/.test(action) ? 'single' : 'grid';
}

/** mulberry32: a small, fast, seedable generator of uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class RunTimes {
	private random: () => number;

	private seed: number;

	constructor(seed: number) {
		this.seed = seed;
		this.random = seededRandom(seed);
	}

	/** Starts the draws again from the seed (after a reset, or when the seed changes). */
	restart(seed = this.seed): void {
		this.seed = seed;
		this.random = seededRandom(seed);
	}

	draw(config: RunTimeConfig, action: string, key: string): number {
		if (config.seed !== this.seed) this.restart(config.seed);
		const median =
			jobKindOfAction(action) === 'single' && config.upscaleDurationMs !== null
				? config.upscaleDurationMs
				: config.taskDurationMs;
		const speed = holdSpeed(config, key);
		const deviation = config.durationSpread > 0 ? config.durationSpread * this.normal() : 0;
		return Math.round(median * speed * Math.exp(deviation));
	}

	/** A standard normal draw (Box–Muller), cut at ±MAX_DEVIATIONS. */
	private normal(): number {
		const u = 1 - this.random();
		const v = this.random();
		const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
		return Math.max(-MAX_DEVIATIONS, Math.min(MAX_DEVIATIONS, z));
	}
}
