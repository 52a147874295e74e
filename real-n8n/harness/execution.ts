/** The parts of n8n's execution data (IRun / IRunExecutionData) that the tests read. */

export interface BinaryMeta {
	/** `filesystem-v2:…` in filesystem mode; absent in the deprecated in-memory mode, which keeps `data` inline. */
	id?: string;
	data?: string;
	mimeType: string;
	fileName?: string;
	fileExtension?: string;
	fileType?: string;
	/** Human-readable ("1.2 kB"); use N8nClient.readBinary for the bytes. */
	fileSize?: string;
	bytes?: number;
	/**
	 * Set by the harness, not n8n: where n8n 1.x moved a file it first stored under `executions/temp/` (see
	 * N8nClient.getExecution). N8nClient.readBinary tries it when `id` is not found.
	 */
	movedId?: string;
}

export interface ExecutionItem {
	json: Record<string, unknown>;
	binary?: Record<string, BinaryMeta>;
	pairedItem?: { item: number } | Array<{ item: number }>;
	error?: ExecutionError;
}

export interface ExecutionError {
	message: string;
	description?: string | null;
	name?: string;
	httpCode?: string | null;
	node?: { name: string; type: string };
	context?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface TaskData {
	executionStatus?: string;
	executionTime?: number;
	error?: ExecutionError;
	data?: { main?: Array<ExecutionItem[] | null> };
}

export interface Execution {
	id: string;
	workflowId: string;
	/** success | error | crashed | canceled | waiting | running | new */
	status: string;
	finished: boolean;
	mode: string;
	startedAt?: string;
	stoppedAt?: string;
	data: {
		resultData: {
			runData: Record<string, TaskData[]>;
			error?: ExecutionError;
			lastNodeExecuted?: string;
		};
		waitTill?: string;
	};
}

/**
 * n8n 1.x on SQLite without a connection pool saves an execution's status and its data in two writes, status first, so
 * a read in between sees the final status with the data of an earlier save (a resumed node's run missing, or the
 * pause still set). True once an ended execution's data is its final data; any other state is taken as read.
 */
/** An execution that will not change any more: not new, running, or waiting for a resume. */
export function hasEnded(status: string): boolean {
	return !['new', 'running', 'waiting'].includes(status);
}

export function dataCaughtUp(execution: Execution): boolean {
	if (execution.status !== 'success' && execution.status !== 'error') return true;
	const { resultData, waitTill } = execution.data;
	if (waitTill) return false;
	const last = resultData.lastNodeExecuted;
	return last === undefined || (resultData.runData[last]?.length ?? 0) > 0;
}

/** The items a node output on its `outputIndex` output in its last run (`runIndex` -1), or [] if it did not run. */
export function nodeOutput(execution: Execution, nodeName: string, runIndex = -1, outputIndex = 0): ExecutionItem[] {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs || runs.length === 0) return [];
	const run = runs.at(runIndex);
	return run?.data?.main?.[outputIndex] ?? [];
}

/** The error a node ended with (undefined when it succeeded or did not run). */
export function nodeError(execution: Execution, nodeName: string): ExecutionError | undefined {
	return execution.data.resultData.runData[nodeName]?.at(-1)?.error;
}

/** The error that ended the execution (undefined for a successful one). */
export function executionError(execution: Execution): ExecutionError | undefined {
	return execution.data.resultData.error;
}

/** Names of the nodes that ran, in the order n8n recorded them. */
export function executedNodes(execution: Execution): string[] {
	return Object.keys(execution.data.resultData.runData);
}

/** One line per node with its status and error, for assertion messages. */
export function describeExecution(execution: Execution): string {
	const lines = [`execution ${execution.id}: ${execution.status}`];
	const error = executionError(execution);
	if (error) lines.push(`  error: ${error.message}${error.description ? ` (${error.description})` : ''}`);
	for (const [name, runs] of Object.entries(execution.data.resultData.runData)) {
		for (const run of runs) {
			const items = run.data?.main?.[0]?.length ?? 0;
			lines.push(
				`  ${name}: ${run.executionStatus ?? '?'}, ${items} item(s)` +
					(run.error ? `, error: ${run.error.message} ${run.error.description ?? ''}` : ''),
			);
		}
	}
	return lines.join('\n');
}

/** Throws with the node errors when the execution did not end with `status` (clearer than a bare toBe). */
export function assertExecutionStatus(execution: Execution, status: string): void {
	if (execution.status !== status) {
		throw new Error(`Expected the execution to end "${status}", got:\n${describeExecution(execution)}`);
	}
}
