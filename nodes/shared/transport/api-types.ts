import type { IDataObject } from 'n8n-workflow';

import type { TaskState } from './task-status';

export interface TaskComponent extends IDataObject {
	custom_id: string;
	label?: string;
}

/** GET /fetch/{task_id}, parsed leniently: unknown fields are kept. */
export interface Task extends IDataObject {
	task_id: string;
	/** As LinkrAPI reports it, for the output; unknown values are allowed. */
	status: string;
	/** What the status means, decided once by the response guard. Never output. */
	state: TaskState;
	action?: string;
	progress?: number | null;
	prompt?: string | null;
	image_url?: string | null;
	images?: string[];
	components?: TaskComponent[] | null;
	error?: string | null;
	created_at?: string | null;
}

/** POST /imagine and POST /action. */
export interface SubmitResponse extends IDataObject {
	task_id: string;
	status?: string;
	message?: string;
}

/** GET /info: every value in `data` is a string. */
export interface AccountInfo extends IDataObject {
	status?: string;
	data: Record<string, string>;
}
