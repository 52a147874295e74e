/** `GET /v1/info`: a plausible Midjourney `/info` reply for a key, with live queue counters. All values are strings. */
import type { InfoResponse } from './contract';
import { PRO_PLAN_CONCURRENCY, type Hold } from './holds';
import type { TaskStore } from './tasks';

/** Fast hours of a Standard plan, minus one simulated GPU minute per task of the key. */
const FAST_SECONDS = 15 * 3600;
const SECONDS_PER_TASK = 60;

function userId(key: string): string {
	let digits = '';
	for (let i = 0; digits.length < 18; i++) digits += String(key.charCodeAt(i % key.length) % 10);
	return `1${digits.slice(1)}`;
}

function hoursMinutesSeconds(seconds: number): string {
	const s = Math.max(0, seconds);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** The hold's mode and slots shape the reply: `job_mode`, the plan, and which queue counter holds its waiting jobs. */
export function accountInfo(store: TaskStore, key: string, hold: Pick<Hold, 'mode' | 'concurrency'>): InfoResponse {
	const tasks = store.all().filter((task) => task.key === key).length;
	const { running, queued } = store.load(key);
	const relax = hold.mode === 'relax';
	return {
		status: 'SUCCESS',
		data: {
			user_id: userId(key),
			subscription: hold.concurrency >= PRO_PLAN_CONCURRENCY ? 'Pro' : 'Standard',
			job_mode: hold.mode,
			visibility_mode: 'public',
			fast_time_remaining: hoursMinutesSeconds(FAST_SECONDS - tasks * SECONDS_PER_TASK),
			lifetime_usage: String(1234 + tasks),
			fast_usage: String(567 + tasks),
			turbo_usage: '12',
			relaxed_usage: '890',
			queued_jobs_fast: String(relax ? 0 : queued),
			queued_jobs_relax: String(relax ? queued : 0),
			running_jobs: String(running),
		},
	};
}
