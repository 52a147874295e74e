/**
 * The benchmark's scenarios (issue #11): workloads unlike the simulator's default, each a row of the table. A row
 * runs one workflow once in n8n against a fresh simulator, and the plain poller (the anchor) against another one
 * with the same seed, so both see the same run times in the same order.
 */
export type Preset = 'quick' | 'default' | 'full';

/** One LinkrAPI node of the workflow: what it does and on which hold (index into `holdSpeeds`). */
export interface Stage {
	operation: 'imagine' | 'upscale';
	hold: number;
}

export interface ScenarioRow {
	/** 1–6, as numbered in the issue */
	scenario: number;
	/** What the row runs, in words (titleOf) */
	title: string;
	/** Items into the first LinkrAPI node */
	size: number;
	/** Simulator: median grid time, median upscale time, log-normal spread, seed */
	taskMs: number;
	upscaleMs?: number;
	spread?: number;
	seed: number;
	/** Per hold, a factor on run times (1 fast, 3 a relax hold) */
	holdSpeeds: number[];
	stages: Stage[];
	/** Warm rows: an earlier batch of C prompts on the same credential with run times × this factor, then the row */
	warmedBySpeed?: number;
}

export interface PresetSettings {
	intervalS: number;
	concurrency: number;
	requestsPerSecond: number;
	rows: ScenarioRow[];
}

const imagineOn = (hold: number): Stage => ({ operation: 'imagine', hold });
const upscaleOn = (hold: number): Stage => ({ operation: 'upscale', hold });

/** The default run (scenarios 1–5) at the Poll Interval of 5 s; `full` adds scenario 6. */
function standardRows(): ScenarioRow[] {
	const constant = (size: number): ScenarioRow => ({
		scenario: 1,
		title: '',
		size,
		taskMs: 6000,
		seed: 1,
		holdSpeeds: [1],
		stages: [imagineOn(0)],
	});
	return [
		...[1, 10, 30, 50].map(constant),
		{
			scenario: 2,
			title: '',
			size: 10,
			taskMs: 20000,
			upscaleMs: 3000,
			seed: 2,
			holdSpeeds: [1],
			stages: [imagineOn(0), upscaleOn(0)],
		},
		{
			scenario: 3,
			title: '',
			size: 30,
			taskMs: 8000,
			spread: 0.6,
			seed: 3,
			holdSpeeds: [1],
			stages: [imagineOn(0)],
		},
		{
			scenario: 4,
			title: '',
			size: 10,
			taskMs: 6000,
			seed: 4,
			holdSpeeds: [1, 3],
			stages: [imagineOn(0), imagineOn(1)],
		},
		...[undefined, 3, 1 / 3].map(
			(warmedBySpeed): ScenarioRow => ({
				scenario: 5,
				title: '',
				size: 10,
				taskMs: 6000,
				seed: 5,
				holdSpeeds: [1],
				stages: [imagineOn(0)],
				warmedBySpeed,
			}),
		),
	];
}

/** Scenario 6: Midjourney's own pace. */
function realTimescaleRow(): ScenarioRow {
	return {
		scenario: 6,
		title: '',
		size: 30,
		taskMs: 45000,
		upscaleMs: 6000,
		spread: 0.25,
		seed: 6,
		holdSpeeds: [1],
		stages: [imagineOn(0), upscaleOn(0)],
	};
}

const QUICK_TIME_FACTOR = 0.4;

const s = (ms: number) => `${+(ms / 1000).toFixed(1)} s`;

/** What a row runs, in words: kinds, times, holds, N. */
export function titleOf(row: Omit<ScenarioRow, 'title'>): string {
	const n = `N = ${row.size}${row.holdSpeeds.length > 1 ? ' each' : ''}`;
	const spread = row.spread ? `, log-normal spread ${row.spread}` : '';
	if (row.scenario === 2 || row.scenario === 6) {
		return `${row.scenario === 6 ? 'real timescale: ' : ''}Imagine → Upscale Image 1, grids ${s(row.taskMs)}${spread}, upscales ${s(row.upscaleMs as number)}, ${n}`;
	}
	if (row.scenario === 3) return `varying run times, median ${s(row.taskMs)}${spread}, ${n}`;
	if (row.scenario === 4) {
		return `two holds in one execution: fast (${s(row.taskMs)}) then relax (×${row.holdSpeeds[1]} = ${s(row.taskMs * row.holdSpeeds[1])}), ${n}`;
	}
	if (row.scenario === 5 && row.warmedBySpeed !== undefined) {
		return `warmed by a batch at ${s(row.taskMs * row.warmedBySpeed)}, then ${s(row.taskMs)}, ${n}`;
	}
	if (row.scenario === 5) return `fresh n8n, ${s(row.taskMs)}, ${n}`;
	return `constant run time ${s(row.taskMs)}, ${n}`;
}

/** Smoke run in under three minutes: every scenario but 6, shorter jobs, smaller batches, a 2-second interval. */
function quickRows(): ScenarioRow[] {
	return standardRows()
		.filter((row) => row.scenario !== 1 || row.size <= 10)
		.map((row) => {
			const quick = {
				...row,
				size: Math.min(row.size, row.scenario === 3 ? 12 : 6),
				taskMs: Math.round(row.taskMs * QUICK_TIME_FACTOR),
				upscaleMs: row.upscaleMs === undefined ? undefined : Math.round(row.upscaleMs * QUICK_TIME_FACTOR),
			};
			return { ...quick, title: titleOf(quick) };
		});
}

export function presetSettings(preset: Preset): PresetSettings {
	const base = { concurrency: 3, requestsPerSecond: 3 };
	if (preset === 'quick') return { ...base, intervalS: 2, rows: quickRows() };
	const rows = preset === 'full' ? [...standardRows(), realTimescaleRow()] : standardRows();
	return { ...base, intervalS: 5, rows: rows.map((row) => ({ ...row, title: titleOf(row) })) };
}
