import type { IDataObject } from 'n8n-workflow';

import type { AccountInfo } from '../../../shared/transport';

/** "H:MM:SS" (or "MM:SS") → seconds; null for anything else, e.g. "unlimited". */
export function durationToSeconds(text: string | undefined): number | null {
	if (!text || !/^\d+(:\d{1,2}){1,2}$/.test(text.trim())) return null;
	return text
		.trim()
		.split(':')
		.reduce((total, part) => total * 60 + Number(part), 0);
}

function toInteger(text: string | undefined): number | null {
	if (text === undefined) return null;
	const digits = text.replace(/[,\s]/g, '');
	return /^\d+$/.test(digits) ? Number(digits) : null;
}

const COUNTERS = [
	'lifetime_usage',
	'fast_usage',
	'turbo_usage',
	'relaxed_usage',
	'queued_jobs_fast',
	'queued_jobs_relax',
	'running_jobs',
];

/** Keeps every string LinkrAPI sent and adds numbers a workflow can compare (IF node, Switch). */
export function accountInfoToJson(info: AccountInfo): IDataObject {
	const parsed: IDataObject = {
		fast_time_remaining_seconds: durationToSeconds(info.data.fast_time_remaining),
	};
	for (const counter of COUNTERS) parsed[counter] = toInteger(info.data[counter]);
	return { ...info, parsed };
}
